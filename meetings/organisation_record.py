"""The record of a partner organisation, for its page and the list of organisations: its
attendance at the meetings of each committee it sits on, the action points it owns, the
written questions addressed to it and the plan actions it owns.

An organisation is expected at a public meeting held (not cancelled or postponed) when one
of its people was a member of the committee on the meeting's day (Membership's start and end
dates) or is named in the meeting's published attendance. At each such meeting it was
"represented" when one of its people was present, in any capacity; else "apologies" when one
sent them; else "absent" when one was recorded absent; else "not recorded" (minutes not yet
published, or only expected lines), which never counts against it. Its attendance rate is
represented ÷ (represented + apologies + absent).

Every count is an SQL aggregate over the same querysets the lists show, so the pages cost the
same number of queries whatever the data; the list of organisations reads every figure of
every organisation in one query.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, TruncDate
from django.http import Http404
from django.utils import timezone

from delivery_plans.models import Action
from delivery_plans.queries import with_current_status
from meetings.models import (
    ActionPoint,
    Attendance,
    Committee,
    Meeting,
    Membership,
    WrittenQuestion,
)
from meetings.outstanding import (
    action_point_closed_late,
    action_point_overdue,
    question_overdue,
)
from meetings.queries import count_of, local_day
from safer_norfolk import formats
from safer_norfolk.models import Organisation

REPRESENTED, APOLOGIES, ABSENT, NOT_RECORDED = "represented", "apologies", "absent", "not_recorded"
# (status, label, the letter its mark carries on the chart)
ATTENDANCE = [
    (REPRESENTED, "Represented", "R"),
    (APOLOGIES, "Apologies", "A"),
    (ABSENT, "Absent", "X"),
    (NOT_RECORDED, "Not recorded", "?"),
]
ATTENDANCE_LABELS = {status: label for status, label, _ in ATTENDANCE}
ATTENDANCE_LETTERS = {status: letter for status, _, letter in ATTENDANCE}

OPEN, OVERDUE, CLOSED_ON_TIME, CLOSED_LATE = "open", "overdue", "closed_on_time", "closed_late"
POINT_STATES = [
    (OPEN, "Open"),
    (OVERDUE, "Overdue"),
    (CLOSED_ON_TIME, "Closed on time"),
    (CLOSED_LATE, "Closed late"),
]
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

    @property
    def is_whole_record(self):
        return self.start is None and self.end is None


def _deeper(organisation):
    """The organisation as a subquery one level further in sees it."""
    return OuterRef(organisation) if isinstance(organisation, OuterRef) else organisation


# --- attendance ---------------------------------------------------------------------------


def expected_meetings(organisation, period, now=None):
    """The public meetings held in the period (started, not cancelled or postponed) at which
    `organisation` (an Organisation, or an OuterRef to one) was expected, each annotated with
    `record`: represented, apologies, absent or not recorded."""
    now = now or timezone.now()
    inner = _deeper(organisation)
    # Attendance.public(): lines of minutes not yet published are never read.
    lines = Attendance.objects.public().filter(meeting=OuterRef("pk"), person__organisation=inner)
    member = (
        Membership.objects.filter(committee=OuterRef("committee"), person__organisation=inner)
        .filter(Q(start_date__isnull=True) | Q(start_date__lte=OuterRef("day")))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=OuterRef("day")))
    )
    present = Attendance.Status.PRESENT
    return (
        Meeting.objects.public()
        .filter(period.of_meetings(), starts_at__lt=now)
        .exclude(status__in=NOT_HELD)
        .alias(day=TruncDate("starts_at"))
        .filter(Exists(member) | Exists(lines))
        .annotate(
            record=Case(
                When(Exists(lines.filter(status=present)), then=Value(REPRESENTED)),
                When(
                    Exists(lines.filter(status=Attendance.Status.APOLOGIES)), then=Value(APOLOGIES)
                ),
                When(Exists(lines.filter(status=Attendance.Status.ABSENT)), then=Value(ABSENT)),
                default=Value(NOT_RECORDED),
                output_field=CharField(),
            )
        )
    )


def attendance_counts(meetings):
    """{status: number of meetings} and `rate` (a percentage, None with nothing recorded)."""
    counts = meetings.aggregate(
        **{status: Count("pk", filter=Q(record=status)) for status, _, _ in ATTENDANCE}
    )
    counts["recorded"] = counts[REPRESENTED] + counts[APOLOGIES] + counts[ABSENT]
    counts["rate"] = (
        round(100 * counts[REPRESENTED] / counts["recorded"]) if counts["recorded"] else None
    )
    return counts


@dataclass
class CommitteeAttendance:
    committee: Committee
    meetings: list = field(default_factory=list)


def attendance_by_committee(organisation, period, now=None):
    """[CommitteeAttendance] by committee name, each with its meetings in date order."""
    meetings = (
        expected_meetings(organisation, period, now)
        .select_related("committee")
        .only(
            "starts_at",
            "start_time_known",
            "minutes_status",
            "committee__name",
            "committee__short_name",
            "committee__slug",
        )
        .order_by("committee__name", "committee_id", "starts_at", "pk")
    )
    committees = []
    for meeting in meetings:
        if not committees or committees[-1].committee.pk != meeting.committee_id:
            committees.append(CommitteeAttendance(committee=meeting.committee))
        committees[-1].meetings.append(meeting)
    return committees


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


def attendance_chart(organisation, committees, period):
    """The chart's layout for `committees` (attendance_by_committee's), or None with no
    meeting to show."""
    days = [meeting.local_date for row in committees for meeting in row.meetings]
    if not days:
        return None
    first, last = period.start or min(days), period.end or max(days)
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


def point_state(today):
    """An action point's state: open, overdue (outstanding's rule), closed on time, or closed
    late (after its due day; one with no due day is never late)."""
    is_open = Q(status=ActionPoint.Status.OPEN)
    return Case(
        When(is_open & action_point_overdue(today), then=Value(OVERDUE)),
        When(is_open, then=Value(OPEN)),
        When(action_point_closed_late(), then=Value(CLOSED_LATE)),
        default=Value(CLOSED_ON_TIME),
        output_field=CharField(),
    )


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
        .annotate(state=point_state(today))
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
    return rows.aggregate(**{state: Count("pk", filter=Q(**{column: state})) for state in states})


# --- the pages ----------------------------------------------------------------------------


def organisation_for(slug):
    organisation = Organisation.objects.public().filter(slug=slug).first()
    if organisation is None:
        raise Http404("No such organisation.")
    return organisation


@dataclass
class OrganisationPage:
    organisation: Organisation
    period: Period
    committees: list
    chart: object
    attendance: dict
    action_points: list
    point_counts: dict
    questions: list
    question_counts: dict
    plan_actions: list
    rag_counts: dict


def organisation_page(organisation, period, today=None, now=None):
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    committees = attendance_by_committee(organisation, period, now)
    points = action_points_of(organisation, period, today)
    questions = questions_to(organisation, period, today)
    actions = plan_actions_of(organisation, today)
    return OrganisationPage(
        organisation=organisation,
        period=period,
        committees=committees,
        chart=attendance_chart(organisation, committees, period),
        attendance=attendance_counts(expected_meetings(organisation, period, now)),
        action_points=list(
            points.select_related("meeting__committee", "owner_person")
            .defer("search_vector")
            .order_by("-meeting__starts_at", "sort_key", "pk")
        ),
        point_counts=counts_by(points, "state", [state for state, _ in POINT_STATES]),
        questions=list(
            questions.select_related("meeting__committee", "responded_by")
            .defer("search_vector", "response")
            .order_by("-meeting__starts_at", "number", "pk")
        ),
        question_counts=counts_by(questions, "state", [state for state, _ in QUESTION_STATES]),
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


def organisations(period, sort="name", today=None, now=None):
    """Every public organisation with its figures over the period, in one query, sorted by
    `sort` (a key of LIST_COLUMNS, "-" first for the other way; name breaks ties). Plan
    actions are counted by their current RAG, whatever the period."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    here = OuterRef("pk")
    meetings = expected_meetings(here, period, now)
    points = action_points_of(here, period, today)
    questions = questions_to(here, period, today)
    actions = plan_actions_of(here, today)
    rows = Organisation.objects.public().annotate(
        represented=count_of(meetings.filter(record=REPRESENTED)),
        recorded=count_of(meetings.exclude(record=NOT_RECORDED)),
        points_closed=count_of(points.filter(status=ActionPoint.Status.CLOSED)),
        points_on_time=count_of(points.filter(state=CLOSED_ON_TIME)),
        points_overdue=count_of(points.filter(state=OVERDUE)),
        questions_answered=count_of(questions.filter(status=WrittenQuestion.Status.ANSWERED)),
        questions_on_time=count_of(questions.filter(state=ANSWERED_ON_TIME)),
        rag_red=count_of(actions.filter(current_rag="red")),
        rag_amber=count_of(actions.filter(current_rag="amber")),
        rag_green=count_of(actions.filter(current_rag="green")),
    )
    rows = rows.annotate(
        attendance_rate=Case(
            When(recorded=0, then=Value(None)),
            default=100 * Cast("represented", FloatField()) / Cast("recorded", FloatField()),
            output_field=FloatField(),
        )
    )
    descending = sort.startswith("-")
    column = F(_ORDER_BY[sort.lstrip("-")])
    order = column.desc(nulls_last=True) if descending else column.asc(nulls_last=True)
    return rows.only("name", "slug", "short_name", "kind", "is_example").order_by(
        order, "name", "pk"
    )
