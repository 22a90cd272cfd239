"""An uploaded paper's text, page by page, as headings and paragraphs, for its web page.

A PDF's text layer holds runs of text placed on the page, not a document's structure, so the
structure is guessed, as far as the text allows:

- a line set clearly larger than the paper's body text (the size most of its text is set in)
  is a heading, and so is a short numbered line ("1. Proposal", "4.2 Funding") that does not
  end as a sentence does; consecutive heading lines of one size are one heading;
- other lines run together into paragraphs (joined by a space, or by nothing after a line
  broken at a slash or hyphen, as addresses and compound words break); a paragraph ends
  where the gap to the next line is clearly more than a line's, where the type size
  changes, or where the next line starts with a bullet (or is level with one drawn apart
  from it) or a paragraph number ("1.1 The report…").

Each page is a list of blocks, `["heading", text]` or `["paragraph", text]` (plain JSON, as
`Document.pages` stores it). Bullets drawn apart from their lines are left out.
"""

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

HEADING = "heading"
PARAGRAPH = "paragraph"

# A line this much larger than the body text is a heading.
HEADING_SIZE_RATIO = 1.15
# A heading is a line of at most this many characters (a larger line beyond it is a pull quote
# or a cover page's blurb, read as a paragraph).
MAX_HEADING_CHARACTERS = 150
# A numbered line of at most this many words after its number may be a heading.
MAX_NUMBERED_HEADING_WORDS = 6
# A gap between two lines' baselines of more than this many times the type size starts a new
# paragraph (single or 1.15 line spacing is well within it).
PARAGRAPH_GAP_RATIO = 1.5

# A paragraph number or list label at the start of a line: "1.1", "2.", "(a)", "iv)", "B."
NUMBERED = re.compile(r"(?:\d{1,3}(?:\.\d{1,3})+\.?|\d{1,3}\.|[A-Za-z]\.|\(?[a-z0-9]{1,4}\))\s+\S")
NUMBERED_HEADING = re.compile(r"\d{1,3}(?:\.\d{1,3})*\.?\s+(?P<rest>\S.*)")
BULLETS = "•●▪◦‣∙·○■□➢✓–—-*"
BULLET_ONLY = re.compile(f"[{re.escape(BULLETS)}]+")
BULLET_START = re.compile(f"[{re.escape(BULLETS)}]\\s")
SENTENCE_END = re.compile(r"[.,;:]$")
BROKEN_AFTER = re.compile(r"\S[/-]$")


@dataclass
class Line:
    """One line of a page's text layer: its text, the largest type size on it (points, as
    printed) and the height of its baseline on the page (None when it cannot be placed)."""

    parts: list = field(default_factory=list)
    size: float = 0.0
    y: float | None = None

    @property
    def text(self):
        return clean("".join(self.parts))


def clean(text):
    """Text as shown on a web page: whitespace runs as one space, no control characters or
    unpaired surrogates (which neither JSON nor a page can carry)."""
    kept = "".join(
        character
        for character in text
        if character.isspace() or unicodedata.category(character) not in ("Cc", "Cs")
    )
    return " ".join(kept.split())


def _product(tm, cm):
    """The text matrix in page space: tm × cm (PDF matrices, row-vector convention)."""
    a, b, c, d, e, f = (float(value) for value in tm)
    A, B, C, D, E, F = (float(value) for value in cm)
    return (
        a * A + b * C,
        a * B + b * D,
        c * A + d * C,
        c * B + d * D,
        e * A + f * C + E,
        e * B + f * D + F,
    )


def page_lines(page):
    """(text, [Line]) of a pypdf page: the text pypdf extracts (what search keeps) and its
    lines with their type size and position."""
    lines, current = [], [Line()]

    def finish():
        lines.append(current[0])
        current[0] = Line()

    def visit(text, cm, tm, font, size):
        if not text:
            return
        try:
            matrix = _product(tm, cm)
            printed = abs(float(size)) * math.hypot(matrix[2], matrix[3])
            y = matrix[5]
        except (TypeError, ValueError, IndexError):
            printed, y = 0.0, None
        for index, piece in enumerate(text.split("\n")):
            if index:
                finish()
            line = current[0]
            line.parts.append(piece)
            if piece.strip():
                line.size = max(line.size, printed)
                if line.y is None:
                    line.y = y

    text = page.extract_text(visitor_text=visit) or ""
    finish()
    return text, [line for line in lines if line.text]


def body_size(pages_lines):
    """The type size most of the text is set in (to the nearest half point), or 0."""
    counts = Counter()
    for lines in pages_lines:
        for line in lines:
            if line.size:
                counts[round(line.size * 2) / 2] += len(line.text)
    return counts.most_common(1)[0][0] if counts else 0.0


def is_heading(line, body):
    text = line.text
    if len(text) > MAX_HEADING_CHARACTERS or not any(character.isalpha() for character in text):
        return False
    if body and line.size >= body * HEADING_SIZE_RATIO:
        return True
    numbered = NUMBERED_HEADING.fullmatch(text)
    return bool(
        numbered
        and len(numbered["rest"].split()) <= MAX_NUMBERED_HEADING_WORDS
        and numbered["rest"][0].isupper()
        and not SENTENCE_END.search(text)
        and (not body or not line.size or line.size >= body * 0.95)
    )


def _gap(above, below):
    """How far below `above` the line `below` sits, in points (None if either is unplaced)."""
    if above.y is None or below.y is None:
        return None
    return above.y - below.y


def _continues(above, below, size):
    """Whether `below` carries on the block `above` is part of: close beneath it, in the same
    type size."""
    gap = _gap(above, below)
    if gap is None or size <= 0:
        return False
    return 0 < gap <= PARAGRAPH_GAP_RATIO * size and abs(above.size - below.size) <= 0.1 * size


def _is_bullet(line):
    return bool(BULLET_ONLY.fullmatch(line.text.replace(" ", "")))


def page_blocks(lines, body):
    """The page's lines as blocks: [["heading", text] | ["paragraph", text]]."""
    # Bullets drawn apart from their lines (as WeasyPrint and others draw list markers) are
    # left out, but the lines level with them start list items.
    bullets = [line.y for line in lines if _is_bullet(line) and line.y is not None]
    blocks, previous = [], None  # previous: (kind, last Line of the block)
    for line in lines:
        text = line.text
        if _is_bullet(line):
            continue
        kind = HEADING if is_heading(line, body) else PARAGRAPH
        starts_item = line.y is not None and any(abs(line.y - y) <= 1 for y in bullets)
        joins = (
            previous is not None
            and previous[0] == kind
            and not starts_item
            and _continues(previous[1], line, max(line.size, previous[1].size))
            and not (kind == HEADING and NUMBERED_HEADING.fullmatch(text))
            and not (kind == PARAGRAPH and (NUMBERED.match(text) or BULLET_START.match(text)))
        )
        if joins:
            # A line broken after a slash or a hyphen ("https://", "community-") runs on
            # without a space; any other break was a space.
            space = "" if BROKEN_AFTER.search(blocks[-1][1]) else " "
            blocks[-1][1] = f"{blocks[-1][1]}{space}{text}"
        else:
            blocks.append([kind, text])
        previous = (kind, line)
    return blocks


def read(reader, *, max_characters):
    """(pages, texts) of a pypdf reader: each page's blocks and the text pypdf extracts from
    it, page by page until `max_characters` of text have been read (a longer paper's later
    pages are left out of both)."""
    texts, lines, length = [], [], 0
    for page in reader.pages:
        if length >= max_characters:
            break
        text, page_lines_read = page_lines(page)
        texts.append(text)
        lines.append(page_lines_read)
        length += len(text)
    body = body_size(lines)
    return [page_blocks(page, body) for page in lines], texts
