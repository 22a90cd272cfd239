"""Officer accounts and security headers (docs/security.md)."""

import datetime
import getpass
import importlib
import io
import logging
import re

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.auth.models import Permission
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, models
from django.db.models import F
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken
from rest_framework.test import APIClient

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


def test_twenty_failures_from_one_address_pause_it_whatever_the_username(caplog):
    UserFactory(username="officer")
    caplog.set_level(logging.WARNING, logger="safer_norfolk.security")
    # Four wrong passwords each for five usernames: no username reaches its own limit of five.
    failures = [sign_in(Client(), f"guess{n % 5}", "wrong-password").status_code for n in range(20)]

    another_username = sign_in(Client(), "officer")
    from_elsewhere = sign_in(Client(), "officer", address="198.51.100.7")
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=16))
    after_cool_off = sign_in(Client(), "officer")

    assert failures == [200] * 19 + [429]
    assert "sign-in paused for address 192.0.2.10 after 20 failures" in caplog.messages
    assert another_username.status_code == 429
    assert from_elsewhere.status_code == 302
    assert after_cool_off.status_code == 302


def test_signing_in_does_not_clear_the_failures_of_other_usernames_from_that_address():
    UserFactory(username="officer")
    for n in range(19):
        sign_in(Client(), f"guess{n % 5}", "wrong-password")

    own_account = sign_in(Client(), "officer")
    one_more_guess = sign_in(Client(), "guess0", "wrong-password")

    assert own_account.status_code == 302
    assert one_more_guess.status_code == 429


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


def wrong_code_for(device):
    return f"{(totp(device.bin_key) + 1) % 1_000_000:06d}"


def test_with_two_factor_required_five_wrong_codes_pause_the_username_as_wrong_passwords_do(
    two_factor_required, caplog
):
    user = UserFactory(username="officer")
    device = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    caplog.set_level(logging.INFO, logger="safer_norfolk.security")
    wrong_code = wrong_code_for(device)

    failures = [
        sign_in(Client(), "officer", otp_device=device.persistent_id, otp_token=wrong_code)
        for _ in range(5)
    ]
    with_the_right_code = sign_in(
        Client(),
        "officer",
        otp_device=device.persistent_id,
        otp_token=f"{totp(device.bin_key):06d}",
    )

    assert [response.status_code for response in failures] == [200] * 4 + [429]
    assert with_the_right_code.status_code == 429
    assert "_auth_user_id" not in with_the_right_code.wsgi_request.session
    logged = [r.getMessage() for r in caplog.records if r.name == "safer_norfolk.security"]
    wrong_code_line = "failed sign-in (right password, two-factor code refused): username 'officer' from 192.0.2.10"
    assert logged.count(wrong_code_line) == 5
    assert PASSWORD not in caplog.text
    assert wrong_code not in caplog.text
    assert all(wrong_code not in attempt.post_data for attempt in AccessAttempt.objects.all())


def test_with_two_factor_required_the_password_is_not_written_back_into_the_page(
    two_factor_required,
):
    user = UserFactory(username="officer")
    device = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)

    for response in (
        sign_in(Client(), "officer"),
        sign_in(Client(), "officer", otp_device=device.persistent_id, otp_token="000000"),
    ):
        html = response.content.decode()
        password_input = re.search(r"<input[^>]*name=\"password\"[^>]*>", html)[0]
        assert 'type="password"' in password_input
        assert "value=" not in password_input
        assert PASSWORD not in html
        assert 'name="otp_device"' in html  # the password was right: the code is asked for


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


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("officerofficer", "contains your username"),
        ("my-officer-pass-2024", "contains your username"),
        ("aaaaaaaaaaaa", "repeated or in order"),
        ("abcdefghijkl", "repeated or in order"),
        ("qwertyuiop12", "repeated or in order"),
        ("zyxwvu987654", "repeated or in order"),
        ("h7#kh7#kh7#k", "repeated or in order"),
        ("Password123!", "common word or password with numbers or symbols"),
        ("Password1234", "common word or password with numbers or symbols"),
        ("Welcome2024!!", "common word or password with numbers or symbols"),
        ("P@ssw0rd2024", "common word or password with numbers or symbols"),
        ("2024!Summer!!", "common word or password with numbers or symbols"),
        ("monkeymonkey1", "common word or password with numbers or symbols"),
    ],
)
def test_the_username_and_predictable_patterns_are_refused(password, reason):
    with pytest.raises(ValidationError, match=reason):
        validate_password(password, user=UserFactory.build(username="officer"))


def test_a_run_of_numbers_is_refused_as_numeric_and_as_a_sequence():
    with pytest.raises(ValidationError) as refused:
        validate_password("123456789012", user=UserFactory.build(username="officer"))

    assert "entirely numeric" in str(refused.value)
    assert "repeated or in order" in str(refused.value)


@pytest.mark.parametrize(
    "password",
    ["quay-lantern-obelisk-47", "Wherry sails past Reedham 1887", "tk9-Marl-pightle-Acle-3"],
)
def test_a_long_uncommon_password_is_accepted(password):
    validate_password(password, user=UserFactory.build(username="officer"))


def test_the_password_rules_are_explained_where_a_password_is_set(admin_client):
    officer = UserFactory(username="officer")

    page = admin_client.get(f"/admin/auth/user/{officer.pk}/password/").content.decode()

    for help_text in password_validators_help_texts():
        assert str(help_text).replace("’", "&#x27;") in page.replace("’", "&#x27;")
    assert "can’t contain your username" in page
    assert "(like Password123!)" in page
    assert "cancels that officer’s API tokens" in page


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


# --- API tokens ----------------------------------------------------------------------------


def api_user(token):
    """Who the API takes the sender of this token for, or its refusal."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.get("/api/v1/organisations/")
    if response.status_code != 200:
        return response.status_code, response.json()["detail"]
    return response.status_code, response.wsgi_request.user.get_username()


REFUSED = (403, "Invalid token.")


def issue_token_in_the_admin(admin_client, officer, lasts="365"):
    response = admin_client.post(
        "/admin/knox/authtoken/add/", {"user": officer.pk, "lasts": lasts, "_save": "Save"}
    )
    assert response.status_code == 200
    return response, re.search(
        r'<code class="api-token">([0-9a-f]+)</code>', response.content.decode()
    )[1]


def test_an_api_token_is_shown_once_and_the_database_holds_only_its_digest(admin_client):
    officer = UserFactory(username="officer")

    issued, token = issue_token_in_the_admin(admin_client, officer)
    stored = AuthToken.objects.get(user=officer)
    changelist = admin_client.get("/admin/knox/authtoken/").content.decode()
    change_page = admin_client.get(f"/admin/knox/authtoken/{stored.pk}/change/")

    assert "shown only on this page" in issued.content.decode()
    assert len(token) == 64
    assert token not in changelist
    assert token[:8] + "…" in changelist
    assert change_page.status_code == 200
    assert token[:8] + "…" in change_page.content.decode()
    assert token not in change_page.content.decode()
    # Everything the row holds: none of it is the token, and none of it works as one.
    row = AuthToken.objects.filter(pk=stored.pk).values().get()
    assert all(token not in str(value) for value in row.values())
    assert api_user(token) == (200, "officer")
    assert api_user(stored.digest) == REFUSED
    assert api_user(stored.token_key) == REFUSED
    a_year_on = timezone.now() + datetime.timedelta(days=365)
    assert abs(stored.expiry - a_year_on) < datetime.timedelta(minutes=1)


def test_an_api_token_can_last_until_it_is_deleted(admin_client):
    officer = UserFactory(username="officer")

    issued, token = issue_token_in_the_admin(admin_client, officer, lasts="")
    stored = AuthToken.objects.get(user=officer)
    before = api_user(token)
    stored.delete()

    assert "until it is deleted" in issued.content.decode()
    assert stored.expiry is None
    assert before == (200, "officer")
    assert api_user(token) == REFUSED


NEW_PASSWORD = "Mardle-pightle-47"


def change_password_in_the_admin(officer, monkeypatch):
    administrator = Client()
    administrator.force_login(UserFactory(username="administrator", is_superuser=True))
    response = administrator.post(
        f"/admin/auth/user/{officer.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302


def change_password_in_code(officer, monkeypatch):
    officer.set_password(NEW_PASSWORD)
    officer.save()


def change_password_with_the_command(officer, monkeypatch):
    monkeypatch.setattr(getpass, "getpass", lambda prompt: NEW_PASSWORD)
    call_command("changepassword", officer.username, stdout=io.StringIO())


@pytest.mark.parametrize(
    "change_password",
    [change_password_in_the_admin, change_password_in_code, change_password_with_the_command],
)
def test_changing_the_password_cancels_the_officer_s_api_tokens(
    change_password, monkeypatch, caplog
):
    officer = UserFactory(username="officer")
    _, token = AuthToken.objects.create(user=officer)
    _, colleague_token = AuthToken.objects.create(user=UserFactory(username="colleague"))
    caplog.set_level(logging.INFO, logger="safer_norfolk.security")
    assert api_user(token) == (200, "officer")

    change_password(officer, monkeypatch)

    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)
    assert api_user(token) == REFUSED
    assert not AuthToken.objects.filter(user=officer).exists()
    assert api_user(colleague_token) == (200, "colleague")
    assert "password changed: 1 API token(s) of user 'officer' cancelled" in caplog.text
    assert NEW_PASSWORD not in caplog.text


def test_a_password_rehashed_at_sign_in_keeps_the_api_tokens():
    officer = UserFactory(username="officer")
    # A short salt makes Django store the password again, more strongly, when it is next used.
    officer.password = MD5PasswordHasher().encode(PASSWORD, "salt")
    officer.save()
    _, token = AuthToken.objects.create(user=officer)

    signed_in = sign_in(Client(), "officer")

    officer.refresh_from_db()
    assert signed_in.status_code == 302
    assert "$salt$" not in officer.password
    assert api_user(token) == (200, "officer")


def test_tokens_issued_before_hashing_keep_working_and_the_readable_table_is_dropped():
    officer = UserFactory(username="officer")
    plain = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"  # as Django REST framework issued them
    issued_at = datetime.datetime(2024, 3, 1, 9, 0, tzinfo=datetime.UTC)
    with connection.cursor() as cursor:
        cursor.execute(
            'CREATE TABLE authtoken_token ("key" varchar(40) PRIMARY KEY, '
            f'"created" {models.DateTimeField().db_type(connection)} NOT NULL, "user_id" integer NOT NULL)'
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, %s, %s)",
            [plain, connection.ops.adapt_datetimefield_value(issued_at), officer.pk],
        )
    old_type = ContentType.objects.create(app_label="authtoken", model="token")
    Permission.objects.create(content_type=old_type, codename="add_token", name="Can add token")
    migration = importlib.import_module("safer_norfolk.migrations.0005_hashed_api_tokens")

    migration.hash_plain_tokens(apps, connection.schema_editor())

    stored = AuthToken.objects.get(user=officer)
    assert "authtoken_token" not in connection.introspection.table_names()
    assert not Permission.objects.filter(content_type__app_label="authtoken").exists()
    assert plain not in stored.digest
    assert stored.created == issued_at
    assert stored.expiry is None
    assert api_user(plain) == (200, "officer")


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
