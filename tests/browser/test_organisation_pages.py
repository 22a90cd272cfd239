"""The partner organisation pages in Chromium: the list and an organisation's record render,
axe-core finds no WCAG violation, the chart is a labelled image beside its table, the list
sorts by its column headings, and screenshots are saved for a person to look at."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import describe_violations, run_axe
from tests.factories import (
    ActionFactory,
    ActionPointFactory,
    ActionUpdateFactory,
    AttendanceFactory,
    CommitteeFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    WrittenQuestionFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def at(year, month, day):
    return datetime.datetime(year, month, day, 10, tzinfo=datetime.UTC)


def scrolls_sideways(page):
    return page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


@pytest.fixture
def partners():
    """Two councils on two committees, with a meeting of every attendance status, action
    points, questions and plan actions."""
    county = OrganisationFactory(name="Norfolk County Council", slug="norfolk-county-council")
    district = OrganisationFactory(name="Broadland District Council")
    councillor = PersonFactory(organisation=county, name="Graham Carpenter")
    officer = PersonFactory(organisation=county, name="Jo Martin", honorific="")
    neighbour = PersonFactory(organisation=district, name="Sue Lawn")
    panel = CommitteeFactory(name="NCCSP Scrutiny Sub Panel", short_name="Scrutiny Sub Panel")
    board = CommitteeFactory(name="Norfolk Countywide Community Safety Partnership Board")
    MembershipFactory(committee=panel, person=councillor)
    MembershipFactory(committee=panel, person=neighbour)
    statuses = ["present", "apologies", "absent", "present", "expected"]
    for number, status in enumerate(statuses):
        meeting = MeetingFactory(
            committee=panel, starts_at=at(2022, 1 + 2 * number, 15), minutes_published=True
        )
        AttendanceFactory(meeting=meeting, person=councillor, status=status)
        AttendanceFactory(meeting=meeting, person=neighbour, status="present")
    MeetingFactory(committee=panel, starts_at=at(2023, 1, 20), status="held")
    for month in (3, 9):
        meeting = MeetingFactory(
            committee=board, starts_at=at(2022, month, 1), minutes_published=True
        )
        AttendanceFactory(meeting=meeting, person=officer, capacity="officer")
    first = MeetingFactory(committee=panel, starts_at=at(2021, 11, 10), minutes_published=True)
    ActionPointFactory(
        meeting=first,
        owner_organisation=county,
        owner_person=councillor,
        title="Hate crime figures",
        description="Circulate the hate crime figures by district.",
        due_date=datetime.date(2021, 12, 1),
        status="closed",
        closed_on=datetime.date(2021, 12, 10),
    )
    ActionPointFactory(
        meeting=first,
        owner_organisation=county,
        description="Share the review of CCTV coverage in market towns.",
        due_date=datetime.date(2022, 1, 31),
    )
    WrittenQuestionFactory(
        meeting=first,
        addressed_to=county,
        question="How many scams were reported to Trading Standards last year?",
        status="answered",
        response="Four hundred and twelve.",
        response_due=datetime.date(2021, 12, 1),
        responded_on=datetime.date(2021, 11, 28),
    )
    WrittenQuestionFactory(
        meeting=first,
        addressed_to=county,
        question="When will the new refuge open?",
        response_due=datetime.date(2021, 12, 1),
    )
    partnership = OrganisationFactory(
        name="Norfolk Countywide Community Safety Partnership", kind="partnership_group"
    )
    red = ActionFactory(
        section__plan__organisation=partnership,
        number="1.14",
        title="Run the scams awareness campaign",
        owners=[county],
    )
    ActionUpdateFactory(action=red, rag="red", distance="far_off")
    green = ActionFactory(
        section=red.section, number="2.3", title="Map the hot spots", owners=[county, district]
    )
    ActionUpdateFactory(action=green, rag="green", distance="nearly_met")
    return {"county": county, "district": district}


def test_organisation_list_renders_sorts_and_has_no_axe_violations(
    live_server, page, screenshot, partners
):
    page.goto(live_server.url + reverse("meetings:organisations"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Partner organisations")
    table = page.get_by_role("table")
    partnership = "Norfolk Countywide Community Safety Partnership"
    expect(table.get_by_role("rowheader")).to_have_text(
        ["Broadland District Council", "Norfolk County Council", partnership]
    )
    violations = run_axe(page)
    screenshot(page, "organisations")
    assert not violations, describe_violations(violations)

    table.get_by_role("link", name="Attendance rate").click()
    expect(page.get_by_role("columnheader", name="Attendance rate")).to_have_attribute(
        "aria-sort", "ascending"
    )
    # Nothing recorded sorts last either way.
    expect(page.get_by_role("table").get_by_role("rowheader")).to_have_text(
        ["Norfolk County Council", "Broadland District Council", partnership]
    )
    page.get_by_role("table").get_by_role("link", name="Attendance rate").click()
    expect(page.get_by_role("columnheader", name="Attendance rate")).to_have_attribute(
        "aria-sort", "descending"
    )
    expect(page.get_by_role("table").get_by_role("rowheader")).to_have_text(
        ["Broadland District Council", "Norfolk County Council", partnership]
    )

    page.set_viewport_size({"width": 320, "height": 640})
    screenshot(page, "organisations-narrow")
    assert not scrolls_sideways(page), "the page scrolls sideways at 320 pixels"


def test_organisation_page_renders_with_no_axe_violations(live_server, page, screenshot, partners):
    page.goto(live_server.url + partners["county"].get_absolute_url())

    expect(page.get_by_role("heading", level=1)).to_have_text("Norfolk County Council")
    # Without a period: the year to the latest meeting held, with the way to the rest.
    expect(page.get_by_role("main")).to_contain_text(
        "Showing the 12 months to the latest meeting held, 20 January 2023."
    )
    expect(page.get_by_role("heading", level=2).first).to_have_text(
        "Meetings from 21 January 2022 to 20 January 2023"
    )
    page.get_by_role("link", name="whole record", exact=True).click()
    expect(page.get_by_role("heading", level=2).first).to_have_text("The whole record")
    chart = page.get_by_role("img", name="Norfolk County Council: attendance at each meeting")
    expect(chart).to_be_visible()
    meetings = page.get_by_role("table", name="Attendance at each meeting, newest first")
    expect(meetings).to_contain_text("NCCSP Scrutiny Sub Panel")
    expect(meetings).to_contain_text("Apologies")
    expect(meetings).to_contain_text("Absent")
    expect(meetings).to_contain_text("Not recorded")
    expect(page.get_by_text("67%")).to_be_visible()
    violations = run_axe(page)
    screenshot(page, "organisation")
    assert not violations, describe_violations(violations)

    page.set_viewport_size({"width": 320, "height": 640})
    screenshot(page, "organisation-narrow")
    assert not scrolls_sideways(page), "the page scrolls sideways at 320 pixels"
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("textbox", name="From").fill("2022-04-01")
    page.get_by_role("textbox", name="To").fill("2022-12-31")
    page.get_by_role("button", name="Show this period").click()
    expect(page.get_by_role("heading", level=2).first).to_have_text(
        "Meetings from 1 April 2022 to 31 December 2022"
    )
    screenshot(page, "organisation-period")


def test_organisation_page_error_renders_with_no_axe_violations(
    live_server, page, screenshot, partners
):
    page.goto(live_server.url + partners["county"].get_absolute_url() + "?from=2022-02-30")

    expect(page.get_by_role("alert")).to_contain_text("Enter a real date, like 2024-03-31.")
    violations = run_axe(page)
    screenshot(page, "organisation-error")
    assert not violations, describe_violations(violations)
