"""A pack never carries active content onward: papers stored before a kind of active content
was refused go into the pack without it, keeping their text, their web links and their links
to their own pages, and the pack keeps its own bookmarks and tagging."""

import io

import pytest
from django.core.files.base import ContentFile

from meetings import services
from meetings.models import AgendaPack, Document
from tests.factories import AgendaItemFactory, MeetingFactory
from tests.pdfs import (
    ACTIVE_KINDS,
    WEB_LINK,
    is_tagged_pdf_ua,
    make_active_pdf,
    make_linked_pdf,
    make_pdf_linking_to,
    outline_titles,
    pdf_pages_text,
)

pytestmark = pytest.mark.django_db

UNSAFE_ADDRESSES = [
    "javascript:app.alert(1)",
    " JavaScript:app.alert(1)",
    "java\x00script:app.alert(1)",
    b"java\tscript:app.alert(1)",
    "vbscript:MsgBox(1)",
    "data:text/html;base64,PHNjcmlwdD4=",
    "file:///C:/Windows/System32/calc.exe",
    "\\\\server\\share\\payload.exe",
    "//server/share/payload.exe",
]
ACTIVE_ACTIONS = {
    "/JavaScript", "/Launch", "/GoToR", "/GoToE", "/SubmitForm", "/ImportData", "/Rendition",
    "/RichMediaExecute",
}  # fmt: skip
ACTIVE_ENTRIES = {"/JS", "/JavaScript", "/AA", "/OpenAction", "/EmbeddedFiles", "/EF", "/XFA"}
# Every link the papers hold that a pack may keep.
ORDINARY_ADDRESSES = {WEB_LINK, "mailto:panel@example.org", "https://www.example.org/"}


def store_paper(item, data, title):
    """A paper stored as it is, as it would have been before the upload check refused it."""
    return Document.objects.create(
        meeting=item.meeting,
        agenda_item=item,
        title=title,
        file=ContentFile(data, name="paper.pdf"),
        page_count=2,
        size_bytes=len(data),
        is_public=True,
    )


def build(meeting):
    pack = services.request_pack(meeting=meeting)
    assert pack.status == AgendaPack.Status.READY, pack.error
    with pack.file.open("rb") as handle:
        return handle.read()


def active_content_in(data):
    """Everything active anywhere in the PDF's objects, and every link address, found by
    walking the whole object graph from the trailer."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    reader = PdfReader(io.BytesIO(data))
    found, addresses, seen, stack = [], [], set(), [reader.trailer]
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            if obj.get("/S") in ACTIVE_ACTIONS:
                found.append(f"a {obj['/S']} action")
            found += [f"a {key} entry" for key in ACTIVE_ENTRIES if key in obj]
            if obj.get("/Subtype") == "/FileAttachment" or obj.get("/Type") == "/EmbeddedFile":
                found.append("an attached file")
            if "/URI" in obj:
                address = obj["/URI"]
                addresses.append(
                    address.decode("latin-1") if isinstance(address, bytes) else address
                )
            stack.extend(obj.values())
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return found, addresses


def page_links(page):
    """(web addresses, pages linked to) of a page's links."""
    addresses, targets = [], []
    for annotation in page.get("/Annots", []):
        annotation = annotation.get_object()
        action = annotation.get("/A")
        if action is not None and action.get_object().get("/S") == "/URI":
            addresses.append(action.get_object()["/URI"])
        destination = annotation.get("/Dest")
        if destination is None and action is not None and action.get_object().get("/S") == "/GoTo":
            destination = action.get_object()["/D"]
        if destination is not None:
            targets.append(destination[0])
    return addresses, targets


def papers_meeting():
    meeting = MeetingFactory()
    item = AgendaItemFactory(meeting=meeting, number="5", title="Delivery Plan")
    papers = {
        f"Paper {kind}": make_active_pdf(kind, text=f"Paper {n}")
        for n, kind in enumerate(ACTIVE_KINDS)
    }
    first_link = len(ACTIVE_KINDS)
    for n, address in enumerate(UNSAFE_ADDRESSES, start=first_link):
        papers[f"Paper linking to address {n}"] = make_pdf_linking_to(address, text=f"Paper {n}")
    for title, data in papers.items():
        store_paper(item, data, title)
    return meeting, list(papers)


def test_a_pack_holds_none_of_its_papers_active_content():
    meeting, _ = papers_meeting()

    data = build(meeting)

    found, addresses = active_content_in(data)
    assert found == []
    unsafe = {address for address in addresses if address not in ORDINARY_ADDRESSES}
    assert unsafe == set()
    for marker in (b"app.alert", b"calc.exe", b"payload", b"MZ this would be", b"xfa.host"):
        assert marker not in data


def test_each_paper_keeps_its_text_its_web_link_and_its_link_to_its_own_page():
    from pypdf import PdfReader

    meeting, titles = papers_meeting()

    data = build(meeting)

    reader = PdfReader(io.BytesIO(data))
    texts = pdf_pages_text(data)
    for n, title in enumerate(titles):
        first = next(
            (index for index, text in enumerate(texts) if f"Paper {n} page 1" in text), None
        )
        assert first is not None, f"{title} lost its text"
        assert f"Paper {n} page 2" in texts[first + 1], f"{title} lost its second page"
        addresses, targets = page_links(reader.pages[first])
        assert WEB_LINK in addresses, f"{title} lost its web link"
        assert "mailto:panel@example.org" in addresses, f"{title} lost its mail link"
        assert targets == [reader.pages[first + 1].indirect_reference], (
            f"{title} lost its link to its second page"
        )


def test_the_pack_keeps_its_own_bookmarks_and_tagging():
    meeting, titles = papers_meeting()

    data = build(meeting)

    assert outline_titles(data) == ["Agenda", "5. Delivery Plan", titles]
    assert is_tagged_pdf_ua(data)[:3] == (True, True, "en-GB")


def test_an_ordinary_paper_goes_into_the_pack_as_it_is():
    meeting = MeetingFactory()
    item = AgendaItemFactory(meeting=meeting, number="5", title="Delivery Plan")
    store_paper(item, make_linked_pdf("Ordinary paper"), "Ordinary paper")

    data = build(meeting)

    texts = pdf_pages_text(data)
    assert "Ordinary paper page 1" in texts[1]
    assert "Ordinary paper page 2" in texts[2]
    found, addresses = active_content_in(data)
    assert found == []
    assert sorted(addresses) == sorted([WEB_LINK, "mailto:panel@example.org"])


def test_a_script_at_the_end_of_thousands_of_chained_actions_is_taken_out():
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    def action(kind, **entries):
        return DictionaryObject(
            {NameObject("/S"): NameObject(kind)}
            | {NameObject(f"/{key}"): TextStringObject(value) for key, value in entries.items()}
        )

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_linked_pdf("Chained paper"))))
    previous = writer.pages[0]["/Annots"][0].get_object()["/A"]
    for _ in range(3_000):
        following = writer._add_object(action("/URI", URI=WEB_LINK))
        previous[NameObject("/Next")] = following
        previous = following.get_object()
    previous[NameObject("/Next")] = action("/JavaScript", JS="app.alert('armed')")
    buffer = io.BytesIO()
    writer.write(buffer)
    meeting = MeetingFactory()
    item = AgendaItemFactory(meeting=meeting, number="5", title="Delivery Plan")
    store_paper(item, buffer.getvalue(), "Chained paper")
    store_paper(item, make_linked_pdf("Ordinary paper"), "Ordinary paper")

    data = build(meeting)

    found, addresses = active_content_in(data)
    assert found == []
    assert b"app.alert" not in data
    assert set(addresses) == {WEB_LINK, "mailto:panel@example.org"}
    texts = pdf_pages_text(data)
    assert ["Chained paper page 1" in text for text in texts[1:3]] == [True, False]
    assert "Ordinary paper page 2" in texts[-1]
