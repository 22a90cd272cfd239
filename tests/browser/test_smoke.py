from tests.browser.conftest import describe_violations, run_axe


def test_home_page_renders_in_chromium_with_no_axe_violations(live_server, page, screenshot):
    page.goto(live_server.url + "/")
    assert page.locator("h1").first.is_visible()
    screenshot(page, "home-empty")
    violations = run_axe(page)
    assert not violations, describe_violations(violations)


def test_axe_reports_a_violation_when_there_is_one(live_server, page):
    # The check above can fail: an image with no text alternative is a wcag2a violation.
    page.goto(live_server.url + "/")
    page.evaluate(
        "document.querySelector('main').append(Object.assign(new Image(), {src: '/x.png'}))"
    )
    assert "image-alt" in {violation["id"] for violation in run_axe(page)}
