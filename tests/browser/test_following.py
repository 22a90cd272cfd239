"""Following by email as a reader meets it in Chromium: from the committee's page to the
form, a mistake named, the confirmation page, the alerts page and leaving; no axe
violations on any of them, none scrolling sideways at 320 pixels."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from alerts import links
from alerts.models import Subscription
from tests.browser.conftest import describe_violations, run_axe
from tests.factories import CommitteeFactory, MeetingFactory

pytestmark = pytest.mark.django_db(transaction=True)


def checked(page, screenshot, name):
    violations = run_axe(page)
    screenshot(page, name)
    assert not violations, describe_violations(violations)
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_reader_follows_a_committee_and_leaves(live_server, page, screenshot):
    committee = CommitteeFactory(name="Safer Breckland Panel", slug="safer-breckland-panel")
    MeetingFactory(committee=committee, minutes_published=True)
    page.goto(live_server.url + committee.get_absolute_url())
    page.get_by_role("link", name="Follow this committee by email").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Safer Breckland Panel")
    checked(page, screenshot, "follow")

    page.get_by_role("button", name="Send me a confirmation link").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter your email address.")
    checked(page, screenshot, "follow-error")

    page.get_by_label("Email address").fill("reader@example.org")
    page.get_by_label("Once a week").check()
    page.get_by_role("button", name="Send me a confirmation link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    checked(page, screenshot, "follow-sent")

    subscription = Subscription.objects.get()
    page.goto(live_server.url + links.url(subscription, links.CONFIRM).split("8000", 1)[1])
    checked(page, screenshot, "follow-confirm")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your email alerts")
    expect(page.get_by_text("You now follow Safer Breckland Panel.")).to_be_visible()
    checked(page, screenshot, "follow-manage")
    subscription.refresh_from_db()
    assert subscription.confirmed_at <= timezone.now()

    page.get_by_label("As it happens").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved: as it happens.")).to_be_visible()
    page.get_by_role("link", name="Stop following Safer Breckland Panel").click()
    checked(page, screenshot, "follow-leave")
    page.get_by_role("button", name="Stop following").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You no longer follow Safer Breckland Panel"
    )
    assert not Subscription.objects.exists()
