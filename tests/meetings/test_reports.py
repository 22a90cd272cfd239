"""Committee reports written here (DESIGN §4.5): a template's sections, drafted by an author,
published with the agenda by a committee officer, as a web page, a tagged PDF and pages of
the agenda pack; never public while a draft, on an unpublished agenda or on an exempt item."""

import io
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from pypdf import PdfReader

from meetings import pdf, services
from meetings.models import COUNCIL_REPORT_SECTIONS, Report, ReportTemplate
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    CommitteeFactory,
    MeetingFactory,
    OutcomeFactory,
    PersonFactory,
    PlanFactory,
)
from tests.hostile_input.audit import audit
from tests.hostile_input.files import pdf_scripts_and_links, pdf_text, squeezed
from tests.hostile_input.world import MARKDOWN_PAYLOADS

pytestmark = pytest.mark.django_db

CLEARANCE = "LEGAL-CLEARANCE-MARKER-71c2"
DRAFT = "DRAFT-REPORT-MARKER-0b9e"

FILLED = {
    "strategic_impact": "Children exposed to domestic abuse suffer lasting harm.",
    "executive_summary": "The partnership has secured £2 million for a Beacon Project.",
    "recommendations": "To note and endorse the Beacon Project.",
    "proposal": "Norfolk is a beacon site.\n\nThe project has three elements:\n\n- One Front Door\n- Penta",
    "financial": "| Year | Total cost |\n|---|---|\n| 2017-2018 | £55,930 |\n\nFunding is confirmed.",
    "risk": "Partnership working is at the heart of the project.",
    "officer_contact": "Julie Westmacott",
}


def default_template():
    return ReportTemplate.objects.get(committee__isnull=True)


def make_report(item=None, *, status=Report.Status.PUBLISHED, sections=None, **fields):
    item = item or AgendaItemFactory(title="Working with SafeLives", number="6")
    return Report.objects.create(
        agenda_item=item,
        title=fields.pop("title", "Working with SafeLives"),
        template=fields.pop("template", default_template()),
        sections=FILLED if sections is None else sections,
        status=status,
        **fields,
    )


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response


# --- the template ---------------------------------------------------------------------------


def test_the_default_template_is_seed_004s_and_a_committee_may_have_its_own():
    default = default_template()
    assert [section["heading"] for section in default.sections][:4] == [
        "Strategic impact",
        "Executive summary",
        "Recommendations",
        "Proposal (or options)",
    ]
    assert default.sections == COUNCIL_REPORT_SECTIONS
    own = CommitteeFactory()
    other = CommitteeFactory()
    template = ReportTemplate.objects.create(
        name="Panel reports",
        committee=own,
        sections=[{"key": "summary", "heading": "Summary", "required": True, "kind": "text"}],
    )
    assert ReportTemplate.for_committee(own) == template
    assert ReportTemplate.for_committee(other) == default


def test_a_template_with_bad_sections_is_refused():
    template = ReportTemplate(
        name="Broken",
        sections=[
            {"key": "Summary!", "heading": "Summary"},
            {"key": "risk", "heading": ""},
            {"key": "risk", "heading": "Risk", "kind": "chart", "required": "yes"},
        ],
    )
    with pytest.raises(ValidationError) as raised:
        template.full_clean()
    messages = raised.value.message_dict["sections"]
    assert "Section 1's key must be lower-case letters, digits and underscores." in messages
    assert "Section 2 has no heading." in messages
    assert "The key “risk” is used twice." in messages
    assert "Section 3's kind must be text or table." in messages
    assert "Section 3's “required” must be true or false." in messages


def test_only_one_default_template():
    with pytest.raises(ValidationError):
        ReportTemplate(name="Another default", sections=COUNCIL_REPORT_SECTIONS).full_clean()


# --- publication ----------------------------------------------------------------------------


def test_a_published_report_is_public_as_a_page_a_pdf_and_on_the_meeting_page(client):
    report = make_report()
    meeting = report.agenda_item.meeting

    html = get(client, report.get_absolute_url()).content.decode()
    listed = get(client, meeting.get_absolute_url()).content.decode()
    data = get(client, report.get_pdf_url()).content

    assert '<h1 class="govuk-heading-xl">Working with SafeLives</h1>' in html
    assert f'href="{report.get_absolute_url()}"' in listed
    assert f'href="{report.get_pdf_url()}"' in listed
    assert "Norfolkisabeaconsite." in pdf_text(data)


@pytest.mark.parametrize("case", ["draft report", "draft agenda", "exempt item", "withdrawn"])
def test_a_report_not_yet_public_is_hidden_from_every_channel(client, officer, case):
    meeting = MeetingFactory(draft=case == "draft agenda")
    item = AgendaItemFactory(meeting=meeting, is_exempt=case == "exempt item", number="7")
    report = make_report(
        item,
        status=Report.Status.DRAFT if case == "draft report" else Report.Status.PUBLISHED,
        title=f"Report {DRAFT}",
    )
    if case == "withdrawn":
        services.withdraw_report(report=report, by=officer)
    assert Report.objects.filter(title__contains=DRAFT).exists()  # the thing that could leak

    get(client, report.get_absolute_url(), status=404)
    get(client, report.get_pdf_url(), status=404)
    if meeting.agenda_status == "published":
        assert DRAFT not in get(client, meeting.get_absolute_url()).content.decode()
        plan = pdf.plan_pack(meeting)
        assert all(DRAFT not in part.title and DRAFT not in part.html for part in plan.parts)
    assert DRAFT not in get(client, "/api/v1/agenda-items/?format=json").content.decode()
    assert DRAFT not in get(client, "/api/v1/reports/?format=json").content.decode()
    get(client, f"/api/v1/reports/{report.pk}/?format=json", status=404)


def test_an_officer_previews_a_draft_report_marked_as_a_preview(officer):
    report = make_report(status=Report.Status.DRAFT)
    client = Client()
    client.force_login(officer)

    html = get(client, report.get_absolute_url() + "?preview=1").content.decode()
    data = get(client, report.get_pdf_url() + "?preview=1").content

    assert "Preview for officers: this report is a draft" in html
    assert "Preview—notpublished" in pdf_text(data)


def test_publishing_needs_every_required_section_and_a_committee_officer(officer, report_author):
    report = make_report(
        status=Report.Status.DRAFT,
        sections={**FILLED, "recommendations": "  \n", "officer_contact": ""},
    )

    with pytest.raises(PermissionDenied):
        services.publish_report(report=report, by=report_author)
    with pytest.raises(ValidationError) as raised:
        services.publish_report(report=report, by=officer)
    assert raised.value.messages == [
        "“Working with SafeLives” cannot be published: write its “Recommendations” and "
        "“Officer contact” sections first."
    ]
    report.refresh_from_db()
    assert report.status == Report.Status.DRAFT

    report.sections = FILLED
    report.save()
    services.publish_report(report=report, by=officer, expected_version=report.version)
    report.refresh_from_db()
    assert report.status == Report.Status.PUBLISHED
    assert report.published_at is not None
    assert report.history.first().history_user == officer


def test_publishing_from_a_page_opened_before_another_change_is_refused(officer):
    report = make_report(status=Report.Status.DRAFT)
    opened = report.version
    Report.objects.get(pk=report.pk).save()  # someone else's change

    with pytest.raises(ValidationError, match="was changed since you opened it"):
        services.publish_report(report=report, by=officer, expected_version=opened)
    assert Report.objects.get(pk=report.pk).status == Report.Status.DRAFT


# --- what the page and the PDF show ---------------------------------------------------------


def test_sections_are_numbered_as_the_template_numbers_them(client):
    report = make_report()
    html = get(client, report.get_absolute_url()).content.decode()

    # Unnumbered front sections, then 1. Proposal, 2. Financial implications (Evidence is
    # empty, so it is left out and not numbered), 3. Issues, risks and innovation.
    headings = re.findall(r'<h2 class="govuk-heading-l" id="(\w+)">([^<]*)</h2>', html)
    assert headings == [
        ("strategic_impact", "Strategic impact"),
        ("executive_summary", "Executive summary"),
        ("recommendations", "Recommendations"),
        ("proposal", "1. Proposal (or options)"),
        ("financial", "2. Financial implications"),
        ("risk", "3. Issues, risks and innovation"),
        ("officer_contact", "Officer contact"),
    ]
    assert 'id="paragraph-1.2"' in html
    assert "<li>One Front Door</li>" in html
    assert 'id="paragraph-1.3"' not in html  # the list belongs to the paragraph before it
    assert (
        '<div class="govuk-inset-text app-recommendations"><div class="app-prose"><p>To note and endorse'
        in html
    )
    assert "<th>Year</th>" in html
    assert "<td>£55,930</td>" in html


def test_the_pdf_is_tagged_titled_in_english_with_a_bookmark_per_section(client):
    report = make_report(responsible_officer=PersonFactory(name="Matt Dunkley"))
    data = get(client, report.get_pdf_url()).content
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]

    assert root["/Lang"] == "en-GB"
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert reader.metadata.title == "Working with SafeLives"
    (title, sections) = reader.outline
    assert title.title == "Working with SafeLives"
    assert [mark.title for mark in sections] == [
        "Strategic impact",
        "Executive summary",
        "Recommendations",
        "1. Proposal (or options)",
        "2. Financial implications",
        "3. Issues, risks and innovation",
        "Officer contact",
    ]
    text = pdf_text(data)
    assert "ReporttitleWorkingwithSafeLives" in text
    assert "ResponsiblechiefofficerMattDunkley" in text
    assert "Page1of" in text


def test_clearance_is_never_published(client):
    report = make_report(legal_cleared_by=CLEARANCE, finance_cleared_by=CLEARANCE)

    assert CLEARANCE not in get(client, report.get_absolute_url()).content.decode()
    assert CLEARANCE not in pdf_text(get(client, report.get_pdf_url()).content)
    plan = pdf.plan_pack(report.agenda_item.meeting)
    assert all(CLEARANCE not in part.html for part in plan.parts)


def test_the_page_names_only_the_public_plans_actions_and_outcomes_it_concerns(client):
    report = make_report()
    public_plan = PlanFactory(title="Safer Norfolk Plan")
    draft_plan = PlanFactory(title=f"Plan {DRAFT}", status="draft")
    action = ActionFactory(plan=public_plan, number="1.14", title="Develop a county-wide approach")
    hidden_action = ActionFactory(plan=draft_plan, title=f"Action {DRAFT}")
    outcome = OutcomeFactory(title="Fewer repeat victims")
    report.plans.add(public_plan, draft_plan)
    report.plan_actions.add(action, hidden_action)
    report.outcomes.add(outcome)

    html = get(client, report.get_absolute_url()).content.decode()

    assert DRAFT not in html
    assert f'href="{public_plan.get_absolute_url()}"' in html
    assert f'href="{action.get_absolute_url()}"' in html
    assert f'href="{outcome.get_absolute_url()}"' in html


# --- the pack -------------------------------------------------------------------------------


def test_the_report_is_in_the_pack_at_its_item_with_the_front_sheets_page_exact():
    meeting = MeetingFactory()
    first = AgendaItemFactory(meeting=meeting, number="1", kind="apologies", title="Apologies")
    item = AgendaItemFactory(meeting=meeting, number="2", title="Working with SafeLives")
    report = make_report(item)

    built = pdf.build_pack(pdf.plan_pack(meeting))
    reader = PdfReader(io.BytesIO(built.data))
    start = built.item_pages[item.pk]

    assert first.pk not in built.item_pages  # no papers
    assert start == built.front_sheet_pages + 1
    # The page the front sheet names is where the report's title block is.
    assert "ReporttitleWorkingwithSafeLives" in squeezed(reader.pages[start - 1].extract_text())
    assert f"(Page{start})" in squeezed(pdf_text(built.front_sheet))
    marks = [mark for mark in reader.outline if isinstance(mark, list)]
    assert [child.title for child in marks[0]] == [report.title]


# --- hostile input --------------------------------------------------------------------------


def test_hostile_markdown_in_every_section_comes_out_inert_in_html_and_pdf(client):
    template = default_template()
    sections = {}
    for index, section in enumerate(template.sections):
        payloads = list(MARKDOWN_PAYLOADS.values())
        marker = f"KEEP{index}{section['key'].replace('_', '')}"
        sections[section["key"]] = "\n\n".join(
            payload.replace("{keep}", marker) for payload in payloads
        )
    report = make_report(sections=sections)

    page = audit(get(client, report.get_absolute_url()), "report page")
    data = get(client, report.get_pdf_url()).content
    scripts, uris = pdf_scripts_and_links(data)

    html = page.text
    text = pdf_text(data)
    for index, section in enumerate(template.sections):
        marker = f"KEEP{index}{section['key'].replace('_', '')}"
        assert marker in html, section["key"]
        assert marker in text, section["key"]
    assert scripts == []
    assert [uri for uri in uris if not re.match(r"(https?|mailto|tel):", uri, re.I)] == []


def test_the_api_gives_published_reports_with_their_sections_never_their_clearance(client):
    report = make_report(
        legal_cleared_by=CLEARANCE,
        responsible_officer=PersonFactory(name="Matt Dunkley", job_title="Director"),
    )
    make_report(status=Report.Status.DRAFT, title=f"Report {DRAFT}")

    body = get(client, "/api/v1/reports/?format=json").json()

    (listed,) = body["results"]
    assert listed["id"] == report.pk
    assert listed["responsible_officer"] == "Matt Dunkley, Director"
    assert [(s["key"], s["number"]) for s in listed["sections"]] == [
        ("strategic_impact", None),
        ("executive_summary", None),
        ("recommendations", None),
        ("proposal", 1),
        ("financial", 2),
        ("risk", 3),
        ("officer_contact", None),
    ]
    assert listed["sections"][3]["text"] == FILLED["proposal"]
    assert listed["url"] == f"http://testserver{report.get_absolute_url()}"
    assert CLEARANCE not in str(body)


def test_search_finds_a_published_reports_sections_and_never_a_drafts(client):
    report = make_report(sections={**FILLED, "risk": "Refuge utilisation is the main risk."})
    make_report(status=Report.Status.DRAFT, title=f"Report {DRAFT}",
                sections={**FILLED, "risk": f"Refuge utilisation {DRAFT}"})  # fmt: skip

    html = get(client, "/search/?q=refuge+utilisation").content.decode()

    assert f'href="{report.get_absolute_url()}"' in html
    assert "<mark>Refuge</mark> <mark>utilisation</mark>" in html
    assert DRAFT not in html
