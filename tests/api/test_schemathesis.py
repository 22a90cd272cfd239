"""Schemathesis generates requests from the OpenAPI schema and sends them to the site running
on a live server: no request may cause a server error, and every response must match what
the schema promises (status codes, content types, bodies).

It runs in a pytest run of its own (`pytest -m contract`, part of `make test` on PostgreSQL):
a live server beside the rest of the suite's fixtures is slow and brittle."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

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

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


@pytest.mark.contract
@pytest.mark.django_db(transaction=True)
def test_the_api_keeps_every_promise_of_its_schema(live_server, tmp_path):
    question = WrittenQuestionFactory(status="answered", response="Yes.", responded_on="2022-03-18")
    item = AgendaItemFactory(meeting=question.meeting)
    DocumentFactory(meeting=question.meeting, agenda_item=item)
    ResolutionFactory(minute=MinuteFactory(meeting=question.meeting))
    ActionPointFactory(meeting=question.meeting, committee=question.meeting.committee)
    ActionUpdateFactory(action=ActionFactory())
    ObservationFactory()
    executable = Path(sys.executable).with_name("schemathesis")

    run = subprocess.run(
        [
            str(executable),
            "run",
            f"{live_server.url}/api/schema/",
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
        cwd=tmp_path,
    )

    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    # Every generated case passed every check (warnings, e.g. about missing credentials, aside).
    summary = re.search(r"(\d+) generated, (\d+) passed", run.stdout)
    assert summary is not None, run.stdout[-3000:]
    assert summary.group(1) == summary.group(2)
    assert int(summary.group(1)) > 100
