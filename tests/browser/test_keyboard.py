"""The public pages used with a keyboard alone: the skip link, the tab order, a visible focus
indicator on everything that takes focus, no keyboard trap, and a filter form that works
without a mouse."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from outcomes.models import Area
from tests.factories import (
    ActionFactory,
    ActionPointFactory,
    ActionUpdateFactory,
    AgendaItemFactory,
    CommitteeFactory,
    DocumentFactory,
    MeasureFactory,
    MeetingFactory,
    MembershipFactory,
    MinuteFactory,
    ObservationFactory,
    OrganisationFactory,
    OutcomeFactory,
    OutcomeFrameworkFactory,
    PlanFactory,
    ResolutionFactory,
    SectionFactory,
    WorkProgrammeItemFactory,
    WrittenQuestionFactory,
)

PAGES = ["home", "committee", "meeting", "outstanding", "plan", "action", "measure", "search"]

# Everything the browser may put in the tab order, and how each looks; the same snapshot is
# taken before and during focus so the two can be compared.
FOCUSABLE_IN_ORDER = """() => {
    const candidates = document.querySelectorAll(
        "a[href], button, input, select, textarea, summary, iframe, [tabindex], [contenteditable]"
    );
    const radioGroups = new Set();
    const focusable = [...candidates].filter((element) => {
        if (element.disabled || element.tabIndex < 0 || element.type === "hidden") return false;
        if (!element.checkVisibility({visibilityProperty: true})) return false;
        if (element.type === "radio") {
            // A radio group is one stop in the tab order: the checked radio, or the first.
            const group = element.form ? element.form.elements[element.name] : [element];
            const stop = [...group].find((radio) => radio.checked) || group[0];
            if (stop !== element || radioGroups.has(element.name)) return false;
            radioGroups.add(element.name);
        }
        return true;
    });
    focusable.forEach((element, index) => element.setAttribute("data-tab-stop", index));
    return focusable.length;
}"""

APPEARANCE = """(element) => {
    const style = getComputedStyle(element);
    return {
        outline: style.outlineStyle === "none" ? "none" : `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`,
        boxShadow: style.boxShadow,
        background: style.backgroundColor,
        color: style.color,
    };
}"""

FOCUSED = f"""() => {{
    const element = document.activeElement;
    if (!element || element === document.body) return null;
    const box = element.getBoundingClientRect();
    return {{
        stop: element.getAttribute("data-tab-stop"),
        // A date field's calendar button has focus of its own, inside the field.
        description: (element.matches(":focus") ? "" : "a part inside ") + element.outerHTML.slice(0, 120),
        appearance: ({APPEARANCE})(element),
        onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight,
    }};
}}"""


@pytest.fixture
def site(transactional_db):
    """A little of everything the public pages show, so each page has its links and controls."""
    norfolk = Area.objects.get(slug="norfolk")  # made by the data migration
    police = OrganisationFactory(name="Norfolk Constabulary", short_name="Police")
    council = OrganisationFactory(name="Norfolk County Council", short_name="NCC")

    plan = PlanFactory(title="Safer Norfolk Plan delivery plan", slug="safer-norfolk-plan")
    section = SectionFactory(plan=plan, number="1", title="Serious violence")
    action = ActionFactory(
        plan=plan, section=section, number="1.14", title="Serious violence duty", owners=[police]
    )
    ActionUpdateFactory(action=action, rag="red", distance="far_off")
    council_action = ActionFactory(plan=plan, section=section, number="1.17", owners=[council])
    ActionUpdateFactory(action=council_action, rag="amber", distance="some_way")

    framework = OutcomeFrameworkFactory(slug="safer-norfolk-outcomes", area=norfolk)
    measure = MeasureFactory(
        outcome=OutcomeFactory(framework=framework, number="1"),
        number="1",
        title="Serious violence offences",
    )
    for year, value in [(2021, 120), (2022, 104), (2023, 96)]:
        ObservationFactory(
            measure=measure,
            area=norfolk,
            period_start=datetime.date(year, 4, 1),
            period_end=datetime.date(year + 1, 3, 31),
            value=value,
        )

    committee = CommitteeFactory(name="NCCSP Scrutiny Sub Panel", slug="nccsp-scrutiny")
    MembershipFactory(committee=committee, role="chair", representing=council)
    WorkProgrammeItemFactory(committee=committee, title="Serious violence annual report")
    meeting = MeetingFactory(
        committee=committee,
        starts_at=datetime.datetime(2026, 9, 16, 10, tzinfo=datetime.UTC),
        minutes_published=True,
    )
    MeetingFactory(committee=committee, starts_at=timezone.now() + datetime.timedelta(days=30))
    item = AgendaItemFactory(meeting=meeting, number="5", title="Serious violence duty")
    DocumentFactory(meeting=meeting, agenda_item=item, title="Serious violence report")
    minute = MinuteFactory(meeting=meeting, agenda_item=item, number="5")
    ResolutionFactory(minute=minute, text="the serious violence report.")
    ActionPointFactory(meeting=meeting, reference="09/01", minute=minute, owner_organisation=police)
    ActionPointFactory(meeting=meeting, reference="09/02", owner_organisation=council)
    question = WrittenQuestionFactory(meeting=meeting, number=1, addressed_to=police)
    question.plan_actions.add(action)
    WrittenQuestionFactory(meeting=meeting, number=2, addressed_to=council)

    return {
        "home": "/",
        "committee": committee.get_absolute_url(),
        "meeting": meeting.get_absolute_url(),
        "outstanding": "/outstanding/",
        "plan": plan.get_absolute_url(),
        "action": action.get_absolute_url(),
        "measure": measure.get_absolute_url(),
        "search": "/search/?q=violence",
        "police": police,
        "council": council,
    }


def focused(page):
    return page.evaluate(FOCUSED)


@pytest.mark.parametrize("name", PAGES)
def test_first_tab_shows_the_skip_link_and_enter_moves_to_the_main_content(
    live_server, page, site, name
):
    page.goto(live_server.url + site[name])
    skip_link = page.locator("a.govuk-skip-link")
    hidden_box = skip_link.bounding_box()

    page.keyboard.press("Tab")

    assert skip_link.evaluate("element => element === document.activeElement")
    shown_box = skip_link.bounding_box()
    # Visually hidden until it has focus, then a full-size link.
    assert max(hidden_box["width"], hidden_box["height"]) <= 1
    assert shown_box["width"] > 100
    assert shown_box["height"] > 20
    centre = (shown_box["x"] + shown_box["width"] / 2, shown_box["y"] + shown_box["height"] / 2)
    assert skip_link.evaluate(
        "(element, [x, y]) => document.elementFromPoint(x, y) === element", list(centre)
    ), "something covers the focused skip link"
    expect(skip_link).to_have_text("Skip to main content")

    page.keyboard.press("Enter")

    assert page.evaluate("document.activeElement.id") == "main-content"
    page.keyboard.press("Tab")
    assert page.evaluate(
        "document.querySelector('main').compareDocumentPosition(document.activeElement)"
        " & (Node.DOCUMENT_POSITION_CONTAINED_BY | Node.DOCUMENT_POSITION_FOLLOWING)"
    ), "the Tab after the skip link went back above the main content"


@pytest.mark.parametrize("name", PAGES)
def test_tab_reaches_every_control_in_order_with_a_visible_focus_and_no_trap(
    live_server, page, site, name
):
    page.goto(live_server.url + site[name])
    stops = page.evaluate(FOCUSABLE_IN_ORDER)
    unfocused = page.locator("[data-tab-stop]").evaluate_all(f"els => els.map({APPEARANCE})")
    assert stops > 10, "the page should have its header, navigation, content and footer links"
    # A date field is one element with several stops of its own (day, month, year, calendar).
    inner_stops = page.locator("[data-tab-stop][type=date]").count() * 3

    visited = []
    for _ in range(stops + inner_stops + 2):
        page.keyboard.press("Tab")
        now = focused(page)
        if now is None:
            visited.append(None)
            continue
        assert now["stop"] is not None, f"focus reached an element not expected: {now}"
        assert now["onScreen"], f"focused element is off screen: {now['description']}"
        appearance, description = now["appearance"], now["description"]
        assert appearance != unfocused[int(now["stop"])], f"focus changes nothing on {description}"
        assert appearance["outline"] != "none" or appearance["boxShadow"] != "none", (
            f"no outline or box shadow while {description} has focus"
        )
        if not visited or visited[-1] != now["stop"]:
            visited.append(now["stop"])
        if visited[-2:] == [None, "0"]:
            break

    # Every stop once, in document order; then focus leaves the page and comes back to the top.
    assert visited == [*(str(stop) for stop in range(stops)), None, "0"]


def tab_until(page, expression, wanted, *, presses):
    """Press Tab until `expression` (about the focused element) gives `wanted`; fail if it has
    not after `presses` presses."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate(expression) == wanted:
            return
    pytest.fail(f"Tab never reached {wanted!r} in {presses} presses")


def test_outstanding_filter_works_by_keyboard_alone(live_server, page, site, screenshot):
    council = site["council"]
    page.goto(live_server.url + "/outstanding/")
    expect(page.locator("[role=status]")).to_contain_text("6 items outstanding")

    tab_until(page, "document.activeElement.id", "id_owner_organisation", presses=100)
    # Organisations are listed by name after "All organisations": the council is second.
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.locator("#id_owner_organisation").input_value() == str(council.pk)
    tab_until(page, "document.activeElement.textContent.trim()", "Apply filters", presses=30)
    page.keyboard.press("Enter")

    expect(page.locator("[role=status]")).to_contain_text("3 items outstanding")
    assert f"owner_organisation={council.pk}" in page.url
    references = page.locator("table tbody tr td:first-child a").all_inner_texts()
    assert sorted(references) == ["09/02", "Action 1.17", "Question 2"]
    screenshot(page, "keyboard-outstanding-filtered")
