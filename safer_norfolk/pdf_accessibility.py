"""What an uploaded paper's PDF says about its accessibility, and what to do about each gap.

Four facts are read from the file (PDF/UA and WCAG's PDF techniques ask for each):

- a text layer: some page has text a screen reader can read, rather than a scanned image;
- tags: the catalogue's `/MarkInfo` says the content is marked and it has a `/StructTreeRoot`
  (headings, lists and tables a screen reader can move through);
- a title: `/Title` in the document information or `dc:title` in the XMP metadata;
- a language: `/Lang` in the catalogue, so the text is read in the right voice.

A fact that is False is a problem (`problems`); None means it was never read (a paper stored
before the check, whose file could not be read again) and is no problem anyone is told of.
"""

import logging

logger = logging.getLogger(__name__)

NO_TEXT_LAYER = "no_text_layer"
UNTAGGED = "untagged"
NO_TITLE = "no_title"
NO_LANGUAGE = "no_language"

# Each problem: what is wrong with the paper ("It …"), then what the officer can do about it.
ADVICE = {
    NO_TEXT_LAYER: (
        "has no text layer (it looks scanned), so a screen reader cannot read it and its web "
        "page cannot show its text",
        "export it from the original document rather than scanning it, or ask its author "
        "for an accessible version",
    ),
    UNTAGGED: (
        "is not tagged, so a screen reader cannot find its headings, lists and tables",
        "in Word, save it as PDF with “Document structure tags for accessibility” ticked "
        "(File › Save As › PDF › Options)",
    ),
    NO_TITLE: (
        "has no title",
        "set one in the document's properties (in Word, File › Info › Title) before saving "
        "it as PDF",
    ),
    NO_LANGUAGE: (
        "does not say what language it is in, so a screen reader may read it in the wrong voice",
        "set the language in the document's properties (in Word, Review › Language › Set "
        "Proofing Language) before saving it as PDF",
    ),
}

# Each problem in a few words, for lists.
LABELS = {
    NO_TEXT_LAYER: "no text layer (scanned)",
    UNTAGGED: "not tagged",
    NO_TITLE: "no title",
    NO_LANGUAGE: "no language",
}


def problems(*, has_text_layer, is_tagged, has_title, has_language):
    """The problems the facts show, in ADVICE's order; a fact that is None is none."""
    facts = {
        NO_TEXT_LAYER: has_text_layer,
        UNTAGGED: is_tagged,
        NO_TITLE: has_title,
        NO_LANGUAGE: has_language,
    }
    return [problem for problem, fact in facts.items() if fact is False]


def is_tagged(reader):
    root = reader.trailer["/Root"]
    mark_info = root.get("/MarkInfo")
    marked = mark_info.get_object().get("/Marked") if mark_info is not None else None
    # pypdf's BooleanObject is truthy whatever its value.
    return getattr(marked, "value", marked) is True and "/StructTreeRoot" in root


def has_title(reader):
    information = reader.metadata or {}
    if str(information.get("/Title") or "").strip():
        return True
    try:
        xmp = reader.xmp_metadata
        titles = xmp.dc_title if xmp is not None else None
    except Exception:  # XMP is XML inside the PDF: damaged XMP is no title
        logger.info("Unreadable XMP metadata", exc_info=True)
        return False
    return any(str(title).strip() for title in (titles or {}).values())


def has_language(reader):
    language = reader.trailer["/Root"].get("/Lang")
    return bool(str(language.get_object() if language is not None else "").strip())


def facts(reader, pages):
    """{has_text_layer, is_tagged, has_title, has_language} of a pypdf reader, whose pages'
    blocks (`safer_norfolk.pdf_text`) have been read. A fact the file is too malformed to
    give is None: the check never stands in the way of an upload."""
    found = {"has_text_layer": any(page for page in pages)}
    for name, check in (
        ("is_tagged", is_tagged),
        ("has_title", has_title),
        ("has_language", has_language),
    ):
        try:
            found[name] = check(reader)
        except Exception:  # pypdf raises many kinds of error on malformed dictionaries
            logger.info("Could not tell whether a paper %s", name.replace("_", " "), exc_info=True)
            found[name] = None
    return found


def officer_warning(title, found):
    """What the officer who uploaded the paper `title` is told of the problems `found`: each
    problem and what to do about it. The paper is saved all the same."""
    sentences = [f"It {ADVICE[problem][0]}: {ADVICE[problem][1]}." for problem in found]
    return (
        f"“{title}” was saved, but it may not be accessible, so its meeting's page will tell "
        f"readers to ask for another format. {' '.join(sentences)} Then upload the new copy "
        "in its place."
    )
