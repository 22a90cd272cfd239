"""Officer accounts: the back office's sign-in rules and the security log (docs/security.md).

Failed sign-ins are counted and cooled off by django-axes (settings.AXES_*), per username and
address and per address; passwords are checked by AUTH_PASSWORD_VALIDATORS
(safer_norfolk.passwords); sessions expire through SESSION_COOKIE_AGE and
safer_norfolk.middleware.SessionLifetimeMiddleware. This module adds two-factor sign-in to the
admin when settings.OTP_REQUIRED is on, counts a wrong code as a failed sign-in, and writes every
sign-in, sign-out and failure to the "safer_norfolk.security" log.
"""

import logging

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.dispatch import receiver
from django.utils import timezone
from django_otp.admin import OTPAdminAuthenticationForm

log = logging.getLogger("safer_norfolk.security")

SIGNED_IN_AT = "signed_in_at"


class TwoFactorSignInForm(OTPAdminAuthenticationForm):
    """django-otp's admin sign-in form (password, then a code from the authenticator app) with
    two changes: a code tried and refused is a failed sign-in, counted by django-axes and
    logged like a wrong password; and the password is never written back into the page."""

    def clean_otp(self, user):
        try:
            super().clean_otp(user)
        except ValidationError:
            # django-otp refills the password for the second attempt, putting it in the HTML.
            self.fields["password"].widget.render_value = False
            if self.cleaned_data.get("otp_device") and self.cleaned_data.get("otp_token"):
                user_login_failed.send(
                    sender=type(self),
                    credentials={"username": self.cleaned_data.get("username")},
                    request=self.request,
                )
            raise


class OfficerAdminSite(admin.AdminSite):
    """The admin site. With OTP_REQUIRED, signing in asks for a code from the officer's
    authenticator app, and a session not verified by one is treated as not staff."""

    @property
    def login_form(self):
        return TwoFactorSignInForm if settings.OTP_REQUIRED else None

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


class SignInThrottle(AxesDatabaseHandler):
    """django-axes' database handler with a second limit: ADDRESS_FAILURE_LIMIT failures from
    one address within the cool-off, whatever usernames were tried, refuse that address as
    AXES_FAILURE_LIMIT failures refuse one username from one address. Only the username and
    address pair is reset by a sign-in, so an attacker's own account cannot clear the count."""

    def is_locked(self, request, credentials=None):
        return super().is_locked(request, credentials) or self.address_is_paused(request)

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or request.axes_locked_out or not self.address_is_paused(request):
            return
        log.warning(
            "sign-in paused for address %s after %d failures",
            request.axes_ip_address,
            settings.ADDRESS_FAILURE_LIMIT,
        )
        request.axes_locked_out = True
        request.axes_credentials = credentials
        user_locked_out.send(
            "axes",
            request=request,
            username=credentials.get("username"),
            ip_address=request.axes_ip_address,
        )

    def address_is_paused(self, request):
        failures = AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address,
            attempt_time__gte=get_cool_off_threshold(request),
        ).aggregate(total=Sum("failures_since_start"))["total"]
        return (failures or 0) >= settings.ADDRESS_FAILURE_LIMIT


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
    # credentials are cleansed by Django: the password is never in them, nor is a code.
    log.warning(
        "failed sign-in%s: username %r from %s",
        " (right password, two-factor code refused)" if sender is TwoFactorSignInForm else "",
        credentials.get("username", ""),
        client_address(request),
    )
