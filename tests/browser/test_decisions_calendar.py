"""The decisions register and the calendar month in Chromium: they render, axe-core finds
no WCAG violation, and screenshots are saved for a person to look at."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import describe_violations, run_axe
from tests.factories import (
    AgendaItemFactory,
    CommitteeFactory,
    MeetingFactory,
    MinuteFactory,
    ResolutionFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def this_month(day, hour=10):
    today = timezone.localdate()
    return timezone.make_aware(datetime.datetime(today.year, today.month, day, hour))


def scrolls_sideways(page):
    """Whether the page itself is wider than the window (a wide table scrolls in its box)."""
    return page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


@pytest.fixture
def decisions_and_meetings():
    board = CommitteeFactory(name="Safer Norfolk Partnership Board", short_name="Board")
    panel = CommitteeFactory(
        name="Community Safety Scrutiny Sub-Panel", short_name="Scrutiny Sub-Panel"
    )
    held = MeetingFactory(committee=panel, starts_at=this_month(3), minutes_published=True)
    MeetingFactory(committee=board, starts_at=this_month(10, 14))
    MeetingFactory(committee=panel, starts_at=this_month(17), status="cancelled")
    MeetingFactory(committee=board, starts_at=this_month(24, 18))
    item = AgendaItemFactory(meeting=held, number="5", title="Delivery plan update")
    minute = MinuteFactory(
        meeting=held, agenda_item=item, number="5", heading="Delivery plan update"
    )
    for order, (verb, text) in enumerate(
        [
            ("noted", "the progress against the delivery plan."),
            ("agreed", "that the partnership reports on knife crime at the next meeting."),
            ("recommended", "that the Board adopts the revised domestic abuse measures."),
        ],
        start=1,
    ):
        ResolutionFactory(minute=minute, order=order, verb=verb, text=text)
    earlier = MeetingFactory(
        committee=board,
        starts_at=this_month(1) - datetime.timedelta(days=40),
        minutes_published=True,
    )
    ResolutionFactory(
        minute=MinuteFactory(meeting=earlier, number="3", heading="Strategic assessment"),
        verb="approved",
        text="the strategic assessment for publication.",
    )


def test_decisions_register_renders_with_no_axe_violations(
    live_server, page, screenshot, decisions_and_meetings
):
    page.goto(live_server.url + reverse("meetings:decisions"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Decisions")
    expect(page.get_by_role("table")).to_contain_text("RECOMMENDED")
    expect(page.get_by_role("status")).to_contain_text("4 decisions")
    violations = run_axe(page)
    screenshot(page, "decisions")
    assert not violations, describe_violations(violations)

    page.set_viewport_size({"width": 320, "height": 640})
    screenshot(page, "decisions-narrow")
    assert not scrolls_sideways(page), "the page scrolls sideways at 320 pixels"
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_label("Agreed").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("status")).to_contain_text("1 decision")
    expect(page.get_by_role("table")).to_contain_text("knife crime")


def test_decisions_register_error_renders_with_no_axe_violations(
    live_server, page, screenshot, decisions_and_meetings
):
    page.goto(live_server.url + reverse("meetings:decisions") + "?from=2024-02-30&verb=vetoed")

    expect(page.get_by_role("alert")).to_contain_text("Enter a real date, like 2024-03-31.")
    expect(page.get_by_role("alert")).to_contain_text("There is no kind of decision “vetoed”.")
    violations = run_axe(page)
    screenshot(page, "decisions-error")
    assert not violations, describe_violations(violations)


def test_calendar_month_renders_with_no_axe_violations(
    live_server, page, screenshot, decisions_and_meetings
):
    page.goto(live_server.url + reverse("meetings:calendar_month"))

    month = timezone.localdate().strftime("%B %Y")
    expect(page.get_by_role("heading", level=1)).to_have_text(month)
    table = page.get_by_role("table")
    expect(table.get_by_role("columnheader")).to_have_count(7)
    expect(table).to_contain_text("Cancelled")
    expect(table.get_by_role("link")).to_have_count(4)
    violations = run_axe(page)
    screenshot(page, "calendar-month")
    assert not violations, describe_violations(violations)

    page.set_viewport_size({"width": 320, "height": 640})
    screenshot(page, "calendar-month-narrow")
    assert not scrolls_sideways(page), "the page scrolls sideways at 320 pixels"


def test_calendar_month_error_renders_with_no_axe_violations(live_server, page, screenshot):
    page.goto(live_server.url + reverse("meetings:calendar_month") + "?month=2022-13")

    expect(page.get_by_role("alert")).to_contain_text(
        "Enter a month as year and month, like 2022-07."
    )
    violations = run_axe(page)
    screenshot(page, "calendar-month-error")
    assert not violations, describe_violations(violations)
