import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_page_shows_the_site_name_in_header_and_title(client):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<a href="/" class="govuk-generic-header__homepage-link">Safer Norfolk</a>' in html
    assert "<title>Safer Norfolk</title>" in html


def test_home_page_uses_the_configured_site_name(client, settings):
    settings.SITE_NAME = "Safer Cambridge"

    html = client.get(reverse("home")).content.decode()

    assert "Safer Cambridge" in html
    assert "Safer Norfolk" not in html


def test_layout_has_skip_link_phase_banner_and_accessibility_link(client):
    html = client.get(reverse("home")).content.decode()

    assert '<a href="#main-content" class="govuk-skip-link"' in html
    assert 'id="main-content"' in html
    assert "govuk-phase-banner" in html
    assert f'href="{reverse("accessibility")}">Accessibility statement</a>' in html


def test_layout_loads_gov_uk_frontend_from_static_files_without_inline_script(client):
    html = client.get(reverse("home")).content.decode()

    assert '<script type="module" src="/static/safer_norfolk/application.mjs"></script>' in html
    assert '<link rel="stylesheet" href="/static/safer_norfolk/application.css">' in html
    # Every script is a file: nothing inline that a strict Content Security Policy would block.
    assert html.count("<script") == html.count("<script src=") + html.count(
        '<script type="module" src='
    )
    assert "GDS Transport" not in html
    assert "govuk-header__crown" not in html


def test_phase_banner_hidden_when_no_phase_configured(client, settings):
    settings.SITE_PHASE = ""

    html = client.get(reverse("home")).content.decode()

    assert "govuk-phase-banner" not in html


def test_accessibility_statement_follows_the_model_statement(client):
    response = client.get(reverse("accessibility"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Accessibility statement – Safer Norfolk</title>" in html
    for heading in (
        "Compliance status",
        "Feedback and contact information",
        "Reporting accessibility problems with this website",
        "Enforcement procedure",
        "Preparation of this accessibility statement",
    ):
        assert heading in html
    assert "Web Content Accessibility Guidelines version 2.2" in html
    assert "last reviewed on" in html
