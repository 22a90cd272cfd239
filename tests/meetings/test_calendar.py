"""The calendar month page and the site-wide iCalendar's history and SEQUENCE."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings import services
from safer_norfolk.models import RenderedDocument
from tests.factories import CommitteeFactory, MeetingFactory

pytestmark = pytest.mark.django_db

SECRET = "UNPUBLISHED-CALENDAR-MARKER-5e1f"


def london(year, month, day, hour=10, minute=0):
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


@pytest.fixture
def july():
    """Meetings of July 2022: one on a Friday evening, a cancelled one, one late on the 31st
    in Europe/London (the 31st, though 1 August is nowhere near), one in the next month's
    first week, and one whose agenda is not published."""
    board = CommitteeFactory(name="Partnership Board", short_name="Board", slug="board")
    panel = CommitteeFactory(name="Scrutiny Sub-Panel", short_name="Panel", slug="panel")
    return {
        "board": board,
        "friday": MeetingFactory(committee=board, starts_at=london(2022, 7, 15, 18, 30)),
        "cancelled": MeetingFactory(
            committee=panel, starts_at=london(2022, 7, 20), status="cancelled"
        ),
        "late": MeetingFactory(committee=panel, starts_at=london(2022, 7, 31, 23, 30)),
        "august": MeetingFactory(committee=board, starts_at=london(2022, 8, 2)),
        "hidden": MeetingFactory(
            committee=CommitteeFactory(name=f"Hidden {SECRET}", short_name=SECRET),
            starts_at=london(2022, 7, 12),
            draft=True,
        ),
    }


def month_page(client, month):
    response = client.get(reverse("meetings:calendar_month"), {"month": month})
    return response, response.content.decode()


def cells(text):
    """{the day a cell says to screen readers: the cell's HTML}."""
    found = re.findall(r'<td class="govuk-table__cell[^"]*">(.*?)</td>', text, flags=re.DOTALL)
    days = {}
    for cell in found:
        said = re.search(r'govuk-visually-hidden">([^<(]+?)(?: \(today\))?</span>', cell)
        days[said.group(1)] = cell
    return days


def test_calendar_month_puts_each_public_meeting_on_its_london_day(client, july):
    response, text = month_page(client, "2022-07")

    assert response.status_code == 200
    assert '<h1 class="govuk-heading-xl">July 2022</h1>' in text
    days = cells(text)
    # July 2022 starts on a Friday: the grid runs Monday 27 June to Sunday 31 July.
    listed = list(days)
    assert listed[0] == "Monday 27 June 2022"
    assert listed[-1] == "Sunday 31 July 2022"
    assert len(days) == 35
    assert july["friday"].get_absolute_url() in days["Friday 15 July 2022"]
    assert "6.30 p.m." in days["Friday 15 July 2022"]
    assert july["late"].get_absolute_url() in days["Sunday 31 July 2022"]
    assert "Cancelled" in days["Wednesday 20 July 2022"]
    assert "Cancelled" not in days["Friday 15 July 2022"]
    assert july["august"].get_absolute_url() not in text
    assert SECRET not in text


def test_calendar_month_is_an_accessible_table(client, july):
    _, text = month_page(client, "2022-07")

    assert (
        '<caption class="govuk-table__caption govuk-table__caption--m">Meetings in July 2022'
        in text
    )
    headers = re.findall(r'<th scope="col" class="govuk-table__header"><abbr title="(\w+)">', text)
    assert headers == [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ]
    assert "Meetings in July 2022 as a list" in text


def test_calendar_month_links_the_months_either_side(client, july):
    _, text = month_page(client, "2022-01")

    assert 'href="?month=2021-12"' in text
    assert 'href="?month=2022-02"' in text
    assert "December 2021" in text
    assert "February 2022" in text


def test_calendar_month_lists_the_month_below(client, july):
    _, text = month_page(client, "2022-07")

    listed = text[text.index("as a list") :]
    assert "Partnership Board, Friday 15 July 2022, 6.30 p.m." in listed
    assert "Scrutiny Sub-Panel, Wednesday 20 July 2022" in listed
    assert "Scrutiny Sub-Panel, Sunday 31 July 2022, 11.30 p.m." in listed
    assert "August 2022" not in listed.split("Other months")[0]


def test_calendar_month_defaults_to_this_month_in_london(client):
    today = timezone.localdate()
    meeting = MeetingFactory(
        starts_at=timezone.make_aware(datetime.datetime.combine(today, datetime.time(12)))
    )

    response = client.get(reverse("meetings:calendar_month"))
    text = response.content.decode()

    assert response.status_code == 200
    assert f'<h1 class="govuk-heading-xl">{today:%B %Y}</h1>' in text
    assert meeting.get_absolute_url() in text
    assert "(today)" in text


def test_calendar_month_with_no_meetings_says_so(client, july):
    _, text = month_page(client, "2021-02")

    assert "No meetings are published for February 2021." in text
    assert len(cells(text)) == 28  # February 2021 runs from a Monday to a Sunday


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("2022-13", "Enter a month as year and month, like 2022-07."),
        ("July", "Enter a month as year and month, like 2022-07."),
        ("2022-07-01", "Enter a month as year and month, like 2022-07."),
        ("0001-01", "Enter a date between 1 January 1900 and 31 December 2200."),
        ("9999-12", "Enter a date between 1 January 1900 and 31 December 2200."),
        ("1800-01", "Enter a date between 1 January 1900 and 31 December 2200."),
    ],
)
def test_calendar_month_refuses_a_month_it_cannot_read(client, july, month, message):
    response, text = month_page(client, month)

    assert response.status_code == 400
    assert "There is a problem with the month" in text
    assert message in text


def test_calendar_month_at_the_edges_links_no_further(client):
    _, first = month_page(client, "1900-01")
    _, last = month_page(client, "2200-12")

    assert "?month=1899-12" not in first
    assert 'href="?month=1900-02"' in first
    assert "?month=2201-01" not in last


# --- the site-wide iCalendar ----------------------------------------------------------------


def site_calendar(client, **params):
    response = client.get(reverse("meetings:calendar"), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return {
        str(event["UID"]): event for event in Calendar.from_ical(response.content).walk("VEVENT")
    }


def uid(meeting):
    return f"meeting-{meeting.pk}@safer-norfolk.example.org"


def test_site_calendar_covers_history_from_the_day_asked(client, july):
    recent = MeetingFactory(starts_at=timezone.now() - datetime.timedelta(days=30))

    window = site_calendar(client)
    history = site_calendar(client, **{"from": "2022-07-16"})

    assert uid(recent) in window
    assert uid(july["friday"]) not in window  # older than the two years shown by default
    assert uid(recent) in history
    assert uid(july["cancelled"]) in history
    assert uid(july["late"]) in history
    assert uid(july["friday"]) not in history  # the day before `from`
    assert uid(july["hidden"]) not in history
    assert SECRET not in str(history)


def test_site_calendar_keeps_a_file_for_each_from(client, july):
    site_calendar(client, **{"from": "2022-07-16"})
    earlier = site_calendar(client, **{"from": "2022-07-01"})

    assert uid(july["friday"]) in earlier
    assert RenderedDocument.objects.filter(kind="calendar").count() == 2


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("yesterday", "Enter a real date, like 2024-03-31."),
        ("2022-02-30", "Enter a real date, like 2024-03-31."),
        ("0001-01-01", "Enter a date between 1 January 1900 and 31 December 2200."),
    ],
)
def test_site_calendar_refuses_a_from_it_cannot_read(client, value, message):
    response = client.get(reverse("meetings:calendar"), {"from": value})

    assert response.status_code == 400
    assert message in response.content.decode()


def test_site_calendar_sequence_rises_with_each_save_and_cancelling(client, officer):
    meeting = MeetingFactory(starts_at=timezone.now() + datetime.timedelta(days=14))

    first = site_calendar(client)[uid(meeting)]
    meeting.venue = "Breckland Council, Dereham"
    meeting.save()
    moved = site_calendar(client)[uid(meeting)]
    services.cancel_meeting(meeting=meeting, by=officer)
    cancelled = site_calendar(client)[uid(meeting)]

    assert first["SEQUENCE"] == 0
    assert moved["SEQUENCE"] == 1
    assert str(moved["LOCATION"]) == "Breckland Council, Dereham"
    assert cancelled["SEQUENCE"] == 2
    assert str(first["STATUS"]) == "CONFIRMED"
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert "(cancelled)" in str(cancelled["SUMMARY"])


@pytest.mark.parametrize("month", ["\x00", "x" * 10_000, '"><svg onload=alert(1)>'])
def test_calendar_month_refuses_hostile_values_without_reflecting_them_as_markup(client, month):
    response, text = month_page(client, month)

    assert response.status_code == 400
    assert "Enter a month as year and month, like 2022-07." in text
    assert "<svg onload" not in text
