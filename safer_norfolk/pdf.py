"""The one place HTML becomes PDF, and the pypdf helpers that assemble packs.

`render_pdf` wraps WeasyPrint: tagged PDF/UA with a title and language, an outline from the
headings, the print stylesheet (A4, running header and footer, page numbers), a URL fetcher
that serves only the site's own static and media files, and a time limit. WeasyPrint is
imported inside the function: only PDF work pays for loading it.
"""

import functools
import hashlib
import io
import logging
import signal
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# Internal scheme for documents' own resources: nothing outside the site can be named.
SITE_URL = "https://site.invalid/"


class PdfError(RuntimeError):
    """A document could not be produced (too slow, or a broken part)."""


def site_file(url):
    """(bytes, mime type) of a site static or media file named by `url`; ValueError for
    anything else — no network, and no file:// outside those two places."""
    parts = urlsplit(url)
    if url.startswith(SITE_URL):
        path = "/" + unquote(url[len(SITE_URL) :].split("?")[0])
    elif parts.scheme in ("", "file"):
        path = unquote(parts.path)
    else:
        raise ValueError(
            f"Documents may only use the site's own files, not {parts.scheme}: addresses."
        )
    static_prefix = "/" + settings.STATIC_URL.lstrip("/")
    media_prefix = "/" + settings.MEDIA_URL.lstrip("/")
    if ".." in Path(path).parts:
        raise ValueError(f"No such file {path}.")
    if path.startswith(static_prefix):
        found = finders.find(path[len(static_prefix) :])
        if not found:
            raise ValueError(f"No static file {path}.")
        return Path(found).read_bytes(), _mime(found)
    if path.startswith(media_prefix):
        name = path[len(media_prefix) :]
        if not default_storage.exists(name):
            raise ValueError(f"No media file {path}.")
        with default_storage.open(name, "rb") as handle:
            return handle.read(), _mime(name)
    raise ValueError(f"Documents may only use the site's static and media files, not {path}.")


def _fetcher():
    """WeasyPrint's URL fetcher serving only `site_file`; data: URLs are inline and allowed."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SiteFileFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            body, mime_type = site_file(url)
            return URLFetcherResponse(url, body, {"Content-Type": mime_type})

    return SiteFileFetcher(allowed_protocols={"data", "https", "file"})


def _mime(name):
    return {
        ".css": "text/css",
        ".svg": "image/svg+xml",
        ".png": "image/png",
        ".jpg": "image/jpeg",
        ".jpeg": "image/jpeg",
        ".woff2": "font/woff2",
    }.get(Path(name).suffix.lower(), "application/octet-stream")


@contextmanager
def time_limit(seconds):
    """Stop a rendering that runs too long. Signals work only in the main thread (gunicorn's
    sync workers, the task worker, the tests); elsewhere the limit is not applied."""
    if seconds is None or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum, frame):
        raise PdfError(f"The document took longer than {seconds} seconds to produce.")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def render_html(template, context):
    return render_to_string(
        template, {"site_url": SITE_URL, "site_name": settings.SITE_NAME, **context}
    )


def render_pdf(html, *, timeout=None):
    """Tagged PDF/UA bytes for a complete HTML document (whose <title> and lang become the
    PDF's title and language, and whose headings become its outline)."""
    from weasyprint import HTML  # imported here: only PDF work pays for loading it

    timeout = settings.PDF_TIMEOUT_SECONDS if timeout is None else timeout
    with time_limit(timeout):
        document = HTML(string=html, base_url=SITE_URL, url_fetcher=_fetcher())
        return document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)


def page_count(data):
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


# --- text written onto pages ---------------------------------------------------------------

# Stamps are written in WinAnsiEncoding, which is ASCII for these characters.
PRINTABLE_ASCII = frozenset(chr(code) for code in range(32, 127))


class StampFont:
    """A TrueType font embedded in a PDF being assembled, cut down to the `characters` the
    stamps use (printable ASCII), for text written straight into pages' content: `reference`
    is its font dictionary, shared by every page; `width` and `literal` measure and encode
    text."""

    def __init__(self, writer, characters, path=None):
        from pypdf.generic import (
            ArrayObject,
            DecodedStreamObject,
            DictionaryObject,
            FloatObject,
            NameObject,
            NumberObject,
        )

        characters = "".join(sorted(set(characters)))
        if not set(characters) <= PRINTABLE_ASCII:
            raise ValueError(f"Stamps hold printable ASCII only, not {characters!r}.")
        program, metrics = _font_subset(path or settings.PDF_STAMP_FONT, characters)
        self.units, self.advances = metrics["units"], metrics["advances"]
        name = NameObject(f"/{metrics['tag']}+{metrics['name']}")

        def scaled(value):
            return NumberObject(round(value * 1000 / self.units))

        stream = DecodedStreamObject()
        stream.set_data(program)
        stream[NameObject("/Length1")] = NumberObject(len(program))
        stream = stream.flate_encode()
        descriptor = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/FontDescriptor"),
                NameObject("/FontName"): name,
                NameObject("/Flags"): NumberObject(32),  # nonsymbolic: Latin text
                NameObject("/FontBBox"): ArrayObject(scaled(v) for v in metrics["bbox"]),
                NameObject("/ItalicAngle"): FloatObject(metrics["italic_angle"]),
                NameObject("/Ascent"): scaled(metrics["ascent"]),
                NameObject("/Descent"): scaled(metrics["descent"]),
                NameObject("/CapHeight"): scaled(metrics["cap_height"]),
                NameObject("/StemV"): NumberObject(80),
                NameObject("/FontFile2"): writer._add_object(stream),
            }
        )
        first, last = ord(characters[0]), ord(characters[-1])
        font = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/TrueType"),
                NameObject("/BaseFont"): name,
                NameObject("/FirstChar"): NumberObject(first),
                NameObject("/LastChar"): NumberObject(last),
                NameObject("/Widths"): ArrayObject(
                    scaled(self.advances.get(chr(code), 0)) for code in range(first, last + 1)
                ),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
                NameObject("/FontDescriptor"): writer._add_object(descriptor),
                NameObject("/ToUnicode"): writer._add_object(_to_unicode(characters)),
            }
        )
        self.reference = writer._add_object(font)

    def width(self, text, size):
        """The width of `text` set in this font at `size` points."""
        return sum(self.advances.get(character, 0) for character in text) * size / self.units

    def literal(self, text):
        """`text` as a PDF string literal, with ( ) and \\ escaped: only characters the font
        was cut down to."""
        if any(character not in self.advances for character in text):
            raise ValueError(f"The stamp font was not made for {text!r}.")
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return f"({escaped})"


def _to_unicode(characters):
    """A ToUnicode CMap for one-byte codes that are their characters' own code points, so
    every reader maps the stamps' text to Unicode whatever it makes of the encoding."""
    from pypdf.generic import DecodedStreamObject

    pairs = "\n".join(f"<{ord(c):02X}> <{ord(c):04X}>" for c in characters)
    cmap = (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<00> <FF>\nendcodespacerange\n"
        f"{len(characters)} beginbfchar\n{pairs}\nendbfchar\n"
        "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    )
    stream = DecodedStreamObject()
    stream.set_data(cmap.encode("ascii"))
    return stream.flate_encode()


@functools.cache
def _font_subset(path, characters):
    """(TrueType bytes, metrics) of the font at `path` cut down to `characters`, once per
    process: fontTools (a WeasyPrint dependency) subsets it as WeasyPrint does its own."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(path)
    except OSError as error:
        raise PdfError(
            f"The font for page numbers (PDF_STAMP_FONT) cannot be read: {error}"
        ) from error
    options = subset.Options()
    options.layout_features = []  # no shaping: stamps are single-width Latin text
    options.hinting = False
    options.name_IDs = []
    options.drop_tables += ["FFTM"]  # FontForge's timestamps, which fontTools cannot subset
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    cmap = font.getBestCmap()
    head, hhea, os2 = font["head"], font["hhea"], font["OS/2"]
    metrics = {
        "name": "".join(ch for ch in Path(path).stem if ch.isalnum()) or "Stamp",
        # A subset's name starts with six capitals of its own (ISO 32000-1, 9.6.4).
        "tag": "".join(
            chr(65 + byte % 26) for byte in hashlib.sha256(characters.encode()).digest()[:6]
        ),
        "units": head.unitsPerEm,
        "advances": {
            character: font["hmtx"][cmap[ord(character)]][0]
            for character in characters
            if ord(character) in cmap
        },
        "bbox": (head.xMin, head.yMin, head.xMax, head.yMax),
        "italic_angle": float(font["post"].italicAngle),
        "ascent": hhea.ascent,
        "descent": hhea.descent,
        "cap_height": getattr(os2, "sCapHeight", hhea.ascent),
    }
    output = io.BytesIO()
    font.save(output)
    return output.getvalue(), metrics
