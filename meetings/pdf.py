"""Meeting documents as PDF: the agenda front sheet, the agenda pack, the minutes and the
open action log (DESIGN §8). Each exporter is fed by `meetings.queries`.

The pack is the front sheet, then each item's papers in order: uploaded PDFs merged as they
are (pypdf), the minutes of the meeting the "minutes" item names (or a page saying they are
not held) and, for the "action review" item, the action log as it stood when the meeting
began (generated). Every page carries its pack page number, and the front sheet's "(Page N)"
is where that item's papers start, however long the front sheet itself turns out to be; the
pack's bookmarks lead to those pages, or, for an item without papers, to its row of the front
sheet. The built pack stores each item's first page (AgendaPack.item_pages), which the
meeting page quotes while the pack is current.
"""

import hashlib
import io
import json
import logging
from dataclasses import dataclass, field

from meetings import queries
from meetings.models import AgendaItem, Document, Meeting
from safer_norfolk import formats
from safer_norfolk.pdf import StampFont, page_count, render_html, render_pdf
from safer_norfolk.pdf_safety import without_active_content
from safer_norfolk.text import paragraphs, render_markdown

logger = logging.getLogger(__name__)

# Bump when the layout or what papers keep changes, so every cached pack is rebuilt.
PACK_LAYOUT_VERSION = "12"
DRAFT_BANNER = "Draft — subject to confirmation at the next meeting"
RESTRICTED_BANNER = "RESTRICTED: includes exempt and unpublished papers, not for publication"
RESTRICTED_BANNER_ASCII = RESTRICTED_BANNER  # written as a stamp (StampFont): plain ASCII
MAX_FRONT_SHEET_PASSES = 6


def slug_for(meeting):
    return f"{meeting.committee.slug}-{meeting.local_date.isoformat()}"


# --- the parts ------------------------------------------------------------------------------


def layout_key(items):
    """A digest of what a pack's page numbers are counted from: the agenda items in order and,
    for each, its papers with their versions and lengths. The meeting page has these already
    read, so it can tell whether a built pack's numbers are still its own without reading or
    hashing anything else. (A generated part that grows, such as minutes corrected after the
    pack was built, shifts numbers only until the pack is next made.)"""
    layout = [
        [item.pk, [[paper.pk, paper.version, paper.page_count] for paper in item.papers]]
        for item in items
    ]
    return hashlib.sha256(json.dumps(layout).encode()).hexdigest()


def front_sheet_html(meeting, items, *, numbering="pack", restricted=False):
    return render_html(
        "meetings/pdf/front_sheet.html",
        {
            "title": f"Agenda: {meeting.committee.name}, {meeting.day_label}",
            "meeting": meeting,
            "members": queries.members_with_substitutes(meeting.committee, on=meeting.local_date),
            "items": items,
            "numbering": numbering,
            "banner": RESTRICTED_BANNER if restricted else "",
        },
    )


def minutes_page(meeting):
    """The published minutes of `meeting` with each minute's paragraphs numbered."""
    page = queries.meeting_page_for(meeting)
    for minute in page.minutes:
        minute.paragraphs = [
            (f"{minute.number}.{position}", render_markdown(text))
            for position, text in enumerate(paragraphs(minute.body), 1)
        ]
    for question in page.questions:
        question.response_html = render_markdown(question.response)
    return page


def minutes_html(meeting, *, numbering="document"):
    page = minutes_page(meeting)
    return render_html(
        "meetings/pdf/minutes.html",
        {
            "title": f"Minutes: {meeting.committee.name}, {meeting.day_label}",
            "meeting": page.meeting,
            "page": page,
            "numbering": numbering,
            "banner": DRAFT_BANNER
            if page.meeting.minutes_status != Meeting.MinutesStatus.CONFIRMED
            else "",
        },
    )


def action_log_html(meeting, *, numbering="pack"):
    return render_html(
        "meetings/pdf/action_log.html",
        {
            "title": f"Open action points: {meeting.committee.name}",
            "committee": meeting.committee,
            "meeting": meeting,
            "action_points": queries.open_action_points_before(meeting),
            "numbering": numbering,
        },
    )


def since_html(meeting, *, numbering="pack"):
    """What changed since the last meeting, up to the day before `meeting`: what is dated on
    its day or later (a point closed at the meeting itself) is not yet known to its pack."""
    since = queries.since_last_meeting(meeting.committee, before=meeting)
    day = meeting.local_date
    since.closed = [point for point in since.closed if point.closed_on < day]
    since.answered = [question for question in since.answered if question.responded_on < day]
    return render_html(
        "meetings/pdf/since.html",
        {
            "title": f"Since the last meeting: {meeting.committee.name}",
            "meeting": meeting,
            "since": since,
            "numbering": numbering,
        },
    )


def minutes_not_held_html(meeting, named, *, numbering="none"):
    """A page in place of minutes that are not held: those of `named`, or (None) those of a
    meeting before the committee's first one here."""
    return render_html(
        "meetings/pdf/minutes_not_held.html",
        {
            "title": "Minutes not held",
            "meeting": meeting,
            "named": named,
            "numbering": numbering,
        },
    )


# --- single documents ---------------------------------------------------------------------


def render_minutes(meeting):
    """(filename, bytes): the minutes on their own, "Page N of M" on every page."""
    return f"minutes-{slug_for(meeting)}.pdf", render_pdf(minutes_html(meeting))


def report_html(page, *, numbering="document"):
    """A committee report (queries.report_page) in the council template's layout: the
    title block, then each section; its headings are the PDF's bookmarks."""
    return render_html(
        "meetings/pdf/report.html",
        {
            "title": page.report.title,
            "report": page.report,
            "meeting": page.meeting,
            "page": page,
            "numbering": numbering,
            "banner": "Preview — not published" if page.preview else "",
        },
    )


def render_report(page):
    """(filename, bytes) of a report's tagged PDF."""
    return f"report-{page.report.pk}-{slug_for(page.meeting)}.pdf", render_pdf(report_html(page))


# --- the pack -----------------------------------------------------------------------------


@dataclass
class PackPart:
    """One run of pages in the pack: an uploaded paper or a generated document."""

    title: str
    item: AgendaItem
    html: str = ""  # generated parts
    document: Document | None = None  # uploaded parts
    fingerprint: str = ""
    data: bytes = b""
    pages: int = 0


@dataclass
class PackPlan:
    meeting: Meeting
    items: list
    parts: list = field(default_factory=list)
    restricted: bool = False

    def content_hash(self):
        """A hash of everything the pack shows: rebuilt only when one of these changes."""
        digest = hashlib.sha256()
        digest.update(f"layout {PACK_LAYOUT_VERSION} restricted {self.restricted}\n".encode())
        digest.update(
            front_sheet_html(self.meeting, self.items, restricted=self.restricted).encode()
        )
        for part in self.parts:
            digest.update(f"\n--part {part.item.pk} {part.title}\n".encode())
            digest.update(part.fingerprint.encode() if part.document else part.html.encode())
        return digest.hexdigest()


def plan_pack(meeting, *, restricted=False):
    """What the pack will hold, without rendering anything (cheap: used for the cache key).

    The "minutes" item brings the minutes of the meeting it names (`queries.minutes_meeting_for`),
    or a page saying they are not held here: never another meeting's. Minutes uploaded as a
    paper of kind "minutes" on that item are the ones the officer chose to circulate (a
    signed copy, or minutes kept outside this site), so they take the generated minutes'
    place rather than appearing twice."""
    meeting = queries.pack_meeting(meeting.pk)
    items = queries.agenda_with_papers(meeting, restricted=restricted)
    plan = PackPlan(meeting=meeting, items=items, restricted=restricted)
    for item in items:
        uploaded_minutes = any(paper.kind == Document.Kind.MINUTES for paper in item.papers)
        if item.kind == AgendaItem.Kind.MINUTES and not uploaded_minutes:
            plan.parts.append(_minutes_part(meeting, item, restricted=restricted))
        elif item.kind == AgendaItem.Kind.ACTION_REVIEW:
            plan.parts.append(
                PackPart(
                    title="Open action points",
                    item=item,
                    html=action_log_html(meeting, numbering="none"),
                )
            )
            plan.parts.append(
                PackPart(
                    title="Since the last meeting",
                    item=item,
                    html=since_html(meeting, numbering="none"),
                )
            )
        for report in item.report_list:
            plan.parts.append(
                PackPart(
                    title=report.title,
                    item=item,
                    html=report_html(queries.page_of_report(report, links=False), numbering="none"),
                )
            )
        for document in item.papers:
            plan.parts.append(
                PackPart(
                    title=document.title,
                    item=item,
                    document=document,
                    fingerprint=f"{document.pk}:{document.file.name}:{document.size_bytes}:{document.sha256}",
                )
            )
    return plan


def _minutes_part(meeting, item, *, restricted):
    named = queries.minutes_meeting_for(meeting, restricted=restricted)
    if named is not None and named.minutes_are_public:
        return PackPart(
            title=f"Minutes of the meeting on {formats.date(named.local_date, 'j F Y')}",
            item=item,
            html=minutes_html(named, numbering="none"),
        )
    return PackPart(
        title=(
            f"Minutes of the meeting on {formats.date(named.local_date, 'j F Y')}: not held here"
            if named is not None
            else "Minutes of the previous meeting: not held here"
        ),
        item=item,
        html=minutes_not_held_html(meeting, named),
    )


def _read_upload(document):
    """An uploaded paper's bytes, checked again: a file that became unreadable is replaced by a
    page saying so, so it can never break a pack, and one holding scripts, attachments or unsafe
    links (uploaded before such papers were refused) goes in without them."""
    from pypdf import PdfReader

    try:
        with document.file.open("rb") as handle:
            data = handle.read()
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted or len(reader.pages) == 0:
            raise ValueError("encrypted or empty")
        return without_active_content(data)
    except Exception:  # any damage at all: the pack goes on without it
        logger.exception("Paper %s could not be included in a pack", document.pk)
        return render_pdf(
            render_html("pdf/unavailable.html", {"title": document.title, "numbering": "none"})
        )


@dataclass
class BuiltPack:
    data: bytes
    front_sheet: bytes
    page_count: int
    item_pages: dict  # agenda item pk -> first pack page of its papers
    front_sheet_pages: int


def build_pack(plan):
    """Render and assemble the pack described by `plan`."""
    from pypdf import PdfReader, PdfWriter

    for part in plan.parts:
        part.data = _read_upload(part.document) if part.document else render_pdf(part.html)
        part.pages = page_count(part.data)

    # The front sheet's page references depend on its own length: render, count, repeat
    # until the count stands still.
    front_pages, front = 1, b""
    for _ in range(MAX_FRONT_SHEET_PASSES):
        item_pages, next_page = {}, front_pages + 1
        for part in plan.parts:
            item_pages.setdefault(part.item.pk, next_page)
            next_page += part.pages
        for item in plan.items:
            item.pack_page_number = item_pages.get(item.pk)
        front = render_pdf(front_sheet_html(plan.meeting, plan.items, restricted=plan.restricted))
        counted = page_count(front)
        if counted == front_pages:
            break
        front_pages = counted
    else:
        raise RuntimeError("The front sheet's length did not settle.")

    # Starting from the front sheet keeps its structure tree, language and tagging; merged
    # papers keep their own content as supplied.
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(front)))
    writer._root_object.pop(_name("/Outlines"), None)
    positions = []
    for part in plan.parts:
        positions.append(len(writer.pages))
        writer.append(PdfReader(io.BytesIO(part.data)), import_outline=False)

    _stamp_pages(writer, first=front_pages, restricted=plan.restricted)

    # An item with papers is marked where they start; one without, at its row of the front
    # sheet's agenda (WeasyPrint names each row's place in the front sheet).
    rows = _front_sheet_rows(front)
    item_marks = {}
    writer.add_outline_item(title="Agenda", page_number=0)
    for item in plan.items:
        title = f"{item.number}. {item.title}"
        if item.pk in item_pages:
            mark = writer.add_outline_item(title=title, page_number=item_pages[item.pk] - 1)
        elif item.pk in rows:
            page_index, fit = rows[item.pk]
            mark = writer.add_outline_item(title=title, page_number=page_index, fit=fit)
        else:
            mark = writer.add_outline_item(title=title, page_number=0)
        item_marks[item.pk] = mark
    for part, position in zip(plan.parts, positions, strict=True):
        writer.add_outline_item(
            title=part.title, page_number=position, parent=item_marks[part.item.pk]
        )
    writer.add_metadata(
        {"/Title": f"Agenda pack: {plan.meeting.committee.name}, {plan.meeting.day_label}"}
    )
    writer._root_object[_name("/Lang")] = _text("en-GB")
    writer.page_mode = "/UseOutlines"
    output = io.BytesIO()
    writer.write(output)
    return BuiltPack(
        data=output.getvalue(),
        front_sheet=front,
        page_count=len(writer.pages),
        item_pages=item_pages,
        front_sheet_pages=front_pages,
    )


def _front_sheet_rows(front):
    """Agenda item pk -> (page index, fit) of its row in the front sheet."""
    from pypdf import PdfReader
    from pypdf.generic import Fit

    reader = PdfReader(io.BytesIO(front))
    rows = {}
    for name, destination in reader.named_destinations.items():
        if not str(name).startswith("agenda-item-"):
            continue
        try:
            pk = int(str(name).removeprefix("agenda-item-"))
        except ValueError:
            continue
        top = destination.top
        rows[pk] = (
            reader.get_destination_page_number(destination),
            Fit.xyz(left=destination.left, top=None if top is None else float(top) + 12),
        )
    return rows


def _name(value):
    from pypdf.generic import NameObject

    return NameObject(value)


def _text(value):
    from pypdf.generic import TextStringObject

    return TextStringObject(value)


def _stamp_pages(writer, *, first, restricted):
    """Write "Page N" (and the restricted banner) on every merged page after the front sheet,
    drawn straight into each page's content: no re-rendering of the paper itself. The stamps
    are pagination artifacts, which screen readers pass over (the pack's bookmarks lead
    through it), set in an embedded font."""
    from pypdf import PageObject
    from pypdf.generic import ContentStream, DictionaryObject, NameObject

    font = StampFont(writer, "Page 0123456789" + (RESTRICTED_BANNER_ASCII if restricted else ""))
    resources = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/StampFont"): font.reference})}
    )
    size = 9
    banner_width = font.width(RESTRICTED_BANNER_ASCII, size)
    for number, page in enumerate(writer.pages[first:], start=first + 1):
        page.transfer_rotation_to_content()
        box = page.mediabox
        left, bottom, width, height = (
            float(box.left),
            float(box.bottom),
            float(box.width),
            float(box.height),
        )
        label = f"Page {number}"
        label_width = font.width(label, size)
        x = left + (width - label_width) / 2
        y = bottom + 22  # about 8 mm above the bottom edge
        operations = [
            "/Artifact <</Type /Pagination /Subtype /Footer>> BDC",
            f"q 1 1 1 rg {x - 3:.2f} {y - 3:.2f} {label_width + 6:.2f} {size + 5} re f",
            f"0 0 0 rg BT /StampFont {size} Tf {x:.2f} {y:.2f} Td {font.literal(label)} Tj ET Q",
            "EMC",
        ]
        if restricted:
            banner_x = left + (width - banner_width) / 2
            operations += [
                "/Artifact <</Type /Pagination /Subtype /Header>> BDC",
                f"q 0.83 0.21 0.11 rg BT /StampFont {size} Tf {banner_x:.2f} "
                f"{bottom + height - 20:.2f} Td {font.literal(RESTRICTED_BANNER_ASCII)} Tj ET Q",
                "EMC",
            ]
        stamp = PageObject.create_blank_page(width=width + left, height=height + bottom)
        stamp[NameObject("/Resources")] = resources
        content = ContentStream(None, None)
        content.set_data("\n".join(operations).encode("ascii"))
        stamp.replace_contents(content)
        page.merge_page(stamp)
