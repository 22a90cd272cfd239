"""The record of a partner organisation, for its page and the list of organisations: its
attendance at the meetings of each committee it sits on, the action points it owns, the
written questions addressed to it and the plan actions it owns.

Attendance is read from each organisation's stored record at each meeting
(OrganisationAttendance; meetings.attendance_record states the rule and keeps it):
represented, apologies, absent or not recorded, which never counts against it. Its
attendance rate is represented ÷ (represented + apologies + absent).

Every count is an SQL aggregate over the same querysets the lists show (never a subquery
per meeting or per organisation), so the pages cost the same queries whatever the data; the
list of organisations reads each kind of figure for every organisation in one query grouped
by organisation. An organisation's page shows the newest SHOWN meetings, action points and
questions of the period under counts of all of it.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Max,
    Q,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone

from delivery_plans.models import Action
from delivery_plans.queries import with_current_status
from meetings.models import (
    ActionPoint,
    Committee,
    Meeting,
    OrganisationAttendance,
    WrittenQuestion,
)
from meetings.outstanding import PointState, action_point_state, question_overdue
from meetings.queries import local_day
from safer_norfolk import formats
from safer_norfolk.models import Organisation

Record = OrganisationAttendance.Record
REPRESENTED, APOLOGIES, ABSENT, NOT_RECORDED = Record.values
# (status, label, the letter its mark carries on the chart)
ATTENDANCE = [
    (REPRESENTED, "Represented", "R"),
    (APOLOGIES, "Apologies", "A"),
    (ABSENT, "Absent", "X"),
    (NOT_RECORDED, "Not recorded", "?"),
]
ATTENDANCE_LABELS = {status: label for status, label, _ in ATTENDANCE}
ATTENDANCE_LETTERS = {status: letter for status, _, letter in ATTENDANCE}

POINT_STATES = PointState.CHOICES
OVERDUE = PointState.OVERDUE
AWAITING, ANSWERED_ON_TIME, ANSWERED_LATE, WITHDRAWN = (
    "awaiting",
    "answered_on_time",
    "answered_late",
    "withdrawn",
)
QUESTION_STATES = [
    (ANSWERED_ON_TIME, "Answered on time"),
    (ANSWERED_LATE, "Answered late"),
    (AWAITING, "Awaiting response"),
    (OVERDUE, "Awaiting, overdue"),
    (WITHDRAWN, "Withdrawn"),
]
RAGS = ["red", "amber", "green", "complete", "not_assessed"]

NOT_HELD = [Meeting.Status.CANCELLED, Meeting.Status.POSTPONED]


@dataclass(frozen=True)
class Period:
    """The days a record covers, Europe/London; either end may be open."""

    start: datetime.date | None = None
    end: datetime.date | None = None

    def of_meetings(self, prefix=""):
        """Q for the meetings (reached through `prefix`) held in the period."""
        condition = Q()
        if self.start:
            condition &= Q(**{f"{prefix}starts_at__gte": local_day(self.start)[0]})
        if self.end:
            condition &= Q(**{f"{prefix}starts_at__lt": local_day(self.end)[1]})
        return condition

    # True for the period a page shows unless asked for another (recent_period).
    recent: bool = False

    @property
    def is_whole_record(self):
        return self.start is None and self.end is None


def recent_period(now=None):
    """The twelve months to the day of the latest public meeting held (to today before any):
    what the organisation pages show unless the address names a period. The whole record
    of a long-standing partner is thousands of meetings; the latest year is what a reader
    compares first, and never empty while any meeting has been held."""
    now = now or timezone.now()
    latest = held_meetings(Period(), now).aggregate(latest=Max("starts_at"))["latest"]
    end = timezone.localdate(latest) if latest else timezone.localdate(now)
    year_before = end.replace(
        year=end.year - 1, day=28 if end.month == 2 and end.day == 29 else end.day
    )
    return Period(year_before + datetime.timedelta(days=1), end, recent=True)


# --- attendance ---------------------------------------------------------------------------


def held_meetings(period, now):
    """The public meetings held in the period: started, not cancelled or postponed."""
    return (
        Meeting.objects.public()
        .filter(period.of_meetings(), starts_at__lt=now)
        .exclude(status__in=NOT_HELD)
    )


def records(period, now):
    """The stored records (meetings.attendance_record) of the meetings held in the period."""
    return OrganisationAttendance.objects.filter(period.of_meetings(), starts_at__lt=now)


def expected_meetings(organisation, period, now=None):
    """The meetings held in the period at which `organisation` was expected."""
    now = now or timezone.now()
    return Meeting.objects.filter(
        pk__in=records(period, now).filter(organisation=organisation).values("meeting_id")
    )


def record_counts():
    """For aggregating records (grouped as the caller needs): how many of each, and how many
    recorded (represented, apologies or absent)."""
    counts = {status: Count("pk", filter=Q(record=status)) for status, _, _ in ATTENDANCE}
    counts["recorded"] = Count("pk", filter=~Q(record=NOT_RECORDED))
    return counts


def _with_rate(counts):
    counts["rate"] = (
        round(100 * counts[REPRESENTED] / counts["recorded"]) if counts["recorded"] else None
    )
    return counts


@dataclass
class CommitteeAttendance:
    """An organisation's attendance at one committee's meetings over a period."""

    committee: Committee
    counts: dict
    meetings: list = field(default_factory=list)  # the meetings the page shows, in date order


def attendance_by_committee(organisation, period, now=None):
    """[CommitteeAttendance] by committee name: each committee's counts of represented,
    apologies, absent and not recorded meetings, with the rate. Two queries whatever the
    record's length."""
    now = now or timezone.now()
    counts = {
        row.pop("committee"): row
        for row in records(period, now)
        .filter(organisation=organisation)
        .order_by()
        .values("committee")
        .annotate(**record_counts())
    }
    return [
        CommitteeAttendance(committee=committee, counts=_with_rate(counts[committee.pk]))
        for committee in Committee.objects.filter(pk__in=counts)
        .only("name", "short_name", "slug")
        .order_by("name", "pk")
    ]


def attendance_totals(committees):
    """The counts of attendance_by_committee's rows added up (a meeting is one committee's),
    with the rate."""
    keys = [status for status, _, _ in ATTENDANCE] + ["recorded"]
    return _with_rate({key: sum(row.counts[key] for row in committees) for key in keys})


def newest_meetings(organisation, period, now=None, limit=None):
    """The newest `limit` meetings the organisation was expected at in the period, newest
    first, each with its committee and `record`."""
    now = now or timezone.now()
    rows = (
        records(period, now)
        .filter(organisation=organisation)
        .select_related("meeting__committee")
        .only(
            "record",
            "meeting__starts_at",
            "meeting__start_time_known",
            "meeting__minutes_status",
            "meeting__committee__name",
            "meeting__committee__short_name",
            "meeting__committee__slug",
        )
        .order_by("-starts_at", "-meeting_id")
    )
    meetings = []
    for row in rows[:limit] if limit else rows:
        row.meeting.record = row.record
        meetings.append(row.meeting)
    return meetings


def _shown_by_committee(committees, meetings):
    """Put each shown meeting under its committee's row, in date order."""
    rows = {row.committee.pk: row for row in committees}
    for meeting in reversed(meetings):
        rows[meeting.committee_id].meetings.append(meeting)


# --- the chart ----------------------------------------------------------------------------


@dataclass
class Mark:
    x: float
    meeting: Meeting
    record: str
    letter: str
    label: str


@dataclass
class ChartRow:
    name: str
    label: str  # the name as the chart prints it, short enough for its width
    y: float
    marks: list


# The characters of a row's label that fit across the chart at its axis text size; a longer
# name is cut short there (each mark's title and the table's caption carry it whole).
LABEL_CHARACTERS = 80
# A mark's width on the chart at full size, and the smallest size that still carries a letter.
MARK_WIDTH = 22
LETTERED_SCALE = 0.7


def _fitted(text, length):
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


@dataclass
class Tick:
    x: float
    label: str


@dataclass
class AttendanceChart:
    """Where each meeting's mark goes: one row per committee, across from the first meeting
    shown to the last (or the period's ends)."""

    title: str
    description: str
    rows: list
    ticks: list
    width: int = 640
    left: int = 24
    right: int = 616
    row_height: int = 64
    top: int = 16
    mark_scale: float = 1.0  # below LETTERED_SCALE the marks are too small for letters

    @property
    def lettered(self):
        return self.mark_scale >= LETTERED_SCALE

    @property
    def height(self):
        return self.top + self.row_height * len(self.rows) + 28

    @property
    def axis_y(self):
        return self.top + self.row_height * len(self.rows)


def attendance_chart(organisation, committees, period, complete=True):
    """The chart's layout for the meetings shown under `committees` (attendance_by_committee's
    rows), or None with no meeting to show. It spans the period when every meeting of it is
    shown (`complete`), else the meetings shown."""
    committees = [row for row in committees if row.meetings]
    days = [meeting.local_date for row in committees for meeting in row.meetings]
    if not days:
        return None
    first, last = min(days), max(days)
    if complete:
        first, last = period.start or first, period.end or last
    span = max((last - first).days, 1)
    chart = AttendanceChart(
        title=f"{organisation.name}: attendance at each meeting",
        description=(
            "One row per committee, one mark per meeting from "
            f"{formats.date(first, 'j F Y')} to {formats.date(last, 'j F Y')}: represented (R, a "
            "circle), apologies (A, a diamond), absent (X, a square), not recorded (?, a dashed "
            "circle). The tables below give the same."
        ),
        rows=[],
        ticks=[],
    )

    def x_of(day):
        if first == last:
            return (chart.left + chart.right) / 2
        return round(chart.left + (chart.right - chart.left) * (day - first).days / span, 1)

    for index, row in enumerate(committees):
        y = chart.top + chart.row_height * index + 40
        chart.rows.append(
            ChartRow(
                name=row.committee.name,
                label=_fitted(row.committee.display_name, LABEL_CHARACTERS),
                y=y,
                marks=[
                    Mark(
                        x=x_of(meeting.local_date),
                        meeting=meeting,
                        record=meeting.record,
                        letter=ATTENDANCE_LETTERS[meeting.record],
                        label=(
                            f"{formats.date(meeting.local_date, 'j F Y')}: "
                            f"{ATTENDANCE_LABELS[meeting.record]}"
                        ),
                    )
                    for meeting in row.meetings
                ],
            )
        )
    gaps = [
        later.x - earlier.x
        for row in chart.rows
        for earlier, later in zip(row.marks, row.marks[1:], strict=False)
    ]
    # Marks closer than their width are drawn smaller; their shapes still tell them apart.
    chart.mark_scale = round(max(0.4, min(1.0, min(gaps, default=MARK_WIDTH) / MARK_WIDTH)), 2)
    years = range(first.year + (first.month > 1 or first.day > 1), last.year + 1)
    chart.ticks = [Tick(x=x_of(datetime.date(year, 1, 1)), label=str(year)) for year in years]
    if not chart.ticks:
        chart.ticks = [Tick(x=x_of(first), label=formats.date(first, "M Y"))]
    return chart


# --- action points, questions, plan actions ---------------------------------------------------


def question_state(today):
    """A question's state: awaiting (overdue after its due day, the questions page's rule),
    answered on time, answered late (given after the day it was due), or withdrawn."""
    awaiting = Q(status=WrittenQuestion.Status.AWAITING)
    answered = Q(status=WrittenQuestion.Status.ANSWERED)
    late = Q(response_due__isnull=False, responded_on__gt=F("response_due"))
    return Case(
        When(awaiting & question_overdue(today), then=Value(OVERDUE)),
        When(awaiting, then=Value(AWAITING)),
        When(answered & late, then=Value(ANSWERED_LATE)),
        When(answered, then=Value(ANSWERED_ON_TIME)),
        default=Value(WITHDRAWN),
        output_field=CharField(),
    )


def action_points_of(organisation, period, today):
    return (
        ActionPoint.objects.public()
        .filter(period.of_meetings("meeting__"), owner_organisation=organisation)
        .annotate(state=action_point_state(today))
    )


def questions_to(organisation, period, today):
    return (
        WrittenQuestion.objects.public()
        .filter(period.of_meetings("meeting__"), addressed_to=organisation)
        .annotate(state=question_state(today))
    )


def plan_actions_of(organisation, today):
    """The published plan actions the organisation owns, with their current RAG and distance
    as the plan page shows them."""
    return with_current_status(Action.objects.public().filter(owners=organisation), today)


def counts_by(rows, column, states):
    """{state: how many of `rows` have it} for each of `states`, grouped by `column` (one
    query; the expression behind the column is written once, not once a state)."""
    found = dict(rows.order_by().values_list(column).annotate(Count("pk")))
    return {state: found.get(state, 0) for state in states}


# --- the pages ----------------------------------------------------------------------------


def organisation_for(slug):
    organisation = Organisation.objects.public().filter(slug=slug).first()
    if organisation is None:
        raise Http404("No such organisation.")
    return organisation


# The rows each list of an organisation's page shows at most, newest first; the counts above
# them cover the whole period, and a shorter period reaches older rows.
SHOWN = 50


@dataclass
class Shown:
    """The newest rows of a list and how many the period holds."""

    rows: list
    total: int

    @property
    def cut_short(self):
        return self.total > len(self.rows)


@dataclass
class OrganisationPage:
    organisation: Organisation
    period: Period
    committees: list
    chart: object
    attendance: dict
    meetings: Shown
    action_points: Shown
    point_counts: dict
    questions: Shown
    question_counts: dict
    plan_actions: list
    rag_counts: dict


def organisation_page(organisation, period, today=None, now=None, shown=None):
    """An organisation's record over the period: counts over all of it, and the newest
    `shown` meetings, action points and questions. The same queries whatever its length."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    shown = shown or SHOWN
    committees = attendance_by_committee(organisation, period, now)
    attendance = attendance_totals(committees)
    meetings = newest_meetings(organisation, period, now, limit=shown)
    _shown_by_committee(committees, meetings)
    expected = sum(attendance[status] for status, _, _ in ATTENDANCE)
    points = action_points_of(organisation, period, today)
    point_counts = counts_by(points, "state", [state for state, _ in POINT_STATES])
    questions = questions_to(organisation, period, today)
    question_counts = counts_by(questions, "state", [state for state, _ in QUESTION_STATES])
    actions = plan_actions_of(organisation, today)
    return OrganisationPage(
        organisation=organisation,
        period=period,
        committees=committees,
        chart=attendance_chart(
            organisation, committees, period, complete=len(meetings) == expected
        ),
        attendance=attendance,
        meetings=Shown(meetings, expected),
        action_points=Shown(
            list(
                points.select_related("meeting__committee", "owner_person")
                .defer("search_vector")
                .order_by("-meeting__starts_at", "sort_key", "pk")[:shown]
            ),
            sum(point_counts.values()),
        ),
        point_counts=point_counts,
        questions=Shown(
            list(
                questions.select_related("meeting__committee", "responded_by")
                .defer("search_vector", "response")
                .order_by("-meeting__starts_at", "number", "pk")[:shown]
            ),
            sum(question_counts.values()),
        ),
        question_counts=question_counts,
        plan_actions=list(
            actions.select_related("plan").order_by("plan__title", "plan_id", "sort_key", "pk")
        ),
        rag_counts=_rag_counts(actions),
    )


def _rag_counts(actions):
    return actions.aggregate(
        red=Count("pk", filter=Q(current_rag="red")),
        amber=Count("pk", filter=Q(current_rag="amber")),
        green=Count("pk", filter=Q(current_rag="green")),
        complete=Count("pk", filter=Q(current_rag="complete")),
        not_assessed=Count(
            "pk", filter=Q(current_rag__isnull=True) | Q(current_rag="not_assessed")
        ),
    )


# The list's columns: (key for ?sort=, heading, what it orders by).
LIST_COLUMNS = [
    ("name", "Organisation", "name"),
    ("attendance", "Attendance rate", "attendance_rate"),
    ("points-on-time", "Action points closed on time", "points_on_time"),
    ("points-overdue", "Action points overdue", "points_overdue"),
    ("questions-on-time", "Questions answered on time", "questions_on_time"),
    ("red", "Plan actions red", "rag_red"),
    ("amber", "Plan actions amber", "rag_amber"),
    ("green", "Plan actions green", "rag_green"),
]
SORT_KEYS = [key for key, _, _ in LIST_COLUMNS]
_ORDER_BY = {key: column for key, _, column in LIST_COLUMNS}


def _figures(rows, key):
    """{organisation's key: the row's other values} of a values() query grouped by `key`."""
    return {row.pop(key): row for row in rows}


def organisations(period, sort="name", today=None, now=None):
    """Every public organisation with its figures over the period, sorted by `sort` (a key
    of LIST_COLUMNS, "-" first for the other way; name breaks ties). Each kind of figure is
    one query grouped by organisation, whatever the number of organisations or records.
    Plan actions are counted by their current RAG, whatever the period."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    attendance = _figures(
        records(period, now)
        .order_by()
        .values("organisation")
        .annotate(
            present=Count("pk", filter=Q(record=REPRESENTED)),
            recorded=Count("pk", filter=~Q(record=NOT_RECORDED)),
        ),
        "organisation",
    )
    points = _figures(
        ActionPoint.objects.public()
        .filter(period.of_meetings("meeting__"), owner_organisation__isnull=False)
        .annotate(state=action_point_state(today))
        .order_by()
        .values("owner_organisation")
        .annotate(
            points_closed=Count("pk", filter=Q(status=ActionPoint.Status.CLOSED)),
            points_on_time=Count("pk", filter=Q(state=PointState.CLOSED_ON_TIME)),
            points_overdue=Count("pk", filter=Q(state=OVERDUE)),
        ),
        "owner_organisation",
    )
    questions = _figures(
        WrittenQuestion.objects.public()
        .filter(period.of_meetings("meeting__"), addressed_to__isnull=False)
        .annotate(state=question_state(today))
        .order_by()
        .values("addressed_to")
        .annotate(
            questions_answered=Count("pk", filter=Q(status=WrittenQuestion.Status.ANSWERED)),
            questions_on_time=Count("pk", filter=Q(state=ANSWERED_ON_TIME)),
        ),
        "addressed_to",
    )
    # Plan actions by their current RAG, stored on each action (delivery_plans.status).
    rags = _figures(
        Action.objects.public()
        .filter(owners__isnull=False)
        .order_by()
        .values("owners")
        .annotate(
            rag_red=Count("pk", filter=Q(current_rag="red")),
            rag_amber=Count("pk", filter=Q(current_rag="amber")),
            rag_green=Count("pk", filter=Q(current_rag="green")),
        ),
        "owners",
    )
    rows = list(
        Organisation.objects.public()
        .only("name", "slug", "short_name", "kind", "is_example")
        .order_by("name", "pk")
    )
    nothing = {"present": 0, "recorded": 0}
    for row in rows:
        counts = attendance.get(row.pk, nothing)
        row.represented, row.recorded = counts["present"], counts["recorded"]
        row.attendance_rate = 100 * row.represented / row.recorded if row.recorded else None
        for figures, names in (
            (points, ("points_closed", "points_on_time", "points_overdue")),
            (questions, ("questions_answered", "questions_on_time")),
            (rags, ("rag_red", "rag_amber", "rag_green")),
        ):
            for name in names:
                setattr(row, name, figures.get(row.pk, {}).get(name, 0))
    key, descending = sort.lstrip("-"), sort.startswith("-")
    if key == "name":
        return rows[::-1] if descending else rows
    column = _ORDER_BY[key]

    def value(row):
        figure = getattr(row, column)
        # Nothing recorded sorts last either way; the name order breaks ties (a stable sort).
        return (figure is None, 0 if figure is None else (-figure if descending else figure))

    return sorted(rows, key=value)
