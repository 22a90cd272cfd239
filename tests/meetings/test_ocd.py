"""The meeting as an Open Civic Data event: what it lists, and that it reads only the
meeting and its agenda."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    ActionPointFactory,
    AgendaItemFactory,
    AttendanceFactory,
    DocumentFactory,
    MeetingFactory,
    MinuteFactory,
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


def test_the_event_reads_the_meeting_and_its_agenda_whatever_its_minutes_hold(client):
    meeting = MeetingFactory(minutes_published=True)
    item = AgendaItemFactory(meeting=meeting)
    DocumentFactory(meeting=meeting, agenda_item=item)
    with CaptureQueriesContext(connection) as before:
        client.get(ocd_address(meeting))
    minute = MinuteFactory(meeting=meeting, agenda_item=item)
    ActionPointFactory(meeting=meeting, committee=meeting.committee, minute=minute)
    WrittenQuestionFactory(meeting=meeting, agenda_item=item)
    AttendanceFactory(meeting=meeting)

    with CaptureQueriesContext(connection) as after:
        response = client.get(ocd_address(meeting))

    assert response.status_code == 200
    assert len(after) == len(before)
    tables = " ".join(query["sql"] for query in after.captured_queries)
    for table in ("meetings_minute", "meetings_attendance", "meetings_writtenquestion"):
        assert f'FROM "{table}"' not in tables
