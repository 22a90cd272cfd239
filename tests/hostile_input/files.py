"""Hostile files, and reading PDFs back: what the upload, import and PDF suites share."""

import functools
import io
import subprocess
import unicodedata
import zipfile

from tests.pdfs import make_pdf


def squeezed(text):
    """Text without whitespace, control or format characters (XML cannot carry control
    characters; PDF text extraction breaks lines anywhere and marks right-to-left runs)."""
    return "".join(
        character
        for character in text
        if not character.isspace() and unicodedata.category(character) not in ("Cc", "Cf")
    )


PDF_ACTIONS = {
    "/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/Rendition", "/RichMediaExecute",
    "/GoToR", "/GoToE",
}  # fmt: skip


# Entries that carry script, attached files or a program of their own.
PDF_ACTIVE_ENTRIES = {"/JS", "/JavaScript", "/AA", "/EmbeddedFiles", "/EF", "/XFA"}


def pdf_scripts_and_links(data):
    """(scripts, URIs): every JavaScript or other active action, attached file or XFA form
    anywhere in the PDF's object graph, and every URI a link opens."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    reader = PdfReader(io.BytesIO(data))
    scripts, uris, seen, stack = [], [], set(), [reader.trailer]
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            if (
                obj.get("/S") in PDF_ACTIONS
                or PDF_ACTIVE_ENTRIES.intersection(obj)
                or obj.get("/Subtype") == "/FileAttachment"
            ):
                scripts.append({key: str(value)[:80] for key, value in obj.items()})
            if "/URI" in obj:
                uris.append(str(obj["/URI"]))
            stack.extend(obj.values())
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return scripts, uris


def pdf_text(data):
    """The text of a PDF, read by poppler's pdftotext (installed with pdftoppm, which the suite
    needs anyway): pypdf 7.1 cannot decode WeasyPrint's embedded-CMap fonts, so it reads every
    character outside ASCII as garbage."""
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    )
    return squeezed(unicodedata.normalize("NFC", result.stdout.decode()))


@functools.cache
def paper(pages=1):
    """A genuine PDF, rendered once per page count: rendering is the slow part of these tests."""
    return make_pdf("Community safety report", pages=pages)


def word_document():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>Committee report</w:document>")
    return buffer.getvalue()
