"""The read API's rate limit for anonymous clients. A module of its own: REST framework
imports the default throttle classes while its own modules load, so they cannot live beside
the viewsets (as with safer_norfolk.pagination)."""

from django.conf import settings
from django.core.cache import caches
from rest_framework.throttling import AnonRateThrottle

from safer_norfolk import limits


class AnonymousRateThrottle(AnonRateThrottle):
    """API_ANONYMOUS_RATE requests ("120/minute"; per second, minute, hour or day) from each
    address without a session or token, counted by every web process together in the shared
    cache (safer_norfolk.limits); past it, 429 with Retry-After, the seconds until a request
    will be served again. Officers, signed in or with a token, are not limited by it. An answer
    the page cache already holds is served without counting: it costs no work."""

    def __init__(self):
        self.cache = caches[limits.CACHE_ALIAS]
        super().__init__()

    def get_rate(self):
        return settings.API_ANONYMOUS_RATE or None

    def get_ident(self, request):
        # The address the trusted proxies received from, as sign-in throttling counts it.
        from safer_norfolk.accounts import client_address  # models: once the apps are ready

        return limits.digest(client_address(request))
