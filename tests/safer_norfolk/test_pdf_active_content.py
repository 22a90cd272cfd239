"""Uploaded papers carry no active content: a PDF that would run script, start a program, carry
or open another file, send data away or follow a script or local-file link is refused with a
form error naming what was found, and nothing is stored. Ordinary papers are accepted."""

import codecs
import html
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings.models import Document
from safer_norfolk.validators import inspect_pdf
from tests.admin_forms import change_form_data
from tests.factories import MeetingFactory
from tests.pdfs import (
    ACTIVE_KINDS,
    WEB_LINK,
    make_active_pdf,
    make_linked_pdf,
    make_pdf_linking_to,
)

ADVICE = "Save it again with “Print to PDF” or “Save as PDF”, which leaves these out"

# What the officer is told for each kind of active content.
FOUND = {
    "javascript-on-opening": "JavaScript",
    "javascript-on-closing": "JavaScript",
    "javascript-on-page-open": "JavaScript",
    "javascript-on-link-hover": "JavaScript",
    "javascript-on-field-keystroke": "JavaScript",
    "javascript-on-button-press": "JavaScript",
    "named-javascript": "JavaScript",
    "javascript-in-a-bookmark": "JavaScript",
    "javascript-chained-after-a-link": "JavaScript",
    "launch-action": "an action that starts a program",
    "launch-in-a-bookmark": "an action that starts a program",
    "xfa-form": "an XFA form (a form that runs its own program)",
    "embedded-file": "an attached file",
    "file-attachment-annotation": "an attached file",
    "remote-go-to": "a link that opens another file or a file attached to the PDF",
    "embedded-go-to": "a link that opens another file or a file attached to the PDF",
    "import-data": "an action that reads data in from another file",
    "submit-form": "a form that sends what is typed into it to another address",
    "rendition": "embedded media or Flash content that plays by itself",
    "rich-media-execute": "embedded media or Flash content that plays by itself",
}

SCRIPT_LINK = "a link that runs a script"
FILE_LINK = "a link to a file on a computer or network drive"
PROGRAM_LINK = "a link that opens a program rather than a web page, email or phone number"

# Link addresses as a hostile paper could spell them: (address, what the officer is told,
# the address as the message shows it). Bytes are written to the PDF as a hex string.
UNSAFE_LINKS = {
    "javascript": ("javascript:app.alert(1)", SCRIPT_LINK, "javascript:app.alert(1)"),
    "upper-case": ("JAVASCRIPT:app.alert(1)", SCRIPT_LINK, "JAVASCRIPT:app.alert(1)"),
    "leading-space": (" JavaScript:app.alert(1)", SCRIPT_LINK, " JavaScript:app.alert(1)"),
    "nul-inside": ("java\x00script:app.alert(1)", SCRIPT_LINK, "java·script:app.alert(1)"),
    "tab-inside": ("java\tscript:app.alert(1)", SCRIPT_LINK, "java·script:app.alert(1)"),
    "newline-inside": ("java\nscript:app.alert(1)", SCRIPT_LINK, "java·script:app.alert(1)"),
    "space-inside": ("java script:app.alert(1)", SCRIPT_LINK, "java script:app.alert(1)"),
    "control-characters": ("\x01\x1fjav\x0bascript\x7f:app", SCRIPT_LINK, "··jav·ascript·:app"),
    "full-width": ("ｊａｖａｓｃｒｉｐｔ:app.alert(1)", SCRIPT_LINK, "ｊａｖａｓｃｒｉｐｔ:app.alert(1)"),
    "hex-string": (b"javascript:app.alert(1)", SCRIPT_LINK, "javascript:app.alert(1)"),
    "hex-string-with-nul": (b"java\x00script:app.alert(1)", SCRIPT_LINK, "java·script:app.alert(1)"),
    "utf-16-hex-string": (
        codecs.BOM_UTF16_BE + "javascript:app.alert(1)".encode("utf-16-be"),
        SCRIPT_LINK,
        "javascript:app.alert(1)",
    ),
    "vbscript": ("VBScript:MsgBox(1)", SCRIPT_LINK, "VBScript:MsgBox(1)"),
    "data": ("data:text/html;base64,PHNjcmlwdD4=", SCRIPT_LINK, "data:text/html;base64,PHNjcmlwdD4="),
    "file": ("file:///C:/Windows/System32/calc.exe", FILE_LINK, "file:///C:/Windows/System32/calc.exe"),
    "unc-backslashes": ("\\\\server\\share\\payload.exe", FILE_LINK, "\\\\server\\share\\payload.exe"),
    "unc-slashes": ("//server/share/payload.exe", FILE_LINK, "//server/share/payload.exe"),
    "drive-letter": ("C:\\Windows\\System32\\calc.exe", FILE_LINK, "C:\\Windows\\System32\\calc.exe"),
    "protocol-handler": ("ms-msdt:/id PCWDiagnostic", PROGRAM_LINK, "ms-msdt:/id PCWDiagnostic"),
}  # fmt: skip

ORDINARY_LINKS = [
    "https://www.norfolk.gov.uk/",
    "HTTP://www.norfolk.gov.uk/",
    "mailto:panel@example.org",
    "tel:+441603222222",
    "www.norfolk.gov.uk",
    "#page=2",
]


def upload(uploaded_bytes):
    return inspect_pdf(SimpleUploadedFile("paper.pdf", uploaded_bytes, "application/pdf"))


def refusal(uploaded_bytes):
    with pytest.raises(ValidationError) as caught:
        upload(uploaded_bytes)
    return caught.value


def upload_through_the_admin(client, meeting, data):
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    form = change_form_data(client.get(url))
    form.update(
        {
            "documents-TOTAL_FORMS": "1",
            "documents-0-title": "Delivery plan report",
            "documents-0-kind": "report",
            "documents-0-is_public": "on",
            "documents-0-order": "1",
            "documents-0-file": SimpleUploadedFile("paper.pdf", data, "application/pdf"),
        }
    )
    return client.post(url, form)


def stored_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ACTIVE_KINDS)
def test_a_paper_with_active_content_is_refused_naming_it_and_nothing_is_stored(
    client, officer, settings, kind
):
    meeting = MeetingFactory()
    client.force_login(officer)

    response = upload_through_the_admin(client, meeting, make_active_pdf(kind))

    assert response.status_code == 200, f"The upload answered {response.status_code}"
    page = html.unescape(response.content.decode())
    assert f"The PDF contains {FOUND[kind]}. Papers are published exactly as they are" in page
    assert ADVICE in page
    assert not Document.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    ("address", "found", "shown"), UNSAFE_LINKS.values(), ids=UNSAFE_LINKS.keys()
)
def test_a_paper_linking_to_a_script_a_file_or_a_program_is_refused_naming_the_link(
    address, found, shown
):
    error = refusal(make_pdf_linking_to(address))

    assert error.code == "active_content"
    assert error.message.startswith(f"The PDF contains {found} (“{shown}”). ")


def test_a_link_given_as_a_hex_string_is_checked_as_the_text_it_spells():
    data = make_pdf_linking_to(b"javascript:app.alert(1)")

    assert b"/URI <6a617661736372697074" in data  # written as a hex string, not as text
    assert refusal(data).code == "active_content"


@pytest.mark.django_db
def test_an_unsafe_link_upload_through_the_admin_is_refused_and_nothing_is_stored(
    client, officer, settings
):
    meeting = MeetingFactory()
    client.force_login(officer)

    response = upload_through_the_admin(
        client, meeting, make_pdf_linking_to("\\\\server\\share\\payload.exe")
    )

    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert f"The PDF contains {FILE_LINK} (“\\\\server\\share\\payload.exe”)" in page
    assert not Document.objects.exists()
    assert stored_files(settings) == []


def test_every_kind_found_in_one_paper_is_named():
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_active_pdf("embedded-file"))))
    scripted = PdfReader(io.BytesIO(make_active_pdf("javascript-on-opening")))
    script = scripted.trailer["/Root"]["/OpenAction"]
    writer.root_object[NameObject("/OpenAction")] = script.clone(writer)
    buffer = io.BytesIO()
    writer.write(buffer)

    message = refusal(buffer.getvalue()).message

    assert message.startswith("The PDF contains JavaScript and an attached file. ")


@pytest.mark.django_db
def test_an_ordinary_paper_with_web_and_internal_links_and_bookmarks_is_accepted(
    client, officer, settings
):
    from pypdf import PdfReader

    meeting = MeetingFactory()
    client.force_login(officer)
    paper = make_linked_pdf("Ordinary paper")
    reader = PdfReader(io.BytesIO(paper))
    links = [annotation.get_object() for annotation in reader.pages[0]["/Annots"]]
    assert [link["/A"]["/URI"] for link in links if "/A" in link] == [
        WEB_LINK,
        "mailto:panel@example.org",
    ]
    assert [link["/Dest"][0] for link in links if "/Dest" in link] == [
        reader.pages[1].indirect_reference
    ]
    assert len(reader.outline) == 2

    response = upload_through_the_admin(client, meeting, paper)

    assert response.status_code == 302
    document = Document.objects.get()
    assert document.page_count == 2
    assert "Ordinary paper page 2" in document.text
    assert stored_files(settings) == [document.file.name]


@pytest.mark.parametrize("address", ORDINARY_LINKS)
def test_a_paper_with_a_web_mail_phone_or_relative_link_is_accepted(address):
    facts = upload(make_pdf_linking_to(address))

    assert facts.page_count == 2


# --- damaged structures: never a server error, never a way round the check ------------------


def with_chain(length, *, loop=False, script_at_end=True):
    """The ordinary paper with a web link whose action goes on through `length` more actions
    (/Next), the last a script; with `loop`, the last points back to the first instead."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_linked_pdf())))
    annotation = writer.pages[0]["/Annots"][0].get_object()
    first = annotation[NameObject("/A")] = writer._add_object(annotation["/A"])
    previous = first.get_object()
    for _ in range(length):
        action = DictionaryObject(
            {NameObject("/S"): NameObject("/URI"), NameObject("/URI"): TextStringObject(WEB_LINK)}
        )
        reference = writer._add_object(action)
        previous[NameObject("/Next")] = reference
        previous = action
    if script_at_end:
        previous[NameObject("/Next")] = DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("1")}
        )
    if loop:
        previous[NameObject("/Next")] = first
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_a_script_at_the_end_of_a_long_chain_of_actions_is_found():
    error = refusal(with_chain(2_000))

    assert error.message.startswith("The PDF contains JavaScript. ")


def test_a_loop_of_actions_holding_a_script_is_refused():
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    writer = PdfWriter(
        clone_from=PdfReader(io.BytesIO(make_active_pdf("javascript-in-a-bookmark")))
    )
    outline = writer.root_object["/Outlines"]
    second = outline["/First"]["/Next"]
    # The second bookmark's next is the first, whose next is the second: a loop.
    second[NameObject("/Next")] = outline.raw_get("/First")
    script = writer._add_object(second["/A"])
    second[NameObject("/A")] = script
    script.get_object()[NameObject("/Next")] = script
    buffer = io.BytesIO()
    writer.write(buffer)

    assert refusal(buffer.getvalue()).message.startswith("The PDF contains JavaScript. ")


def test_a_loop_of_harmless_actions_is_accepted():
    facts = upload(with_chain(3, loop=True, script_at_end=False))

    assert facts.page_count == 2


def test_a_form_whose_field_lists_itself_among_its_kids_is_checked_without_looping():
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, NameObject

    writer = PdfWriter(
        clone_from=PdfReader(io.BytesIO(make_active_pdf("javascript-on-field-keystroke")))
    )
    field = writer.root_object["/AcroForm"]["/Fields"][0].get_object()
    field[NameObject("/Kids")] = ArrayObject([field.indirect_reference])
    buffer = io.BytesIO()
    writer.write(buffer)

    assert refusal(buffer.getvalue()).message.startswith("The PDF contains JavaScript. ")


def test_actions_pointing_at_missing_objects_are_read_as_nothing():
    """A reference to an object the file does not hold is null to every reader: nothing runs."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import IndirectObject, NameObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_linked_pdf())))
    missing = IndirectObject(9_999, 0, writer)
    writer.root_object[NameObject("/OpenAction")] = missing
    writer.pages[0]["/Annots"][0].get_object()[NameObject("/A")] = missing
    buffer = io.BytesIO()
    writer.write(buffer)
    assert b"9999 0 R" in buffer.getvalue()

    assert upload(buffer.getvalue()).page_count == 2


def test_a_link_whose_address_is_not_text_is_treated_as_active():
    """Readers differ on what such a link opens, so it is not let in."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, NameObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_linked_pdf())))
    action = writer.pages[0]["/Annots"][0].get_object()["/A"]
    action[NameObject("/URI")] = ArrayObject([NameObject("/javascript")])
    buffer = io.BytesIO()
    writer.write(buffer)

    error = refusal(buffer.getvalue())

    assert error.code == "active_content"
    assert error.message.startswith(f"The PDF contains {PROGRAM_LINK}. ")


def test_a_script_in_the_catalog_read_in_place_of_a_false_one_is_found():
    """When the trailer names a dictionary that is not a catalog, pypdf (and some readers) look
    for the real one: a script there is found too."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DictionaryObject, NameObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_active_pdf("javascript-on-opening"))))
    false_root = writer._add_object(
        DictionaryObject({NameObject("/Pages"): writer.root_object.raw_get("/Pages")})
    )
    buffer = io.BytesIO()
    writer.write(buffer)
    true_root = f"/Root {writer.root_object.indirect_reference.idnum} 0 R".encode()
    # The trailer follows the cross-reference table, so no offset moves.
    data = buffer.getvalue().replace(true_root, f"/Root {false_root.idnum} 0 R".encode())
    named_root = PdfReader(io.BytesIO(data)).trailer["/Root"]
    assert set(named_root) == {"/Pages"}

    assert refusal(data).message.startswith("The PDF contains JavaScript. ")
