"""Uploaded papers readable in the browser: each public paper's text as a web page, page by
page; the accessibility check on upload, shown to the officer as a warning with what to do
and on the meeting page as a notice naming whom to ask for another format."""

import datetime
import re
from html import unescape

import pytest
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.models import AgendaItem, Document
from tests.admin_forms import change_form_data
from tests.factories import AgendaItemFactory, CommitteeFactory, MeetingFactory
from tests.pdfs import make_paper, make_scanned_pdf, paper_fields

pytestmark = pytest.mark.django_db

CONTACT = "Customer Services on 0344 800 8020 or Text Relay on 18001 0344 800 8020 (textphone)"
NOTICE = "This paper may not be accessible; ask for another format"
WRAPPING = (
    "The partnership received 412 referrals in the quarter, a fifth more than a year earlier, "
    "and most of the increase came from the three districts where the new scheme started."
)
REPORT = f"""
<h1>Safer Norfolk Plan: delivery update</h1>
<p>{WRAPPING}</p>
<h2>1. Proposal</h2>
<p>1.1 The panel is asked to note the progress made against each priority.</p>
<p style="break-before: page">2. Background</p>
<p>{WRAPPING}</p>
<div style="break-before: page; height: 4cm; border: 1px solid"></div>
"""


def words(html):
    """A page's text, tags removed and spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture
def meeting():
    committee = CommitteeFactory(
        name="NCCSP Scrutiny Sub Panel",
        alternative_formats_contact=CONTACT,
        contact_email="panel@example.org",
    )
    return MeetingFactory(
        committee=committee, starts_at=datetime.datetime(2022, 2, 24, 10, tzinfo=datetime.UTC)
    )


def paper(meeting, data, *, item=None, title="Delivery plan update", **fields):
    item = (
        item
        or AgendaItem.objects.filter(meeting=meeting, number="5").first()
        or AgendaItemFactory(meeting=meeting, number="5", title="Safer Norfolk Plan")
    )
    return Document.objects.create(
        meeting=meeting,
        agenda_item=item,
        title=title,
        file=ContentFile(data, name="paper.pdf"),
        **{**paper_fields(data), **fields},
    )


def page_of(client, document):
    response = client.get(reverse("meetings:document_text", args=[document.pk]))
    assert response.status_code == 200
    return response.content.decode()


# --- the officer's upload ---------------------------------------------------------------------


def upload(client, meeting, data, **extra):
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    form = change_form_data(client.get(url))
    form.update(
        {
            "documents-0-title": "Delivery plan update",
            "documents-0-kind": "report",
            "documents-0-is_public": "on",
            "documents-0-order": "1",
            "documents-0-file": SimpleUploadedFile("update.pdf", data, "application/pdf"),
        }
    )
    if "documents-0-id" not in form:
        form["documents-TOTAL_FORMS"] = "1"
    form.update(extra)
    return client.post(url, form)


def warnings(response):
    return [
        message.message
        for message in get_messages(response.wsgi_request)
        if message.level_tag == "warning"
    ]


def test_an_inaccessible_upload_is_saved_and_the_officer_told_what_to_do(client, officer):
    meeting = MeetingFactory()
    client.force_login(officer)

    response = upload(client, meeting, make_paper(REPORT, title=None, lang=None, tagged=False))

    assert response.status_code == 302
    document = Document.objects.get(meeting=meeting)
    assert (document.has_text_layer, document.is_tagged) == (True, False)
    assert (document.has_title, document.has_language) == (False, False)
    assert document.pages[0][0] == ["heading", "Safer Norfolk Plan: delivery update"]
    [warning] = warnings(response)
    assert warning.startswith("“Delivery plan update” was saved, but it may not be accessible")
    assert "It is not tagged" in warning
    assert "“Document structure tags for accessibility” ticked" in warning
    assert "It has no title: set one in the document's properties" in warning
    assert "It does not say what language it is in" in warning
    assert "no text layer" not in warning
    # The officer sees it on the page the save leads to.
    shown = words(client.get(response["Location"]).content.decode())
    assert "“Delivery plan update” was saved, but it may not be accessible" in shown


def test_a_scanned_upload_is_saved_and_the_officer_told_to_export_it_instead(client, officer):
    meeting = MeetingFactory()
    client.force_login(officer)

    response = upload(client, meeting, make_scanned_pdf(pages=3))

    assert response.status_code == 302
    document = Document.objects.get(meeting=meeting)
    assert (document.page_count, document.has_text_layer, document.pages) == (3, False, [[]] * 3)
    [warning] = warnings(response)
    assert "It has no text layer (it looks scanned)" in warning
    assert "export it from the original document rather than scanning it" in warning


def test_an_accessible_upload_gets_no_warning(client, officer):
    meeting = MeetingFactory()
    client.force_login(officer)

    response = upload(client, meeting, make_paper(REPORT))

    assert response.status_code == 302
    assert Document.objects.get(meeting=meeting).accessibility_problems == []
    assert warnings(response) == []


def test_replacing_a_papers_file_reads_the_new_one_and_warns_of_it(client, officer):
    meeting = MeetingFactory()
    document = paper(meeting, make_paper(REPORT))
    client.force_login(officer)

    response = upload(client, meeting, make_scanned_pdf(pages=1))

    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.page_count, document.has_text_layer, document.pages) == (1, False, [[]])
    assert "It has no text layer" in warnings(response)[0]


def test_saving_a_meeting_without_a_new_file_warns_of_nothing(client, officer):
    meeting = MeetingFactory()
    paper(meeting, make_scanned_pdf(pages=1))
    client.force_login(officer)
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])

    response = client.post(url, change_form_data(client.get(url)))

    assert response.status_code == 302
    assert warnings(response) == []


def test_the_admin_shows_what_the_check_found_for_each_paper(client, officer):
    meeting = MeetingFactory()
    paper(meeting, make_paper(REPORT), title="Accessible")
    paper(meeting, make_paper(REPORT, tagged=False, lang=None), title="Untagged")
    client.force_login(officer)

    html = client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk])).content
    shown = words(html.decode())

    assert "No problems found" in shown
    assert "May not be accessible: not tagged, no language" in shown


# --- the paper's web page ----------------------------------------------------------------------


def test_a_papers_web_page_shows_its_text_page_by_page_under_page_markers(client, meeting):
    document = paper(meeting, make_paper(REPORT))

    html = page_of(client, document)

    assert "<title>Delivery plan update – NCCSP Scrutiny Sub Panel, 24 February 2022" in html
    assert '<h1 class="govuk-heading-xl">Delivery plan update</h1>' in html
    assert f'href="{meeting.get_absolute_url()}#item-5">5. Safer Norfolk Plan</a>' in html
    pdf_link = f'<a class="govuk-link" href="{document.get_absolute_url()}">Download the PDF'
    assert pdf_link in html
    assert f"PDF, {document.size_bytes // 1024}" in words(html)
    assert "3 pages" in words(html)
    assert re.findall(r'<h2 class="[^"]*" id="page-(\d)">Page \1 of 3</h2>', html) == [
        "1",
        "2",
        "3",
    ]
    first, second, third = re.split(r"<h2 [^>]*>Page \d of 3</h2>", html)[1:]
    assert '<h3 class="govuk-heading-s">Safer Norfolk Plan: delivery update</h3>' in first
    assert '<h3 class="govuk-heading-s">1. Proposal</h3>' in first
    assert f'<p class="govuk-body">{WRAPPING}</p>' in first
    assert "1.1 The panel is asked to note the progress made against each priority." in first
    assert '<h3 class="govuk-heading-s">2. Background</h3>' in second
    assert "This page has no text" in third
    assert NOTICE not in html


def test_a_scanned_papers_web_page_says_its_text_cannot_be_shown_and_whom_to_ask(client, meeting):
    document = paper(meeting, make_scanned_pdf(pages=2))

    shown = words(page_of(client, document))

    assert (
        "The text of this paper cannot be shown here: the PDF holds images of its pages (it "
        f"looks scanned), with no text in them. {NOTICE}: contact {CONTACT}."
    ) in shown
    assert shown.count(CONTACT) == 1
    assert "Page 1 of 2" not in shown


def test_a_long_papers_web_page_says_which_pages_only_the_pdf_holds(client, meeting):
    document = paper(meeting, make_paper(REPORT))
    document.pages = document.pages[:1]
    document.save()

    shown = words(page_of(client, document))

    assert "Page 1 of 3" in shown
    assert "Page 2 of 3" not in shown
    assert "Pages 2 to 3 are not shown here, as the paper is too long: read them in the PDF." in (
        shown
    )


def test_a_paper_never_read_says_nothing_of_its_accessibility(client, meeting):
    unread = {
        "pages": None,
        "has_text_layer": None,
        "is_tagged": None,
        "has_title": None,
        "has_language": None,
    }
    document = paper(meeting, make_paper(REPORT, tagged=False), **unread)

    text_page = words(page_of(client, document))
    meeting_page = client.get(meeting.get_absolute_url()).content.decode()

    assert "This paper’s text is not shown as a web page." in text_page
    assert NOTICE not in text_page
    assert NOTICE not in meeting_page
    assert document.get_text_url() not in meeting_page
    assert document.get_absolute_url() in meeting_page


def test_the_meeting_page_links_papers_to_their_web_pages_and_notes_inaccessible_ones(
    client, meeting
):
    item = AgendaItemFactory(meeting=meeting, number="5", title="Safer Norfolk Plan")
    accessible = paper(meeting, make_paper(REPORT), item=item, title="Accessible report")
    untagged = paper(meeting, make_paper(REPORT, tagged=False), item=item, title="Untagged report")
    scanned = paper(meeting, make_scanned_pdf(), item=item, title="Scanned report")

    html = client.get(meeting.get_absolute_url()).content.decode()

    papers = {
        document.title: words(
            html.split(f'href="{document.get_absolute_url()}"')[1].split("</li>")[0]
        )
        for document in (accessible, untagged, scanned)
    }
    link = f'href="{accessible.get_text_url()}">Read as a web page'
    assert link in html
    assert "Read as a web page : Accessible report" in papers["Accessible report"]
    assert NOTICE not in papers["Accessible report"]
    assert f'href="{untagged.get_text_url()}">Read as a web page' in html
    assert f"{NOTICE}: contact {CONTACT}." in papers["Untagged report"]
    # A scanned paper has no text to read as a web page.
    assert scanned.get_text_url() not in html
    assert f"{NOTICE}: contact {CONTACT}." in papers["Scanned report"]
    assert html.count(f'<p class="govuk-hint govuk-!-font-size-16">{NOTICE}') == 2


@pytest.mark.parametrize(
    ("contacts", "expected"),
    [
        (
            {"contact_email": "panel@example.org", "contact_phone": "01603 222222"},
            f'{NOTICE}: contact <a class="govuk-link" href="mailto:panel@example.org">'
            "panel@example.org</a> or 01603 222222.",
        ),
        ({"contact_phone": "01603 222222"}, f"{NOTICE}: contact 01603 222222."),
        (
            {},
            f'{NOTICE}: see the <a class="govuk-link" href="/accessibility/">accessibility '
            "statement</a> for how to ask.",
        ),
    ],
    ids=["email-and-phone", "phone", "no-contact"],
)
def test_the_notice_names_the_committees_published_contact_when_it_has_no_wording_of_its_own(
    client, contacts, expected
):
    meeting = MeetingFactory(committee=CommitteeFactory(**contacts))
    paper(meeting, make_paper(REPORT, title=None))

    html = client.get(meeting.get_absolute_url()).content.decode()

    assert expected.replace("/accessibility/", reverse("accessibility")) in html


# --- papers that are not public have no web page -------------------------------------------------

SECRET = "EXEMPTPAPERMARKER"


@pytest.mark.parametrize("hidden_by", ["not-public", "draft-agenda", "exempt-item"])
def test_a_paper_that_is_not_public_has_no_web_page(client, hidden_by):
    meeting = MeetingFactory(draft=hidden_by == "draft-agenda")
    item = AgendaItemFactory(meeting=meeting, is_exempt=hidden_by == "exempt-item")
    document = paper(
        meeting,
        make_paper(f"<p>{SECRET} {WRAPPING}</p>"),
        item=item,
        title=f"{SECRET} title",
        is_public=hidden_by != "not-public",
    )
    assert any(SECRET in text for [_, text] in document.pages[0])

    response = client.get(reverse("meetings:document_text", args=[document.pk]))

    assert response.status_code == 404
    assert SECRET not in response.content.decode()


def test_a_papers_web_page_costs_the_same_queries_however_long_it_is(client, meeting):
    short = paper(meeting, make_paper(f"<p>{WRAPPING}</p>"))
    long_body = "".join(f'<p style="break-after: page">{WRAPPING}</p>' for _ in range(40))
    long = paper(meeting, make_paper(long_body))

    counts = []
    for document in (short, long):
        with CaptureQueriesContext(connection) as queries:
            page_of(client, document)
        counts.append(len(queries))

    assert long.page_count == 40
    assert counts[0] == counts[1] <= 3


# --- papers stored before the check ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_reads_each_stored_papers_file_and_leaves_a_missing_one_unknown():
    before = [("meetings", "0030_report_search")]
    after = [("meetings", "0031_paper_text_and_accessibility")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    meeting = old.get_model("meetings", "Meeting").objects.create(
        committee=old.get_model("meetings", "Committee").objects.create(name="Panel", slug="panel"),
        starts_at="2022-02-24T10:00:00Z",
    )
    stored = old.get_model("meetings", "Document").objects.create(
        meeting=meeting,
        title="Stored",
        file=ContentFile(make_paper(REPORT, lang=None), name="stored.pdf"),
    )
    missing = old.get_model("meetings", "Document").objects.create(
        meeting=meeting, title="Missing", file="meetings/1/gone.pdf"
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    new = executor.loader.project_state(after).apps.get_model("meetings", "Document")
    read, unread = new.objects.get(pk=stored.pk), new.objects.get(pk=missing.pk)

    assert read.pages[0][0] == ["heading", "Safer Norfolk Plan: delivery update"]
    assert (read.has_text_layer, read.is_tagged, read.has_title, read.has_language) == (
        True,
        True,
        True,
        False,
    )
    assert unread.pages is None
    assert (unread.has_text_layer, unread.is_tagged, unread.has_title) == (None, None, None)
    call_command("migrate", verbosity=0)
