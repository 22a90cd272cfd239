"""Officer accounts and security headers (docs/security.md)."""

import datetime
import logging

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import F
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from safer_norfolk.accounts import SIGNED_IN_AT
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "officer-password"


def sign_in(client, username, password=PASSWORD, address="192.0.2.10", **extra):
    return client.post(
        LOGIN, {"username": username, "password": password, **extra}, REMOTE_ADDR=address
    )


# --- throttling ----------------------------------------------------------------------------


def test_five_failures_pause_that_username_from_that_address(caplog):
    UserFactory(username="officer")
    client = Client()
    caplog.set_level(logging.WARNING, logger="safer_norfolk.security")

    failures = [sign_in(client, "officer", "wrong-password") for _ in range(5)]
    with_the_right_password = sign_in(client, "officer")

    assert [response.status_code for response in failures[:4]] == [200] * 4
    assert failures[4].status_code == 429
    assert with_the_right_password.status_code == 429
    assert "Too many attempts to sign in" in with_the_right_password.content.decode()
    assert "Wait 15 minutes" in with_the_right_password.content.decode()
    logged = [r.getMessage() for r in caplog.records if r.name == "safer_norfolk.security"]
    # The five failures, and the attempt refused during the pause.
    assert logged.count("failed sign-in: username 'officer' from 192.0.2.10") == 6
    assert "wrong-password" not in caplog.text


def test_the_pause_is_per_address_and_ends_after_the_cool_off():
    UserFactory(username="officer")
    for _ in range(5):
        sign_in(Client(), "officer", "wrong-password")

    from_elsewhere = sign_in(Client(), "officer", address="198.51.100.7")
    still_paused = sign_in(Client(), "officer")
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=16))
    after_cool_off = sign_in(Client(), "officer")

    assert from_elsewhere.status_code == 302
    assert still_paused.status_code == 429
    assert after_cool_off.status_code == 302  # never a permanent lock-out


def test_signing_in_and_out_is_logged(caplog):
    UserFactory(username="officer")
    client = Client()
    caplog.set_level(logging.INFO, logger="safer_norfolk.security")

    sign_in(client, "officer")
    client.post("/admin/logout/", REMOTE_ADDR="192.0.2.10")

    messages = [r.getMessage() for r in caplog.records if r.name == "safer_norfolk.security"]
    assert "sign-in: user 'officer' from 192.0.2.10" in messages
    assert "sign-out: user 'officer' from 192.0.2.10" in messages


# --- two-factor sign-in ---------------------------------------------------------------------


@pytest.fixture
def two_factor_required(settings):
    settings.OTP_REQUIRED = True


def test_with_two_factor_required_a_password_alone_does_not_sign_in(two_factor_required):
    user = UserFactory(username="officer")
    TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)

    device = TOTPDevice.objects.get(user=user)
    wrong_code = f"{(totp(device.bin_key) + 1) % 1_000_000:06d}"

    for response in (
        sign_in(Client(), "officer"),
        sign_in(Client(), "officer", otp_device=device.persistent_id, otp_token=wrong_code),
    ):
        assert response.status_code == 200
        assert "_auth_user_id" not in response.wsgi_request.session


def test_with_two_factor_required_the_code_from_the_app_signs_in(two_factor_required):
    user = UserFactory(username="officer")
    device = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    client = Client()

    right = sign_in(
        client,
        "officer",
        otp_device=device.persistent_id,
        otp_token=f"{totp(device.bin_key):06d}",
    )

    assert right.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_with_two_factor_required_an_unverified_session_is_not_let_in(two_factor_required):
    client = Client()
    client.force_login(UserFactory(username="officer", is_superuser=True))

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_without_two_factor_required_the_demo_signs_in_with_a_password(settings):
    settings.OTP_REQUIRED = False
    UserFactory(username="officer")

    assert sign_in(Client(), "officer").status_code == 302


def test_enrol_totp_issues_a_device_once(capsys):
    user = UserFactory(username="officer")

    call_command("enrol_totp", "officer")
    output = capsys.readouterr().out

    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed
    assert "otpauth://totp/" in output
    with pytest.raises(Exception, match="already has an authenticator device"):
        call_command("enrol_totp", "officer")
    call_command("enrol_totp", "officer", "--replace")
    assert TOTPDevice.objects.filter(user=user).count() == 1
    assert TOTPDevice.objects.get(user=user).pk != device.pk


# --- passwords and sessions ----------------------------------------------------------------


@pytest.mark.parametrize(
    "password", ["short-pass1", "password1234", "123456789012", "officer12345"]
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password, user=UserFactory.build(username="officer12345"))


def test_a_long_uncommon_password_is_accepted():
    validate_password("quay-lantern-obelisk-47", user=UserFactory.build(username="officer"))


def test_sessions_expire_after_thirty_idle_minutes(settings):
    UserFactory(username="officer")
    client = Client()
    sign_in(client, "officer")

    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert 0 < client.session.get_expiry_age() <= 30 * 60


def test_a_session_ends_twelve_hours_after_signing_in_however_active():
    UserFactory(username="officer", is_superuser=True)
    client = Client()
    sign_in(client, "officer")
    assert client.get("/admin/").status_code == 200
    session = client.session
    session[SIGNED_IN_AT] = (timezone.now() - datetime.timedelta(hours=12, minutes=1)).isoformat()
    session.save()

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


# --- headers -------------------------------------------------------------------------------


def test_public_pages_carry_a_strict_content_security_policy_and_headers():
    response = Client().get("/")

    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_only_the_api_reference_allows_its_viewer_s_injected_styles():
    docs = Client().get("/api/docs/")
    html = docs.content.decode()

    assert "style-src 'self' 'unsafe-inline'" in docs["Content-Security-Policy"]
    assert "script-src 'self';" in docs["Content-Security-Policy"] + ";"
    assert "<script>" not in html  # no inline script: Redoc starts from its <redoc> element
    assert "googleapis" not in html
    assert "unsafe-inline" not in Client().get("/api/v1/")["Content-Security-Policy"]


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(username="officer")
    for spoofed in range(5):
        Client().post(
            LOGIN,
            {"username": "officer", "password": "wrong-password"},
            REMOTE_ADDR="10.0.0.2",  # the load balancer
            HTTP_X_FORWARDED_FOR=f"203.0.113.{spoofed}, 192.0.2.10",
        )

    same_client, other_client = (
        Client().post(
            LOGIN,
            {"username": "officer", "password": PASSWORD},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=address,
        )
        for address in ("192.0.2.10", "198.51.100.7")
    )

    assert same_client.status_code == 429  # a forged first entry does not escape the count
    assert other_client.status_code == 302
