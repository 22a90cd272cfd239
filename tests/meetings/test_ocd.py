"""The meeting as an Open Civic Data event, on its own (`…/ocd.json`) and in the events list
(/api/ocd/events/): what it lists, who took part, what each item concerns, and that it
reads only the meeting, its agenda and its published attendance."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.models import Report, ReportTemplate
from safer_norfolk import popolo
from safer_norfolk.models import Person
from tests.factories import (
    ActionFactory,
    ActionPointFactory,
    AgendaItemFactory,
    AttendanceFactory,
    CommitteeFactory,
    DocumentFactory,
    MeetingFactory,
    MinuteFactory,
    OutcomeFactory,
    OutcomeFrameworkFactory,
    PersonFactory,
    PlanFactory,
    SectionFactory,
    WrittenQuestionFactory,
)

pytestmark = pytest.mark.django_db

SECRET = "OCD-HIDDEN-31c9"


def ocd_address(meeting):
    return reverse("meetings:meeting_ocd", args=[meeting.committee.slug, meeting.local_date])


def test_the_event_lists_the_public_agenda_and_papers_only(client):
    meeting = MeetingFactory(minutes_published=True)
    AgendaItemFactory(meeting=meeting, number="1", title="Apologies")
    second = AgendaItemFactory(
        meeting=meeting, number="2", title="Delivery plan", description="Quarter two"
    )
    DocumentFactory(meeting=meeting, agenda_item=second, title="Plan report", order=2)
    DocumentFactory(meeting=meeting, agenda_item=second, title="Plan annex", order=1)
    DocumentFactory(meeting=meeting, agenda_item=second, title=f"Private {SECRET}", is_public=False)
    DocumentFactory(meeting=meeting, title="Supplementary papers")
    exempt = AgendaItemFactory(meeting=meeting, number="9", title=SECRET, is_exempt=True)
    DocumentFactory(meeting=meeting, agenda_item=exempt, title=f"Exempt {SECRET}")

    response = client.get(ocd_address(meeting))

    assert SECRET not in response.content.decode()
    event = response.json()
    assert [entry["description"] for entry in event["agenda"]] == [
        "1. Apologies",
        "2. Delivery plan",
    ]
    assert event["agenda"][1]["notes"] == ["Quarter two"]
    assert [media["note"] for media in event["agenda"][1]["media"]] == [
        "Plan annex",
        "Plan report",
    ]
    assert [document["note"] for document in event["documents"]] == [
        "Agenda front sheet",
        "Agenda pack",
        "Plan annex",
        "Plan report",
        "Supplementary papers",
        "Minutes (draft, to be confirmed)",
    ]


def test_minutes_are_listed_only_once_published(client):
    meeting = MeetingFactory(minutes_draft=True)

    event = client.get(ocd_address(meeting)).json()

    assert [document["note"] for document in event["documents"]] == [
        "Agenda front sheet",
        "Agenda pack",
    ]


def test_the_event_reads_the_same_tables_however_much_business_the_meeting_has(client):
    meeting = MeetingFactory(minutes_published=True)
    item = AgendaItemFactory(meeting=meeting)
    DocumentFactory(meeting=meeting, agenda_item=item)
    AttendanceFactory(meeting=meeting)
    with CaptureQueriesContext(connection) as before:
        client.get(ocd_address(meeting))
    for number in range(3):
        more = AgendaItemFactory(meeting=meeting, plan=PlanFactory())
        more.plan_actions.add(ActionFactory(), ActionFactory())
        more.outcomes.add(OutcomeFactory())
        written_report(more, f"Report {number}")
        DocumentFactory(meeting=meeting, agenda_item=more)
        AttendanceFactory(meeting=meeting)
    minute = MinuteFactory(meeting=meeting, agenda_item=item)
    ActionPointFactory(meeting=meeting, committee=meeting.committee, minute=minute)
    WrittenQuestionFactory(meeting=meeting, agenda_item=item)

    with CaptureQueriesContext(connection) as after:
        response = client.get(ocd_address(meeting))

    assert response.status_code == 200
    assert len(response.json()["agenda"]) == 4
    assert len(after) == len(before)
    tables = " ".join(query["sql"] for query in after.captured_queries)
    for table in ("meetings_minute", "meetings_actionpoint", "meetings_writtenquestion"):
        assert f'FROM "{table}"' not in tables


def written_report(item, title, status="published"):
    return Report.objects.create(
        agenda_item=item,
        title=title,
        template=ReportTemplate.objects.get(committee__isnull=True),
        status=status,
    )


def person_id(person):
    return f"ocd-person/{popolo.record_uuid(Person, person.pk)}"


def test_the_participants_are_the_committee_and_the_people_recorded_present(client):
    committee = CommitteeFactory(name="NCCSP Scrutiny Sub Panel")
    meeting = MeetingFactory(committee=committee, minutes_published=True)
    chair = PersonFactory(name="Penny Carpenter")
    AttendanceFactory(meeting=meeting, person=chair, in_chair=True, order=1)
    officer = PersonFactory(name="Amanda Murr")
    AttendanceFactory(meeting=meeting, person=officer, capacity="officer", order=2)
    AttendanceFactory(meeting=meeting, person=PersonFactory(name=SECRET), status="apologies")

    event = client.get(ocd_address(meeting)).json()

    assert event["participants"] == [
        {
            "entity_type": "organization",
            "id": popolo.committee_id(committee.pk),
            "name": "NCCSP Scrutiny Sub Panel",
            "note": "host",
        },
        {
            "entity_type": "person",
            "id": person_id(chair),
            "name": "Penny Carpenter",
            "note": "chair",
        },
        {
            "entity_type": "person",
            "id": person_id(officer),
            "name": "Amanda Murr",
            "note": "officer",
        },
    ]
    persons = client.get(reverse("ocd_persons")).json()["results"]
    assert {person_id(chair), person_id(officer)} <= {person["id"] for person in persons}


def test_nobody_is_a_participant_before_the_minutes_are_published(client):
    meeting = MeetingFactory(minutes_draft=True)
    AttendanceFactory(meeting=meeting, person=PersonFactory(name=SECRET))

    response = client.get(ocd_address(meeting))

    assert SECRET not in response.content.decode()
    assert [entry["entity_type"] for entry in response.json()["participants"]] == ["organization"]


def test_an_item_relates_the_public_plan_actions_outcomes_and_reports_it_concerns(client):
    meeting = MeetingFactory()
    plan = PlanFactory(title="Safer Norfolk Plan 2021-24")
    action = ActionFactory(section=SectionFactory(plan=plan), number="1.14", title="Fraud")
    outcome = OutcomeFactory(title="Fewer people harmed by fraud")
    item = AgendaItemFactory(meeting=meeting, number="5", plan=plan)
    item.plan_actions.add(action)
    item.outcomes.add(outcome)
    report = written_report(item, "Delivery plan progress")
    # Beside them, what must not be named: unpublished plans, a draft report, and an
    # exempt item that concerns the published plan.
    hidden_plan = PlanFactory(status="draft", title=f"{SECRET} plan")
    item.plan_actions.add(ActionFactory(section=SectionFactory(plan=hidden_plan), title=SECRET))
    item.outcomes.add(
        OutcomeFactory(framework=OutcomeFrameworkFactory(status="draft"), title=SECRET)
    )
    written_report(item, f"{SECRET} draft report", status="draft")
    draft_plan_item = AgendaItemFactory(meeting=meeting, number="6", plan=hidden_plan)
    exempt = AgendaItemFactory(meeting=meeting, number="7", is_exempt=True, plan=plan, title=SECRET)
    exempt.plan_actions.add(action)

    response = client.get(ocd_address(meeting))

    assert SECRET not in response.content.decode()
    agenda = response.json()["agenda"]
    assert [entry["description"] for entry in agenda] == [
        f"5. {item.title}",
        f"6. {draft_plan_item.title}",
    ]
    assert agenda[0]["related_entities"] == [
        {
            "entity_type": "plan",
            "id": popolo.ocd_id("plan", type(plan), plan.pk),
            "name": "Safer Norfolk Plan 2021-24",
            "note": "consideration",
            "url": f"http://testserver{plan.get_absolute_url()}",
        },
        {
            "entity_type": "plan_action",
            "id": popolo.ocd_id("plan-action", type(action), action.pk),
            "name": "Fraud",
            "note": "consideration",
            "url": f"http://testserver{action.get_absolute_url()}",
        },
        {
            "entity_type": "outcome",
            "id": popolo.ocd_id("outcome", type(outcome), outcome.pk),
            "name": "Fewer people harmed by fraud",
            "note": "consideration",
            "url": f"http://testserver{outcome.get_absolute_url()}",
        },
        {
            "entity_type": "report",
            "id": popolo.ocd_id("report", Report, report.pk),
            "name": "Delivery plan progress",
            "note": "consideration",
            "url": f"http://testserver{report.get_absolute_url()}",
        },
    ]
    assert agenda[0]["classification"] == ["report"]
    assert agenda[1]["related_entities"] == []


def test_the_live_stream_is_the_events_media(client):
    streamed = MeetingFactory(livestream_url="https://www.youtube.com/watch?v=panel")
    unstreamed = MeetingFactory()

    media = client.get(ocd_address(streamed)).json()["media"]

    assert media == [
        {
            "note": "Live stream and recording",
            "date": streamed.local_date.isoformat(),
            "offset": None,
            "links": [
                {
                    "media_type": "text/html",
                    "url": "https://www.youtube.com/watch?v=panel",
                    "text": "",
                }
            ],
        }
    ]
    assert client.get(ocd_address(unstreamed)).json()["media"] == []


def read_events(client, url):
    events, pages = [], 0
    while url:
        pages += 1
        assert pages <= 20
        page = client.get(url).json()
        events.extend(page["results"])
        url = page["next"]
    return events


def test_the_events_list_gives_each_public_meeting_newest_first_as_its_own_event(client):
    committee = CommitteeFactory()
    starts = datetime.datetime(2022, 2, 24, 10, tzinfo=datetime.UTC)
    older = MeetingFactory(committee=committee, starts_at=starts - datetime.timedelta(days=60))
    newer = MeetingFactory(committee=committee, starts_at=starts, minutes_published=True)
    AgendaItemFactory(meeting=newer, title="Delivery plan")
    AttendanceFactory(meeting=newer, person=PersonFactory(name="Penny Carpenter"))
    MeetingFactory(committee=committee, draft=True, venue=SECRET)

    events = read_events(client, reverse("ocd_events") + "?page_size=1")

    assert SECRET not in str(events)
    for meeting, listed in zip((newer, older), events, strict=True):
        assert listed == client.get(ocd_address(meeting)).json()
    assert events[0]["links"][1] == {
        "note": "This event on its own",
        "url": f"http://testserver{ocd_address(newer)}",
    }


def test_the_events_list_costs_the_same_queries_for_more_meetings(client):
    def business(meeting):
        item = AgendaItemFactory(meeting=meeting, plan=PlanFactory())
        item.plan_actions.add(ActionFactory())
        item.outcomes.add(OutcomeFactory())
        written_report(item, "Progress")
        DocumentFactory(meeting=meeting, agenda_item=item)
        DocumentFactory(meeting=meeting)
        AttendanceFactory(meeting=meeting)

    business(MeetingFactory(minutes_published=True))
    with CaptureQueriesContext(connection) as before:
        assert len(client.get(reverse("ocd_events")).json()["results"]) == 1
    for _ in range(3):
        business(MeetingFactory(minutes_published=True))

    with CaptureQueriesContext(connection) as after:
        assert len(client.get(reverse("ocd_events")).json()["results"]) == 4

    assert len(after) == len(before)


@pytest.mark.parametrize(
    ("status", "event_status"),
    [
        ("held", "passed"),
        ("scheduled", "confirmed"),
        ("postponed", "tentative"),
        ("cancelled", "cancelled"),
    ],
)
def test_an_event_says_whether_the_meeting_has_taken_place(client, status, event_status):
    meeting = MeetingFactory(status=status)

    assert client.get(ocd_address(meeting)).json()["status"] == event_status
