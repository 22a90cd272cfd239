import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    ActionFactory,
    ActionUpdateFactory,
    OrganisationFactory,
    PlanFactory,
    SectionFactory,
)
from tests.pdfs import is_tagged_pdf_ua, pdf_pages_text

pytestmark = pytest.mark.django_db

SECRET = "DRAFT-UPDATE-MARKER-2b7f"


def report(client, plan):
    response = client.get(reverse("delivery_plans:report_pdf", args=[plan.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


def grow(plan, count):
    section = SectionFactory(plan=plan, title="Fraud")
    owner = OrganisationFactory(short_name="NASP")
    for n in range(count):
        action = ActionFactory(
            section=section, number=f"1.{n + 1}", owners=[owner], title=f"Campaign number {n + 1}"
        )
        ActionUpdateFactory(action=action, rag="amber", text=f"Update for {n + 1}")
        ActionUpdateFactory(action=action, status="draft", text=f"{SECRET} {n + 1}")


def test_plan_report_lists_every_action_with_latest_update_and_rag(client):
    plan = PlanFactory(title="Safer Norfolk delivery plan")
    grow(plan, 30)

    data = report(client, plan)

    pages = pdf_pages_text(data)
    text = "\n".join(pages)
    assert "Campaign number 1\n" in text or "Campaign number 1 " in text
    assert "Campaign number 30" in text
    assert "Update for 30" in text
    assert "Amber" in text
    assert SECRET not in text
    assert len(pages) > 1
    assert all("Success" in page and "RAG" in page for page in pages[1:])  # the header repeats
    structure, marked, language, title = is_tagged_pdf_ua(data)
    assert (structure, marked, language) == (True, True, "en-GB")
    assert "Safer Norfolk delivery plan" in title


def test_plan_report_of_a_draft_plan_is_not_found(client):
    plan = PlanFactory(status="draft")

    assert client.get(reverse("delivery_plans:report_pdf", args=[plan.slug])).status_code == 404


def test_plan_report_queries_do_not_grow_with_actions(client):
    small, large = PlanFactory(), PlanFactory()
    grow(small, 3)
    grow(large, 25)

    counts = []
    for plan in (small, large):
        with CaptureQueriesContext(connection) as captured:
            report(client, plan)
        counts.append(len(captured))

    assert counts[0] == counts[1]
