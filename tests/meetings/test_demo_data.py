"""The seed papers, loaded as demo data, read as the councils published them."""

import datetime
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from meetings.models import ActionPoint, AgendaItem, Committee, Meeting, Membership, WrittenQuestion
from safer_norfolk.fields import natural_sort_key

pytestmark = pytest.mark.django_db

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


@pytest.fixture
def demo(demo_module):
    """The demo data, loaded once for this module (tests/conftest.py)."""


def test_fixture_sort_keys_match_their_numbers():
    for path in [
        *FIXTURES.glob("meetings_*.json"),
        *FIXTURES.glob("plans_*.json"),
        FIXTURES / "outcomes.json",
    ]:
        for row in json.loads(path.read_text()):
            fields = row["fields"]
            if "sort_key" in fields:
                source = fields.get("number", fields.get("reference"))
                assert fields["sort_key"] == natural_sort_key(source), (path.name, row["pk"])


def test_fixture_meetings_without_a_start_time_start_at_the_beginning_of_their_day():
    # As the admin saves a meeting whose time is left blank (meetings.forms, midnight in
    # Europe/London):
    # no made-up time of day reaches the API.
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    found = 0
    for path in FIXTURES.glob("meetings_*.json"):
        for row in json.loads(path.read_text()):
            fields = row["fields"]
            if row["model"] == "meetings.meeting" and fields.get("start_time_known") is False:
                local = timezone.localtime(parse_datetime(fields["starts_at"]))
                assert local.time() == datetime.time(0), (path.name, row["pk"], local)
                found += 1
    assert found


def test_nccsp_membership_table_from_the_september_2021_front_sheet(demo):
    panel = Committee.objects.get(slug="nccsp-scrutiny-sub-panel")
    chair = Membership.objects.get(committee=panel, role="chair")
    webb = Membership.objects.get(committee=panel, person__name="Alison Webb")

    assert chair.person.name == "Mark Kiddle-Morris"
    assert (
        Membership.objects.get(committee=panel, role="vice_chair").person.name == "Penny Carpenter"
    )
    assert webb.representing.name == "Breckland District Council"
    assert webb.substitutes.get().person.name == "Trevor Carter"


def test_september_2021_agenda_has_its_seven_items_with_pack_pages(demo):
    meeting = Meeting.objects.get(
        committee__slug="nccsp-scrutiny-sub-panel", starts_at__date=datetime.date(2021, 9, 16)
    )

    items = list(meeting.agenda_items.all())

    assert len(items) == 7
    assert [item.number for item in items] == sorted(
        (item.number for item in items), key=natural_sort_key
    )
    assert any(item.pack_page for item in items)


def test_february_2022_minutes_questions_and_declarations(demo):
    meeting = Meeting.objects.get(
        committee__slug="nccsp-scrutiny-sub-panel", starts_at__date=datetime.date(2022, 2, 24)
    )

    assert meeting.minutes_status == "published"
    assert meeting.declarations.count() == 2
    assert [minute.number for minute in meeting.minutes.all()] == [str(n) for n in range(1, 9)]
    questions = WrittenQuestion.objects.filter(meeting=meeting)
    assert questions.count() == 6
    assert questions.filter(question__contains="1.14").exists()
    assert questions.filter(question__contains="1.17").exists()
    assert all(question.status == "answered" for question in questions)
    assert meeting.attendances.filter(status="apologies", capacity="substitute").exists()


def test_cambridge_action_points_are_closed_with_their_responses(demo):
    board = Committee.objects.get(slug="cambridge-csp-board")
    action_points = ActionPoint.objects.filter(committee=board)

    assert [a.reference for a in action_points] == [f"07/0{n}" for n in range(1, 8)]
    assert all(a.status == "closed" and a.response for a in action_points)
    october = Meeting.objects.get(committee=board, starts_at__date=datetime.date(2022, 10, 11))
    assert october.agenda_items.count() == 16
    assert AgendaItem.objects.filter(meeting=october, duration_minutes__isnull=False).count() >= 10


def test_every_public_demo_page_renders_and_drafts_stay_hidden(demo, client):
    drafts = Meeting.objects.filter(agenda_status="draft")
    assert drafts.exists()

    for url in [reverse("home"), reverse("meetings:committees"), reverse("meetings:questions")]:
        assert client.get(url).status_code == 200
    for committee in Committee.objects.all():
        assert client.get(committee.get_absolute_url()).status_code == 200
    for meeting in Meeting.objects.public().select_related("committee"):
        assert client.get(meeting.get_absolute_url()).status_code == 200, meeting
    for meeting in drafts.select_related("committee"):
        assert client.get(meeting.get_absolute_url()).status_code == 404
