"""Public pages and generated PDFs are Jinja2 templates with autoescaping on: text from the
database comes out as text, whatever it holds, while HTML the site made safe itself
(sanitised Markdown) comes out once, not escaped a second time."""

from pathlib import Path

import pytest
from django.core.paginator import Paginator
from django.template import engines
from django.template.backends.jinja2 import Template as JinjaTemplate
from django.template.loader import get_template

from meetings import pdf, queries
from safer_norfolk.text import render_markdown
from tests.factories import (
    AgendaItemFactory,
    CommitteeFactory,
    DocumentFactory,
    MeetingFactory,
    MinuteFactory,
)

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "jinja2"
TEMPLATE_NAMES = sorted(
    path.relative_to(TEMPLATE_DIR).as_posix() for path in TEMPLATE_DIR.rglob("*") if path.is_file()
)

HOSTILE = '<script>alert("x")</script>'
# Closes the attribute it is written into, then opens one of its own.
BREAKS_ATTRIBUTE = 'officer"onmouseover="alert(1)@example.org'


def environment():
    return engines["jinja2"].env


def autoescapes(name):
    setting = environment().autoescape
    return setting(name) if callable(setting) else setting


def test_every_template_file_is_found():
    assert "base.html" in TEMPLATE_NAMES
    assert "pdf/base.html" in TEMPLATE_NAMES
    assert set(TEMPLATE_NAMES) <= set(environment().list_templates())


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_template_autoescapes_and_compiles(name):
    assert autoescapes(name) is True
    template = get_template(name)
    # Django's Jinja2 backend answers for it: no Django template of the same name is used.
    assert isinstance(template, JinjaTemplate)
    assert template.template.environment is environment()


def test_govuk_components_autoescape_too():
    components = environment().list_templates(
        filter_func=lambda name: name.startswith("govuk_frontend_jinja/")
    )
    assert "govuk_frontend_jinja/components/tag/macro.html" in components
    assert all(autoescapes(name) is True for name in components)


# --- through the layout: a real page that shows stored text -------------------------------


@pytest.mark.django_db
def test_stored_text_is_escaped_through_the_layout(client):
    committee = CommitteeFactory(contact_email=BREAKS_ATTRIBUTE, contact_phone=HOSTILE)
    document = DocumentFactory(meeting=MeetingFactory(committee=committee), title=HOSTILE)
    document.file.storage.delete(document.file.name)  # its page then names the paper

    response = client.get(document.get_absolute_url())

    page = response.content.decode()
    assert response.status_code == 404
    assert '<h1 class="govuk-heading-xl">Page not found</h1>' in page  # the layout's page
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert 'href="mailto:officer&#34;onmouseover=&#34;alert(1)@example.org"' in page
    assert 'onmouseover="' not in page


# --- through the site's macros ------------------------------------------------------------


def test_tag_text_is_escaped():
    template = environment().from_string(
        '{% from "macros.html" import tag %}{{ tag(text, "red") }}'
    )

    html = template.render(text=HOSTILE + '"')

    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&#34;" in html
    assert 'class="govuk-tag govuk-tag--red"' in html


def test_pagination_label_cannot_leave_its_attribute():
    template = environment().from_string(
        '{% from "macros.html" import pagination %}{{ pagination(page, label) }}'
    )

    html = template.render(page=Paginator(range(30), 10).page(2), label=BREAKS_ATTRIBUTE)

    assert 'aria-label="officer&#34;onmouseover=&#34;alert(1)@example.org"' in html
    assert 'onmouseover="' not in html


# --- Markdown: sanitised once, never escaped twice ----------------------------------------


def test_markdown_filter_output_is_not_escaped_again():
    template = environment().from_string("{{ text|markdown }}")

    html = template.render(text="Bring **photo ID** & arrive early. " + HOSTILE)

    assert "<strong>photo ID</strong>" in html
    assert "&amp; arrive" in html
    assert "&amp;amp;" not in html
    assert "&lt;strong&gt;" not in html
    assert "<script>" not in html


def test_markdown_already_rendered_in_python_is_shown_once():
    template = environment().from_string("{{ html }} {{ text }}")

    html = template.render(html=render_markdown("**Agreed** & noted"), text="<b>plain</b>")

    assert "<strong>Agreed</strong> &amp; noted" in html
    assert "&lt;b&gt;plain&lt;/b&gt;" in html


@pytest.mark.django_db
def test_a_document_shows_markdown_as_html_and_plain_text_as_text():
    meeting = MeetingFactory(
        minutes_published=True,
        venue="<b>Room</b> & hall",
        public_notice="Bring **photo ID** & arrive early.",
    )
    AgendaItemFactory(meeting=meeting, title="Item <i>one</i>", description="A *short* report.")
    MinuteFactory(
        meeting=meeting, heading="Reports", body="The panel **noted** the report & agreed."
    )

    front_sheet = pdf.front_sheet_html(meeting, queries.agenda_with_papers(meeting))
    minutes = pdf.minutes_html(meeting)

    assert "<strong>photo ID</strong> &amp; arrive early." in front_sheet
    assert "<em>short</em>" in front_sheet
    assert "&lt;b&gt;Room&lt;/b&gt; &amp; hall" in front_sheet
    assert "Item &lt;i&gt;one&lt;/i&gt;" in front_sheet
    assert "<strong>noted</strong> the report &amp; agreed." in minutes
    assert "&lt;b&gt;Room&lt;/b&gt; &amp; hall" in minutes
    assert "&amp;amp;" not in front_sheet + minutes
