"""Uploads (suite 2): files that are not PDFs, encrypted, damaged, empty, too large or holding
scripts are refused with a clear message and nothing is stored."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings.models import Document
from tests.factories import MeetingFactory
from tests.hostile_input.files import (
    paper,
    pdf_scripts_and_links,
    word_document,
)
from tests.pdfs import (
    ACTIVE_KINDS,
    WEB_LINK,
    make_active_pdf,
    make_encrypted_pdf,
    make_linked_pdf,
)

pytestmark = pytest.mark.django_db


# --- 2. Uploads ------------------------------------------------------------------------------


def pdf_without_pages():
    from pypdf import PdfWriter

    buffer = io.BytesIO()
    PdfWriter().write(buffer)
    return buffer.getvalue()


def scripted_pdf(kind):
    """A genuine PDF made active in one of the ways a hostile paper could be."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import Link
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    def action(kind, **values):
        return DictionaryObject(
            {NameObject("/S"): NameObject(kind)}
            | {NameObject(f"/{key}"): TextStringObject(value) for key, value in values.items()}
        )

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(paper())))
    script = action("/JavaScript", JS="app.alert(1)")
    if kind == "open-action":
        writer.root_object[NameObject("/OpenAction")] = script
    elif kind == "named-script":
        writer.root_object[NameObject("/Names")] = DictionaryObject(
            {
                NameObject("/JavaScript"): DictionaryObject(
                    {NameObject("/Names"): ArrayObject([TextStringObject("x"), script])}
                )
            }
        )
    elif kind == "page-open":
        writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): script})
    elif kind == "launch-link":
        link = writer.add_annotation(0, Link(rect=(50, 50, 200, 80), url="https://example.org/"))
        link.get_object()[NameObject("/A")] = action("/Launch", F="calc.exe")
    elif kind == "chained-script":
        link = writer.add_annotation(0, Link(rect=(50, 50, 200, 80), url="https://example.org/"))
        link.get_object()["/A"][NameObject("/Next")] = script
    else:  # a link to the address given as kind
        writer.add_annotation(0, Link(rect=(50, 50, 200, 80), url=kind))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


UPLOADS = {
    "word-document-named-pdf": ("report.pdf", word_document, "The file is not a PDF"),
    "html-with-script-named-pdf": (
        "report.pdf",
        lambda: b"<html><script>alert(document.cookie)</script></html>",
        "The file is not a PDF",
    ),
    "encrypted-pdf": (
        "report.pdf",
        make_encrypted_pdf,
        "The PDF is password-protected or encrypted",
    ),
    "truncated-pdf-half": (
        "report.pdf",
        lambda: paper()[: len(paper()) // 2],
        "could not be read",
    ),
    "truncated-pdf-without-trailer": ("report.pdf", lambda: paper()[:-40], "could not be read"),
    "pdf-signature-only": ("report.pdf", lambda: b"%PDF-1.7\n", "could not be read"),
    "pdf-signature-then-garbage": (
        "report.pdf",
        lambda: b"%PDF-1.4\n" + bytes(range(256)) * 8,
        "could not be read",
    ),
    "pdf-without-pages": ("report.pdf", pdf_without_pages, "The PDF has no pages."),
    "empty-file": ("report.pdf", lambda: b"", "The submitted file is empty."),
    "oversized-pdf": ("big.pdf", lambda: paper(pages=5), "documents may be at most 1.0\xa0KB"),
    **{
        f"pdf-with-{label}": ("report.pdf", lambda kind=kind: scripted_pdf(kind), message)
        for label, (kind, message) in {
            "javascript-on-opening": ("open-action", "The PDF contains JavaScript."),
            "named-javascript": ("named-script", "The PDF contains JavaScript."),
            "javascript-on-page-open": ("page-open", "The PDF contains JavaScript."),
            "launch-action-link": (
                "launch-link",
                "The PDF contains an action that starts a program.",
            ),
            "javascript-chained-after-a-link": ("chained-script", "The PDF contains JavaScript."),
            "javascript-link": (
                "javascript:app.alert(1)",
                "The PDF contains a link that runs a script (“javascript:app.alert(1)”).",
            ),
            "mixed-case-javascript-link": (
                " JavaScript:app.alert(1)",
                "The PDF contains a link that runs a script (“ JavaScript:app.alert(1)”).",
            ),
            "local-file-link": (
                "file:///C:/Windows/System32/calc.exe",
                "The PDF contains a link to a file on a computer or network drive",
            ),
        }.items()
    },
    "file-name-too-long": (
        "a" * 120 + ".pdf",
        paper,
        "Ensure this filename has at most 100 characters",
    ),
}


def upload_document(browser, meeting, upload):
    from tests.admin_forms import change_form_data

    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    data = change_form_data(browser.get(url))
    data.update(
        {
            "documents-TOTAL_FORMS": "1",
            "documents-0-title": "Delivery plan report",
            "documents-0-kind": "report",
            "documents-0-is_public": "on",
            "documents-0-order": "1",
            "documents-0-file": upload,
        }
    )
    return browser.post(url, data)


def stored_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


@pytest.mark.parametrize(("filename", "content", "message"), UPLOADS.values(), ids=UPLOADS.keys())
def test_a_bad_upload_gets_a_clear_form_error_and_nothing_is_stored(
    browser, officer, settings, filename, content, message
):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 1024 if filename == "big.pdf" else 5 * 1024 * 1024
    meeting = MeetingFactory()
    browser.force_login(officer)

    response = upload_document(
        browser, meeting, SimpleUploadedFile(filename, content(), "application/pdf")
    )

    assert response.status_code == 200, f"The upload answered {response.status_code}"
    assert message in response.content.decode()
    assert not Document.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    "address", ["https://www.norfolk.gov.uk/", "mailto:panel@example.org", "www.norfolk.gov.uk"]
)
def test_a_paper_with_ordinary_links_is_accepted(browser, officer, address):
    meeting = MeetingFactory()
    browser.force_login(officer)

    response = upload_document(
        browser, meeting, SimpleUploadedFile("linked.pdf", scripted_pdf(address), "application/pdf")
    )

    assert response.status_code == 302
    assert Document.objects.get().page_count == 1


def test_the_pdf_check_finds_scripts_and_script_links():
    """The checker the PDF tests rely on finds what it looks for."""
    for kind in ["open-action", "named-script", "page-open", "launch-link", "chained-script"]:
        scripts, _ = pdf_scripts_and_links(scripted_pdf(kind))
        assert scripts, kind
    for kind in ACTIVE_KINDS:
        scripts, _ = pdf_scripts_and_links(make_active_pdf(kind))
        assert scripts, kind
    scripts, uris = pdf_scripts_and_links(make_linked_pdf())
    assert (scripts, sorted(uris)) == ([], sorted([WEB_LINK, "mailto:panel@example.org"]))
    _, uris = pdf_scripts_and_links(scripted_pdf("javascript:app.alert(1)"))
    assert uris == ["javascript:app.alert(1)"]


def test_an_upload_named_to_climb_out_of_the_media_folder_is_stored_inside_it(
    browser, officer, settings
):
    meeting = MeetingFactory()
    browser.force_login(officer)

    response = upload_document(
        browser,
        meeting,
        SimpleUploadedFile("../../../etc/passwd.pdf", paper(), "application/pdf"),
    )

    assert response.status_code == 302
    document = Document.objects.get()
    assert document.file.name == f"meetings/{meeting.pk}/passwd.pdf"
    assert stored_files(settings) == [f"meetings/{meeting.pk}/passwd.pdf"]
