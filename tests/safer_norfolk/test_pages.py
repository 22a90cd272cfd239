import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def test_home_page_shows_the_site_name_in_header_and_title(client):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(
        r'<a href="/" class="govuk-generic-header__homepage-link">\s*Safer Norfolk\s*</a>', html
    )
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


def home(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def section(html, heading_id):
    """The part of the page from the heading with `heading_id` to the next h2."""
    start = html.index(f'id="{heading_id}"')
    end = html.find("<h2", start)
    return html[start : end if end >= 0 else len(html)]


def test_home_page_shows_what_is_outstanding_counted_as_the_outstanding_page_counts(client):
    from tests.factories import (
        ActionPointFactory,
        MeetingFactory,
        WrittenQuestionFactory,
    )

    ActionPointFactory()
    ActionPointFactory(due_date=datetime.date(2020, 1, 31))  # overdue
    ActionPointFactory(status="closed", response="Done", closed_on=datetime.date(2021, 1, 5))
    ActionPointFactory(meeting=MeetingFactory(minutes_draft=True))  # not yet public
    WrittenQuestionFactory()

    html = home(client)
    outstanding = section(html, "outstanding")
    listed = client.get(reverse("meetings:outstanding")).content.decode()

    assert "<strong>3</strong> items outstanding" in outstanding
    assert "<strong>3</strong> items outstanding" in listed  # the same count as its page
    assert f'href="{reverse("meetings:outstanding")}?kind=action_point">2 open action points' in (
        outstanding
    )
    assert "?kind=question" in outstanding
    assert "1 question awaiting a written response" in outstanding
    assert "0 plan actions red, amber" in outstanding
    assert "?overdue_only=on" in outstanding
    assert "1 overdue" in outstanding


def test_home_page_says_when_nothing_is_outstanding_or_published(client):
    html = home(client)

    assert "Nothing is outstanding" in section(html, "outstanding")
    assert "No delivery plan has been published yet." in section(html, "plan-progress")
    assert "No minutes have been published yet." in html


def test_home_page_shows_each_published_plans_rag_and_distance(client):
    from tests.factories import ActionFactory, ActionUpdateFactory, PlanFactory, SectionFactory

    plan = PlanFactory(title="Safer Norfolk Plan 2021-24 delivery plan")
    section_ = SectionFactory(plan=plan)
    for rag, distance in [("red", "far_off"), ("red", "some_way"), ("green", "nearly_met")]:
        ActionUpdateFactory(action=ActionFactory(section=section_), rag=rag, distance=distance)
    ActionFactory(section=section_)  # no update yet
    draft = PlanFactory(title="Draft plan DRAFT-PLAN-MARKER-3f1", status="draft")
    ActionUpdateFactory(action=ActionFactory(section=SectionFactory(plan=draft)), rag="amber")

    progress = section(home(client), "plan-progress")

    row = progress[progress.rindex("<tr", 0, progress.index(plan.title)) :]
    row = row[: row.index("</tr>")]
    assert f'href="{plan.get_absolute_url()}"' in row
    assert ">4</td>" in row
    assert re.search(r"2 <strong[^>]*>\s*RAG: Red\s*</strong>", row)
    assert re.search(r"1 <strong[^>]*>\s*RAG: Green\s*</strong>", row)
    assert re.search(r"1 <strong[^>]*>\s*RAG not assessed\s*</strong>", row)
    assert "RAG: Amber" not in row
    assert re.search(r"1 <strong[^>]*>\s*Far off\s*</strong>", row)
    assert re.search(r"1 <strong[^>]*>\s*Some way to go\s*</strong>", row)
    assert re.search(r"1 <strong[^>]*>\s*Nearly met\s*</strong>", row)
    assert re.search(r"1 <strong[^>]*>\s*Distance not assessed\s*</strong>", row)
    assert "DRAFT-PLAN-MARKER-3f1" not in progress


def test_home_page_queries_do_not_grow_with_data(client, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import (
        ActionFactory,
        ActionPointFactory,
        ActionUpdateFactory,
        MeetingFactory,
        PlanFactory,
        SectionFactory,
        WrittenQuestionFactory,
    )

    settings.PAGE_CACHE_SECONDS = 0  # the same address is asked for twice

    def grow(count):
        for _ in range(count):
            MeetingFactory(starts_at=timezone.now() + datetime.timedelta(days=30))
            ActionPointFactory()
            WrittenQuestionFactory()
            plan = PlanFactory()
            ActionUpdateFactory(action=ActionFactory(section=SectionFactory(plan=plan)), rag="red")

    def count():
        with CaptureQueriesContext(connection) as captured:
            home(client)
        return len(captured)

    grow(1)
    small = count()
    grow(6)
    large = count()

    assert small == large
    assert large <= 15
