"""WCAG 2.2 AA in a real browser, for every public page and the officers' main admin pages.

Every public page is loaded with empty, typical (the demo data) and maximal data, and:
- axe-core finds no WCAG 2.0–2.2 A or AA violation at desktop width;
- at 320 CSS pixels wide nothing makes the page scroll sideways: a table wider than the
  screen scrolls inside a focusable, labelled region of its own (WCAG 1.4.10, reflow);
- with the text at twice its size the main heading and the menu are whole, in the window and
  clear of each other, and the skip link still leads to the main content (WCAG 1.4.4);
- key pages are screenshotted at both widths into test-artifacts/screenshots/.

Each dataset is built once and its pages are checked one after another as subtests, so a
failure names its page and its check without the data being rebuilt for every page.
"""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from safer_norfolk.roles import DATA_OFFICER
from tests.browser.conftest import describe_violations, run_axe
from tests.browser.page_data import (
    build_empty_records,
    build_maximal,
    build_typical,
    committee_officer_admin_pages,
    data_officer_admin_pages,
    fixed_pages,
    officer_preview_meeting,
    site_pages,
)
from tests.factories import UserFactory

# Each test builds its own data on top of what the migrations load (areas, role groups),
# which tests/browser/conftest.py puts back before every test.
pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 640}
SCREENSHOT_HEIGHT = 6000
# The password of the `officer` fixture and of every user tests/factories.py makes.
PASSWORD = "officer-password"

# A dataset is built in steps, each checked before the next adds to it: the empty site's list
# pages are seen with nothing at all in the database, then bare records are added.
DATASETS = {
    "empty": [lambda: [*site_pages("empty", key={"home"}), *fixed_pages()], build_empty_records],
    "typical": [build_typical],
    "maximal": [build_maximal],
}


# Elements that stick out past the right or left edge of the viewport, and containers that
# scroll sideways where a keyboard user could not reach them or a screen reader would not say
# what they hold. Closed <details> are opened first, so what they hide is measured too.
FIND_REFLOW_PROBLEMS = """(labelledRegions) => {
    for (const details of document.querySelectorAll("details")) details.open = true;
    const viewport = document.documentElement.clientWidth;
    const describe = (element) => {
        const classes = [...element.classList].slice(0, 3).map((name) => "." + name).join("");
        const id = element.id ? "#" + element.id : "";
        const text = (element.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 50);
        return `${element.tagName.toLowerCase()}${id}${classes} "${text}"`;
    };
    const scrolls = (element) => ["auto", "scroll"].includes(getComputedStyle(element).overflowX);
    const isScrollRegion = (element) =>
        scrolls(element)
        && element.getAttribute("tabindex") === "0"
        && (!labelledRegions || (
            element.getAttribute("role") === "region"
            && (element.hasAttribute("aria-label") || element.hasAttribute("aria-labelledby"))));
    const shown = (element) => {
        if (!element.checkVisibility({contentVisibilityAuto: true, visibilityProperty: true})) return false;
        // Visually hidden text (for screen readers) is clipped to nothing where it stands.
        for (let node = element; node && node !== document.body; node = node.parentElement) {
            const style = getComputedStyle(node);
            if (style.clipPath === "inset(50%)" || style.clip === "rect(0px, 0px, 0px, 0px)") return false;
        }
        return true;
    };
    const problems = [];
    const page = document.documentElement.scrollWidth;
    if (page > window.innerWidth) {
        problems.push(`the page is ${page}px wide in a ${window.innerWidth}px window`);
    }
    const requirement = labelledRegions ? "tabindex=0, role=region and a label" : "tabindex=0";
    for (const element of document.body.querySelectorAll("*")) {
        if (scrolls(element) && element.scrollWidth > element.clientWidth + 1
                && !isScrollRegion(element) && element.tagName !== "TEXTAREA" && shown(element)) {
            problems.push(`scrolls sideways without ${requirement}: ${describe(element)}`);
        }
    }
    for (const element of document.body.querySelectorAll("*")) {
        // What a scrolling box holds is clipped to it; the box itself is checked above. (The
        // page itself, <html> or <body>, is the viewport, not such a box.)
        let box = element.parentElement;
        while (box && box !== document.body && !scrolls(box)) box = box.parentElement;
        if (box && box !== document.body) continue;
        const edges = element.getBoundingClientRect();
        if (edges.width === 0 || edges.height === 0) continue;
        if ((edges.right > viewport + 1 || edges.left < -1) && shown(element)) {
            problems.push(`${describe(element)} spans ${Math.round(edges.left)}–${Math.round(edges.right)}px`);
        }
    }
    return problems;
}"""

# With the text at twice its size: the main heading and the menu links are whole, inside the
# window and clear of each other.
FIND_LARGE_TEXT_PROBLEMS = """() => {
    const viewport = document.documentElement.clientWidth;
    const problems = [];
    const page = document.documentElement.scrollWidth;
    if (page > window.innerWidth) {
        problems.push(`the page is ${page}px wide in a ${window.innerWidth}px window`);
    }
    const boxes = [];
    const check = (element, what) => {
        const box = element.getBoundingClientRect();
        if (box.width === 0 || box.height === 0) {
            problems.push(`${what} is not visible`);
            return;
        }
        if (box.left < -1 || box.right > viewport + 1) {
            problems.push(`${what} spans ${Math.round(box.left)}–${Math.round(box.right)}px`);
        }
        // A word wider than its box spills into whatever is beside it; a clipped box hides it.
        const style = getComputedStyle(element);
        const clipped = style.overflowX !== "visible" || style.overflowY !== "visible";
        if (element.scrollWidth > element.clientWidth + 1
                || (clipped && element.scrollHeight > element.clientHeight + 1)) {
            problems.push(`${what} is cut off or spills out of its box`);
        }
        for (const [other, otherWhat] of boxes) {
            const overlaps = box.left < other.right - 1 && other.left < box.right - 1
                && box.top < other.bottom - 1 && other.top < box.bottom - 1;
            if (overlaps) problems.push(`${what} overlaps ${otherWhat}`);
        }
        boxes.push([box, what]);
    };
    const heading = document.querySelector("h1");
    if (heading) check(heading, `the heading "${heading.textContent.trim().slice(0, 40)}"`);
    else problems.push("the page has no h1");
    for (const link of document.querySelectorAll(".govuk-service-navigation__link")) {
        check(link, `the menu link "${link.textContent.trim()}"`);
    }
    return problems;
}"""


def skip_link_problems(page):
    problems = []
    page.evaluate("window.scrollTo(0, 0); document.activeElement && document.activeElement.blur()")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => {
            const link = document.activeElement;
            const box = link.getBoundingClientRect();
            return {
                text: link.textContent.trim(),
                inside: box.width > 0 && box.left >= 0 && box.right <= document.documentElement.clientWidth,
            };
        }"""
    )
    if focused["text"] != "Skip to main content":
        problems.append(f"the first Tab reaches {focused['text']!r}, not the skip link")
        return problems
    if not focused["inside"]:
        problems.append("the focused skip link is not within the window")
    page.keyboard.press("Enter")
    target = page.evaluate("document.activeElement.id || location.hash")
    if target not in ("main-content", "#main-content"):
        problems.append(f"the skip link leads to {target!r}, not the main content")
    return problems


def load(page, url, status=200):
    response = page.goto(url)
    assert response.status == status, f"{url} answered {response.status}, not {status}"
    page.locator("h1").first.wait_for()


def assert_no_axe_violations(page, name):
    violations = run_axe(page)
    assert not violations, f"{name} ({page.url}):\n{describe_violations(violations)}"


def check_public_page(page, base_url, case, screenshot, subtests, script_errors):
    errors_before = len(script_errors)
    page.set_viewport_size(DESKTOP)
    with subtests.test(msg=f"{case.name}: loads"):
        load(page, base_url + case.path, case.status)
    if not page.url.startswith(base_url + case.path.split("?")[0]):
        return  # it did not load: the failure above says why
    if case.key:
        screenshot(page, f"{case.name}-desktop", max_height=SCREENSHOT_HEIGHT)
    with subtests.test(msg=f"{case.name}: axe at desktop width"):
        assert_no_axe_violations(page, case.name)
    page.set_viewport_size(NARROW)
    if case.key:
        screenshot(page, f"{case.name}-320", max_height=SCREENSHOT_HEIGHT)
    with subtests.test(msg=f"{case.name}: reflow at 320px"):
        problems = page.evaluate(FIND_REFLOW_PROBLEMS, case.uses_site_layout)
        assert not problems, f"{case.name} ({case.path}) at 320px:\n" + "\n".join(problems[:15])
    page.set_viewport_size(DESKTOP)
    with subtests.test(msg=f"{case.name}: text at 200%"):
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        problems = page.evaluate(FIND_LARGE_TEXT_PROBLEMS)
        if case.uses_site_layout:
            problems += skip_link_problems(page)
        assert not problems, f"{case.name} ({case.path}) with 200% text:\n" + "\n".join(problems)
    with subtests.test(msg=f"{case.name}: no script errors"):
        assert script_errors[errors_before:] == [], case.name


@pytest.mark.parametrize("dataset", DATASETS)
def test_public_pages_meet_wcag_22_aa(dataset, live_server, page, screenshot, subtests):
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    names = []
    for build in DATASETS[dataset]:
        for case in build():
            check_public_page(page, live_server.url, case, screenshot, subtests, script_errors)
            names.append(case.name)
    assert len(names) == len(set(names)), "two pages share a name"
    assert len(names) >= 20


# --- the officers' back office -----------------------------------------------------------------


def sign_in(page, base_url, username):
    page.goto(f"{base_url}/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/admin/")


ADMIN_SCREENSHOTS = {
    "admin-index",
    "admin-meeting-change",
    "admin-observation-import",
    "admin-report-change",
}

# An import whose every row is wrong, so that the page lists the problems in a table.
BAD_ACTIONS_CSV = (
    b"section,number,action,date\n"
    b"1,9.1,An action in a section the plan does not have,September 2021\n"
    b"No such section,9.2,,Never\n"
)


def check_admin_page(page, base_url, name, path, screenshot, subtests):
    with subtests.test(msg=name):
        load(page, base_url + path)
        if name in ADMIN_SCREENSHOTS:
            screenshot(page, f"{name}-desktop", max_height=SCREENSHOT_HEIGHT)
        assert_no_axe_violations(page, name)


def test_admin_pages_meet_wcag_22_aa(live_server, page, screenshot, officer, subtests):
    call_command("load_demo", verbosity=0)
    base_url = live_server.url
    sign_in(page, base_url, officer.username)
    officer_pages = committee_officer_admin_pages()
    for name, path in officer_pages:
        check_admin_page(page, base_url, name, path, screenshot, subtests)

    with subtests.test(msg="meeting-officer-preview"):
        load(page, base_url + officer_preview_meeting())
        expect(page.locator(".govuk-warning-text").first).to_contain_text("Preview for officers")
        assert_no_axe_violations(page, "meeting-officer-preview")

    with subtests.test(msg="admin-committee-add-with-errors"):
        load(page, base_url + reverse("admin:meetings_committee_add"))
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.locator(".errornote")).to_be_visible()
        screenshot(page, "admin-committee-add-with-errors", max_height=SCREENSHOT_HEIGHT)
        assert_no_axe_violations(page, "admin-committee-add-with-errors")

    with subtests.test(msg="admin-close-action-points"):
        load(page, base_url + reverse("admin:meetings_actionpoint_changelist"))
        page.locator("input.action-select").first.check()
        page.locator("select[name=action]").select_option("close_action_points")
        page.get_by_role("button", name="Go").click()
        expect(page.get_by_role("button", name="Close action points")).to_be_visible()
        assert_no_axe_violations(page, "admin-close-action-points")

    with subtests.test(msg="admin-plan-import-with-problems"):
        load(page, base_url + dict(officer_pages)["admin-plan-import-actions"])
        page.get_by_label("File").set_input_files(
            files=[{"name": "actions.csv", "mimeType": "text/csv", "buffer": BAD_ACTIONS_CSV}]
        )
        page.get_by_role("button", name="Upload").click()
        expect(page.locator(".errornote")).to_be_visible()
        screenshot(page, "admin-plan-import-with-problems")
        assert_no_axe_violations(page, "admin-plan-import-with-problems")

    page.context.clear_cookies()
    data_officer = UserFactory(username="data-officer")
    data_officer.groups.add(Group.objects.get(name=DATA_OFFICER))
    sign_in(page, base_url, data_officer.username)
    for name, path in data_officer_admin_pages():
        check_admin_page(page, base_url, name, path, screenshot, subtests)


def test_sign_in_pages_meet_wcag_22_aa(live_server, page, screenshot, officer, settings, subtests):
    base_url = live_server.url
    login = f"{base_url}/admin/login/?next=/admin/"
    with subtests.test(msg="admin-login"):
        load(page, login)
        screenshot(page, "admin-login-desktop")
        assert_no_axe_violations(page, "admin-login")
    with subtests.test(msg="admin-login-wrong-password"):
        page.get_by_label("Username").fill(officer.username)
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Log in").click()
        expect(page.locator(".errornote")).to_be_visible()
        assert_no_axe_violations(page, "admin-login-wrong-password")
    with subtests.test(msg="locked-out"):
        for _attempt in range(settings.AXES_FAILURE_LIMIT):
            page.get_by_label("Username").fill(officer.username)
            page.get_by_label("Password").fill("not the password")
            with page.expect_navigation():
                page.get_by_role("button", name="Log in").click()
            if page.locator("h1", has_text="Too many attempts").count():
                break
        expect(page.locator("h1")).to_have_text("Too many attempts to sign in")
        screenshot(page, "locked-out-desktop")
        assert_no_axe_violations(page, "locked-out")
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        problems = page.evaluate(FIND_LARGE_TEXT_PROBLEMS) + skip_link_problems(page)
        assert not problems, "\n".join(problems)
    settings.OTP_REQUIRED = True
    with subtests.test(msg="admin-login-with-code"):
        load(page, login)
        expect(page.get_by_label("OTP Token")).to_be_visible()
        assert_no_axe_violations(page, "admin-login-with-code")


# --- the checks can fail ------------------------------------------------------------------------


def test_reflow_check_finds_a_page_wider_than_the_screen(live_server, page):
    page.set_viewport_size(NARROW)
    load(page, live_server.url + reverse("accessibility"))
    assert page.evaluate(FIND_REFLOW_PROBLEMS, True) == []

    page.evaluate(
        """() => {
            const wide = document.createElement("p");
            wide.id = "too-wide";
            wide.style.width = "600px";
            wide.textContent = "Six hundred pixels wide";
            document.querySelector("main").append(wide);
        }"""
    )
    problems = page.evaluate(FIND_REFLOW_PROBLEMS, True)
    assert problems[0].startswith("the page is ")
    assert problems[0].endswith("px wide in a 320px window")
    assert any(problem.startswith('p#too-wide "Six hundred') for problem in problems)


def test_reflow_check_accepts_only_a_focusable_labelled_scroll_region(live_server, page):
    page.set_viewport_size(NARROW)
    load(page, live_server.url + reverse("accessibility"))
    page.evaluate(
        """() => {
            const box = document.createElement("div");
            box.id = "scroller";
            box.style.overflowX = "auto";
            const wide = document.createElement("p");
            wide.style.width = "600px";  // through the CSSOM, which the page's CSP allows
            wide.textContent = "A wide table stands here";
            box.append(wide);
            document.querySelector("main").append(box);
        }"""
    )
    problems = page.evaluate(FIND_REFLOW_PROBLEMS, True)
    assert problems == [
        "scrolls sideways without tabindex=0, role=region and a label: "
        'div#scroller "A wide table stands here"'
    ]

    page.evaluate(
        """() => {
            const box = document.getElementById("scroller");
            box.setAttribute("tabindex", "0");
            box.setAttribute("role", "region");
            box.setAttribute("aria-label", "A wide table");
        }"""
    )
    assert page.evaluate(FIND_REFLOW_PROBLEMS, True) == []


def test_large_text_check_finds_a_heading_wider_than_its_column(live_server, page):
    load(page, live_server.url + reverse("accessibility"))
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    assert page.evaluate(FIND_LARGE_TEXT_PROBLEMS) == []

    page.evaluate("document.querySelector('h1').style.whiteSpace = 'nowrap'")
    problems = page.evaluate(FIND_LARGE_TEXT_PROBLEMS)
    assert any("is cut off or spills out of its box" in problem for problem in problems)
