"""The people list and a person's page in Chromium, on the demo data from the seed papers:
they render, axe-core finds no WCAG violation, they reflow at 320 pixels, and screenshots are
saved for a person to look at."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from safer_norfolk.models import Person
from tests.browser.conftest import describe_violations, run_axe

pytestmark = pytest.mark.django_db(transaction=True)


def scrolls_sideways(page):
    """Whether the page itself is wider than the window (a wide table scrolls in its box)."""
    return page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


def check(page, screenshot, name):
    violations = run_axe(page)
    screenshot(page, name)
    assert not violations, describe_violations(violations)
    page.set_viewport_size({"width": 320, "height": 640})
    screenshot(page, f"{name}-narrow")
    assert not scrolls_sideways(page), "the page scrolls sideways at 320 pixels"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_people_pages_on_the_demo_data(live_server, page, screenshot, subtests):
    """Each page in turn on one load of the demo (a live server's tests each empty the
    database after them, and loading the demo takes seconds)."""
    call_command("load_demo", verbosity=0)
    for name, check_page in [
        ("the people list, filtered", people_list_renders_and_filters),
        ("the people list's error", people_list_error_renders),
        ("a person's page", person_page_renders),
        ("a person's action points", person_page_with_action_points_renders),
        ("names on a meeting page", meeting_page_names_lead_to_people_pages),
    ]:
        with subtests.test(msg=name):
            page.set_viewport_size({"width": 1280, "height": 900})
            check_page(live_server, page, screenshot)


def people_list_renders_and_filters(live_server, page, screenshot):
    page.goto(live_server.url + reverse("meetings:people"))

    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    expect(page.get_by_role("table")).to_contain_text("Cllr Adam Giles")
    expect(page.get_by_role("navigation", name="Pages of people")).to_be_visible()
    check(page, screenshot, "people")

    page.get_by_label("Name").fill("penny")
    page.get_by_role("button", name="Apply filter").click()
    expect(page.get_by_role("status")).to_contain_text("1 person")
    page.get_by_role("link", name="Cllr Penny Carpenter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cllr Penny Carpenter")


def people_list_error_renders(live_server, page, screenshot):
    page.goto(live_server.url + reverse("meetings:people") + "?name=" + "x" * 201)

    expect(page.get_by_role("alert")).to_contain_text("There is a problem with the filter")
    violations = run_axe(page)
    screenshot(page, "people-error")
    assert not violations, describe_violations(violations)


def person_page_renders(live_server, page, screenshot):
    penny = Person.objects.get(name="Penny Carpenter")
    page.goto(live_server.url + penny.get_absolute_url())

    expect(page.get_by_role("heading", level=1)).to_have_text("Cllr Penny Carpenter")
    expect(page.get_by_role("table", name="Attendance by committee")).to_contain_text("100%")
    expect(page.locator("#declarations + ul li")).to_have_count(2)
    check(page, screenshot, "person")


def person_page_with_action_points_renders(live_server, page, screenshot):
    owner = (
        Person.objects.public()
        .filter(action_points__status="closed", action_points__due_date__isnull=False)
        .order_by("pk")
        .first()
    )
    page.goto(live_server.url + owner.get_absolute_url())

    expect(page.get_by_role("heading", name="Action points")).to_be_visible()
    expect(page.get_by_role("table", name="Action points owned, newest first")).to_be_visible()
    check(page, screenshot, "person-action-points")


def meeting_page_names_lead_to_people_pages(live_server, page, screenshot):
    penny = Person.objects.get(name="Penny Carpenter")
    meeting = penny.attendances.public().order_by("-meeting__starts_at").first().meeting
    page.goto(live_server.url + meeting.get_absolute_url())

    page.get_by_role("link", name="Cllr Penny Carpenter").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cllr Penny Carpenter")
