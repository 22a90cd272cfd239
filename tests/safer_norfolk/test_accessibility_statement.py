"""The accessibility statement follows the GDS model statement: every section the
accessibility regulations expect, in its order, with this service's facts in it."""

import re
from html import unescape

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

MODEL_SECTIONS = [
    "How accessible this website is",
    "Feedback and contact information",
    "Reporting accessibility problems with this website",
    "Enforcement procedure",
    "Technical information about this website’s accessibility",
    "Compliance status",
    "Non-accessible content",
    "Non-compliance with the accessibility regulations",
    "Disproportionate burden",
    "Content that’s not within the scope of the accessibility regulations",
    "What we’re doing to improve accessibility",
    "Preparation of this accessibility statement",
]


def statement(client):
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    return response.content.decode()


def headings(html):
    return [unescape(text) for text in re.findall(r"<h[23][^>]*>(.*?)</h[23]>", html)]


def section(html, heading):
    """The text from a heading up to the next heading, tags removed."""
    start = html.index(f">{heading}</h")
    following = re.search(r"<h[23]", html[start:])
    body = html[start : start + following.start()] if following else html[start:]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


def test_statement_has_every_section_of_the_model_statement_in_order(client):
    html = statement(client)

    found = [heading for heading in headings(html) if heading in MODEL_SECTIONS]

    assert found == MODEL_SECTIONS
    assert "<title>Accessibility statement – Safer Norfolk</title>" in html
    assert '<h1 class="govuk-heading-xl">Accessibility statement for Safer Norfolk</h1>' in html


def test_statement_gives_the_compliance_status_and_why(client):
    html = statement(client)

    status = section(html, "Compliance status")
    failures = section(html, "Non-compliance with the accessibility regulations")

    assert (
        "This website is partially compliant with the Web Content Accessibility Guidelines "
        "version 2.2 AA standard, due to the non-compliances and exemptions listed below."
    ) in status
    assert "1.3.1 (info and relationships)" in failures
    assert "agenda pack" in failures
    assert "2.4.2 (page titled) and 3.1.1 (language of page)" in failures
    assert "“Page N” number" not in failures


def test_statement_says_what_the_upload_check_does_and_what_the_web_page_leaves_out(client):
    html = statement(client)

    how = section(html, "How accessible this website is")
    improving = section(html, "What we’re doing to improve accessibility")

    assert "tables, charts and pictures are in the PDF only" in how
    assert "headings are worked out from the size and numbering of the text" in how
    assert "Every report uploaded is checked for text that can be read out" in improving
    assert "tags, a title and a language" in improving
    assert "whom to ask for another format" in improving
    assert "published as a web page, page by page" in improving
    assert "“Page N” number written onto each page of an agenda pack is marked" in improving


def test_statement_says_how_to_report_a_problem_and_when_we_reply(client):
    html = statement(client)

    formats = section(html, "Feedback and contact information")
    reporting = section(html, "Reporting accessibility problems with this website")

    assert "We’ll consider your request and get back to you in 5 working days." in formats
    assert "We’ll reply within 5 working days." in reporting
    assert "contact the committee officer named on the committee’s page" in reporting


def test_statement_offers_the_feedback_address_when_one_is_configured(client, settings):
    settings.FEEDBACK_EMAIL = "accessibility@safer-norfolk.example.org"

    html = statement(client)

    link = (
        '<a class="govuk-link" href="mailto:accessibility@safer-norfolk.example.org">'
        "accessibility@safer-norfolk.example.org</a>"
    )
    assert link in html.split(">Feedback and contact information<")[1].split("<h2")[0]
    assert link in html.split(">Reporting accessibility problems with this website<")[1]


def test_statement_without_a_feedback_address_points_to_the_committee_contacts(client, settings):
    settings.FEEDBACK_EMAIL = ""

    html = statement(client)

    assert "mailto:" not in html
    formats = html.split(">Feedback and contact information<")[1].split("<h2")[0]
    assert f'href="{reverse("meetings:committees")}">committees and meetings</a>' in formats


def test_statement_names_the_enforcement_procedure(client):
    html = statement(client)

    enforcement = section(html, "Enforcement procedure")

    assert "The Equality and Human Rights Commission (EHRC) is responsible for enforcing" in (
        enforcement
    )
    assert (
        "Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility "
        "Regulations 2018"
    ) in enforcement
    assert "Equality Advisory and Support Service (EASS)" in enforcement
    assert 'href="https://www.equalityadvisoryservice.com/">contact the Equality Advisory' in html


def test_statement_gives_the_exemptions_and_the_burden_claimed(client):
    html = statement(client)

    out_of_scope = section(
        html, "Content that’s not within the scope of the accessibility regulations"
    )
    burden = section(html, "Disproportionate burden")

    assert "documents published before 23 September 2018" in out_of_scope
    assert "if they’re not essential to providing our services" in out_of_scope
    assert "Live video is exempt" in out_of_scope
    assert "We are not claiming" in burden


def test_statement_says_when_it_was_prepared_and_reviewed_and_how_the_site_was_tested(client):
    html = statement(client)

    preparation = section(html, "Preparation of this accessibility statement")

    assert "This statement was prepared on 23 November 2026." in preparation
    assert "It was last reviewed on 7 December 2026." in preparation
    assert "axe-core against WCAG 2.2 A and AA on every public page template" in preparation
    assert "keyboard tests" in preparation
    assert "320 CSS pixels" in preparation
    assert "text at 200%" in preparation
