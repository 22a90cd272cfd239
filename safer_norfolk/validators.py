"""Validators shared by forms, serializers and imports."""

import hashlib
import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

PDF_SIGNATURE = b"%PDF-"
# Text kept per document for search; reports beyond this are still published whole.
MAX_EXTRACTED_TEXT = 200_000
# PDF actions that run code, start programs, send data away or play embedded media. A paper
# holding one is refused: it is published as it is, and merged into agenda packs.
ACTIVE_ACTIONS = {
    "/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/Rendition", "/RichMediaExecute",
}  # fmt: skip
UNSAFE_LINK_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")


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


def inspect_pdf(uploaded):
    """Check that an upload is a readable, unencrypted PDF within the size limit and return
    its page count, size and text. Raises ValidationError with a message for the form."""
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
        if has_active_content(reader):
            raise ValidationError(
                "The PDF contains scripts or actions that run programs or open unsafe links "
                "(JavaScript, launch actions, javascript: links). Save it again with “Print to "
                "PDF” or “Save as PDF” and upload the new copy.",
                code="active_content",
            )
        chunks, length = [], 0
        for page in reader.pages:
            if length >= MAX_EXTRACTED_TEXT:
                break
            chunk = page.extract_text() or ""
            chunks.append(chunk)
            length += len(chunk)
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
    return PdfFacts(page_count=page_count, size_bytes=size, text=text, sha256=digest.hexdigest())


def _resolved(value):
    return value.get_object() if value is not None else None


def has_active_content(reader):
    """Whether the PDF would run script or start anything when opened or clicked: document,
    page and form-field actions, named scripts and links."""
    root = _resolved(reader.trailer["/Root"])
    names = _resolved(root.get("/Names"))
    if names is not None and "/JavaScript" in names:
        return True
    actions = [root.get("/OpenAction")]
    triggers = [root.get("/AA")]
    form = _resolved(root.get("/AcroForm"))
    fields = list(_resolved(form.get("/Fields")) or []) if form is not None else []
    seen = set()
    while fields:
        field = _resolved(fields.pop())
        if id(field) in seen:  # a damaged form may list a field among its own kids
            continue
        seen.add(id(field))
        actions.append(field.get("/A"))
        triggers.append(field.get("/AA"))
        fields += list(_resolved(field.get("/Kids")) or [])
    for page in reader.pages:
        triggers.append(page.get("/AA"))
        for annotation in _resolved(page.get("/Annots")) or []:
            annotation = _resolved(annotation)
            actions.append(annotation.get("/A"))
            triggers.append(annotation.get("/AA"))
    for trigger in map(_resolved, triggers):
        if hasattr(trigger, "values"):  # an additional-actions dictionary: event -> action
            actions += list(trigger.values())
    return any(_is_active(action) for action in actions)


def _is_active(action, depth=0):
    """Whether an action (with any it chains through /Next) runs script, starts a program,
    sends data away or opens a script or local-file link."""
    from pypdf.generic import ArrayObject, DictionaryObject

    if action is None:
        return False
    if depth > 20:
        return True  # no paper chains actions this deep
    action = _resolved(action)
    if not isinstance(action, DictionaryObject):
        return False  # e.g. an /OpenAction that is a destination: [page /Fit]
    if action.get("/S") in ACTIVE_ACTIONS or "/JS" in action:
        return True
    if action.get("/S") == "/URI":
        address = re.sub(r"[\t\n\r]", "", str(action.get("/URI", ""))).strip().lower()
        if address.startswith(UNSAFE_LINK_SCHEMES):
            return True
    following = _resolved(action.get("/Next"))
    chained = following if isinstance(following, ArrayObject) else [following]
    return any(_is_active(item, depth + 1) for item in chained)


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
