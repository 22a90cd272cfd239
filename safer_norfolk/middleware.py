"""Request middleware of the top layer."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import logout
from django.http import Http404
from django.utils import timezone

from safer_norfolk.accounts import SIGNED_IN_AT, log


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
