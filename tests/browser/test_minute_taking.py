"""A committee officer records a whole meeting through the minute-taking screen in Chromium,
part of it with the keyboard alone, and the public reads the numbered minutes."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetings import services
from meetings.models import ActionPoint, Minute
from safer_norfolk.text import paragraphs
from tests.browser.conftest import describe_violations, run_axe
from tests.browser.test_journeys import choose, sign_in
from tests.factories import (
    AgendaItemFactory,
    CommitteeFactory,
    MeetingFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

AGENDA = [
    ("1", "apologies", "Welcome, introductions and apologies"),
    ("2", "minutes", "Minutes of 19 July 2022 meeting: Agreement"),
    ("3", "declarations", "Declarations of interest"),
    ("4", "report", "Update on CSP Priorities"),
    ("5", "report", "Domestic Abuse and Sexual Violence Annual Report 2021-22"),
    ("6", "any_other_business", "Any other business"),
]


# Minutes as officers type them: lists and indented blocks after a paragraph, numbered
# lists, stray spaces on blank lines.
PARAGRAPH_SAMPLES = [
    "",
    "One paragraph.",
    "First.\n\nSecond.",
    "Key points were:\n\n- funding\n- data\n\nMembers asked about schools.",
    "Key points were:\n- funding\n- data",
    "The report said:\n\n    an indented quotation\n\nThen this.",
    "1. First point\n\n2) second point\n\n* a bullet\n\n+ another",
    "\n\n  \nA paragraph after blank lines.\n \t\nAnd one after a line of spaces.\n\n",
    "Action point 07/02\n\n3.1 A numbered line\n\n10) Ten",
]


@pytest.fixture
def board_meeting():
    """A partnership board's meeting held last week, its agenda as seed 003 prints it."""
    committee = CommitteeFactory(
        name="Cambridge Community Safety Partnership",
        short_name="Cambridge CSP",
        slug="cambridge-csp",
    )
    meeting = MeetingFactory(
        committee=committee, starts_at=timezone.now() - datetime.timedelta(days=7)
    )
    items = {
        number: AgendaItemFactory(meeting=meeting, number=number, kind=kind, title=title)
        for number, kind, title in AGENDA
    }
    PersonFactory(honorific="", name="Keryn Jalli", organisation__name="Cambridge City Council")
    return meeting, items


def section(page, item):
    return page.locator(f"#item-{item.pk}")


def minute_box(page, item):
    return page.locator(f"#id_item-{item.pk}-minute-body")


def numbers_shown(page, item):
    return section(page, item).locator(".paragraph-number").all_inner_texts()


def tab_to(page, button_text, presses=40):
    """Press Tab until the button is focused; the fields passed on the way, in order."""
    passed = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == button_text:
            return passed
        passed.append(page.evaluate("document.activeElement.name || document.activeElement.id"))
    raise AssertionError(f"Tab never reached {button_text}: {passed}")


def test_an_officer_records_a_whole_meeting_through_the_minute_taking_screen(
    live_server, page, public_page, officer, board_meeting, screenshot
):
    meeting, items = board_meeting
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, live_server, "committee-officer", "officer-password")
    # From the meeting's own page, as an officer finds the screen.
    page.goto(f"{live_server.url}/admin/meetings/meeting/{meeting.pk}/change/")
    screen = f"{live_server.url}/admin/meetings/meeting/{meeting.pk}/minutes/"
    loads, submissions = [], []

    def count(request):
        if request.resource_type == "document" and request.url.startswith(screen):
            loads.append(request.method)
            if request.method == "POST":
                submissions.append(request.url)

    page.on("request", count)
    page.get_by_role("link", name="Take minutes").click()
    page.wait_for_url(screen)
    headings = page.locator("section.minute-item h2").all_inner_texts()
    assert headings == [f"{number}. {title}" for number, _, title in AGENDA]

    # Items 1 to 3: short minutes, as an officer types them.
    minute_box(page, items["1"]).fill(
        "Paul Rogerson welcomed everyone.\n\nApologies were received from James Ball."
    )
    minute_box(page, items["2"]).fill(
        "The minutes of 19 July 2022 were agreed as an accurate record."
    )
    minute_box(page, items["3"]).fill("There were no declarations of interest.")

    # Item 4: several paragraphs typed key by key; the numbers follow the typing.
    report = items["4"]
    minute_box(page, report).press_sequentially(
        "Jessica-Rose Kennedy gave an update on the priority.\n\n"
        "Key points were:\n\n- a new training tool\n- support in schools"
    )
    expect(section(page, report).locator(".paragraph-numbers__count")).to_have_text(
        "2 paragraphs: 4.1 to 4.2"
    )
    minute_box(page, report).press_sequentially("\n\nMark Freeman asked about the data.")
    expect(section(page, report).locator(".paragraph-number")).to_have_text(["4.1", "4.2", "4.3"])
    decisions = section(page, report).locator("tbody[data-rows$='-resolutions'] tr")
    decisions.nth(0).locator("select").select_option("noted")
    decisions.nth(0).locator("textarea").fill("the update.")
    # More decisions: the page shows a row for each in place.
    add_decision = section(page, report).get_by_role("button", name="Add a decision")
    add_decision.click()
    decisions.nth(1).locator("select").select_option("agreed")
    decisions.nth(1).locator("textarea").fill("to share the training tool with schools.")
    add_decision.click()
    decisions.nth(2).locator("select").select_option("resolved")
    decisions.nth(2).locator("textarea").fill("that the action plan be adopted.")
    section(page, report).get_by_role("button", name="Add an action point").click()
    actions = f"item-{report.pk}-actions-0"
    page.locator(f"#id_{actions}-description").fill("Circulate the SWAY training tool.")
    choose(page, f"id_{actions}-owner_person", "Keryn", "Keryn Jalli")

    # Item 6: "Action – All".
    other = items["6"]
    minute_box(page, other).fill(
        "Mark Freeman asked the partnership to consider holding future meetings online."
    )
    section(page, other).get_by_role("button", name="Add an action point").click()
    others = f"item-{other.pk}-actions-0"
    page.locator(f"#id_{others}-description").fill("Consider holding future meetings online.")
    page.locator(f"#id_{others}-owner_text").fill("All")

    # Item 5 with the keyboard alone: Tab from the item before into it, and on to its save.
    annual = items["5"]
    section(page, report).get_by_role("button", name="Save item 4").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == f"id_item-{annual.pk}-minute-number"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == f"id_item-{annual.pk}-minute-body"
    page.keyboard.type(
        "Vickie Crompton presented the annual report.\n\n"
        "Members asked about refuge places.\n\nThe report was noted."
    )
    expect(section(page, annual).locator(".paragraph-number")).to_have_text(["5.1", "5.2", "5.3"])
    page.keyboard.press("Tab")  # the first decision's number
    page.keyboard.press("Tab")  # its verb
    assert page.evaluate("document.activeElement.name").endswith("-resolutions-0-verb")
    page.keyboard.press("ArrowDown")  # Noted
    page.keyboard.press("Tab")
    page.keyboard.type("the annual report.")
    passed = tab_to(page, "Add an action point")
    # The tab order follows the page: the decision's delete box, then the item's buttons.
    assert passed[0] == f"item-{annual.pk}-resolutions-0-DELETE", passed
    assert all(name.startswith(f"item-{annual.pk}-") for name in passed if name), passed
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.name").endswith("-actions-0-reference")
    page.keyboard.press("Tab")
    page.keyboard.type("Send members the refuge figures.")
    passed = tab_to(page, "Save item 5")
    assert f"item-{annual.pk}-actions-0-due_date" in passed
    page.keyboard.press("Enter")
    page.wait_for_load_state()

    # Item 5 is saved; what was typed under the other items is still on the page.
    notes = page.locator("ul.messagelist").inner_text()
    month = f"{meeting.local_date:%m}"
    assert (
        f"Item 5 saved: 1 minute, 1 decision, 1 action point. Action points raised: {month}/01."
        in notes
    )
    assert "Not saved yet: what you typed under item 1, 2, 3, 4, 6" in notes
    assert Minute.objects.filter(meeting=meeting).count() == 1
    assert minute_box(page, report).input_value().endswith("Mark Freeman asked about the data.")
    assert numbers_shown(page, annual) == ["5.1", "5.2", "5.3"]

    page.locator("button[name=save][value=all]").last.click()
    page.wait_for_load_state()

    assert page.locator(".errornote").count() == 0, page.locator(".errornote").inner_text()
    notes = page.locator("ul.messagelist").inner_text()
    assert (
        "The minutes saved: 5 minutes, 3 decisions, 2 action points. "
        f"Action points raised: {month}/02, {month}/03." in notes
    )
    assert numbers_shown(page, report) == ["4.1", "4.2", "4.3"]
    assert len(submissions) == 2, submissions
    assert loads == ["GET", "POST", "POST", "GET"], loads
    minutes = {m.number: m for m in Minute.objects.filter(meeting=meeting)}
    assert sorted(minutes, key=int) == ["1", "2", "3", "4", "5", "6"]
    points = {p.reference: p for p in ActionPoint.objects.filter(meeting=meeting)}
    assert points[f"{month}/01"].minute == minutes["5"]
    assert points[f"{month}/02"].minute == minutes["4"]
    assert points[f"{month}/02"].owner_person.name == "Keryn Jalli"
    assert (points[f"{month}/03"].owner_text, points[f"{month}/03"].owner_organisation) == (
        "All",
        None,
    )
    # Each owner is named in its own box.
    owner = page.locator(f"#id_{actions}-owner_person option:checked")
    assert owner.inner_text() == "Keryn Jalli"

    # The screen with a whole meeting on it: no WCAG A or AA failure, no sideways scrolling.
    violations = run_axe(page)
    assert not violations, describe_violations(violations)
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    page.locator(f"#item-{report.pk}").scroll_into_view_if_needed()
    screenshot(page, "minute-taking", max_height=5000)
    # The page splits paragraphs exactly as the published minutes do.
    for text in PARAGRAPH_SAMPLES:
        assert page.evaluate("text => minuteParagraphs(text)", text) == paragraphs(text), text

    services.publish_minutes(meeting=meeting, by=None)
    public_page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    minute = public_page.locator("#minute-4")
    expect(minute.locator(".app-numbered-paragraph__number")).to_have_text(["4.1", "4.2", "4.3"])
    expect(minute.locator("#minute-4\\.2")).to_contain_text("a new training tool")
    expect(minute.locator(".app-resolutions li")).to_have_text(
        [
            "1) NOTED the update.",
            "2) AGREED to share the training tool with schools.",
            "3) RESOLVED that the action plan be adopted.",
        ]
    )
    expect(public_page.locator("#minute-5 .app-resolutions")).to_contain_text(
        "NOTED the annual report."
    )
    actions_table = public_page.get_by_role("region", name="Action points")
    expect(actions_table.locator(f"#action-{month}\\/01")).to_contain_text("refuge figures")
    expect(actions_table.locator(f"#action-{month}\\/02")).to_contain_text("Keryn Jalli")
    expect(actions_table.locator(f"#action-{month}\\/03")).to_contain_text("All")
