"""Request middleware of the top layer."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import logout
from django.http import Http404
from django.utils import timezone

from safer_norfolk import logs, page_cache
from safer_norfolk.accounts import SIGNED_IN_AT, log


class RequestIdMiddleware:
    """Gives each request its id (safer_norfolk.logs), makes it the context of every log line
    written while the request is answered, returns it as `X-Request-ID`, and logs every
    refusal (403) to the security log with the officer, if any, who was refused."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = logs.request_id_for(request)
        token = logs.current_request.set(request)
        try:
            response = self.get_response(request)
            if response.status_code == 403:
                log.warning("Permission refused: %s %s", request.method, request.path)
        finally:
            logs.current_request.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


class SessionLifetimeMiddleware:
    """Signs an officer out SESSION_MAX_HOURS after they signed in, however active they have
    been. (A session idle for SESSION_COOKIE_AGE has already expired on its own.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(SIGNED_IN_AT)
            if started is None:
                request.session[SIGNED_IN_AT] = timezone.now().isoformat()
            elif timezone.now() - datetime.fromisoformat(started) > timedelta(
                hours=settings.SESSION_MAX_HOURS
            ):
                log.info(
                    "session ended after %s hours: user %r",
                    settings.SESSION_MAX_HOURS,
                    user.get_username(),
                )
                logout(request)
        return self.get_response(request)


class RefuseNulInPathMiddleware:
    """No address holds a NUL byte, and PostgreSQL cannot compare one with a slug or number:
    a path with one is "not found" before any view looks it up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            raise Http404("No such page.")
        return self.get_response(request)


class PublicPageCacheMiddleware:
    """Serves anonymous visitors a copy of a public page made since the content last changed,
    and keeps new copies (safer_norfolk.page_cache), compressed once for browsers that accept
    gzip. An anonymous request keeps only the query parameters its page reads, so any other
    parameter is served the same copy. A hit costs one query, for the content generation,
    which a miss hands on to the view (stored documents are filed under it too);
    ConditionalGetMiddleware, outside this one, turns a hit into 304 Not Modified when the
    visitor already has the page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not page_cache.is_cacheable_request(request):
            return self.get_response(request)
        page_cache.keep_parameters_read(request)
        request.content_generation = page_cache.current_generation()
        key = page_cache.key_for(request, request.content_generation)
        gzip = page_cache.accepts_gzip(request)
        cached = page_cache.fetch(key, gzip=gzip)
        if cached is not None:
            return cached
        response = self.get_response(request)
        if request.method == "GET" and page_cache.is_cacheable_response(response):
            return page_cache.store(key, response, gzip=gzip)
        return response
