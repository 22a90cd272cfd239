"""The one place HTML becomes PDF, and the pypdf helpers that assemble packs.

`render_pdf` wraps WeasyPrint: tagged PDF/UA with a title and language, an outline from the
headings, the print stylesheet (A4, running header and footer, page numbers), a URL fetcher
that serves only the site's own static and media files, and a time limit. WeasyPrint is
imported inside the function: only PDF work pays for loading it.
"""

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
