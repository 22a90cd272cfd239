"""The back office's lists and pickers say what a record is: a meeting by its committee and
day (and found by the day as written), a plan action by its plan, number and first words, a
membership by its person, and the close-action form offers only the committee's meetings."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safer_norfolk.formats import written_period
from tests.factories import (
    ActionFactory,
    ActionPointFactory,
    AgendaItemFactory,
    CommitteeFactory,
    MeetingFactory,
    MembershipFactory,
    MinuteFactory,
    OrganisationFactory,
    PersonFactory,
    PlanFactory,
    SectionFactory,
    WrittenQuestionFactory,
)

pytestmark = pytest.mark.django_db


def at_ten(year, month, day):
    return datetime.datetime(year, month, day, 10, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("written", "period"),
    [
        ("21 February 2018", ("2018-02-21", "2018-02-21")),
        ("21 Feb 2018", ("2018-02-21", "2018-02-21")),
        ("Wednesday 21st February, 2018", ("2018-02-21", "2018-02-21")),
        ("21/02/2018", ("2018-02-21", "2018-02-21")),
        ("2018-02-21", ("2018-02-21", "2018-02-21")),
        ("February 2018", ("2018-02-01", "2018-02-28")),
        ("feb 2020", ("2020-02-01", "2020-02-29")),
    ],
)
def test_a_day_or_month_as_written_is_read(written, period):
    assert written_period(written) == tuple(map(datetime.date.fromisoformat, period))


@pytest.mark.parametrize("written", ["Serious violence", "31 February 2018", "2018", ""])
def test_text_that_names_no_day_or_month_is_not_a_period(written):
    assert written_period(written) is None


def test_records_are_named_by_what_they_are():
    committee = CommitteeFactory(name="Norfolk County Community Safety Partnership")
    meeting = MeetingFactory(committee=committee, starts_at=at_ten(2018, 2, 21))
    plan = PlanFactory(title="Safer Norfolk Plan")
    action = ActionFactory(
        section=SectionFactory(plan=plan),
        number="1.14",
        title="Develop a county-wide approach to tackling serious violence and exploitation",
    )
    person = PersonFactory(honorific="Cllr", name="Mark Kiddle-Morris")
    membership = MembershipFactory(
        committee=committee,
        person=person,
        role="chair",
        representing=OrganisationFactory(name="Breckland Council"),
    )

    assert str(meeting) == "Norfolk County Community Safety Partnership – 21 February 2018"
    assert str(action) == (
        "Safer Norfolk Plan – 1.14 – Develop a county-wide approach to tackling serious violence …"
    )
    assert str(membership) == (
        "Cllr Mark Kiddle-Morris – Chair, Norfolk County Community Safety Partnership "
        "(Breckland Council)"
    )


def autocomplete(client, model_name, field_name, term, **extra):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "meetings", "model_name": model_name, "field_name": field_name,
         "term": term, **extra},
    )  # fmt: skip
    assert response.status_code == 200, response.content[:500]
    return [result["text"] for result in response.json()["results"]]


@pytest.mark.parametrize("term", ["21 February 2018", "21/02/2018", "21 Feb 2018"])
def test_a_meeting_is_found_by_its_day_as_written(client, officer, term):
    committee = CommitteeFactory(name="Norfolk County Community Safety Partnership")
    MeetingFactory(committee=committee, starts_at=at_ten(2018, 2, 21))
    MeetingFactory(committee=committee, starts_at=at_ten(2018, 2, 22))
    client.force_login(officer)

    found = autocomplete(client, "actionpoint", "meeting", term)

    assert found == ["Norfolk County Community Safety Partnership – 21 February 2018"]


def test_a_month_as_written_finds_its_meetings(client, officer):
    committee = CommitteeFactory(name="Safer Norfolk Partnership")
    for day in (1, 28):
        MeetingFactory(committee=committee, starts_at=at_ten(2018, 2, day))
    MeetingFactory(committee=committee, starts_at=at_ten(2018, 3, 1))
    client.force_login(officer)

    found = autocomplete(client, "actionpoint", "meeting", "February 2018")

    assert sorted(found) == [
        "Safer Norfolk Partnership – 1 February 2018",
        "Safer Norfolk Partnership – 28 February 2018",
    ]


def test_a_plan_action_is_found_by_number_and_named_with_its_plan(client, officer):
    for title in ("Safer Norfolk Plan", "Domestic Abuse Strategy"):
        ActionFactory(
            section=SectionFactory(plan=PlanFactory(title=title)),
            number="1.14",
            title=f"Deliver the {title.lower()} campaign",
        )
    client.force_login(officer)

    found = autocomplete(client, "writtenquestion", "plan_actions", "1.14")

    assert sorted(found) == [
        "Domestic Abuse Strategy – 1.14 – Deliver the domestic abuse strategy campaign",
        "Safer Norfolk Plan – 1.14 – Deliver the safer norfolk plan campaign",
    ]
    assert autocomplete(client, "writtenquestion", "plan_actions", "Domestic Abuse") == [
        "Domestic Abuse Strategy – 1.14 – Deliver the domestic abuse strategy campaign"
    ]


def test_the_close_action_form_offers_only_the_committees_meetings(client, officer):
    panel = CommitteeFactory(name="Community Safety Scrutiny Panel")
    other = CommitteeFactory(name="Safer Norfolk Partnership")
    raised = MeetingFactory(committee=panel, starts_at=at_ten(2022, 7, 19), minutes_published=True)
    closing = MeetingFactory(committee=panel, starts_at=at_ten(2022, 9, 20))
    elsewhere = MeetingFactory(committee=other, starts_at=at_ten(2022, 9, 20))
    point = ActionPointFactory(meeting=raised, committee=panel)
    client.force_login(officer)
    changelist = reverse("admin:meetings_actionpoint_changelist")

    form_page = client.post(
        changelist, {"action": "close_action_points", "_selected_action": [point.pk]}
    )
    html = form_page.content.decode()
    assert f"committee={panel.pk}" in html  # the picker asks for the panel's meetings only
    assert 'class="admin-autocomplete' in html
    offered = autocomplete(
        client, "actionpoint", "closed_at_meeting", "20 September 2022", committee=panel.pk
    )
    assert offered == ["Community Safety Scrutiny Panel – 20 September 2022"]

    refused = client.post(
        changelist,
        {
            "action": "close_action_points",
            "_selected_action": [point.pk],
            "apply": "1",
            "response": "Closed: Agenda Item 10",
            "closed_at_meeting": elsewhere.pk,
        },
    )
    assert "Select a valid choice" in refused.content.decode()
    point.refresh_from_db()
    assert point.status == "open"

    client.post(
        changelist,
        {
            "action": "close_action_points",
            "_selected_action": [point.pk],
            "apply": "1",
            "response": "Closed: Agenda Item 10",
            "closed_at_meeting": closing.pk,
        },
    )
    point.refresh_from_db()
    assert (point.status, point.closed_at_meeting) == ("closed", closing)


def test_membership_rows_name_their_people_without_a_query_each(client, officer):
    committee = CommitteeFactory()
    client.force_login(officer)
    url = reverse("admin:meetings_committee_change", args=[committee.pk])

    def load():
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url)
        return page.content.decode(), len(queries)

    MembershipFactory(committee=committee, person=PersonFactory(name="Jane Harris"))
    load()  # once, for what Django reads once and keeps (content types, the session's user)
    html, few = load()
    for _ in range(6):
        MembershipFactory(committee=committee, representing=OrganisationFactory())
    _, many = load()

    assert "Cllr Jane Harris – Member" in html
    assert not re.search(r"person \d+", html)
    # Each row's person and organisation pickers look up their chosen record (Django's
    # autocomplete widget, one query each); naming the rows reads nothing more.
    assert many - few == 6 * 2


@pytest.mark.parametrize(
    ("changelist", "make"),
    [
        ("admin:meetings_minute_changelist", lambda: MinuteFactory()),
        ("admin:meetings_agendaitem_changelist", lambda: AgendaItemFactory()),
        ("admin:meetings_writtenquestion_changelist", lambda: WrittenQuestionFactory()),
        ("admin:meetings_meeting_changelist", lambda: MeetingFactory()),
        ("admin:delivery_plans_action_changelist", lambda: ActionFactory()),
    ],
)
def test_lists_naming_meetings_and_plan_actions_read_no_row_at_a_time(
    client, officer, changelist, make
):
    client.force_login(officer)
    url = reverse(changelist)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    make()
    count()  # once, for what Django reads once and keeps
    few = count()
    for _ in range(5):
        make()

    assert count() == few


def test_the_close_form_picker_ignores_committee_keys_that_are_no_keys(client, officer):
    # "²" is a digit to str.isdigit() but not to int(): the picker once failed on it.
    ours = CommitteeFactory(name="Safer Norfolk Partnership")
    MeetingFactory(committee=ours, starts_at=at_ten(2018, 2, 1))
    MeetingFactory(committee=CommitteeFactory(name="Other panel"), starts_at=at_ten(2018, 2, 2))
    client.force_login(officer)

    found = autocomplete(
        client, "actionpoint", "meeting", "February 2018", committee=f"{ours.pk},²,٣"
    )

    assert found == ["Safer Norfolk Partnership – 1 February 2018"]
