"""Agenda packs with the database task backend, as production runs them: a request queues the
build, and `manage.py db_worker`, started as its own process, builds it."""

import io
import os
import sqlite3
import subprocess
import sys
from contextlib import closing, contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from meetings.models import AgendaPack, Document
from meetings.tasks import build_agenda_pack
from tests.factories import AgendaItemFactory, MeetingFactory
from tests.http import read_body
from tests.pdfs import make_pdf, pdf_pages_text

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def database_for_a_worker_process(tmp_path):
    """Environment variables that point another process at the test database.

    A PostgreSQL test database is reachable under its own name. SQLite's is in this process's
    memory, so the worker gets a file copy of it, and the copy, with whatever the worker
    wrote, replaces the test database when the worker is done."""
    if connection.vendor == "sqlite":
        copy = tmp_path / "worker.sqlite3"
        connection.ensure_connection()
        with closing(sqlite3.connect(copy)) as target:
            connection.connection.backup(target)
        yield {"SQLITE_PATH": str(copy), "DATABASE_URL": ""}
        with closing(sqlite3.connect(copy)) as source:
            source.backup(connection.connection)
    else:
        address = urlsplit(os.environ["DATABASE_URL"])
        test_database = connection.settings_dict["NAME"]
        yield {"DATABASE_URL": address._replace(path=f"/{test_database}").geturl()}


def run_db_worker(environ):
    """`manage.py db_worker --batch`: run every queued task, then exit."""
    return subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"],
        cwd=ROOT,
        env={**os.environ, **environ},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.django_db(transaction=True)
def test_db_worker_process_builds_the_pack_a_request_queued(client, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    meeting = MeetingFactory()
    item = AgendaItemFactory(meeting=meeting, number="5", title="Delivery Plan")
    data = make_pdf("Worker-built paper", pages=2)
    Document.objects.create(
        meeting=meeting,
        agenda_item=item,
        title="Delivery Plan report",
        file=ContentFile(data, "delivery-plan.pdf"),
        page_count=2,
        size_bytes=len(data),
    )
    url = reverse("meetings:pack_pdf", args=[meeting.committee.slug, meeting.local_date])
    waiting = client.get(url)
    assert waiting.status_code == 202
    assert "The agenda pack is being prepared" in waiting.content.decode()
    queued = DBTaskResult.objects.get()
    assert queued.status == TaskResultStatus.READY
    assert queued.task_path == "meetings.tasks.build_agenda_pack"
    assert AgendaPack.objects.get(meeting=meeting).status == AgendaPack.Status.BUILDING

    with database_for_a_worker_process(tmp_path) as database:
        worker = run_db_worker(
            {**database, "TASKS_BACKEND": "database", "MEDIA_ROOT": str(settings.MEDIA_ROOT)}
        )

    assert worker.returncode == 0, worker.stdout + worker.stderr
    result = build_agenda_pack.get_result(str(queued.pk))
    pack = AgendaPack.objects.get(meeting=meeting)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == pack.pk
    assert pack.status == AgendaPack.Status.READY
    assert default_storage.exists(pack.file.name)
    assert default_storage.exists(pack.front_sheet.name)
    served = client.get(url)
    assert served.status_code == 200
    body = read_body(served)
    assert len(PdfReader(io.BytesIO(body)).pages) == pack.page_count == pack.front_sheet_pages + 2
    assert "Worker-built paper page 2" in pdf_pages_text(body)[-1]
    assert DBTaskResult.objects.count() == 1  # the ready pack is served, not queued again
