"""The decisions register: every resolution of public minutes, with its filters, CSV and
Atom feed, and none of an exempt item, an unpublished meeting or draft minutes."""

import csv
import datetime
import io
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from tests.factories import (
    AgendaItemFactory,
    CommitteeFactory,
    MeetingFactory,
    MinuteFactory,
    ResolutionFactory,
)
from tests.http import read_body

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
EXEMPT_SECRET = "EXEMPT-DECISION-MARKER-71a2"
UNPUBLISHED_SECRET = "UNPUBLISHED-MEETING-DECISION-MARKER-3b9e"
DRAFT_SECRET = "DRAFT-MINUTES-DECISION-MARKER-c04d"


def at(year, month, day):
    return datetime.datetime(year, month, day, 10, tzinfo=datetime.UTC)


@pytest.fixture
def register():
    """Two committees' published minutes with decisions of several verbs and dates."""
    scrutiny = CommitteeFactory(name="Scrutiny Sub-Panel", slug="scrutiny-sub-panel")
    board = CommitteeFactory(name="Partnership Board", slug="partnership-board")
    spring = MeetingFactory(committee=scrutiny, starts_at=at(2024, 3, 14), minutes_published=True)
    summer = MeetingFactory(committee=board, starts_at=at(2024, 7, 9), minutes_published=True)
    budget = MinuteFactory(meeting=spring, number="5", heading="Budget monitoring")
    plan = MinuteFactory(meeting=summer, number="7", heading="Delivery plan refresh")
    return {
        "scrutiny": scrutiny,
        "board": board,
        "spring": spring,
        "summer": summer,
        "noted": ResolutionFactory(
            minute=budget, order=1, verb="noted", text="the quarterly Budget report."
        ),
        "agreed": ResolutionFactory(
            minute=budget, order=2, verb="agreed", text="to hold a workshop on knife crime."
        ),
        "approved": ResolutionFactory(
            minute=plan, order=1, verb="approved", text="the refreshed delivery plan."
        ),
    }


@pytest.fixture
def hidden():
    """A resolution of an exempt item's minute, one of a meeting whose agenda is not
    published, and one of draft minutes: none may be shown anywhere."""
    exempt_meeting = MeetingFactory(starts_at=at(2024, 5, 1), minutes_published=True)
    exempt_item = AgendaItemFactory(meeting=exempt_meeting, is_exempt=True)
    ResolutionFactory(
        minute=MinuteFactory(meeting=exempt_meeting, agenda_item=exempt_item),
        text=f"the exempt report {EXEMPT_SECRET}.",
    )
    unpublished = MeetingFactory(starts_at=at(2024, 5, 8), draft=True)
    ResolutionFactory(
        minute=MinuteFactory(meeting=unpublished), text=f"the report {UNPUBLISHED_SECRET}."
    )
    draft_minutes = MeetingFactory(starts_at=at(2024, 5, 15), minutes_draft=True)
    ResolutionFactory(
        minute=MinuteFactory(meeting=draft_minutes), text=f"the report {DRAFT_SECRET}."
    )


def page_text(client, **params):
    response = client.get(reverse("meetings:decisions"), params)
    return response, response.content.decode()


def csv_rows(client, **params):
    response = client.get(reverse("meetings:decisions_csv"), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(read_body(response).decode())))


def atom_entries(client, **params):
    response = client.get(reverse("meetings:decisions_feed"), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(read_body(response))  # noqa: S314 -- the site's own feed
    return feed.findall(f"{ATOM}entry")


def test_decision_list_shows_each_decision_with_its_meeting_minute_and_verb(client, register):
    response, text = page_text(client)

    assert response.status_code == 200
    spring_url = register["spring"].get_absolute_url()
    assert f'href="{spring_url}#minute-5"' in text
    assert "14 Mar 2024" in text
    assert "Scrutiny Sub-Panel" in text or register["scrutiny"].short_name in text
    assert "5. Budget monitoring" in text
    assert "<strong>NOTED</strong> the quarterly Budget report." in text
    assert "<strong>AGREED</strong> to hold a workshop on knife crime." in text
    assert "<strong>APPROVED</strong> the refreshed delivery plan." in text
    # Newest meeting first, then in the minutes' order.
    assert (
        text.index("refreshed delivery plan")
        < text.index("quarterly Budget report")
        < text.index("workshop on knife crime")
    )
    assert "<strong>3</strong> decisions" in text


def test_decisions_never_include_exempt_unpublished_or_draft_minutes(client, register, hidden):
    _, text = page_text(client)
    csv_text = "\n".join(",".join(row) for row in csv_rows(client))
    feed = client.get(reverse("meetings:decisions_feed"))
    feed_text = read_body(feed).decode()

    for secret in (EXEMPT_SECRET, UNPUBLISHED_SECRET, DRAFT_SECRET):
        assert secret not in text
        assert secret not in csv_text
        assert secret not in feed_text
    assert "quarterly Budget report" in text
    assert "quarterly Budget report" in csv_text
    assert "quarterly Budget report" in feed_text
    # Nor when a filter asks for them by their words.
    _, searched = page_text(client, q="MARKER")
    assert "No decisions match these filters." in searched
    assert csv_rows(client, q="MARKER")[1:] == []
    assert atom_entries(client, q="MARKER") == []


@pytest.mark.parametrize("key", ["slug", "pk"])
def test_decisions_filter_by_committee_by_slug_or_id(client, register, key):
    _, text = page_text(client, committee=getattr(register["board"], key))

    assert "refreshed delivery plan" in text
    assert "quarterly Budget report" not in text
    assert "<strong>1</strong> decision." in text


def test_decisions_filter_by_one_or_more_verbs(client, register):
    _, agreed = page_text(client, verb="agreed")
    response = client.get(reverse("meetings:decisions"), {"verb": ["noted", "approved"]})
    both = response.content.decode()

    assert "workshop on knife crime" in agreed
    assert "quarterly Budget report" not in agreed
    assert "refreshed delivery plan" not in agreed
    assert "quarterly Budget report" in both
    assert "refreshed delivery plan" in both
    assert "workshop on knife crime" not in both


def test_decisions_filter_by_meeting_dates(client, register):
    _, since = page_text(client, **{"from": "2024-07-09"})
    _, until = page_text(client, to="2024-03-14")
    _, between = page_text(client, **{"from": "2024-03-15", "to": "2024-07-08"})

    assert "refreshed delivery plan" in since
    assert "quarterly Budget report" not in since
    assert "quarterly Budget report" in until
    assert "refreshed delivery plan" not in until
    assert "No decisions match these filters." in between


def test_decisions_text_search_ignores_case(client, register):
    _, text = page_text(client, q="BUDGET")

    assert "quarterly Budget report" in text
    assert "workshop on knife crime" not in text
    assert "refreshed delivery plan" not in text


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"committee": "no-such-committee"},
            "No committee has the id or slug “no-such-committee”.",
        ),
        ({"verb": "vetoed"}, "There is no kind of decision “vetoed”."),
        ({"from": "2024-02-30"}, "Enter a real date, like 2024-03-31."),
        ({"to": "9999-01-01"}, "Enter a date between 1 January 1900 and 31 December 2200."),
        (
            {"from": "2024-08-01", "to": "2024-07-01"},
            "The “to” date must be the same as or after the “from” date.",
        ),
    ],
)
def test_decisions_refuse_filters_they_cannot_read(client, register, params, message):
    response, text = page_text(client, **params)
    download = client.get(reverse("meetings:decisions_csv"), params)
    feed = client.get(reverse("meetings:decisions_feed"), params)

    assert response.status_code == 400
    assert "There is a problem with the filters" in text
    assert message in text
    assert "quarterly Budget report" not in text
    assert download.status_code == 400
    assert message in download.content.decode()
    assert feed.status_code == 400
    assert message in feed.content.decode()


def test_decisions_are_paginated_fifty_to_a_page(client, register):
    minute = MinuteFactory(meeting=register["summer"], number="8", heading="Many decisions")
    for order in range(1, 51):
        ResolutionFactory(minute=minute, order=order, text=f"item number {order:02d}.")

    _, first = page_text(client)
    _, second = page_text(client, page=2)

    assert "<strong>53</strong> decisions" in first
    assert "Pages of decisions" in first
    assert 'href="?page=2"' in first
    assert first.count("<strong>NOTED</strong>") + first.count("<strong>APPROVED</strong>") == 50
    assert "workshop on knife crime" in second
    assert "workshop on knife crime" not in first


def test_past_the_register_limit_the_newest_are_paged_and_older_ones_are_filtered_for(
    client, register, monkeypatch
):
    from meetings import queries

    monkeypatch.setattr(queries, "REGISTER_LIMIT", 2)
    monkeypatch.setattr(queries, "DECISIONS_PER_PAGE", 1)

    _, first = page_text(client)
    _, last = page_text(client, page="5")
    _, spring = page_text(client, to="2024-06-30", page="2")

    assert "More than <strong>2</strong> decisions: the newest 2 are listed" in first
    assert 'href="?page=2"' in first
    assert 'href="?page=3"' not in first
    assert "Page 2 of 2" in last  # a page past the limit shows the last of the newest
    assert "workshop on knife crime" not in first + last  # the oldest, past the limit
    assert "<strong>2</strong> decisions." in spring  # within the limit: counted exactly
    assert "workshop on knife crime" in spring


def test_decisions_csv_has_its_columns_and_the_filtered_rows(client, register):
    rows = csv_rows(client, committee="scrutiny-sub-panel")

    assert rows[0] == [
        "Date",
        "Committee",
        "Minute",
        "Heading",
        "Decision",
        "Text",
        "Corrected on",
        "Link",
    ]
    assert rows[1] == [
        "2024-03-14",
        "Scrutiny Sub-Panel",
        "5",
        "Budget monitoring",
        "NOTED",
        "the quarterly Budget report.",
        "",
        f"http://testserver{register['spring'].get_absolute_url()}#minute-5",
    ]
    assert [row[4] for row in rows[1:]] == ["NOTED", "AGREED"]


def test_decisions_csv_neutralises_formulas(client, register):
    ResolutionFactory(minute=register["noted"].minute, order=3, text='=HYPERLINK("x")')

    rows = csv_rows(client, q="HYPERLINK")

    assert rows[1][5].startswith("'=")


def test_decisions_feed_lists_the_newest_decisions_with_links(client, register):
    entries = atom_entries(client)
    verbs = atom_entries(client, verb="agreed")

    titles = [entry.find(f"{ATOM}title").text for entry in entries]
    assert len(entries) == 3
    assert titles[0] == "APPROVED: Delivery plan refresh (Partnership Board, 9 July 2024)"
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link == f"http://testserver{register['summer'].get_absolute_url()}#minute-7"
    assert entries[0].find(f"{ATOM}id").text.endswith(f"resolution-{register['approved'].pk}")
    assert [entry.find(f"{ATOM}summary").text for entry in verbs] == [
        "AGREED to hold a workshop on knife crime."
    ]


def test_decisions_feed_holds_the_latest_fifty(client, register):
    minute = MinuteFactory(meeting=register["summer"], number="8", heading="Many decisions")
    for order in range(1, 56):
        ResolutionFactory(minute=minute, order=order, text=f"item number {order:02d}.")

    entries = atom_entries(client)

    assert len(entries) == 50
    summaries = " ".join(entry.find(f"{ATOM}summary").text for entry in entries)
    assert "quarterly Budget report" not in summaries  # the older meeting's, beyond fifty


def test_register_is_linked_from_the_home_and_committee_pages(client, register):
    home = client.get(reverse("home")).content.decode()
    committee = client.get(register["board"].get_absolute_url()).content.decode()

    assert f'href="{reverse("meetings:decisions")}"' in home
    assert f'href="{reverse("meetings:decisions")}?committee=partnership-board"' in committee


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "budget\x00"}, "Null characters are not allowed."),
        ({"committee": "x" * 10_000}, "Ensure this value has at most"),
        ({"from": "\x00"}, "Enter a real date, like 2024-03-31."),
        ({"q": "x" * 201}, "Ensure this value has at most 200 characters"),
    ],
)
def test_decisions_refuse_hostile_values_without_reflecting_them(client, register, params, message):
    response, text = page_text(client, **params)
    download = client.get(reverse("meetings:decisions_csv"), params)

    assert response.status_code == 400
    assert message in text
    # No link carries the value refused: only the box it was typed in shows it.
    assert "?q=x" not in text
    assert "?committee=x" not in text
    assert (
        'rel="alternate" type="application/atom+xml" title="Safer Norfolk: decisions"' not in text
    )
    assert download.status_code == 400


def test_decisions_ignore_a_page_number_out_of_range(client, register):
    response, text = page_text(client, page="999")
    _, garbled = page_text(client, page="<b>2</b>")

    assert response.status_code == 200
    assert "quarterly Budget report" in text
    assert "quarterly Budget report" in garbled
