"""Officer accounts: the back office's sign-in rules and the security log (docs/security.md).

Failed sign-ins are counted and cooled off by django-axes (settings.AXES_*); passwords are
checked by AUTH_PASSWORD_VALIDATORS; sessions expire through SESSION_COOKIE_AGE and
safer_norfolk.middleware.SessionLifetimeMiddleware. This module adds two-factor sign-in to the
admin when settings.OTP_REQUIRED is on, and writes every sign-in, sign-out and failure to the
"safer_norfolk.security" log.
"""

import logging

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone
from django_otp.admin import OTPAdminAuthenticationForm

log = logging.getLogger("safer_norfolk.security")

SIGNED_IN_AT = "signed_in_at"


class OfficerAdminSite(admin.AdminSite):
    """The admin site. With OTP_REQUIRED, signing in asks for a code from the officer's
    authenticator app, and a session not verified by one is treated as not staff."""

    @property
    def login_form(self):
        return OTPAdminAuthenticationForm if settings.OTP_REQUIRED else None

    @property
    def login_template(self):
        return "otp/admin111/login.html" if settings.OTP_REQUIRED else None

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        return not settings.OTP_REQUIRED or request.user.is_verified()


def client_address(request):
    """The address a request came from. Behind TRUSTED_PROXY_COUNT proxies, each of which
    appends the address it received from to X-Forwarded-For, that is the entry those proxies
    added last; anything earlier in the header could have been written by the client."""
    if request is None:
        return ""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = timezone.now().isoformat()
    log.info("sign-in: user %r from %s", user.get_username(), client_address(request))


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        log.info("sign-out: user %r from %s", user.get_username(), client_address(request))


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    # credentials are cleansed by Django: the password is never in them.
    log.warning(
        "failed sign-in: username %r from %s",
        credentials.get("username", ""),
        client_address(request),
    )
