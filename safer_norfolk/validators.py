"""Validators shared by forms, serializers and imports."""

import hashlib
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_text_list

from safer_norfolk import pdf_accessibility, pdf_text
from safer_norfolk.pdf_safety import Active, active_content, shown_address

PDF_SIGNATURE = b"%PDF-"
# Text kept per document for search; reports beyond this are still published whole.
MAX_EXTRACTED_TEXT = 200_000
# Text read page by page for a paper's web page: a paper longer than this (some 300 pages of
# dense text) shows its first pages there and the rest only in the PDF.
MAX_PAGE_TEXT = 1_000_000


def part_of_address(value):
    """A number that is part of its page's address (outcome 1a, measure 3) cannot hold "/"."""
    if "/" in value or "?" in value or "#" in value:
        raise ValidationError(
            "This number is part of the page's address, so it cannot contain “/”, “?” or “#”.",
            code="not_in_address",
        )


@dataclass(frozen=True)
class PdfFacts:
    page_count: int
    size_bytes: int
    text: str
    sha256: str
    # Each page's headings and paragraphs (safer_norfolk.pdf_text), as Document.pages keeps them.
    pages: list = field(default_factory=list)
    # What decides whether the paper is accessible (safer_norfolk.pdf_accessibility).
    has_text_layer: bool | None = None
    is_tagged: bool | None = None
    has_title: bool | None = None
    has_language: bool | None = None

    @property
    def accessibility(self):
        return {
            "has_text_layer": self.has_text_layer,
            "is_tagged": self.is_tagged,
            "has_title": self.has_title,
            "has_language": self.has_language,
        }

    @property
    def accessibility_problems(self):
        return pdf_accessibility.problems(**self.accessibility)


def inspect_pdf(uploaded):
    """Check that an upload is a readable, unencrypted PDF within the size limit, holding no
    active content (`safer_norfolk.pdf_safety`), and return its page count, size, text (for
    search, and page by page as headings and paragraphs) and accessibility facts. Raises
    ValidationError with a message for the form; an inaccessible paper is no error."""
    from pypdf import PdfReader  # imported here: only uploads need it

    limit = settings.DOCUMENT_MAX_UPLOAD_BYTES
    size = uploaded.size
    if size == 0:
        raise ValidationError("The file is empty.", code="empty")
    if size > limit:
        raise ValidationError(
            f"The file is {filesizeformat(size)}; documents may be at most {filesizeformat(limit)}.",
            code="too_large",
        )
    uploaded.seek(0)
    head = uploaded.read(1024)
    uploaded.seek(0)
    if PDF_SIGNATURE not in head:
        raise ValidationError(
            "The file is not a PDF (its content does not start as a PDF does). Save it as PDF and upload it again.",
            code="not_pdf",
        )
    # pypdf reports recoverable damage through logging; keep it out of the server log noise.
    pypdf_logger = logging.getLogger("pypdf")
    level = pypdf_logger.level
    pypdf_logger.setLevel(logging.ERROR)
    try:
        reader = PdfReader(uploaded, strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                "The PDF is password-protected or encrypted. Upload a copy without protection.",
                code="encrypted",
            )
        page_count = len(reader.pages)
        if page_count == 0:
            raise ValidationError("The PDF has no pages.", code="no_pages")
        # A paper is published as it is and merged into packs, so it must not be active.
        found = active_content(reader)
        if found:
            raise ValidationError(active_content_message(found), code="active_content")
        pages, chunks = pdf_text.read(reader, max_characters=MAX_PAGE_TEXT)
        accessibility = pdf_accessibility.facts(reader, pages)
    except ValidationError:
        raise
    except Exception as error:  # pypdf raises many kinds of error on damaged files
        raise ValidationError(
            "The PDF could not be read; it may be damaged. Save it again as PDF and upload the new copy.",
            code="unreadable",
        ) from error
    finally:
        pypdf_logger.setLevel(level)
        uploaded.seek(0)
    text = "\n".join(chunks)[:MAX_EXTRACTED_TEXT].replace("\x00", "")
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return PdfFacts(
        page_count=page_count,
        size_bytes=size,
        text=text,
        sha256=digest.hexdigest(),
        pages=pages,
        **accessibility,
    )


def active_content_message(found):
    """What the officer is told about the active content found in a PDF, and what to do."""
    parts = [
        f"{kind.value} (“{shown_address(found[kind])}”)" if found[kind] else kind.value
        for kind in Active
        if kind in found
    ]
    return (
        f"The PDF contains {get_text_list(parts, 'and')}. Papers are published exactly as "
        "they are uploaded, so a PDF holding scripts, attached files, forms that run programs "
        "or links to files and programs cannot be accepted. Save it again with “Print to PDF” "
        "or “Save as PDF”, which leaves these out, and upload the new copy."
    )


EARLIEST_YEAR, LATEST_YEAR = 1900, 2200


def plausible_date(value):
    """A date, or a date and time, that a meeting, deadline or reporting period could fall
    on. Year 1 or 9999 is a slip of the keyboard or a probe; it would be published as typed,
    and date arithmetic on it (a deadline a week later, a time zone) overflows."""
    if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(
            f"Enter a date between 1 January {EARLIEST_YEAR} and 31 December {LATEST_YEAR}.",
            code="implausible_date",
        )
