"""Real-browser tests: Playwright driving Debian's Chromium against a live server.

Chromium is the system package (/usr/bin/chromium), never a browser Playwright downloads.
Where it is missing the tests skip, except under CI=true, where a missing browser is an
error. Screenshots go to test-artifacts/screenshots/ for a person to look at.
"""

import importlib
import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

# Chromium's own connections (updates, sync, field trials) are refused on a closed network;
# these flags keep it from trying.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _rows_the_data_migrations_made(transactional_db):
    """The live server reads committed data, so these tests run in real transactions and
    the tables are emptied after each one, taking the rows the data migrations made with
    them (Django re-creates only content types and permissions). Put the areas, the default
    report template and the role groups back, as the migrations made them."""
    from django.apps import apps

    from safer_norfolk.roles import sync_role_groups

    areas = importlib.import_module("outcomes.migrations.0002_areas_and_roles")
    areas.create_areas(apps, schema_editor=None)
    reports = importlib.import_module("meetings.migrations.0029_committee_reports")
    reports.default_template_and_roles(apps, schema_editor=None)
    sync_role_groups()


@pytest.fixture(scope="session")
def _chromium_executable():
    if not CHROMIUM.exists():
        message = f"Chromium is not installed at {CHROMIUM} (Debian package chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; under CI the browser tests must run.")
        pytest.skip(message)
    return str(CHROMIUM)


@pytest.fixture(scope="session")
def browser(_chromium_executable):
    from playwright.sync_api import sync_playwright

    # Playwright's synchronous API keeps an event loop on the test thread while it runs, so
    # Django would refuse every later ORM call on that thread (test data, database setup) as
    # if it came from async code. None does: the browser talks to the live server's thread.
    allow = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=_chromium_executable, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if allow is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = allow


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def public_page(browser):
    """A member of the public: a browser context of its own, never signed in."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under test-artifacts/screenshots/NAME.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name, *, max_height=None):
        # A page tens of thousands of pixels long is slow to capture and no easier to look
        # at whole: `max_height` keeps its top part.
        path = SCREENSHOTS / f"{name}.png"
        clip = None
        if max_height is not None:
            width, height = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
            )
            clip = {"x": 0, "y": 0, "width": width, "height": min(height, max_height)}
        page.screenshot(path=str(path), full_page=True, clip=clip)
        return path

    return take


def run_axe(page):
    """axe-core's violations on the page for WCAG 2.0/2.1/2.2 A and AA."""
    if not AXE_SCRIPT.exists():
        raise AssertionError(f"{AXE_SCRIPT} is missing: run `npm ci` (axe-core is in package.json)")
    # Evaluated through the DevTools protocol, which the site's Content-Security-Policy (no
    # inline scripts) does not govern; the page itself is tested with its real policy.
    page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => {
            const result = await axe.run(document, {
                runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
            });
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(" ") + " — " + n.failureSummary),
            }));
        }"""
    )
    return result


def describe_violations(violations):
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {node}" for node in violation["nodes"][:5])
    return "\n".join(lines)
