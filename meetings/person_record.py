"""The reads behind the people pages: the list of people who appear in published material
in a public role (Person.public), and one person's public record.

A record holds only what published minutes and agendas show (each model's public()): the
committees the person sits on, their attendance at meetings whose minutes are published,
the interests they declared and the questions they asked there, and the action points they
own. Contact details and accounts are never shown. Each list is one query; the counts are SQL
aggregates.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from meetings.models import ActionPoint, Attendance, Declaration, Membership, WrittenQuestion
from meetings.outstanding import PointState, action_point_state
from safer_norfolk.models import Person

PEOPLE_PER_PAGE = 50
# The meetings a page of a person's attendance lists; a long-serving member's record runs
# to a thousand or more.
MEETINGS_PER_PAGE = 50
# The columns of a person that a row of the people list shows.
PERSON_ROW = (
    "honorific",
    "name",
    "slug",
    "job_title",
    "organisation__name",
    "organisation__is_example",
)

# How an attendance reads on the person's page: "expected" is a line the minutes did not
# settle, so it is "not recorded" there and never counted as an absence.
NOT_RECORDED = Attendance.Status.EXPECTED
ATTENDANCE_LABELS = {
    Attendance.Status.PRESENT: "Present",
    Attendance.Status.APOLOGIES: "Apologies",
    Attendance.Status.ABSENT: "Absent",
    NOT_RECORDED: "Not recorded",
}


def people():
    """Every public person by name, with their organisation and the committees they sit or
    sat on (one query for the page's people, one for their memberships)."""
    return (
        Person.objects.public()
        .select_related("organisation")
        .only(*PERSON_ROW)
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("committee")
                .only("person_id", "committee__name", "committee__slug", "committee__short_name")
                .order_by("committee__name", "pk"),
                to_attr="membership_list",
            )
        )
        .order_by("name", "pk")
    )


# The keys of attendance_counts, one for each status a line can have.
ATTENDANCE_STATUSES = ("present", "apologies", "absent", "not_recorded")


def attendance_counts(rows):
    """The aggregates of attendance `rows` by status: present, apologies, absent and not
    recorded (expected)."""
    return {
        "present": Count("pk", filter=Q(status=Attendance.Status.PRESENT)),
        "apologies": Count("pk", filter=Q(status=Attendance.Status.APOLOGIES)),
        "absent": Count("pk", filter=Q(status=Attendance.Status.ABSENT)),
        "not_recorded": Count("pk", filter=Q(status=NOT_RECORDED)),
    }


def rate(counts):
    """Present ÷ (present + apologies + absent), as a whole percentage; None when no
    attendance was recorded. A line not recorded is left out, never counted as absent."""
    recorded = counts["present"] + counts["apologies"] + counts["absent"]
    return round(100 * counts["present"] / recorded) if recorded else None


@dataclass
class PersonRecord:
    person: Person
    today: datetime.date
    memberships: list = field(default_factory=list)
    attendance: object = None  # a Page of attendance lines
    attendance_totals: dict = field(default_factory=dict)
    attendance_by_committee: list = field(default_factory=list)
    declarations: list = field(default_factory=list)
    questions: list = field(default_factory=list)
    action_points: list = field(default_factory=list)
    point_counts: dict = field(default_factory=dict)

    @property
    def attendance_rate(self):
        return rate(self.attendance_totals)

    @property
    def is_empty(self):
        return not (
            self.memberships
            or self.attendance
            or self.declarations
            or self.questions
            or self.action_points
        )


def public_person(slug):
    """The person with this slug if they appear in published material (Person.public), with
    their organisation; else 404. Contact details and the account are not read."""
    return get_object_or_404(
        Person.objects.public()
        .select_related("organisation")
        .defer("email", "phone", "user", "organisation__website"),
        slug=slug,
    )


def person_record(slug, today=None, page=None):
    """The public record of the person at /people/<slug>/, with the `page` (a number, as
    given) of their attendance, newest first."""
    today = today or timezone.localdate()
    person = public_person(slug)
    record = PersonRecord(person=person, today=today)
    record.memberships = list(
        Membership.objects.filter(person=person)
        .select_related("committee", "representing", "substitute_for__person")
        .order_by("start_date", "committee__name", "pk")
    )
    for membership in record.memberships:
        membership.current = membership.is_current(today)

    attended = Attendance.objects.public().filter(person=person)
    record.attendance_by_committee = [
        {**row, "rate": rate(row)}
        for row in attended.values("meeting__committee__name", "meeting__committee__slug")
        .annotate(**attendance_counts(attended), lines=Count("pk"))
        .order_by("meeting__committee__name")
    ]
    # A meeting is one committee's: the totals are the committees' counts added up.
    record.attendance_totals = {
        status: sum(row[status] for row in record.attendance_by_committee)
        for status in ATTENDANCE_STATUSES
    }
    paginator = Paginator(
        attended.select_related("meeting__committee", "substitute_for", "group")
        .defer("substitute_for__email", "substitute_for__phone", "substitute_for__user")
        .order_by("-meeting__starts_at", "pk"),
        MEETINGS_PER_PAGE,
    )
    # Counted above: the paginator need not count the lines again.
    paginator.count = sum(row["lines"] for row in record.attendance_by_committee)
    record.attendance = paginator.get_page(page)

    record.declarations = list(
        Declaration.objects.public()
        .filter(person=person)
        .select_related("meeting__committee", "agenda_item")
        .order_by("-meeting__starts_at", "pk")
    )
    record.questions = list(
        WrittenQuestion.objects.public()
        .filter(asked_by=person)
        .select_related("meeting__committee", "agenda_item", "addressed_to")
        .order_by("-meeting__starts_at", "number")
    )

    points = (
        ActionPoint.objects.public()
        .filter(owner_person=person)
        .annotate(state=action_point_state(today))
    )
    record.action_points = list(
        points.select_related("meeting__committee", "owner_organisation").order_by(
            "-meeting__starts_at", "sort_key"
        )
    )
    states = Counter(point.state for point in record.action_points)
    record.point_counts = {value: states[value] for value, _ in PointState.CHOICES}
    return record
