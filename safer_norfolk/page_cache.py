"""A cache of public pages that can never serve a page older than the content it shows,
the documents made from that content, and a limit on how many documents one visitor can have
made.

Every save, delete or link change of a model of the site's apps adds one to a counter kept in
the database (ContentGeneration), inside the transaction that makes the change; bulk writes
call `content_changed()` themselves (safer_norfolk.audit). A cached page is filed under the
counter's value when it was made. Each request reads the counter (one query) and looks only
for pages filed under the current value, so once a change commits, no earlier copy is ever
served again: publishing, unpublishing, correcting or deleting anything takes effect at once.

Only anonymous requests (no session cookie, no Authorization header) are cached, and only
complete 200 responses that set no cookie; pages older than PAGE_CACHE_SECONDS are dropped
too, since some pages depend on the clock (upcoming meetings, overdue actions). Each web
process keeps its own copies (the "pages" cache); they are disposable, and the counter is
shared through the database, so any number of processes stay consistent.

A copy is compressed once, when it is stored, and browsers that accept gzip (all of them) get
the compressed body; the uncompressed one stays for clients that do not.

Release. A copy is filed under a fingerprint of the code that made it as well (`release()`):
after a new release starts, with a cache every process shares (PAGE_CACHE_URL), no copy made
by the code it replaced is served, even while the content is unchanged. A fix to a page, or a
stylesheet renamed by its new hash, takes effect on the next request. Stored documents
(below) are filed under it too.

Host. A copy is filed under the scheme and host it was asked on as well as its path: pages
and API answers hold full addresses on that host (`url` fields, paging links, feeds).

Query parameters. A copy is filed under the path and the query parameters its page reads,
nothing else: `?x=<anything>` on a page that reads no `x` is the same page, served from the
same copy. Each page's parameters are declared once: settings.PAGE_CACHE_QUERY_PARAMETERS
lists them by URL name (a FilterSet's dotted path stands for all its filters), and a REST
framework view's come from the view itself (its filter set, ordering and paging, and
`format`); a page listed nowhere reads none and is filed under its path alone. Before an
anonymous request reaches its view, every other parameter is taken out of it (`request.GET`
and the query string alike, the ones kept in name order), so an unread parameter cannot
change the page either, even when a page writes its own address into its links, and the
copy served for `?b=2&a=1&x=3` is exactly the page made for `?a=1&b=2`. Signed-in officers'
requests are left as they came.

Documents. A file made from the content (a PDF of the minutes, a plan report or the public
agenda front sheet; the site's or a committee's calendar, an Atom feed, a committee's action
points CSV, a framework's figures CSV) is kept in the media storage with a RenderedDocument
row naming its content version, what it was made for and the headers it is sent with. The
version is the counter's value the request read, and the day (a plan report prints the date
and what is overdue; the site calendar's history starts on a day two years back). What it was
made for is the object, and for a file holding full addresses or read with parameters, the
scheme and host it was asked on and the parameters' values as the view reads them
(`file_key`). Any request, in any process, finds the file of the current version and is
served it; a version is never served once the counter has moved on, the day has ended or
another release has started. Storing a new version deletes, with their files, that
document's older versions and those an earlier release made, and any document made on an
earlier day (a few at a time), so files of documents nobody asks for again go too.

Render limit. An anonymous visitor whose request would make a document (none is stored for
the current version) may have RENDER_LIMIT made per RENDER_LIMIT_SECONDS from one address
(safer_norfolk.accounts.client_address); past that they are answered 429 with Retry-After
until the window ends. Copies and stored documents are served whatever the count, and
signed-in officers are never limited. The counts are kept in the "pages" cache of each
process, beside the copies.
"""

import hashlib
import logging
import mimetypes
import re
from functools import cache
from pathlib import Path, PurePosixPath
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.signals import setting_changed
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse, HttpResponseBase, QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import patch_vary_headers, set_response_etag
from django.utils.module_loading import import_string
from django.utils.text import compress_string

from safer_norfolk import limits

logger = logging.getLogger(__name__)

# Pages this short are sent as they are: compressing them saves next to nothing.
MIN_COMPRESS_BYTES = 200
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
PROJECT_APPS = ("safer_norfolk", "meetings", "delivery_plans", "outcomes")
CACHE_ALIAS = limits.CACHE_ALIAS
# Stored documents of older versions deleted each time a new one is stored: more than are
# stored, so they never pile up, yet few enough that no request waits long for the storage.
STALE_DOCUMENTS_PER_STORE = 20
# RenderedDocument.object_key's length.
KEY_LENGTH = 255
FILENAME = re.compile(r'filename="([^"]*)"')


def current_generation():
    """The counter's value now (one query). Every cache hit asks this, so the statement is
    written once here rather than built by the ORM on each request."""
    from safer_norfolk.models import ContentGeneration

    table = connection.ops.quote_name(ContentGeneration._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number FROM {table} WHERE id = 1")  # noqa: S608 -- a model's table name
        row = cursor.fetchone()
    return 0 if row is None else row[0]


def content_changed(**_signal_arguments):
    """Add one to the counter, in the caller's transaction."""
    from safer_norfolk.models import ContentGeneration

    updated = ContentGeneration.objects.filter(pk=1).update(
        number=F("number") + 1, changed_at=timezone.now()
    )
    if not updated:
        ContentGeneration.objects.get_or_create(pk=1, defaults={"number": 1})


def watched_models():
    """Every model of the site's apps whose rows can appear on a public page: all of them,
    but for the counter itself, the stored documents made from the content (storing one
    changes nothing a page shows) and the audit history's own tables."""
    from safer_norfolk.models import ContentGeneration, RenderedDocument

    for app_label in PROJECT_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if model in (ContentGeneration, RenderedDocument) or model.__name__.startswith(
                "Historical"
            ):
                continue
            yield model


def connect_signals():
    for model in watched_models():
        uid = f"page-cache-{model._meta.label_lower}"
        post_save.connect(content_changed, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(content_changed, sender=model, dispatch_uid=uid + "-delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _links_changed, sender=field.remote_field.through, dispatch_uid=uid + field.name
            )


def _links_changed(action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        content_changed()


def is_cacheable_request(request):
    if settings.PAGE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
        return False
    if request.path.startswith(settings.PAGE_CACHE_EXCLUDED_PREFIXES):
        return False
    # A signed-in officer (or anyone holding a session) and API clients with credentials
    # always get a fresh page.
    signed_in = settings.SESSION_COOKIE_NAME in request.COOKIES
    return not signed_in and "HTTP_AUTHORIZATION" not in request.META


def is_cacheable_response(response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    # An encoded body (a large stored file sent compressed) is not the page every visitor
    # can read, and a copy's key does not name the encoding.
    if response.has_header("Content-Encoding"):
        return False
    cache_control = response.get("Cache-Control", "")
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    return len(response.content) <= settings.PAGE_CACHE_MAX_BYTES


# --- query parameters ---------------------------------------------------------------------


def keep_parameters_read(request):
    """Take out of `request` every query parameter its page does not read, and put the rest
    in name order (each name's values in the order they came)."""
    if not request.META.get("QUERY_STRING"):
        return
    names = parameters_read_at(request.path_info)
    kept = urlencode(
        [(name, value) for name in sorted(names) for value in request.GET.getlist(name)]
    )
    request.META["QUERY_STRING"] = kept
    request.GET = QueryDict(kept, encoding=request.encoding)


def parameters_read_at(path):
    """The query parameters the page at `path` reads (none for an address that is no page)."""
    try:
        match = resolve(path)
    except Resolver404:
        if not settings.APPEND_SLASH or path.endswith("/"):
            return frozenset()
        # CommonMiddleware sends the visitor to the address with a slash, query and all.
        try:
            match = resolve(path + "/")
        except Resolver404:
            return frozenset()
    return parameters_of(match.view_name, match.func)


@cache
def parameters_of(view_name, view):
    """The query parameters of the view `view` named `view_name`: those listed for it in
    settings.PAGE_CACHE_QUERY_PARAMETERS, and those a REST framework view reads itself."""
    names = set()
    for entry in settings.PAGE_CACHE_QUERY_PARAMETERS.get(view_name, ()):
        names.update(import_string(entry).base_filters if "." in entry else [entry])
    view_class = getattr(view, "cls", None)
    if view_class is not None:
        names.update(_api_parameters(view_class, getattr(view, "actions", None) or {}))
    return frozenset(names)


def _api_parameters(view_class, actions):
    """`format` (the renderer's choice); for a list, also its filter set's filters, the
    ordering and search parameters of its other filter backends, and its paginator's."""
    from django_filters.rest_framework import DjangoFilterBackend
    from rest_framework.settings import api_settings
    from rest_framework.views import APIView

    if not issubclass(view_class, APIView):
        return set()
    names = {api_settings.URL_FORMAT_OVERRIDE} - {None}
    if "list" not in actions.values():
        return names
    # A list view as the schema generator makes one: no request, and no table read.
    view = view_class(
        action="list", request=None, format_kwarg=None, args=(), kwargs={}, swagger_fake_view=True
    )
    for backend_class in view.filter_backends:
        backend = backend_class()
        if isinstance(backend, DjangoFilterBackend):
            filterset = backend.get_filterset_class(view, view.get_queryset())
            names.update(filterset.base_filters if filterset is not None else ())
        else:
            names.update(part["name"] for part in backend.get_schema_operation_parameters(view))
    if view.paginator is not None:
        names.update(part["name"] for part in view.paginator.get_schema_operation_parameters(view))
    return names


@receiver(setting_changed)
def _forget_parameters(*, setting, **kwargs):
    if setting in ("PAGE_CACHE_QUERY_PARAMETERS", "ROOT_URLCONF", "REST_FRAMEWORK"):
        parameters_of.cache_clear()


# --- copies of pages ------------------------------------------------------------------------


@cache
def release():
    """A fingerprint of the code that makes the pages, worked out once per process: every file
    of the site's apps and of the template directories (Python, templates, data they read),
    and the static files' manifest, whose names the pages link to. Two processes of the
    same release agree on it, on any machine."""
    roots = [Path(apps.get_app_config(label).path) for label in (*PROJECT_APPS, "alerts")]
    roots += [Path(root) for engine in settings.TEMPLATES for root in engine.get("DIRS", ())]
    digest = hashlib.sha256()
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(f"{path.relative_to(root.parent)}\0".encode())
                digest.update(path.read_bytes())
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.is_file():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:16]


def key_for(request, generation):
    """The cache key: the release (`release()`), the generation, the full address (scheme,
    host, path and the query parameters its page reads: `keep_parameters_read` has taken out
    the rest) and the Accept header (the API answers JSON or HTML by it). Pages write full
    addresses on the host they were asked on (the API's `url` fields and paging links,
    feeds, calendars, Open Civic Data events), so a copy made for one host name is never
    served on another. The host is one of ALLOWED_HOSTS: get_host() refuses any other before
    a copy is looked for."""
    accept = request.META.get("HTTP_ACCEPT", "") if request.path.startswith("/api/") else ""
    raw = f"{release()}\n{generation}\n{request.build_absolute_uri()}\n{accept}"
    return "page:" + hashlib.sha256(raw.encode()).hexdigest()


def accepts_gzip(request):
    return bool(ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def fetch(key, gzip=False):
    """The stored copy as a response, compressed if the visitor accepts gzip and the copy has
    a compressed body; None if there is no copy under `key`."""
    stored = caches[CACHE_ALIAS].get(key)
    if stored is None:
        return None
    return _response(*stored, gzip=gzip)


def store(key, response, gzip=False):
    """Keep a copy of `response` under `key`; returns the response to send, compressed if the
    visitor accepts gzip. Every header the view and the middleware inside the cache set is
    kept; those outside it (CSP, the security headers) are added on the way out, to a copy as
    to any response. The ETag and the compressed body are worked out here, once for the copy,
    rather than on every hit (ConditionalGetMiddleware keeps an ETag a response already has;
    a view's own, like the API's from record versions, is kept too)."""
    if not response.has_header("ETag"):
        set_response_etag(response)
    compressed = None
    if len(response.content) >= MIN_COMPRESS_BYTES and not response.has_header("Content-Encoding"):
        patch_vary_headers(response, ("Accept-Encoding",))
        compressed = compress_string(response.content)
        if len(compressed) >= len(response.content):
            compressed = None
    # A view's changes to the Content-Security-Policy (the API docs allow inline styles) are
    # attributes django-csp reads on the way out, not headers: they are kept with the copy.
    csp = {name: value for name, value in vars(response).items() if name.startswith("_csp_")}
    stored = (response.status_code, list(response.items()), response.content, compressed, csp)
    caches[CACHE_ALIAS].set(key, stored, settings.PAGE_CACHE_SECONDS)
    return _response(*stored, gzip=gzip) if gzip and compressed else response


def _response(status, headers, content, compressed, csp, gzip=False):
    body = compressed if gzip and compressed is not None else content
    response = HttpResponse(body, status=status)
    for name, value in headers:
        response[name] = value
    for name, value in csp.items():
        setattr(response, name, value)
    if body is compressed:
        # Another representation of the same page: a weak ETag, as RFC 9110 asks, which
        # still matches the page's tag in If-None-Match.
        etag = response.get("ETag", "")
        if etag.startswith('"'):
            response["ETag"] = "W/" + etag
        response["Content-Encoding"] = "gzip"
        response["Content-Length"] = str(len(body))
    return response


# --- stored documents -----------------------------------------------------------------------


def content_version(request):
    """(generation, day) of the content `request` is answered from: the counter the page
    cache read for it (or reads now), and today. The counter is read before anything the
    document shows, so a file is never stored under a version newer than its content."""
    generation = getattr(request, "content_generation", None)
    if generation is None:
        generation = current_generation()
    return generation, timezone.localdate()


def document_response(request, *, kind, key, render):
    """The PDF `kind` (a RenderedDocument.Kind) of the object `key`: the stored file of the
    current content version if there is one; otherwise the one `render()` makes now, stored
    for every later request (`stored_response`). `render()` returns (filename, bytes), or a
    response to send instead when there is nothing to make yet (an agenda whose pack is
    being built)."""

    def make():
        rendered = render()
        if isinstance(rendered, HttpResponseBase):
            return rendered
        filename, data = rendered
        return pdf_response(data, filename)

    return stored_response(request, kind=kind, key=key, make=make)


def stored_response(request, *, kind, key, make):
    """The file `kind` (a RenderedDocument.Kind) made for `key` (`file_key` for one that holds
    addresses or has variants): the stored file of the current content version if there is
    one, sent with the headers it was made with; otherwise the response `make()` returns. A
    complete one (200, not streamed) is stored, body and headers, for every later request
    in any process; anything else (a page saying the pack is being built) is sent as it is.
    Anonymous visitors are limited in how many files they can have made
    (`render_limit_wait`); a stored file is served whatever their count."""
    from safer_norfolk.models import RenderedDocument

    generation, day = content_version(request)
    stored = RenderedDocument.objects.filter(
        kind=kind, object_key=str(key), generation=generation, day=day, release=release()
    ).first()
    if stored is not None:
        response = _serve(request, stored)
        if response is not None:
            return response
        stored.delete()
        names = [field.name for field in (stored.file, stored.compressed) if field]
        transaction.on_commit(lambda: _delete_files(names))
    wait = render_limit_wait(request)
    if wait:
        return too_many_requests(wait)
    response = make()
    if response.status_code != 200 or response.streaming:
        return response
    headers = dict(response.items())
    document = RenderedDocument(
        kind=kind,
        object_key=str(key),
        generation=generation,
        day=day,
        release=release(),
        filename=_filename(headers.get("Content-Disposition", "")),
        headers=headers,
    )
    compressed = _store(document, response.content)
    gzip = compressed is not None and accepts_gzip(request)
    return _stored_response(
        compressed if gzip else response.content,
        headers,
        compressed=compressed is not None,
        gzip=gzip,
    )


def file_key(request, *parts):
    """The key of a file made for `parts` (its object, then the variant asked for, each
    normalised to what the view reads) on the scheme and host `request` was asked on: a
    calendar or feed holds full addresses on that host, so a file made for one host name is
    never served on another. A key longer than the field is kept as its hash."""
    key = "/".join([f"{request.scheme}://{request.get_host()}", *map(str, parts)])
    if len(key) > KEY_LENGTH:
        key = "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    return key


def pdf_response(data, filename):
    """A PDF shown in the browser, under `filename`."""
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _serve(request, document):
    """The stored `document` as a response, compressed if it is kept compressed and the
    visitor accepts gzip; None if its file is lost."""
    gzip = bool(document.compressed) and accepts_gzip(request)
    data = _read(document, document.compressed if gzip else document.file)
    if data is None:
        return None
    return _stored_response(data, document.headers, compressed=bool(document.compressed), gzip=gzip)


def _stored_response(data, headers, *, compressed=False, gzip=False):
    """`data` sent with the `headers` it was made with. A file kept compressed too is larger
    than the page cache keeps: a browser that accepts gzip is sent the compressed body from
    storage (the page cache keeps no encoded response: its key does not name the encoding)."""
    response = HttpResponse(data)
    for name, value in headers.items():
        response[name] = value
    if compressed:
        patch_vary_headers(response, ("Accept-Encoding",))
    if gzip:
        response["Content-Encoding"] = "gzip"
        response["Content-Length"] = str(len(data))
    return response


def _filename(disposition):
    match = FILENAME.search(disposition)
    return match.group(1) if match else ""


def _read(document, field):
    try:
        with field.open("rb") as handle:
            return handle.read()
    except FileNotFoundError:
        logger.warning("Stored document %s has lost its file: it is made again", document.pk)
        return None


def _store(document, data):
    """Keep `document`'s file and row, then delete a few stale ones' rows and files. A file
    larger than the page cache keeps is kept gzip-compressed too: the compressed bytes are
    returned (None for a file kept whole only)."""
    from safer_norfolk.models import RenderedDocument

    content_type = document.headers.get("Content-Type", "").partition(";")[0]
    extension = (
        PurePosixPath(document.filename).suffix or mimetypes.guess_extension(content_type) or ""
    )
    key = hashlib.sha256(document.object_key.encode()).hexdigest()[:16]
    name = f"{document.kind}-{key}-{document.generation}-{document.day}{extension}"
    document.file.save(name, ContentFile(data), save=False)
    compressed = None
    if len(data) > settings.PAGE_CACHE_MAX_BYTES:
        compressed = compress_string(data)
        document.compressed.save(f"{name}.gz", ContentFile(compressed), save=False)
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError:
        # Another request stored the same version meanwhile: theirs is kept.
        document.file.delete(save=False)
        if compressed is not None:
            document.compressed.delete(save=False)
        return compressed
    # This document's older versions and those an earlier release made, and anything made
    # before today (no version of an earlier day is ever served again), whatever object it
    # was made for.
    this_document = Q(kind=document.kind, object_key=document.object_key)
    stale = list(
        RenderedDocument.objects.filter(
            this_document & (Q(generation__lt=document.generation) | ~Q(release=document.release))
            | Q(day__lt=document.day)
        ).order_by("created_at")[:STALE_DOCUMENTS_PER_STORE]
    )
    if stale:
        RenderedDocument.objects.filter(pk__in=[old.pk for old in stale]).delete()
        names = [field.name for old in stale for field in (old.file, old.compressed) if field]
        transaction.on_commit(lambda: _delete_files(names))
    return compressed


def _delete_files(names):
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("Could not delete the stored document file %s", name, exc_info=True)


# --- the render limit -----------------------------------------------------------------------


def render_limit_wait(request):
    """None when `request` may have a document made now; otherwise the seconds until it may.
    Each address may have RENDER_LIMIT made in each window of RENDER_LIMIT_SECONDS (0 turns
    the limit off); signed-in officers are never limited."""
    from safer_norfolk.accounts import client_address

    user = getattr(request, "user", None)
    limit, window = settings.RENDER_LIMIT, settings.RENDER_LIMIT_SECONDS
    if limit <= 0 or (user is not None and user.is_authenticated):
        return None
    count, left = limits.hit(f"render-limit:{limits.digest(client_address(request))}", window)
    return None if count <= limit else left


def too_many_requests(wait):
    response = HttpResponse(
        "Too many documents have been asked for from your address. "
        f"Please try again in {wait} seconds.\n",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(wait)
    return response
