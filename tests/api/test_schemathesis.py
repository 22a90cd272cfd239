"""Schemathesis generates requests from the OpenAPI schema and sends them to the site served
by gunicorn with production settings: no request may cause a server error, and every
response must match what the schema promises (status codes, content types, bodies).

It runs in a pytest run of its own (`pytest -m contract`, part of `make test` on PostgreSQL).
gunicorn reads the test database, so the data is committed (transaction=True) and the
database must be PostgreSQL. Django's development server would not do: it cannot read a
chunked request body, which schemathesis sends, and garbles the next answer on the
connection (tests/gunicorn_server.py)."""

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection

from tests.factories import (
    ActionFactory,
    ActionPointFactory,
    ActionUpdateFactory,
    AgendaItemFactory,
    DocumentFactory,
    MinuteFactory,
    ObservationFactory,
    ResolutionFactory,
    WrittenQuestionFactory,
)
from tests.gunicorn_server import Gunicorn, manage, production_environment

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


@pytest.mark.contract
@pytest.mark.django_db(transaction=True)
def test_the_api_keeps_every_promise_of_its_schema(settings, tmp_path):
    if connection.vendor != "postgresql":
        message = "the contract test serves the test database with gunicorn: PostgreSQL only"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    question = WrittenQuestionFactory(status="answered", response="Yes.", responded_on="2022-03-18")
    item = AgendaItemFactory(meeting=question.meeting)
    DocumentFactory(meeting=question.meeting, agenda_item=item)
    ResolutionFactory(minute=MinuteFactory(meeting=question.meeting))
    ActionPointFactory(meeting=question.meeting, committee=question.meeting.committee)
    ActionUpdateFactory(action=ActionFactory())
    ObservationFactory()
    executable = Path(sys.executable).with_name("schemathesis")
    test_database = urlsplit(os.environ["DATABASE_URL"])._replace(
        path="/" + connection.settings_dict["NAME"]
    )
    # The contract is checked, not the anonymous rate limit (tests/api/test_rate_limit.py).
    env = production_environment(
        tmp_path,
        DATABASE_URL=test_database.geturl(),
        MEDIA_ROOT=settings.MEDIA_ROOT,
        API_ANONYMOUS_RATE="off",
    )
    manage(env, "collectstatic", "--noinput", "-v0")
    with (tmp_path / "gunicorn.log").open("w") as log, Gunicorn(env, workers=2, log=log) as server:
        run = schemathesis(executable, server.url, tmp_path)
    server_log = (tmp_path / "gunicorn.log").read_text(errors="replace")

    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    # Every generated case passed every check (warnings, e.g. about missing credentials, aside).
    summary = re.search(r"(\d+) generated, (\d+) passed", run.stdout)
    assert summary is not None, run.stdout[-3000:]
    assert summary.group(1) == summary.group(2)
    assert int(summary.group(1)) > 100
    assert "Traceback" not in server_log, server_log[-4000:]


def schemathesis(executable, url, workdir):
    return subprocess.run(
        [
            str(executable),
            "run",
            f"{url}/api/schema/",
            "--checks",
            CHECKS,
            "--max-examples",
            "3",
            "--phases",
            "coverage,fuzzing",
            "--workers",
            "1",
            "--seed",
            "20261123",
            "--request-timeout",
            "30",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        cwd=workdir,
    )
