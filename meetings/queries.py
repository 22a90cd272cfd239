"""The reads behind each meetings page, PDF, download, admin action and API endpoint, each
built once with its joins.

Every public query starts from a model's `public()`; with `preview=True` (officers only,
decided by the view) the unpublished material is included and the page says so. The few
reads of the officers' side (a restricted pack, the admin's actions, the record an API write
answers with) say so in their names or docstrings.
"""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.core.paginator import Paginator
from django.db.models import Count, Func, OuterRef, Prefetch, Q, Subquery, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from delivery_plans import queries as plan_queries
from delivery_plans.models import Action, ActionUpdate, Plan, Section
from delivery_plans.queries import with_current_status
from meetings import outstanding
from meetings.models import (
    ActionPoint,
    ActionPointNote,
    AgendaItem,
    AgendaPack,
    Attendance,
    Committee,
    Declaration,
    Document,
    Meeting,
    Membership,
    Minute,
    Report,
    Resolution,
    WorkProgrammeItem,
    WrittenQuestion,
)
from outcomes.models import Measure, Observation, Outcome
from safer_norfolk.models import Organisation, Person
from safer_norfolk.queries import public_key, public_keys
from safer_norfolk.text import paragraphs, render_markdown


def committees():
    now = timezone.now()
    public_meetings = Meeting.objects.public().filter(committee=OuterRef("pk"))
    return Committee.objects.select_related("parent", "partnership").annotate(
        meeting_count=count_of(public_meetings),
        next_meeting_at=Subquery(
            public_meetings.filter(starts_at__gte=now)
            .exclude(status=Meeting.Status.CANCELLED)
            .order_by("starts_at")
            .values("starts_at")[:1]
        ),
        open_action_count=count_of(
            ActionPoint.objects.public().open().filter(committee=OuterRef("pk"))
        ),
    )


def count_of(rows):
    """The number of `rows`, a queryset filtered on an OuterRef, as an annotation: counts of
    public records start from the model's public() like every other public query."""
    # COUNT as a plain function: an aggregate would make Django group the subquery by pk.
    return Coalesce(Subquery(rows.order_by().values(n=Func("pk", function="COUNT"))), 0)


def current_memberships(committee, on=None):
    on = on or timezone.localdate()
    return (
        committee.memberships.filter(Q(start_date__isnull=True) | Q(start_date__lte=on))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .select_related("person", "representing", "substitute_for__person")
        .order_by("order", "pk")
    )


def members_with_substitutes(committee, on=None):
    """The committee's members on the day `on` (default today), in order, each with the
    substitutes named for them: [(membership, [substitute memberships])]. A substitute named
    for no one is listed as a member; standing officers are not members."""
    memberships = list(current_memberships(committee, on=on).exclude(role=Membership.Role.OFFICER))
    substitutes = {}
    for membership in memberships:
        if membership.role == Membership.Role.SUBSTITUTE and membership.substitute_for_id:
            substitutes.setdefault(membership.substitute_for_id, []).append(membership)
    return [
        (membership, substitutes.get(membership.pk, []))
        for membership in memberships
        if membership.role != Membership.Role.SUBSTITUTE or not membership.substitute_for_id
    ]


# The columns of a meeting that a row of meetings shows: its address (the committee's slug,
# its day), its date and time, and its status tag.
MEETING_ROW = (
    "committee",
    "starts_at",
    "start_time_known",
    "status",
    "agenda_status",
    "minutes_status",
)


def open_action_points(committee):
    """The committee's open action points, with the columns their table shows."""
    return (
        ActionPoint.objects.public()
        .open()
        .filter(committee=committee)
        .select_related("meeting__committee", "owner_person", "owner_organisation")
        .only(
            "reference",
            "title",
            "description",
            "owner_text",
            "corrected_at",
            "due_date",
            "status",
            "response",
            "meeting__starts_at",
            "meeting__committee__slug",
            "owner_person__honorific",
            "owner_person__name",
            "owner_organisation__name",
            "owner_organisation__short_name",
        )
        .order_by("sort_key")
    )


@dataclass
class CommitteePage:
    committee: Committee
    main_members: list = field(default_factory=list)
    upcoming: list = field(default_factory=list)
    past: object = None  # a Page of past meetings
    work_programme: list = field(default_factory=list)
    open_actions: list = field(default_factory=list)  # at most OPEN_ACTIONS_SHOWN
    more_open_actions: bool = False
    since: object = None  # SinceLastMeeting


PAST_MEETINGS_PER_PAGE = 50
# The committee page lists this many open action points; the outstanding page, filtered by
# the committee, pages through them all.
OPEN_ACTIONS_SHOWN = 50


def committee_page(slug, past_page=None):
    """The committee, its members, its upcoming meetings, one page of its past meetings
    (newest first; `past_page` as given in the address), its programme and open actions."""
    committee = (
        Committee.objects.select_related("parent", "partnership", "contact")
        .filter(slug=slug)
        .first()
    )
    if committee is None:
        raise Http404("No such committee.")
    main_members = members_with_substitutes(committee)
    now = timezone.now()
    # Through the committee's own manager, each meeting's `committee` is the committee already
    # read: no join, and no copy of it made for each of the meetings listed.
    meetings = committee.meetings.public().only(*MEETING_ROW)
    upcoming = list(meetings.upcoming(now))
    open_actions = list(open_action_points(committee)[: OPEN_ACTIONS_SHOWN + 1])
    past = Paginator(meetings.past(now), PAST_MEETINGS_PER_PAGE).get_page(past_page)
    return CommitteePage(
        committee=committee,
        main_members=main_members,
        upcoming=upcoming,
        past=past,
        since=since_last_meeting(committee, now=now, known=_known_bounds(upcoming, past)),
        work_programme=list(
            WorkProgrammeItem.objects.public()
            .filter(committee=committee)
            .exclude(status=WorkProgrammeItem.Status.CONSIDERED)
            # A target meeting whose agenda is not yet published is neither linked nor dated.
            .prefetch_related(
                Prefetch(
                    "meeting",
                    queryset=Meeting.objects.public()
                    .select_related("committee")
                    .only("starts_at", "committee__slug"),
                )
            )
            .order_by("order", "pk")
        ),
        open_actions=open_actions[:OPEN_ACTIONS_SHOWN],
        more_open_actions=len(open_actions) > OPEN_ACTIONS_SHOWN,
    )


def local_day(date):
    """The instants a local calendar day spans, [start, end): a range on `starts_at` reads
    the committee's meetings index for that day alone, where `starts_at__date` converts every
    meeting of the committee to local time to compare it."""
    start = timezone.make_aware(datetime.datetime.combine(date, datetime.time.min))
    end = timezone.make_aware(
        datetime.datetime.combine(date + datetime.timedelta(days=1), datetime.time.min)
    )
    return start, end


def meeting_for(slug, date, *, preview=False):
    if date >= datetime.date.max:
        raise Http404("No published meeting of this committee on that date.")
    meetings = Meeting.objects.all() if preview else Meeting.objects.public()
    day_start, day_end = local_day(date)
    meeting = (
        meetings.select_related(
            "committee__partnership", "minutes_confirmed_at_meeting__committee", "signed_by"
        )
        .filter(committee__slug=slug, starts_at__gte=day_start, starts_at__lt=day_end)
        .order_by("starts_at")
        .first()
    )
    if meeting is None:
        raise Http404("No published meeting of this committee on that date.")
    return meeting


@dataclass
class MeetingPage:
    meeting: Meeting
    preview: bool
    agenda: list
    minutes_visible: bool
    present: list = field(default_factory=list)  # everyone present, in the minutes' order
    apologies: list = field(default_factory=list)
    declarations: list = field(default_factory=list)
    minutes: list = field(default_factory=list)
    action_points: list = field(default_factory=list)
    questions: list = field(default_factory=list)
    confirms: list = field(default_factory=list)
    pack: object = None  # the latest public AgendaPack request, ready or not
    ready_pack: object = None  # the pack built for the content as it is now
    references: str = ""  # whose page numbers the agenda shows: "pack", "published" or none

    @property
    def present_groups(self):
        """Who was present, under the headings the minutes print: members under "Present",
        then the committee's own groups in order ("Board", "Members", "Guests"), then
        everyone else under "Also in attendance"; empty headings left out."""
        return _grouped(
            self.present,
            before=[("Present", lambda a: a.is_member)],
            after=[("Also in attendance", lambda a: not a.is_member)],
        )

    @property
    def apology_groups(self):
        """Apologies as minutes print them: from named members, then substitute members,
        then the committee's own groups in order, then anyone else (officers, guests);
        empty groups left out."""
        return _grouped(
            self.apologies,
            before=[
                ("From named members", lambda a: a.capacity == Attendance.Capacity.MEMBER),
                ("From substitute members", lambda a: a.capacity == Attendance.Capacity.SUBSTITUTE),
            ],
            after=[("From others", lambda a: not a.is_member)],
        )

    @property
    def records_no_declarations(self):
        """True only when the minutes record a declarations item and no declaration was
        made: "No interests were declared" is then what the record says, never a default."""
        if self.declarations:
            return False
        items = {item.pk for item in self.agenda if item.kind == AgendaItem.Kind.DECLARATIONS}
        return any(minute.agenda_item_id in items for minute in self.minutes)


def _grouped(attendances, *, before, after):
    """[(heading, rows)]: rows in one of the committee's attendance groups under its label,
    in the groups' order, between the headings `before` and `after` that take the rows in no
    group ((label, test) pairs: each row under the first whose test it passes)."""
    labelled = {}
    for attendance in attendances:
        if attendance.group_id:
            group = attendance.group
            labelled.setdefault((group.order, group.pk, group.label), []).append(attendance)
    ungrouped = [attendance for attendance in attendances if not attendance.group_id]
    headings = []
    for label, test in [*before, *after]:
        rows = [attendance for attendance in ungrouped if test(attendance)]
        ungrouped = [attendance for attendance in ungrouped if not test(attendance)]
        headings.append((label, rows))
    own = [(label, rows) for (_order, _pk, label), rows in sorted(labelled.items())]
    listed = headings[: len(before)] + own + headings[len(before) :]
    return [(label, rows) for label, rows in listed if rows]


def with_carried_records(agenda, *, preview=False):
    """The action points each review item brought forward (`carried_points`), each by its
    own public() rule; read only for an agenda that has a review item. (The questions it
    brought forward are on the outstanding page, which the item links to.)"""
    reviews = [item for item in agenda if item.kind == AgendaItem.Kind.ACTION_REVIEW]
    for item in agenda:
        if item.kind != AgendaItem.Kind.ACTION_REVIEW:
            item.carried_points = []
    if not reviews:
        return
    points = ActionPoint.objects.all() if preview else ActionPoint.objects.public()
    prefetch_related_objects(
        reviews,
        Prefetch(
            "carried_action_points",
            queryset=points.select_related(
                "meeting__committee", "owner_person", "owner_organisation"
            ).order_by("meeting__starts_at", "sort_key"),
            to_attr="carried_points",
        ),
    )


def meeting_page(slug, date, *, preview=False):
    return meeting_page_for(meeting_for(slug, date, preview=preview), preview=preview)


def with_pack_references(page):
    """The page's pack and each agenda item's page number (`pack_page_number`). One source
    of page numbers: those of the pack built for the content as it is now, or, until there
    is one, those printed in the pack published at the time (`pack_page`, taken from imported
    papers), which the page labels as such (`references`)."""
    from meetings import services

    packs = list(
        AgendaPack.objects.filter(meeting=page.meeting, restricted=False).order_by("-requested_at")[
            :5
        ]
    )
    page.pack = packs[0] if packs else None
    page.ready_pack = services.current_pack(page.meeting, page.agenda, packs=packs)
    for item in page.agenda:
        item.pack_page_number = (
            page.ready_pack.item_pages.get(str(item.pk)) if page.ready_pack else None
        )
    if page.ready_pack:
        page.references = "pack"
    elif any(item.pack_page for item in page.agenda):
        page.references = "published"


def meeting_page_for(meeting, *, preview=False):
    """The page of a meeting already read (public, unless `preview`)."""
    documents = (Document.objects.all() if preview else Document.objects.public()).listed()
    items = (
        AgendaItem.objects.filter(meeting=meeting)
        if preview
        else AgendaItem.objects.public().filter(meeting=meeting)
    )
    reports = Report.objects.all() if preview else Report.objects.public()
    agenda = list(
        items.order_by("sort_key")
        .select_related("lead")
        .prefetch_related(
            Prefetch("documents", queryset=documents.order_by("order", "pk"), to_attr="papers"),
            Prefetch(
                "reports",
                queryset=reports.only("pk", "agenda_item_id", "title", "status").order_by(
                    "order", "pk"
                ),
                to_attr="report_list",
            ),
        )
    )
    with_carried_records(agenda, preview=preview)
    minutes_visible = meeting.minutes_are_public or (preview and meeting.minutes.exists())
    page = MeetingPage(
        meeting=meeting,
        preview=preview,
        agenda=agenda,
        minutes_visible=minutes_visible,
    )
    confirmed_here = Meeting.objects.all() if preview else Meeting.objects.public()
    page.confirms = list(
        confirmed_here.filter(minutes_confirmed_at_meeting=meeting)
        .select_related("committee")
        .only("starts_at", "committee__slug")
    )
    if not minutes_visible:
        return page

    def visible(model):
        """The meeting's records of `model`: all of them for an officer's preview, otherwise
        those its public() rule lets out (never those of an exempt item)."""
        rows = model.objects.all() if preview else model.objects.public()
        return rows.filter(meeting=meeting)

    attendances = (
        visible(Attendance)
        .select_related("person__organisation", "substitute_for", "group")
        .order_by("order", "pk")
    )
    attendances = list(attendances)
    # "Substituted by" names only a substitute who attended in that member's place: one who
    # sent apologies too substituted for no one.
    stood_in_for = {
        a.substitute_for_id: a.person
        for a in attendances
        if a.substitute_for_id
        and a.status == Attendance.Status.PRESENT
        and a.capacity == Attendance.Capacity.SUBSTITUTE
    }
    for attendance in attendances:
        attendance.substituted_by = stood_in_for.get(attendance.person_id)
        if attendance.status == Attendance.Status.APOLOGIES:
            page.apologies.append(attendance)
        elif attendance.status == Attendance.Status.PRESENT:
            page.present.append(attendance)
    page.declarations = list(
        visible(Declaration).select_related("person", "agenda_item").order_by("pk")
    )
    page.minutes = list(
        visible(Minute)
        .order_by("sort_key")
        .prefetch_related(
            # A list, not a queryset Django would make for each minute.
            Prefetch(
                "resolutions",
                queryset=Resolution.objects.order_by("order", "pk"),
                to_attr="resolution_list",
            )
        )
    )
    page.action_points = list(
        visible(ActionPoint)
        # The minute for the printed minutes' "(minute 4)", and the meeting a point is due at
        # for their "Due"; the meeting that closed a point is shown by neither.
        .select_related("owner_person", "owner_organisation", "minute", "due_meeting")
        .prefetch_related(progress_notes())
        .order_by("sort_key")
    )
    page.questions = list(
        visible(WrittenQuestion)
        .select_related("agenda_item", "asked_by", "addressed_to", "responded_by")
        .prefetch_related(cited_actions())
        .order_by("number")
    )
    return page


def cited_actions():
    """The published plan actions a question cites, with their current RAG and distance."""
    return Prefetch(
        "plan_actions",
        queryset=with_current_status(Action.objects.public())
        .select_related("plan")
        .order_by("plan__title", "sort_key"),
        to_attr="cited_actions",
    )


def public_document(pk):
    document = Document.objects.public().filter(pk=pk).first()
    if document is None:
        raise Http404("No such public document.")
    return document


def paper_page(pk):
    """A public paper for its web page: its text page by page, with the meeting, committee
    (whose contact is named for other formats) and agenda item it belongs to."""
    document = (
        Document.objects.public()
        .select_related("meeting__committee__partnership", "agenda_item")
        .defer("text", "search_vector")
        .filter(pk=pk)
        .first()
    )
    if document is None:
        raise Http404("No such public document.")
    return document


class QuestionStatus:
    AWAITING = "awaiting"
    OVERDUE = "overdue"
    ANSWERED = "answered"
    CHOICES = [(AWAITING, "Awaiting response"), (OVERDUE, "Overdue"), (ANSWERED, "Answered")]


def written_questions(status=None, today=None):
    """Public written questions, newest meeting first, with counts for each status and
    `listed`, the number of questions the status given lists (read with the counts, so the
    list's pages need no count of their own)."""
    today = today or timezone.localdate()
    base = WrittenQuestion.objects.public()
    # Counted by `status` (never empty), not by id: the counts then read
    # question_public_counts_idx alone (an index-only scan), where counting ids read every
    # public question's row (a county's: 15 → 6 ms). Django refuses COUNT(*) with a filter.
    counts = base.aggregate(
        every=Count("status"),
        awaiting=Count("status", filter=Q(status=WrittenQuestion.Status.AWAITING)),
        overdue=Count(
            "status", filter=Q(status=WrittenQuestion.Status.AWAITING, response_due__lt=today)
        ),
        answered=Count("status", filter=Q(status=WrittenQuestion.Status.ANSWERED)),
    )
    questions = base.select_related(
        "meeting__committee", "addressed_to", "responded_by", "asked_by"
    ).prefetch_related(cited_actions())
    if status == QuestionStatus.AWAITING:
        questions = questions.awaiting()
    elif status == QuestionStatus.OVERDUE:
        questions = questions.overdue(today)
    elif status == QuestionStatus.ANSWERED:
        questions = questions.filter(status=WrittenQuestion.Status.ANSWERED)
    counts["listed"] = counts[status] if status in dict(QuestionStatus.CHOICES) else counts["every"]
    return questions.order_by("-meeting__starts_at", "number"), counts


def home_meetings(limit=5):
    now = timezone.now()
    public = Meeting.objects.public().select_related("committee__partnership")
    return {
        "upcoming": list(public.upcoming(now)[:limit]),
        "recent_minutes": list(
            Meeting.objects.with_public_minutes()
            .select_related("committee__partnership")
            .order_by("-starts_at")[:limit]
        ),
    }


def home_page(limit=5):
    """What the home page shows: upcoming meetings, recently published minutes, how much is
    outstanding (counted from the outstanding page's own statements, so the two always agree) and
    each published plan's progress. The same few queries whatever the data."""
    every, overdue = outstanding.tally()
    return {
        **home_meetings(limit),
        "outstanding_counts": [(kind, label, every[kind]) for kind, label in outstanding.KINDS],
        "outstanding_total": every.total(),
        "overdue_total": overdue,
        "plan_progress": plan_queries.plan_progress(),
    }


# --- the decisions register and the calendar month ------------------------------------------

DECISIONS_PER_PAGE = 50
# The register pages through the newest this many decisions of a search; the committee and
# date filters reach older ones. Counting every public decision of a county's twenty years
# (133,000) took a quarter of a second of every request, for pages no one turns to.
REGISTER_LIMIT = 1000


class NewestPaginator(Paginator):
    """Pages of the first `limit` rows of a list ordered newest first. The count stops
    there: `more` says the list holds more than that."""

    def __init__(self, object_list, per_page, limit):
        super().__init__(object_list, per_page)
        self.limit = limit

    @cached_property
    def found(self):
        """The rows up to limit + 1, read as keys in the list's own order, so the database
        walks back from the newest and stops."""
        return len(self.object_list.values_list("pk", flat=True)[: self.limit + 1])

    @cached_property
    def count(self):
        return min(self.found, self.limit)

    @property
    def more(self):
        return self.found > self.limit


DECISIONS_IN_FEED = 50


def decisions():
    """Every resolution of public minutes (Resolution.public: never of draft minutes, of an
    unpublished meeting or of an exempt item), newest meeting first, then in the minutes'
    order, with what each row shows."""
    return (
        Resolution.objects.public()
        .select_related("minute__meeting__committee__partnership")
        .defer("search_vector", "minute__search_vector", "minute__body")
        .order_by("-minute__meeting__starts_at", "minute__sort_key", "order", "pk")
    )


# What each row of the decisions CSV reads.
DECISION_CSV_FIELDS = (
    "verb",
    "text",
    "corrected_at",
    "minute__number",
    "minute__heading",
    "minute__meeting__starts_at",
    "minute__meeting__committee__slug",
    "minute__meeting__committee__name",
)


def committees_for_filter():
    """The committees a filter offers, by name."""
    return Committee.objects.only("pk", "slug", "name").order_by("name")


@dataclass
class CalendarDay:
    date: datetime.date
    in_month: bool
    meetings: list = field(default_factory=list)


@dataclass
class CalendarMonth:
    month: datetime.date  # its first day
    weeks: list  # [[CalendarDay] × 7], Monday first
    meetings: list  # the month's own public meetings, in order
    previous: datetime.date
    next: datetime.date


def calendar_month(month):
    """The public meetings (Meeting.public, cancelled ones included and marked by the page)
    of the weeks, Monday to Sunday, that hold the month whose first day is `month`, each on
    its day in Europe/London."""
    first = month.replace(day=1)
    following = (first + datetime.timedelta(days=31)).replace(day=1)
    grid_start = first - datetime.timedelta(days=first.weekday())
    grid_end = following + datetime.timedelta(days=(7 - following.weekday()) % 7)
    start, _ = local_day(grid_start)
    end, _ = local_day(grid_end)
    meetings = list(
        Meeting.objects.public()
        .select_related("committee__partnership")
        .filter(starts_at__gte=start, starts_at__lt=end)
        .order_by("starts_at", "committee__name")
    )
    days = {}
    day = grid_start
    while day < grid_end:
        days[day] = CalendarDay(date=day, in_month=first <= day < following)
        day += datetime.timedelta(days=1)
    for meeting in meetings:
        days[meeting.local_date].meetings.append(meeting)
    ordered = list(days.values())
    return CalendarMonth(
        month=first,
        weeks=[ordered[i : i + 7] for i in range(0, len(ordered), 7)],
        meetings=[meeting for meeting in meetings if first <= meeting.local_date < following],
        previous=(first - datetime.timedelta(days=1)).replace(day=1),
        next=following,
    )


SINCE_LIMIT = 100  # rows per list; the page says when there are more


@dataclass
class SinceLastMeeting:
    """What changed for a committee between two of its meetings. Each list holds at most
    `limit` rows; `more` names the lists that were cut short."""

    committee: Committee
    start: object  # the previous meeting (or None)
    end: object  # the meeting it leads up to (or None: up to today)
    raised: list = field(default_factory=list)
    closed: list = field(default_factory=list)
    answered: list = field(default_factory=list)
    updates: list = field(default_factory=list)
    observations: list = field(default_factory=list)
    more: set = field(default_factory=set)
    limit: int = SINCE_LIMIT

    def keep(self, name, queryset):
        """Set list `name` to the first `limit` rows of `queryset`, noting if there are more."""
        rows = list(queryset[: self.limit + 1])
        if len(rows) > self.limit:
            self.more.add(name)
        setattr(self, name, rows[: self.limit])

    @property
    def is_empty(self):
        return not (
            self.raised or self.closed or self.answered or self.updates or self.observations
        )


def _held(meetings):
    """The first of `meetings` that was not cancelled, or None."""
    return next((m for m in meetings if m.status != Meeting.Status.CANCELLED), None)


def _known_bounds(upcoming, past):
    """(previous, next) meetings for "since the last meeting", read off the committee page's
    own lists where they settle it: every upcoming meeting, and the first page of past ones,
    newest first. The previous meeting is None (not known) when past meetings are shown from
    a later page, or the first page holds only cancelled ones and more pages follow."""
    previous = _held(past) if past.number == 1 else None
    if previous is None and (past.number != 1 or past.has_next()):
        return None
    return previous, _held(upcoming)


def since_last_meeting(committee, *, before=None, today=None, now=None, known=None):
    """Changes since the committee's last public meeting: up to `before` (a meeting, for its
    agenda pack) or, without one, up to the next meeting or today. `known` is (previous,
    next) when the caller has already found those meetings, as the committee page has."""

    now = now or timezone.now()
    today = today or timezone.localdate(now)
    if known is not None:
        start, end = known
    else:
        meetings = (
            Meeting.objects.public()
            .filter(committee=committee)
            .exclude(status=Meeting.Status.CANCELLED)
            .select_related("committee")
        )
        if before is not None:
            start = meetings.filter(starts_at__lt=before.starts_at).order_by("-starts_at").first()
            end = before
        else:
            start = meetings.filter(starts_at__lt=now).order_by("-starts_at").first()
            end = meetings.filter(starts_at__gte=now).order_by("starts_at").first()
    since = SinceLastMeeting(committee=committee, start=start, end=end, limit=SINCE_LIMIT)
    if start is None:
        return since
    first_day = start.local_date
    last_day = end.local_date if end else today
    # Each list reads the columns its lines show (here and in the agenda pack's PDF), their
    # addresses' included.
    points = (
        ActionPoint.objects.public()
        .filter(committee=committee)
        .select_related("meeting__committee")
        .only(
            "reference",
            "description",
            "response",
            "closed_on",
            "closed_day_given",
            "meeting__starts_at",
            "meeting__committee__slug",
        )
    )
    since.keep("raised", points.filter(meeting=start).order_by("sort_key", "pk"))
    since.keep(
        "closed",
        points.filter(
            status=ActionPoint.Status.CLOSED, closed_on__gte=first_day, closed_on__lte=last_day
        ).order_by("sort_key", "pk"),
    )
    since.keep(
        "answered",
        WrittenQuestion.objects.public()
        .filter(
            meeting__committee=committee,
            status=WrittenQuestion.Status.ANSWERED,
            responded_on__gte=first_day,
            responded_on__lte=last_day,
        )
        .select_related("meeting__committee")
        .only("number", "responded_on", "meeting__starts_at", "meeting__committee__slug")
        .order_by("responded_on", "meeting__starts_at", "number", "pk"),
    )
    # The partnership's plans and those on the committee's agendas: the agenda items are read
    # by meeting, so only this committee's are looked at.
    on_agendas = AgendaItem.objects.filter(meeting__committee=committee, plan__isnull=False).values(
        "plan_id"
    )
    plans = Plan.objects.public().filter(
        Q(organisation_id=committee.partnership_id) | Q(pk__in=on_agendas)
    )
    # The keys first, as a list: a join through every plan action and section of every plan
    # multiplies the rows, and as a subquery PostgreSQL planned it again for each use.
    plan_ids = list(plans.values_list("pk", flat=True))
    if not plan_ids:
        return since
    since.keep(
        "updates",
        ActionUpdate.objects.public()
        .filter(action__plan__in=plan_ids, reported_on__gte=first_day, reported_on__lte=last_day)
        .select_related("action__plan")
        .only(
            "reported_on",
            "day_given",
            "rag",
            "action__number",
            "action__plan__title",
            "action__plan__slug",
        )
        .order_by("reported_on", "action__plan__title", "action__sort_key", "pk"),
    )
    # The measures of the outcomes the plans' actions and sections report against: two
    # subqueries, one for each link, each read once and looked up by hash as the figures are
    # read by period end (one subquery joining both links through Outcome was run again for
    # every figure, and PostgreSQL joins a single subquery to every figure in the period).
    by_actions = Action.outcomes.through.objects.filter(action__plan__in=plan_ids)
    by_sections = Section.outcomes.through.objects.filter(section__plan__in=plan_ids)
    since.keep(
        "observations",
        Observation.objects.public()
        .filter(
            Q(measure__in=Measure.objects.filter(outcome__in=by_actions.values("outcome_id")))
            | Q(measure__in=Measure.objects.filter(outcome__in=by_sections.values("outcome_id"))),
            period_end__gte=first_day,
            period_end__lte=last_day,
        )
        .select_related("measure__outcome__framework", "area")
        .only(
            "period_start",
            "period_end",
            "value",
            "area__name",
            "measure__number",
            "measure__title",
            "measure__unit",
            "measure__outcome__number",
            "measure__outcome__framework__slug",
        )
        # Every tie broken: many figures share a period, and a measure's number is only
        # unique within its outcome.
        .order_by(
            "period_end",
            "measure__outcome__framework__title",
            "measure__outcome__sort_key",
            "measure__sort_key",
            "area__name",
            "pk",
        ),
    )
    return since


ATTENDANCE_MODE = {
    Meeting.Mode.IN_PERSON: "https://schema.org/OfflineEventAttendanceMode",
    Meeting.Mode.ONLINE: "https://schema.org/OnlineEventAttendanceMode",
    Meeting.Mode.HYBRID: "https://schema.org/MixedEventAttendanceMode",
}
EVENT_STATUS = {
    Meeting.Status.CANCELLED: "https://schema.org/EventCancelled",
    Meeting.Status.POSTPONED: "https://schema.org/EventPostponed",
}


def schema_org_event(meeting, url):
    """schema.org Event data for a meeting page, so search engines and calendars read it."""
    locations = []
    if meeting.mode != Meeting.Mode.ONLINE and meeting.venue:
        locations.append({"@type": "Place", "name": meeting.venue, "address": meeting.venue})
    if meeting.mode != Meeting.Mode.IN_PERSON and meeting.livestream_url:
        locations.append({"@type": "VirtualLocation", "url": meeting.livestream_url})
    event = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": f"{meeting.committee.name} meeting",
        "startDate": timezone.localtime(meeting.starts_at).isoformat()
        if meeting.start_time_known
        else meeting.local_date.isoformat(),
        "eventStatus": EVENT_STATUS.get(meeting.status, "https://schema.org/EventScheduled"),
        "eventAttendanceMode": ATTENDANCE_MODE[meeting.mode],
        "url": url,
        "organizer": {"@type": "Organization", "name": meeting.committee.name},
    }
    if meeting.ends_at:
        event["endDate"] = timezone.localtime(meeting.ends_at).isoformat()
    if locations:
        event["location"] = locations[0] if len(locations) == 1 else locations
    return event


# --- the agenda pack and its documents ----------------------------------------------------------


def pack_meeting(pk):
    """A meeting read afresh with what its pack prints of the committee."""
    return Meeting.objects.select_related("committee__partnership", "committee__contact").get(pk=pk)


def agenda_with_papers(meeting, *, restricted=False):
    """The meeting's agenda in order, each item's listed papers read ahead into `papers` and
    its reports into `report_list`: the public ones, or with `restricted` (an officer's full
    pack) every item and paper and every published report."""
    documents = (Document.objects.all() if restricted else Document.objects.public()).listed()
    reports = Report.objects.published() if restricted else Report.objects.public()
    items = (AgendaItem.objects.all() if restricted else AgendaItem.objects.public()).filter(
        meeting=meeting
    )
    return list(
        items.order_by("sort_key").prefetch_related(
            Prefetch("documents", queryset=documents.order_by("order", "pk"), to_attr="papers"),
            Prefetch("reports", queryset=report_parts(reports), to_attr="report_list"),
        )
    )


# --- committee reports --------------------------------------------------------------------


def public_reports_prefetch():
    """An agenda item's public reports, in order, into `report_list`, each with what its
    address needs (its item, meeting and committee): for the item lists the open-data formats
    write (meetings.ocd, meetings.oparl)."""
    return Prefetch(
        "reports",
        queryset=Report.objects.public()
        .select_related("agenda_item__meeting__committee")
        .order_by("order", "pk"),
        to_attr="report_list",
    )


def report_parts(reports):
    """`reports` in their item's order, with what a report's page, PDF and pack pages show."""
    return reports.select_related(
        "template", "responsible_officer", "agenda_item__meeting__committee__partnership"
    ).order_by("order", "pk")


@dataclass
class ReportSection:
    key: str
    heading: str
    number: int | None  # the numbered sections: 1, 2, …
    html: str = ""  # an unnumbered section's text
    paragraphs: list = field(default_factory=list)  # a numbered one's [("1.1", html), …]


def report_sections(report):
    """The report's sections with text, in its template's order: the numbered ones numbered
    in turn, with their top-level paragraphs numbered "1.1", "1.2" as the council's reports
    are; a section left empty is left out (and so not numbered)."""
    sections = []
    for section, number, text in report.written_sections():
        if number is not None:
            sections.append(
                ReportSection(
                    key=section["key"],
                    heading=section["heading"],
                    number=number,
                    paragraphs=[
                        (f"{number}.{position}", render_markdown(part))
                        for position, part in enumerate(paragraphs(text), 1)
                    ],
                )
            )
        else:
            sections.append(
                ReportSection(
                    key=section["key"], heading=section["heading"], number=None,
                    html=render_markdown(text),
                )
            )  # fmt: skip
    return sections


@dataclass
class ReportPage:
    report: Report
    meeting: Meeting
    sections: list
    plans: list
    plan_actions: list
    outcomes: list
    preview: bool = False


def report_page(slug, date, pk, *, preview=False):
    """A report of the meeting on `date` with its sections and the public plans, actions and
    outcomes it concerns: public, or any with `preview` (an officer's look before publishing)."""
    meeting = meeting_for(slug, date, preview=preview)
    reports = Report.objects.all() if preview else Report.objects.public()
    report = report_parts(reports.filter(agenda_item__meeting=meeting, pk=pk)).first()
    if report is None:
        raise Http404("No published report of this meeting here.")
    return page_of_report(report, preview=preview)


def page_of_report(report, *, preview=False, links=True):
    """The report's page; without `links` (its pages in a pack) the plans, actions and
    outcomes it concerns are not read."""
    if not links:
        return ReportPage(
            report=report,
            meeting=report.agenda_item.meeting,
            sections=report_sections(report),
            plans=[],
            plan_actions=[],
            outcomes=[],
        )
    return ReportPage(
        report=report,
        meeting=report.agenda_item.meeting,
        sections=report_sections(report),
        plans=list(report.plans.public().order_by("title")),
        plan_actions=list(
            report.plan_actions.public().select_related("plan").order_by("plan__title", "sort_key")
        ),
        outcomes=list(
            report.outcomes.public().select_related("framework").order_by("framework__title", "sort_key")
        ),
        preview=preview,
    )  # fmt: skip


def open_action_points_before(meeting):
    """The committee's action points that were open when `meeting` began, as they stood then.

    Where a point's history reaches back to the meeting (a record made at or before it
    started), that record says whether it was open and what it said. Otherwise it is worked
    out from the point as it is now: open, or closed on or after the meeting's date, or closed
    at this meeting or a later one, counts as open then. A point closed later therefore stays
    in the log of every earlier meeting, and a pack already built never changes for it."""
    points = list(
        ActionPoint.objects.public()
        .filter(committee=meeting.committee, meeting__starts_at__lt=meeting.starts_at)
        .select_related("meeting", "owner_person", "owner_organisation", "due_meeting")
        .order_by("sort_key", "pk")
    )
    if not points:
        return []
    then = _history_as_of(points, meeting.starts_at)
    day = meeting.local_date
    open_then = []
    for point in points:
        record = then.get(point.pk)
        if record is not None:
            if record.status != ActionPoint.Status.OPEN:
                continue
            point.reference, point.description = record.reference, record.description
            point.due_date = record.due_date
            point.owner_person_id = record.owner_person_id
            point.owner_organisation_id = record.owner_organisation_id
            point.due_meeting_id = record.due_meeting_id
        elif point.status != ActionPoint.Status.OPEN and not _still_open_on(point, meeting, day):
            continue
        open_then.append(point)
    _resolve_owners(open_then)
    return open_then


def _still_open_on(point, meeting, day):
    """Whether a point closed now was still open when `meeting` began, judged by its dates."""
    if point.closed_on is None or point.closed_on >= day:
        return True
    closed_at = point.closed_at_meeting
    return closed_at is not None and closed_at.starts_at >= meeting.starts_at


def _history_as_of(points, moment):
    """Point id -> its last history record made at or before `moment` (one query)."""
    history = ActionPoint.history.model.objects.filter(
        id__in=[point.pk for point in points], history_date__lte=moment
    ).order_by("id", "-history_date", "-history_id")
    latest = {}
    for record in history:
        latest.setdefault(record.id, record)
    return latest


def _resolve_owners(points):
    """Owners and due meetings of points whose recorded ones differ from today's (setting a
    different id drops the one read with the point): one query for each kind that differs,
    none when nothing does."""
    for name, model in [
        ("owner_person", Person),
        ("owner_organisation", Organisation),
        ("due_meeting", Meeting),
    ]:
        relation = ActionPoint._meta.get_field(name)
        missing = [
            point
            for point in points
            if getattr(point, relation.attname) is not None and not relation.is_cached(point)
        ]
        if not missing:
            continue
        found = model.objects.in_bulk({getattr(point, relation.attname) for point in missing})
        for point in missing:
            relation.set_cached_value(point, found.get(getattr(point, relation.attname)))


def minutes_meeting_for(meeting, *, restricted=False):
    """The meeting whose minutes `meeting`'s "minutes" item names: the one whose minutes it
    confirmed, otherwise the committee's meeting just before it that was not cancelled or
    postponed. None when there is none (the committee's first meeting here)."""
    meetings = (Meeting.objects.all() if restricted else Meeting.objects.public()).select_related(
        "committee__partnership", "minutes_confirmed_at_meeting__committee", "signed_by"
    )
    earlier = meetings.filter(committee=meeting.committee, starts_at__lt=meeting.starts_at)
    confirmed = earlier.filter(minutes_confirmed_at_meeting=meeting).order_by("-starts_at").first()
    if confirmed is not None:
        return confirmed
    return (
        earlier.exclude(status__in=[Meeting.Status.CANCELLED, Meeting.Status.POSTPONED])
        .order_by("-starts_at")
        .first()
    )


def previous_meeting_with_minutes(meeting):
    """The meeting the "minutes" item names, when its minutes are public; otherwise None
    (never another meeting's minutes in its place)."""
    named = minutes_meeting_for(meeting)
    return named if named is not None and named.minutes_are_public else None


# --- the committee's downloads ----------------------------------------------------------------


def committee_for(slug):
    """The committee with this slug (its calendar and CSV address), or 404."""
    return get_object_or_404(Committee, slug=slug)


def committee_action_points(committee, status=None):
    """A committee's published action points for its CSV; `status` ("open" or "closed")
    narrows them, any other value is ignored."""
    points = (
        ActionPoint.objects.public()
        .filter(committee=committee)
        .select_related("meeting", "owner_person", "owner_organisation", "closed_at_meeting")
        .order_by("sort_key")
    )
    if status in ActionPoint.Status.values:
        points = points.filter(status=status)
    return points


# --- the officers' side -------------------------------------------------------------------------


def next_meeting_after(meeting):
    """The committee's next meeting after `meeting` that is not cancelled, published or not
    (the admin confirms minutes there), or None."""
    return (
        Meeting.objects.filter(committee=meeting.committee, starts_at__gt=meeting.starts_at)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("starts_at")
        .first()
    )


# --- the API ----------------------------------------------------------------------------------


def with_public_links(queryset):
    """Action points or written questions with the keys of the public records they link to:
    what their serializers read, for lists and for the answer to a write alike."""
    queryset = queryset.prefetch_related(public_keys("plan_actions", Action, "plan_action_list"))
    if queryset.model is ActionPoint:
        queryset = queryset.annotate(
            public_due_meeting=public_key(Meeting, "due_meeting"),
            public_closing_meeting=public_key(Meeting, "closed_at_meeting"),
        )
    return queryset


def item_relations(prefix=""):
    """What an agenda item's serializer reads besides its own row: the keys of the plan
    actions and outcomes it links, and its published papers, each read ahead into a list.
    `prefix` leads from the records listed to their agenda items ("public_items__").
    Given flat like this rather than nested inside the agenda items' Prefetch, Django does
    not walk every item a second time making a related manager per item and relation: a
    quarter of the meetings list's time. Keys come in key order: the models' own orderings
    join every plan action to its plan to sort a handful of keys."""
    return [
        public_keys(f"{prefix}plan_actions", Action, "plan_action_list"),
        public_keys(f"{prefix}outcomes", Outcome, "outcome_list"),
        Prefetch(
            f"{prefix}documents",
            queryset=Document.objects.public().listed().order_by("order", "pk"),
            to_attr="papers",
        ),
    ]


def public_items():
    """A meeting's published agenda items, in order, with what their serializer reads."""
    return [
        Prefetch(
            "agenda_items",
            queryset=AgendaItem.objects.public()
            .annotate(public_plan=public_key(Plan, "plan"))
            .order_by("sort_key"),
            to_attr="public_items",
        ),
        *item_relations("public_items__"),
    ]


def api_meetings():
    return (
        Meeting.objects.public()
        .annotate(public_confirming_meeting=public_key(Meeting, "minutes_confirmed_at_meeting"))
        .select_related("committee")
        .prefetch_related(*public_items())
    )


def api_agenda_items():
    return (
        AgendaItem.objects.public()
        .annotate(public_plan=public_key(Plan, "plan"))
        .select_related("meeting__committee")
        .prefetch_related(*item_relations())
    )


def api_reports():
    return report_parts(Report.objects.public()).prefetch_related(
        public_keys("plans", Plan, "plan_list"),
        public_keys("plan_actions", Action, "plan_action_list"),
        public_keys("outcomes", Outcome, "outcome_list"),
    )


def api_minutes():
    return Minute.objects.public().prefetch_related(
        Prefetch("resolutions", queryset=Resolution.objects.public())
    )


def progress_notes():
    """An action point's progress notes, oldest first, each with its author's name."""
    return Prefetch("notes", queryset=ActionPointNote.objects.select_related("author"))


def api_action_points():
    return with_public_links(ActionPoint.objects.public()).prefetch_related(progress_notes())


def api_action_point_as_written(pk):
    """An action point an officer has just raised or closed, published or not, as the API
    answers the write; 404 if there is none."""
    return get_object_or_404(
        with_public_links(ActionPoint.objects.all()).prefetch_related(progress_notes()), pk=pk
    )


def api_written_questions():
    return with_public_links(WrittenQuestion.objects.public())


def api_written_question_as_written(pk):
    """A written question an officer has just answered, published or not, as the API
    answers the write; 404 if there is none."""
    return get_object_or_404(with_public_links(WrittenQuestion.objects.all()), pk=pk)


def api_work_programme():
    return WorkProgrammeItem.objects.public().annotate(
        public_meeting=public_key(Meeting, "meeting")
    )


@dataclass
class ItemRecords:
    """One agenda item on the minute-taking screen with what is recorded under it: its
    minute (the first, if it has several), the minute's resolutions and action points, and
    the questions asked on the item."""

    item: AgendaItem
    minute: Minute | None = None
    other_minutes: list = field(default_factory=list)
    resolutions: list = field(default_factory=list)
    action_points: list = field(default_factory=list)
    questions: list = field(default_factory=list)

    @property
    def carried_action_points(self):
        """Open action points of earlier meetings brought forward to this item."""
        return self.item.carried_point_list

    @property
    def carried_questions(self):
        return self.item.carried_question_list


@dataclass
class MinuteTaking:
    meeting: Meeting
    items: list
    # Records of the meeting filed under no item (or under a second minute of an item):
    # listed with links to their own pages.
    other_minutes: list
    other_action_points: list
    other_questions: list


def minute_taking(meeting_id):
    """Officers' read for the minute-taking screen (back office, whatever is published): the
    meeting with every agenda item in order and its minutes, resolutions, action points and
    written questions, and what was brought forward to its review item, in seven queries
    whatever the number of items."""
    meeting = get_object_or_404(Meeting.objects.select_related("committee"), pk=meeting_id)
    agenda = AgendaItem.objects.filter(meeting=meeting).order_by("sort_key")
    agenda = agenda.prefetch_related(
        Prefetch(
            "carried_action_points",
            queryset=ActionPoint.objects.select_related(
                "meeting", "owner_person", "owner_organisation"
            ).order_by("meeting__starts_at", "sort_key"),
            to_attr="carried_point_list",
        ),
        Prefetch(
            "carried_questions",
            queryset=WrittenQuestion.objects.select_related("meeting", "addressed_to").order_by(
                "meeting__starts_at", "number"
            ),
            to_attr="carried_question_list",
        ),
    )
    items = {item.pk: ItemRecords(item=item) for item in agenda}
    minutes = Minute.objects.filter(meeting=meeting).order_by("sort_key", "pk")
    minutes = minutes.prefetch_related(
        Prefetch(
            "resolutions",
            queryset=Resolution.objects.order_by("order", "pk"),
            to_attr="resolution_list",
        )
    )
    other_minutes = []
    on_item_minute = {}
    for minute in minutes:
        entry = items.get(minute.agenda_item_id)
        if entry is None:
            other_minutes.append(minute)
            continue
        if entry.minute is not None:
            entry.other_minutes.append(minute)
            continue
        entry.minute = minute
        entry.resolutions = minute.resolution_list
        on_item_minute[minute.pk] = entry
    other_action_points = []
    points = (
        ActionPoint.objects.filter(meeting=meeting)
        .select_related("owner_person", "owner_organisation")
        .order_by("sort_key", "pk")
    )
    for point in points:
        entry = on_item_minute.get(point.minute_id)
        (entry.action_points if entry else other_action_points).append(point)
    other_questions = []
    questions = (
        WrittenQuestion.objects.filter(meeting=meeting)
        .select_related("addressed_to")
        .order_by("number")
    )
    for question in questions:
        entry = items.get(question.agenda_item_id)
        (entry.questions if entry else other_questions).append(question)
    return MinuteTaking(
        meeting=meeting,
        items=list(items.values()),
        other_minutes=other_minutes,
        other_action_points=other_action_points,
        other_questions=other_questions,
    )
