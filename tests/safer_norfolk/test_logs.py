"""Log lines name the request they were written for (its id is returned to the browser and
shown on the 500 page) and the officer making it, never a member of the public or what they
searched for; in production each line is one JSON object; refusals reach the security log."""

import io
import json
import logging
import runpy
from pathlib import Path

import pytest
from django.test import Client

from meetings import queries
from safer_norfolk.logs import JsonFormatter, RequestContext
from tests.factories import UserFactory

SETTINGS_FILE = Path(__file__).resolve().parents[2] / "safer_norfolk" / "settings.py"


@pytest.fixture
def json_lines():
    """The site's JSON formatter and request filter on a handler of the root logger, as the
    production settings set them up; yields a function returning the lines so far, parsed."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContext())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(previous)


def test_every_response_carries_a_request_id(client, db):
    first = client.get("/health/")
    second = client.get("/health/")

    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_the_proxys_request_id_is_kept_when_well_formed(client, db):
    kept = client.get("/health/", headers={"X-Request-ID": "lb-4f2a.9c:01"})
    replaced = client.get("/health/", headers={"X-Request-ID": "bad id\nforged log line"})

    assert kept["X-Request-ID"] == "lb-4f2a.9c:01"
    assert replaced["X-Request-ID"] != "bad id\nforged log line"
    assert len(replaced["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_a_public_requests_line_has_its_id_and_path_but_not_its_query(client, json_lines):
    response = client.get("/no-such-page/", {"q": "Jane Resident 12 Acacia Avenue"})

    lines = [line for line in json_lines() if line["logger"] == "django.request"]
    assert response.status_code == 404
    assert len(lines) == 1
    line = lines[0]
    assert line["level"] == "WARNING"
    assert line["message"] == "Not Found: /no-such-page/"
    assert line["request_id"] == response["X-Request-ID"]
    assert (line["method"], line["path"], line["user_id"]) == ("GET", "/no-such-page/", None)
    assert line["status_code"] == 404
    assert "time" in line
    assert "request" not in line
    assert "Acacia" not in json.dumps(json_lines())


@pytest.mark.django_db
def test_an_error_is_logged_with_its_traceback_and_request_id(json_lines, monkeypatch, settings):
    settings.PAGE_CACHE_SECONDS = 0

    def fail():
        raise RuntimeError("the home page's query failed")

    monkeypatch.setattr(queries, "home_page", fail)

    response = Client(raise_request_exception=False).get("/")

    errors = [line for line in json_lines() if line["level"] == "ERROR"]
    assert response.status_code == 500
    assert len(errors) == 1
    assert errors[0]["request_id"] == response["X-Request-ID"]
    assert "RuntimeError: the home page's query failed" in errors[0]["exc_info"]
    assert response["X-Request-ID"] in response.content.decode()


@pytest.mark.django_db
def test_a_refusal_is_a_security_event_naming_the_officer(json_lines):
    officer = UserFactory(username="no-user-admin")
    client = Client()
    client.force_login(officer)

    response = client.get("/admin/auth/user/")

    refusals = [
        line
        for line in json_lines()
        if line["logger"] == "safer_norfolk.security" and line["message"].startswith("Permission")
    ]
    assert response.status_code == 403
    assert len(refusals) == 1
    assert refusals[0]["message"] == "Permission refused: GET /admin/auth/user/"
    assert refusals[0]["user_id"] == officer.pk
    assert refusals[0]["request_id"] == response["X-Request-ID"]


@pytest.mark.django_db
def test_a_failed_sign_in_is_logged_with_its_request(json_lines):
    UserFactory(username="officer")

    response = Client().post(
        "/admin/login/?next=/admin/",
        {"username": "officer", "password": "wrong-password"},
        REMOTE_ADDR="192.0.2.10",
    )

    failures = [line for line in json_lines() if line["logger"] == "safer_norfolk.security"]
    assert [line["message"] for line in failures] == [
        "failed sign-in: username 'officer' from 192.0.2.10"
    ]
    assert failures[0]["request_id"] == response["X-Request-ID"]
    assert "wrong-password" not in json.dumps(json_lines())


def test_lines_outside_a_request_have_no_request(json_lines):
    logging.getLogger("safer_norfolk.tasks").warning("A pack could not be built")

    line = json_lines()[-1]
    assert (line["request_id"], line["path"], line["user_id"]) == ("-", "", None)


def _settings(monkeypatch, **environ):
    for name in ("DJANGO_ENV", "LOG_FORMAT", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def test_production_logs_json_and_development_text(monkeypatch):
    production = _settings(
        monkeypatch,
        DJANGO_ENV="production",
        SECRET_KEY="a-production-secret-key-that-is-long-and-random-enough-0123456789",
        ALLOWED_HOSTS="safer-norfolk.example.org",
    )
    development = _settings(monkeypatch)

    assert production["LOGGING"]["handlers"]["console"]["formatter"] == "json"
    assert development["LOGGING"]["handlers"]["console"]["formatter"] == "text"
    assert production["LOGGING"]["handlers"]["console"]["filters"] == ["request"]
