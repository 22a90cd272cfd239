"""A cache of public pages that can never serve a page older than the content it shows.

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
"""

import hashlib
import re

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers, set_response_etag
from django.utils.text import compress_string

# Pages this short are sent as they are: compressing them saves next to nothing.
MIN_COMPRESS_BYTES = 200
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
PROJECT_APPS = ("safer_norfolk", "meetings", "delivery_plans", "outcomes")
CACHE_ALIAS = "pages"


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
    but for the counter itself and the audit history's own tables."""
    from safer_norfolk.models import ContentGeneration

    for app_label in PROJECT_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if model is ContentGeneration or model.__name__.startswith("Historical"):
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
    cache_control = response.get("Cache-Control", "")
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    return len(response.content) <= settings.PAGE_CACHE_MAX_BYTES


def key_for(request, generation):
    """The cache key: the generation, the full path with its query, and the Accept header
    (the API answers JSON or HTML by it)."""
    accept = request.META.get("HTTP_ACCEPT", "") if request.path.startswith("/api/") else ""
    raw = f"{generation}\n{request.get_full_path()}\n{accept}"
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
