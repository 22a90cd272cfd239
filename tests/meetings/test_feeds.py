import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from tests.factories import AgendaItemFactory, CommitteeFactory, DocumentFactory, MeetingFactory

pytestmark = pytest.mark.django_db

SECRET = "DRAFT-FEED-MARKER-0c9d"
SOON = timezone.now() + datetime.timedelta(days=14)


def calendar(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def events(cal):
    return [component for component in cal.walk("VEVENT")]


@pytest.fixture
def meetings():
    committee = CommitteeFactory(name="Cambridge CSP Board", slug="cambridge-csp-board")
    summer = MeetingFactory(
        committee=committee,
        starts_at=datetime.datetime(2026, 7, 14, 9, tzinfo=datetime.UTC),
        venue="Guildhall, Cambridge",
    )
    winter = MeetingFactory(committee=committee, starts_at=SOON, status="cancelled")
    draft = MeetingFactory(
        committee=CommitteeFactory(name=f"Hidden {SECRET}"), draft=True, starts_at=SOON
    )
    return {"committee": committee, "summer": summer, "winter": winter, "draft": draft}


def test_site_calendar_parses_and_holds_public_meetings_only(client, meetings):
    cal = calendar(client, reverse("meetings:calendar"))

    uids = {str(event["UID"]) for event in events(cal)}
    assert f"meeting-{meetings['summer'].pk}@safer-norfolk.example.org" in uids
    assert f"meeting-{meetings['winter'].pk}@safer-norfolk.example.org" in uids
    assert SECRET not in cal.to_ical().decode()
    assert f"meeting-{meetings['draft'].pk}@" not in cal.to_ical().decode()


def test_calendar_times_are_europe_london_and_cancellations_are_kept(client, meetings):
    cal = calendar(client, reverse("meetings:committee_calendar", args=["cambridge-csp-board"]))

    by_uid = {str(event["UID"]): event for event in events(cal)}
    summer = by_uid[f"meeting-{meetings['summer'].pk}@safer-norfolk.example.org"]
    start = summer.decoded("DTSTART")
    assert str(start.tzinfo) == "Europe/London"
    assert (start.hour, start.minute) == (10, 0)  # 09:00 UTC is 10:00 BST
    assert summer["DTSTART"].params["TZID"] == "Europe/London"
    assert str(summer["LOCATION"]) == "Guildhall, Cambridge"
    assert str(summer["STATUS"]) == "CONFIRMED"
    winter = by_uid[f"meeting-{meetings['winter'].pk}@safer-norfolk.example.org"]
    assert str(winter["STATUS"]) == "CANCELLED"
    assert cal.walk("VTIMEZONE")


def test_meeting_calendar_has_one_stable_event(client, meetings):
    meeting = meetings["summer"]
    url = reverse("meetings:meeting_calendar", args=[meeting.committee.slug, meeting.local_date])

    first, second = events(calendar(client, url)), events(calendar(client, url))

    assert len(first) == 1
    assert str(first[0]["UID"]) == str(second[0]["UID"])
    assert (
        client.get(
            reverse(
                "meetings:meeting_calendar",
                args=[meetings["draft"].committee.slug, meetings["draft"].local_date],
            )
        ).status_code
        == 404
    )


def test_atom_feeds_list_new_agendas_minutes_and_papers(client, meetings):
    held = MeetingFactory(committee=meetings["committee"], minutes_published=True)
    DocumentFactory(meeting=held, title="Domestic abuse quarterly report")
    DocumentFactory(meeting=held, title=f"Private {SECRET}", is_public=False)
    AgendaItemFactory(meeting=meetings["draft"], title=SECRET)

    for url in [
        reverse("meetings:feed"),
        reverse("meetings:committee_feed", args=["cambridge-csp-board"]),
    ]:
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/atom+xml")
        xml = response.content.decode()
        assert "Agenda published: Cambridge CSP Board" in xml
        assert "Minutes published: Cambridge CSP Board" in xml
        assert "New paper: Domestic abuse quarterly report" in xml
        assert SECRET not in xml
        assert len(re.findall("<entry>", xml)) >= 3


def test_meeting_page_carries_schema_org_event(client, meetings):
    meeting = meetings["winter"]
    html = client.get(meeting.get_absolute_url()).content.decode()

    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    )
    assert data["@type"] == "Event"
    assert data["eventStatus"] == "https://schema.org/EventCancelled"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["location"]["@type"] == "Place"


def test_json_ld_cannot_be_broken_out_of(client):
    meeting = MeetingFactory(venue="</script><script>alert(1)</script>")

    html = client.get(meeting.get_absolute_url()).content.decode()

    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block
    assert json.loads(block)["location"]["name"] == "</script><script>alert(1)</script>"


def test_a_recorded_end_is_the_events_end_and_an_unrecorded_one_is_not_claimed(client):
    committee = CommitteeFactory(slug="timed-panel")
    ended = MeetingFactory(
        committee=committee,
        starts_at=datetime.datetime(2022, 10, 11, 9, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2022, 10, 11, 11, 20, tzinfo=datetime.UTC),
    )
    open_ended = MeetingFactory(
        committee=committee, starts_at=datetime.datetime(2022, 7, 19, 9, tzinfo=datetime.UTC)
    )

    by_uid = {
        str(event["UID"]): event
        for event in events(
            calendar(client, reverse("meetings:committee_calendar", args=["timed-panel"]))
        )
    }
    recorded = by_uid[f"meeting-{ended.pk}@safer-norfolk.example.org"]
    default = by_uid[f"meeting-{open_ended.pk}@safer-norfolk.example.org"]

    end = recorded.decoded("DTEND")
    assert (end.hour, end.minute) == (12, 20)  # 11:20 UTC is 12:20 BST
    assert "not recorded" not in str(recorded["DESCRIPTION"])
    assert "The end time is not recorded" in str(default["DESCRIPTION"])


def test_a_meeting_without_a_start_time_is_an_all_day_event(client):
    meeting = MeetingFactory(
        starts_at=datetime.datetime(2021, 7, 19, 23, tzinfo=datetime.UTC),  # 20 July, 00:00 BST
        start_time_known=False,
    )
    url = reverse("meetings:meeting_calendar", args=[meeting.committee.slug, meeting.local_date])

    (event,) = events(calendar(client, url))

    assert event["DTSTART"].params["VALUE"] == "DATE"
    assert event.decoded("DTSTART") == datetime.date(2021, 7, 20)
    assert event.decoded("DTEND") == datetime.date(2021, 7, 21)
    assert "The start time is not recorded" in str(event["DESCRIPTION"])


def test_feed_dates_are_the_meetings_local_day(client):
    committee = CommitteeFactory(name="Evening Panel", slug="evening-panel")
    meeting = MeetingFactory(
        committee=committee,
        starts_at=datetime.datetime(2022, 6, 30, 22, 30, tzinfo=datetime.UTC),  # 23:30 BST
        minutes_published=True,
    )
    DocumentFactory(meeting=meeting, title="Late report")

    xml = client.get(reverse("meetings:committee_feed", args=["evening-panel"])).content.decode()

    assert "Agenda published: Evening Panel, 30 June 2022" in xml
    assert "Minutes published: Evening Panel, 30 June 2022" in xml
    assert "The agenda for the meeting on Thursday 30 June 2022 is published." in xml
    assert "Evening Panel, meeting on 30 June 2022." in xml
    assert "1 July 2022" not in xml
