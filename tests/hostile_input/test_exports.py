"""Hostile text in the feeds, calendars, CSV downloads and open data: carried as data (suite 1a)."""

import csv
import io
import json

import pytest
from django.urls import reverse

from tests.hostile_input.files import squeezed
from tests.hostile_input.world import (
    PLAIN_PAYLOADS,
    Filler,
    build_world,
    tag_for,
)

pytestmark = pytest.mark.django_db


CSV_FIELDS = {
    "committee-action-points": [
        "ActionPoint.reference",
        "ActionPoint.description",
        "Person.name",
        "Organisation.name",
        "ActionPoint.response",
    ],
    "outstanding": ["ActionPoint.description", "Committee.name", "Action.title"],
    "plan-actions": [
        "Action.number",
        "Action.title",
        "Action.success_measure",
        "Organisation.name",
        "Action.owner_note",
        "Action.due_text",
    ],
    "figures": ["Measure.title", "Observation.note"],
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize("payload", PLAIN_PAYLOADS.values(), ids=PLAIN_PAYLOADS.keys())
def test_plain_text_payload_in_feeds_calendars_csv_and_open_data(browser, payload):
    import xml.etree.ElementTree as ElementTree

    from icalendar import Calendar

    fill = Filler(plain=lambda key, max_length: f"{payload} {tag_for(key)}")
    world = build_world(fill)
    values = fill.values
    committee, meeting, plan = world["committee"], world["meeting"], world["plan"]

    atom = "{http://www.w3.org/2005/Atom}"
    for url in [
        reverse("meetings:feed"),
        reverse("meetings:committee_feed", args=[committee.slug]),
    ]:
        response = browser.get(url)
        assert response.status_code == 200, f"The feed {url} answered {response.status_code}"
        feed = ElementTree.fromstring(response.content)  # noqa: S314 -- the site's own feed
        titles = [squeezed(entry.findtext(f"{atom}title")) for entry in feed.iter(f"{atom}entry")]
        assert squeezed(f"New paper: {values['Document.title']}") in titles, url

    for url in [
        reverse("meetings:calendar"),
        reverse("meetings:committee_calendar", args=[committee.slug]),
        reverse("meetings:meeting_calendar", args=[committee.slug, meeting.local_date]),
    ]:
        response = browser.get(url)
        assert response.status_code == 200, f"The calendar {url} answered {response.status_code}"
        events = Calendar.from_ical(response.content).walk("VEVENT")
        assert squeezed(values["Committee.name"]) in [squeezed(str(e["SUMMARY"])) for e in events]
        assert squeezed(values["Meeting.venue"]) in [
            squeezed(str(e.get("LOCATION", ""))) for e in events
        ]

    csv_urls = {
        "committee-action-points": reverse(
            "meetings:committee_action_points_csv", args=[committee.slug]
        ),
        "outstanding": reverse("meetings:outstanding_csv"),
        "plan-actions": reverse("delivery_plans:actions_csv", args=[plan.slug]),
        "figures": reverse("outcomes:observations_csv", args=[world["framework"].slug]),
    }
    for name, url in csv_urls.items():
        response = browser.get(url)
        assert response.status_code == 200, f"The {name} CSV answered {response.status_code}"
        cells = {cell for row in csv.reader(io.StringIO(response.content.decode())) for cell in row}
        for key in CSV_FIELDS[name]:
            value = values[key]
            # A cell a spreadsheet would run as a formula starts with an apostrophe instead.
            expected = f"'{value}" if value.startswith(FORMULA_STARTS) else value
            assert expected in cells, f"{key} is not in the {name} CSV as a plain value"
        assert not any(cell.startswith(FORMULA_STARTS) for cell in cells), name

    response = browser.get(
        reverse("meetings:meeting_ocd", args=[committee.slug, meeting.local_date])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    event = json.loads(response.content)
    assert event["location"]["name"] == values["Meeting.venue"]
    assert (
        event["agenda"][0]["description"]
        == f"{values['AgendaItem.number']}. {values['AgendaItem.title']}"
    )
