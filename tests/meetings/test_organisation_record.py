"""The partner organisation pages: an organisation's attendance at each meeting of the
committees it sits on, the action points it owns, the questions addressed to it and the plan
actions it owns, over a period; the list of organisations side by side, sortable; and
nothing of unpublished material on either."""

import datetime
import io
import re
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from meetings import organisation_record
from meetings.organisation_record import Period
from safer_norfolk.models import Organisation
from tests.factories import (
    ActionFactory,
    ActionPointFactory,
    ActionUpdateFactory,
    AgendaItemFactory,
    AttendanceFactory,
    CommitteeFactory,
    MeetingFactory,
    MembershipFactory,
    MinuteFactory,
    OrganisationFactory,
    PersonFactory,
    PlanFactory,
    WrittenQuestionFactory,
)

pytestmark = pytest.mark.django_db


def at(year, month, day):
    return datetime.datetime(year, month, day, 10, tzinfo=datetime.UTC)


def day(year, month, day):
    return datetime.date(year, month, day)


def text_of(response):
    """The page's words, tags left out, spaces collapsed (none before punctuation)."""
    return text_of_html(response.content.decode())


def text_of_html(html):
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    return re.sub(r" ([:,.;)])", r"\1", text)


@pytest.fixture
def record():
    """Breckland's record on one committee: a meeting at which its member was present, one
    with apologies, one absent, one whose minutes are not published and one with only an
    expected line; a meeting of another committee where a colleague attended as an officer
    while the member sent apologies. Its action points, questions and plan actions."""
    breckland = OrganisationFactory(name="Breckland Council", slug="breckland-council")
    member = PersonFactory(organisation=breckland, name="Ann Member")
    colleague = PersonFactory(organisation=breckland, name="Ben Officer")
    panel = CommitteeFactory(name="Scrutiny Panel")
    board = CommitteeFactory(name="Partnership Board")
    MembershipFactory(committee=panel, person=member)
    present = MeetingFactory(committee=panel, starts_at=at(2023, 1, 10), minutes_published=True)
    apologies = MeetingFactory(committee=panel, starts_at=at(2023, 3, 10), minutes_published=True)
    absent = MeetingFactory(committee=panel, starts_at=at(2023, 5, 10), minutes_published=True)
    unpublished = MeetingFactory(committee=panel, starts_at=at(2023, 7, 10), status="held")
    expected_only = MeetingFactory(
        committee=panel, starts_at=at(2023, 9, 12), minutes_published=True
    )
    officer_there = MeetingFactory(
        committee=board, starts_at=at(2023, 1, 20), minutes_published=True
    )
    AttendanceFactory(meeting=present, person=member, status="present")
    AttendanceFactory(meeting=apologies, person=member, status="apologies")
    AttendanceFactory(meeting=absent, person=member, status="absent")
    AttendanceFactory(meeting=unpublished, person=member, status="present")
    AttendanceFactory(meeting=expected_only, person=member, status="expected")
    AttendanceFactory(meeting=officer_there, person=member, status="apologies")
    AttendanceFactory(meeting=officer_there, person=colleague, status="present", capacity="officer")

    today = timezone.localdate()
    due = day(2023, 2, 1)
    points = {
        "on_time": ActionPointFactory(
            meeting=present,
            owner_organisation=breckland,
            description="Circulate the hate crime figures",
            due_date=due,
            status="closed",
            closed_on=day(2023, 1, 30),
        ),
        "late": ActionPointFactory(
            meeting=present,
            owner_organisation=breckland,
            description="Report on rural crime",
            due_date=due,
            status="closed",
            closed_on=day(2023, 2, 15),
        ),
        "overdue": ActionPointFactory(
            meeting=present,
            owner_organisation=breckland,
            description="Share the CCTV review",
            due_date=due,
        ),
        "open": ActionPointFactory(
            meeting=present,
            owner_organisation=breckland,
            description="Brief members on fly-tipping",
            due_date=today + datetime.timedelta(days=30),
        ),
    }
    questions = {
        "on_time": WrittenQuestionFactory(
            meeting=present,
            addressed_to=breckland,
            question="How many scams were reported?",
            status="answered",
            response="Forty.",
            response_due=due,
            responded_on=day(2023, 1, 25),
        ),
        "late": WrittenQuestionFactory(
            meeting=present,
            addressed_to=breckland,
            question="How many wardens are there?",
            status="answered",
            response="Six.",
            response_due=due,
            responded_on=day(2023, 2, 10),
        ),
        "awaiting": WrittenQuestionFactory(
            meeting=present,
            addressed_to=breckland,
            question="When will the hub open?",
            response_due=today + datetime.timedelta(days=30),
        ),
        "overdue": WrittenQuestionFactory(
            meeting=present,
            addressed_to=breckland,
            question="What did the survey find?",
            response_due=due,
        ),
    }
    red = ActionFactory(number="1.1", title="Run the scams campaign", owners=[breckland])
    ActionUpdateFactory(action=red, rag="red", distance="far_off")
    unassessed = ActionFactory(
        section=red.section, number="1.2", title="Map the hot spots", owners=[breckland]
    )
    return {
        "organisation": breckland,
        "member": member,
        "panel": panel,
        "meetings": {
            "present": present,
            "apologies": apologies,
            "absent": absent,
            "unpublished": unpublished,
            "expected_only": expected_only,
            "officer_there": officer_there,
        },
        "points": points,
        "questions": questions,
        "actions": [red, unassessed],
    }


# The query asking for the whole record: both ends left open.
WHOLE = {"from": "", "to": ""}


def page_url(organisation, **query):
    url = reverse("meetings:organisation", kwargs={"slug": organisation.slug})
    return f"{url}?{urlencode(query)}" if query else url


# --- each status and rate ---------------------------------------------------------------------


def test_attendance_each_meeting_has_its_status(record):
    page = organisation_record.organisation_page(record["organisation"], Period())
    committees = page.committees
    by_meeting = {meeting.pk: meeting.record for row in committees for meeting in row.meetings}
    assert by_meeting == {meeting.pk: meeting.record for meeting in page.meetings.rows}
    meetings = record["meetings"]
    assert by_meeting == {
        meetings["present"].pk: "represented",
        meetings["apologies"].pk: "apologies",
        meetings["absent"].pk: "absent",
        meetings["unpublished"].pk: "not_recorded",
        meetings["expected_only"].pk: "not_recorded",
        # The member sent apologies but a colleague was present, as an officer.
        meetings["officer_there"].pk: "represented",
    }
    assert [row.committee.name for row in committees] == ["Partnership Board", "Scrutiny Panel"]


def test_attendance_rate_never_counts_not_recorded(record):
    committees = organisation_record.attendance_by_committee(record["organisation"], Period())
    counts = organisation_record.attendance_totals(committees)
    assert counts == {
        "represented": 2,
        "apologies": 1,
        "absent": 1,
        "not_recorded": 2,
        "recorded": 4,
        "rate": 50,
    }


def test_meetings_outside_membership_dates_are_not_expected(record):
    organisation, member = record["organisation"], record["member"]
    old = CommitteeFactory(name="Old Panel")
    MembershipFactory(
        committee=old, person=member, start_date=day(2020, 1, 1), end_date=day(2022, 12, 31)
    )
    before = MeetingFactory(committee=old, starts_at=at(2022, 6, 1), minutes_published=True)
    after = MeetingFactory(committee=old, starts_at=at(2023, 6, 1), minutes_published=True)
    future = CommitteeFactory(name="New Panel")
    MembershipFactory(committee=future, person=member, start_date=day(2023, 6, 1))
    too_early = MeetingFactory(committee=future, starts_at=at(2023, 5, 1), minutes_published=True)
    first = MeetingFactory(committee=future, starts_at=at(2023, 6, 1), minutes_published=True)

    shown = set(
        organisation_record.expected_meetings(organisation, Period()).values_list("pk", flat=True)
    )

    assert before.pk in shown
    assert first.pk in shown
    assert after.pk not in shown
    assert too_early.pk not in shown


def test_cancelled_and_future_meetings_are_not_expected(record):
    panel = record["panel"]
    cancelled = MeetingFactory(committee=panel, starts_at=at(2023, 4, 1), status="cancelled")
    upcoming = MeetingFactory(
        committee=panel, starts_at=timezone.now() + datetime.timedelta(days=10)
    )
    shown = set(
        organisation_record.expected_meetings(record["organisation"], Period()).values_list(
            "pk", flat=True
        )
    )
    assert cancelled.pk not in shown
    assert upcoming.pk not in shown


def test_action_points_each_state(record):
    page = organisation_record.organisation_page(record["organisation"], Period())
    states = {point.pk: point.state for point in page.action_points.rows}
    points = record["points"]
    assert states == {
        points["on_time"].pk: "closed_on_time",
        points["late"].pk: "closed_late",
        points["overdue"].pk: "overdue",
        points["open"].pk: "open",
    }
    assert page.point_counts == {
        "open": 1, "overdue": 1, "closed_on_time": 1, "closed_late": 1, "closed": 0,
    }  # fmt: skip


def test_a_point_closed_with_no_due_date_is_neither_on_time_nor_late(client, record):
    organisation = record["organisation"]
    ActionPointFactory(
        meeting=record["meetings"]["present"],
        owner_organisation=organisation,
        description="Thank the volunteers",
        due_date=None,
        status="closed",
        closed_on=day(2023, 1, 12),
    )
    page = organisation_record.organisation_page(organisation, Period())
    assert page.point_counts["closed"] == 1
    assert page.point_counts["closed_on_time"] == 1

    text = text_of(client.get(page_url(organisation, **WHOLE)))
    assert (
        "1 closed on time, 1 closed late, 1 closed with no due date or day closed to judge by"
        in text
    )
    assert "No due date Closed Closed 12 January 2023" in text
    listed = {row.name: row for row in organisation_record.organisations(Period())}
    assert (
        listed["Breckland Council"].points_on_time,
        listed["Breckland Council"].points_closed,
    ) == (1, 3)


def test_questions_each_state(record):
    page = organisation_record.organisation_page(record["organisation"], Period())
    states = {question.pk: question.state for question in page.questions.rows}
    questions = record["questions"]
    assert states == {
        questions["on_time"].pk: "answered_on_time",
        questions["late"].pk: "answered_late",
        questions["awaiting"].pk: "awaiting",
        questions["overdue"].pk: "overdue",
    }
    assert page.question_counts == {
        "answered_on_time": 1,
        "answered_late": 1,
        "awaiting": 1,
        "overdue": 1,
        "withdrawn": 0,
    }


def test_plan_actions_with_current_rag_and_distance(record):
    page = organisation_record.organisation_page(record["organisation"], Period())
    shown = {
        action.number: (action.current_rag, action.current_distance) for action in page.plan_actions
    }
    assert shown == {"1.1": ("red", "far_off"), "1.2": (None, None)}
    assert page.rag_counts == {
        "red": 1,
        "amber": 0,
        "green": 0,
        "complete": 0,
        "not_assessed": 1,
    }


def test_page_shows_the_figures_table_and_chart(client, record):
    response = client.get(page_url(record["organisation"]))
    text = text_of(response)

    assert response.status_code == 200
    assert "50%: represented at 2 of 4 meetings where its attendance was recorded" in text
    assert "Apologies 1, absent 1, not recorded 2" in text
    assert "1 open, 1 overdue, 1 closed on time, 1 closed late" in text
    assert "1 answered on time, 1 answered late, 2 awaiting a response (1 overdue)" in text
    assert "1 red, 0 amber, 0 green, 0 complete, 1 not assessed" in text
    html = response.content.decode()
    # The chart: a labelled image, one mark per meeting with its letter as well as its colour.
    assert 'role="img" aria-labelledby="attendance-chart-title attendance-chart-desc"' in html
    assert html.count('class="app-attendance-mark ') == 6
    assert html.count(">R</text>") == 2
    assert html.count(">A</text>") == 1
    assert html.count(">X</text>") == 1
    assert html.count(">?</text>") == 2
    # The table gives the same: each meeting with its status in words.
    assert "10 March 2023 Scrutiny Panel Apologies" in text
    assert "10 May 2023 Scrutiny Panel Absent" in text
    assert "10 July 2023 Scrutiny Panel Not recorded" in text
    assert "Share the CCTV review" in text
    assert "Run the scams campaign" in text


def test_crowded_chart_draws_smaller_marks_told_apart_by_shape(client, record):
    weekly = CommitteeFactory(name="Weekly Tasking Group")
    MembershipFactory(committee=weekly, person=record["member"])
    for week in range(60):
        MeetingFactory(
            committee=weekly,
            starts_at=at(2023, 1, 2) + datetime.timedelta(days=7 * week),
            minutes_published=True,
        )
    organisation = record["organisation"]
    chart = organisation_record.organisation_page(organisation, Period(), shown=100).chart

    assert chart.mark_scale == 0.45  # a week is 10 of the chart's 592 units across 14 months
    assert not chart.lettered
    assert sum(len(row.marks) for row in chart.rows) == 66
    html = client.get(page_url(organisation, **WHOLE)).content.decode()
    # The page's chart spans the meetings it shows (47 of them weekly, across 46 weeks): a week
    # is 13 units.
    assert "scale(0.58)" in html
    assert ">?</text>" not in html
    # The page shows the newest 50 of the 66 meetings: 47 weekly ones, none recorded, and the
    # panel's of May (absent), July and September (not recorded).
    assert "The newest 50 of the 66 meetings it was expected at." in text_of_html(html)
    assert html.count('class="app-attendance-mark ') == 50
    assert html.count('class="app-attendance-mark__open"') == 49
    assert html.count('class="app-attendance-mark app-attendance-mark--absent"') == 1


def test_period_changes_the_figures(client, record):
    period = Period(day(2023, 2, 1), day(2023, 6, 30))
    counts = organisation_record.attendance_totals(
        organisation_record.attendance_by_committee(record["organisation"], period)
    )
    assert counts["represented"] == 0
    assert counts["apologies"] == 1
    assert counts["absent"] == 1
    assert counts["rate"] == 0

    response = client.get(
        page_url(record["organisation"], **{"from": "2023-02-01", "to": "2023-06-30"})
    )
    text = text_of(response)
    assert response.status_code == 200
    assert "Meetings from 1 February 2023 to 30 June 2023" in text
    assert "0%: represented at 0 of 2 meetings" in text
    # The action points and questions were raised at the January meeting, before the period.
    assert "0 open, 0 overdue, 0 closed on time, 0 closed late" in text
    assert "Share the CCTV review" not in text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2023-13-45"}, "Enter a real date, like 2024-03-31."),
        ({"to": "yesterday"}, "Enter a real date, like 2024-03-31."),
        (
            {"from": "2023-06-01", "to": "2023-01-01"},
            "The “to” date must be the same as or after the “from” date.",
        ),
    ],
)
def test_bad_period_is_a_400_saying_why(client, record, query, message):
    listed = reverse("meetings:organisations") + "?" + urlencode(query)
    for url in (page_url(record["organisation"], **query), listed):
        response = client.get(url)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert "There is a problem" in response.content.decode()


def test_unknown_organisation_is_a_404(client, record):
    assert client.get("/organisations/no-such-body/").status_code == 404


# --- the list ---------------------------------------------------------------------------------


def test_list_rows_and_sort(client, record):
    steady = OrganisationFactory(name="Aylsham Town Council")
    person = PersonFactory(organisation=steady)
    AttendanceFactory(meeting=record["meetings"]["absent"], person=person, status="present")
    rows = {row.name: row for row in organisation_record.organisations(Period())}
    breckland = rows["Breckland Council"]
    assert breckland.attendance_rate == 50
    assert (breckland.represented, breckland.recorded) == (2, 4)
    assert (breckland.points_on_time, breckland.points_closed, breckland.points_overdue) == (
        1,
        2,
        1,
    )
    assert (breckland.questions_on_time, breckland.questions_answered) == (1, 2)
    assert (breckland.rag_red, breckland.rag_amber, breckland.rag_green) == (1, 0, 0)
    assert rows["Aylsham Town Council"].attendance_rate == 100

    def names(sort):
        response = client.get(reverse("meetings:organisations") + f"?sort={sort}")
        assert response.status_code == 200
        found = re.findall(
            r'<th scope="row" class="govuk-table__header"><a [^>]*>([^<]+)</a>',
            response.content.decode(),
        )
        return response, [
            name for name in found if name in ("Aylsham Town Council", "Breckland Council")
        ]

    response, ascending = names("attendance")
    assert ascending == ["Breckland Council", "Aylsham Town Council"]
    assert (
        'aria-sort="ascending"><a class="govuk-link app-sort-link" href="/organisations/?sort=-attendance">Attendance rate'
        in response.content.decode()
    )
    response, descending = names("-attendance")
    assert descending == ["Aylsham Town Council", "Breckland Council"]
    assert 'aria-sort="descending"' in response.content.decode()
    assert names("-red")[1][0] == "Breckland Council"
    assert names("name")[1] == ["Aylsham Town Council", "Breckland Council"]


def test_list_sort_links_keep_the_period(client, record):
    response = client.get(reverse("meetings:organisations") + "?from=2023-01-01&sort=-green")
    html = response.content.decode()
    assert 'href="/organisations/?from=2023-01-01&amp;sort=attendance"' in html
    assert 'href="/organisations/breckland-council/?from=2023-01-01"' in html


def test_list_unknown_sort_is_a_400(client, record):
    response = client.get(reverse("meetings:organisations") + "?sort=salary")
    assert response.status_code == 400
    assert "There is no column “salary” to sort by." in response.content.decode()


def test_list_period_changes_the_figures(record):
    rows = {
        row.name: row
        for row in organisation_record.organisations(Period(day(2023, 2, 1), day(2023, 6, 30)))
    }
    breckland = rows["Breckland Council"]
    assert breckland.attendance_rate == 0
    assert breckland.points_closed == 0
    assert breckland.questions_answered == 0


def test_committee_page_links_the_organisations_it_represents(client, record):
    response = client.get(record["panel"].get_absolute_url())
    assert (
        f'href="{record["organisation"].get_absolute_url()}">Breckland Council</a>'
        in response.content.decode()
    )


# --- the slug ---------------------------------------------------------------------------------


def test_slug_is_made_from_the_name_and_kept_unique():
    first = Organisation.objects.create(name="St Edmund's Trust")
    second = Organisation.objects.create(name="St Edmunds Trust")
    assert first.slug == "st-edmunds-trust"
    assert second.slug == "st-edmunds-trust-2"
    assert first.get_absolute_url() == "/organisations/st-edmunds-trust/"


# --- nothing unpublished ----------------------------------------------------------------------


def test_organisations_only_in_unpublished_material_are_never_listed(client, record):
    draft_meeting = MeetingFactory(draft=True, starts_at=at(2023, 2, 2))
    in_draft_meeting = OrganisationFactory(name="Leak Draft Meeting Body")
    AttendanceFactory(meeting=draft_meeting, person=PersonFactory(organisation=in_draft_meeting))
    no_minutes = MeetingFactory(starts_at=at(2023, 2, 3), status="held")
    in_unpublished_minutes = OrganisationFactory(name="Leak Unpublished Minutes Body")
    AttendanceFactory(meeting=no_minutes, person=PersonFactory(organisation=in_unpublished_minutes))
    exempt_owner = OrganisationFactory(name="Leak Exempt Item Body")
    exempt_meeting = MeetingFactory(starts_at=at(2023, 2, 4), minutes_published=True)
    exempt_item = AgendaItemFactory(meeting=exempt_meeting, is_exempt=True)
    ActionPointFactory(
        meeting=exempt_meeting,
        minute=MinuteFactory(meeting=exempt_meeting, agenda_item=exempt_item),
        owner_organisation=exempt_owner,
    )
    draft_plan_owner = OrganisationFactory(name="Leak Draft Plan Body")
    draft_plan = PlanFactory(status="draft")
    ActionFactory(section__plan=draft_plan, owners=[draft_plan_owner])
    asked_unpublished = OrganisationFactory(name="Leak Unpublished Question Body")
    WrittenQuestionFactory(meeting=no_minutes, addressed_to=asked_unpublished)
    hidden = [
        in_draft_meeting,
        in_unpublished_minutes,
        exempt_owner,
        draft_plan_owner,
        asked_unpublished,
    ]

    listed = client.get(reverse("meetings:organisations")).content.decode()

    assert "Breckland Council" in listed
    assert "Leak" not in listed
    assert not Organisation.objects.public().filter(pk__in=[o.pk for o in hidden]).exists()
    for organisation in hidden:
        assert client.get(organisation.get_absolute_url()).status_code == 404


def test_unpublished_material_never_reaches_a_public_organisations_page(client, record):
    breckland, member = record["organisation"], record["member"]
    draft_meeting = MeetingFactory(committee=record["panel"], draft=True, starts_at=at(2023, 2, 14))
    AttendanceFactory(meeting=draft_meeting, person=member, status="present")
    exempt_meeting = MeetingFactory(
        committee=record["panel"], starts_at=at(2023, 2, 15), minutes_published=True
    )
    exempt_item = AgendaItemFactory(meeting=exempt_meeting, is_exempt=True)
    ActionPointFactory(
        meeting=exempt_meeting,
        minute=MinuteFactory(meeting=exempt_meeting, agenda_item=exempt_item),
        owner_organisation=breckland,
        description="LEAK exempt action point",
    )
    WrittenQuestionFactory(
        meeting=exempt_meeting,
        agenda_item=exempt_item,
        addressed_to=breckland,
        question="LEAK exempt question",
    )
    no_minutes = record["meetings"]["unpublished"]
    WrittenQuestionFactory(
        meeting=no_minutes, addressed_to=breckland, question="LEAK unpublished question"
    )
    ActionPointFactory(
        meeting=no_minutes, owner_organisation=breckland, description="LEAK unpublished point"
    )
    record["questions"]["awaiting"].response = "LEAK draft response"
    record["questions"]["awaiting"].save()
    ActionFactory(
        section__plan=PlanFactory(status="draft"),
        title="LEAK draft plan action",
        owners=[breckland],
    )

    response = client.get(page_url(breckland))
    text = text_of(response)

    assert response.status_code == 200
    assert "LEAK" not in text
    assert "14 February 2023" not in text  # the draft meeting's day
    assert "LEAK" not in client.get(reverse("meetings:organisations")).content.decode()


# --- the demo data ----------------------------------------------------------------------------


def test_demo_norfolk_county_council_attendance_at_the_seeded_meetings(client):
    PANEL = "Norfolk Countywide Community Safety Partnership Scrutiny Sub Panel"
    call_command("load_demo", stdout=io.StringIO())
    county = Organisation.objects.get(name="Norfolk County Council")

    response = client.get(page_url(county, **WHOLE))
    text = text_of(response)

    assert response.status_code == 200
    # Minutes of 20 July 2021 (seed 002) and 24 February 2022 (seed 000): its councillors
    # were present; the minutes of 16 September 2021 are not held, so that meeting is not
    # recorded; the draft agenda of the next meeting is not shown.
    assert f"20 July 2021 {PANEL} Represented" in text
    assert f"16 September 2021 {PANEL} Not recorded" in text
    assert f"24 February 2022 {PANEL} Represented" in text
    assert "100%: represented at 2 of 2 meetings where its attendance was recorded" in text
    assert "Apologies 0, absent 0, not recorded 1" in text
    assert "2027" not in text
    listed = client.get(reverse("meetings:organisations")).content.decode()
    assert f'href="{county.get_absolute_url()}">Norfolk County Council</a>' in listed


@pytest.mark.django_db(transaction=True)
def test_migration_gives_existing_organisations_unique_slugs():
    executor = MigrationExecutor(connection)
    before = [("safer_norfolk", "0012_decisions_csv_document")]
    after = [("safer_norfolk", "0013_organisation_slug")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("safer_norfolk", "Organisation")
    for name in ("St Edmund's Trust", "St Edmunds Trust", "Norfolk County Council"):
        old.objects.create(name=name)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    new = executor.loader.project_state(after).apps.get_model("safer_norfolk", "Organisation")
    slugs = dict(new.objects.values_list("name", "slug"))

    assert slugs == {
        "St Edmund's Trust": "st-edmunds-trust",
        "St Edmunds Trust": "st-edmunds-trust-2",
        "Norfolk County Council": "norfolk-county-council",
    }
    call_command("migrate", verbosity=0)


def test_long_record_shows_the_newest_rows_under_counts_of_all(client, record, monkeypatch):
    monkeypatch.setattr(organisation_record, "SHOWN", 2)
    response = client.get(page_url(record["organisation"], **WHOLE))
    text = text_of(response)
    html = response.content.decode()

    # The counts cover the whole record...
    assert "50%: represented at 2 of 4 meetings where its attendance was recorded" in text
    assert "1 open, 1 overdue, 1 closed on time, 1 closed late" in text
    assert "1 answered on time, 1 answered late, 2 awaiting a response (1 overdue)" in text
    # ...and the lists its newest rows, saying so.
    assert "The newest 2 of the 6 meetings it was expected at." in text
    assert "The newest 2 of 4 action points." in text
    assert "The newest 2 of 4 questions." in text
    assert html.count('class="app-attendance-mark ') == 2
    assert "12 September 2023 Scrutiny Panel Not recorded" in text
    assert "10 July 2023 Scrutiny Panel Not recorded" in text
    assert "10 May 2023" not in text
    assert html.count(
        '<th scope="row" class="govuk-table__header"><a class="govuk-link" href="/'
    ) == (
        # two action points and the two committees of the attendance table
        2 + 2
    )


def test_without_a_period_the_pages_show_the_year_to_the_latest_meeting(client, record):
    organisation = record["organisation"]
    latest = MeetingFactory(
        committee=record["panel"], starts_at=at(2024, 6, 4), minutes_published=True
    )
    AttendanceFactory(meeting=latest, person=record["member"], status="present")

    response = client.get(page_url(organisation))
    text = text_of(response)
    assert response.status_code == 200
    assert "Meetings from 5 June 2023 to 4 June 2024" in text
    assert "Showing the 12 months to the latest meeting held, 4 June 2024." in text
    # Represented on 4 June 2024; not recorded in July and September 2023; the earlier
    # meetings, the action points and the questions of January 2023 are before the period.
    assert "4 June 2024 Scrutiny Panel Represented" in text
    assert "12 September 2023 Scrutiny Panel Not recorded" in text
    assert "10 May 2023" not in text
    assert "100%: represented at 1 of 1 meeting where its attendance was recorded" in text
    assert "Share the CCTV review" not in text

    html = response.content.decode()
    whole = page_url(organisation, **WHOLE).replace("&", "&amp;")
    assert f'href="{whole}">whole record</a>' in html
    text = text_of(client.get(page_url(organisation, **WHOLE)))
    assert "The whole record" in text
    assert "10 May 2023 Scrutiny Panel Absent" in text
    assert "Share the CCTV review" in text

    # The list counts the same year, and keeps an asked-for whole record in its links.
    listed = text_of(client.get(reverse("meetings:organisations")))
    assert "Showing the 12 months to the latest meeting held, 4 June 2024." in listed
    assert "100% 1 of 1" in listed
    listed = client.get(reverse("meetings:organisations") + "?" + urlencode(WHOLE))
    assert "60% 3 of 5" in text_of(listed)
    assert f'href="{whole}">Breckland Council</a>' in listed.content.decode()


def test_home_page_leads_to_the_organisations_list(client, record):
    home = client.get(reverse("home")).content.decode()
    listed = reverse("meetings:organisations")

    assert f'<a class="govuk-link" href="{listed}">Partner organisations</a>' in home
    assert "Breckland Council" in client.get(listed).content.decode()
