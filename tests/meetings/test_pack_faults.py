"""Agenda packs when things go wrong: a build that fails or never finishes, a worker killed in
the middle of a build, and the database restarting under a running worker.

The page tests queue builds on the database backend without running them, so the pack's
address is seen as it is while a build is pending. The worker tests start `manage.py
task_worker` as its own process, as production runs it."""

import datetime
import os
import re
import signal
import subprocess
import sys
import time
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from meetings import services
from meetings.models import AgendaPack
from meetings.tasks import build_agenda_pack
from tests.factories import AgendaItemFactory, CommitteeFactory, MeetingFactory
from tests.meetings.test_pdf import paper, pdf_bytes, url
from tests.meetings.test_task_worker import database_for_a_worker_process
from tests.pdfs import pdf_pages_text
from tests.postgres_server import RunningServer

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def queued_builds(settings):
    """Builds are queued in the database and left there until a test runs them."""
    settings.TASKS = DATABASE_BACKEND
    settings.PACK_BUILD_TIMEOUT_MINUTES = 10


def meeting_with_papers(committee="NCCSP Scrutiny Sub Panel"):
    committee = CommitteeFactory(name=committee)
    MeetingFactory(
        committee=committee,
        minutes_published=True,
        starts_at=datetime.datetime(2021, 6, 17, 9, tzinfo=datetime.UTC),
    )
    meeting = MeetingFactory(
        committee=committee, starts_at=datetime.datetime(2021, 9, 16, 9, tzinfo=datetime.UTC)
    )
    AgendaItemFactory(meeting=meeting, number="2", title="Minutes", kind="minutes")
    plan = AgendaItemFactory(meeting=meeting, number="5", title="Safer Norfolk Plan")
    violence = AgendaItemFactory(meeting=meeting, number="10", title="Serious violence")
    exempt = AgendaItemFactory(meeting=meeting, number="11", title="Staffing", is_exempt=True)
    paper(violence, pages=2, text="Charlie", title="Serious violence duty")
    paper(plan, pages=1, text="Alpha", title="Plan report")
    paper(plan, pages=1, text="Bravo", title="Plan appendix")
    paper(plan, pages=1, text="Draft", title="Officers' draft", is_public=False)
    paper(exempt, pages=1, text="Secret", title="Staffing report")
    return meeting


def pack_of(meeting):
    return AgendaPack.objects.get(meeting=meeting, restricted=False)


def age(pack, minutes):
    AgendaPack.objects.filter(pk=pack.pk).update(
        requested_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )


def paper_links(html):
    return re.findall(r'<a class="govuk-link" href="([^"]+)">([^<]+)', html)


def assert_offers_the_papers_one_by_one(response, meeting):
    """The page for a pack that could not be built: not 202, and every public paper of the
    meeting, in agenda order, with the previous meeting's minutes for the minutes item."""
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "The agenda pack could not be put together" in html
    documents = {d.title: d.get_absolute_url() for d in meeting.documents.all()}
    previous = meeting.committee.meetings.get(starts_at__year=2021, starts_at__month=6)
    assert paper_links(html) == [
        (response.wsgi_request.get_full_path(), "try the pack again"),
        (url("minutes_pdf", previous), "Minutes of the meeting on 17 June 2021"),
        (documents["Plan report"], "Plan report"),
        (documents["Plan appendix"], "Plan appendix"),
        (documents["Serious violence duty"], "Serious violence duty"),
        (meeting.get_absolute_url(), "Back to the meeting"),
    ]
    for heading in ("2. Minutes", "5. Safer Norfolk Plan", "10. Serious violence"):
        assert heading in html
    assert "Officers" not in html  # the paper that is not public
    assert "Staffing" not in html  # the exempt item and its paper


# --- the pack's address -------------------------------------------------------------------


def test_pack_being_built_answers_202_until_the_timeout(client, queued_builds):
    meeting = meeting_with_papers()

    first = client.get(url("pack_pdf", meeting))
    age(pack_of(meeting), minutes=9)
    later = client.get(url("pack_pdf", meeting))

    for waiting in (first, later):
        assert waiting.status_code == 202
        assert waiting["Retry-After"] == "30"
        assert "The agenda pack is being prepared" in waiting.content.decode()
    assert DBTaskResult.objects.count() == 1  # queued once, not once per request


def test_pack_not_built_within_the_timeout_offers_the_papers_and_is_queued_again(
    client, queued_builds
):
    meeting = meeting_with_papers()
    client.get(url("pack_pdf", meeting))
    age(pack_of(meeting), minutes=11)

    timed_out = client.get(url("pack_pdf", meeting))
    again = client.get(url("pack_pdf", meeting))

    for response in (timed_out, again):
        assert_offers_the_papers_one_by_one(response, meeting)
    pack = pack_of(meeting)
    assert pack.status == AgendaPack.Status.BUILDING
    assert "Not built within 10 minute(s)" in pack.error
    # Queued again once, when the timeout passed; not on every request after it.
    assert DBTaskResult.objects.count() == 2


def test_failed_build_offers_the_papers_until_a_build_succeeds(client, queued_builds):
    meeting = meeting_with_papers()
    client.get(url("pack_pdf", meeting))
    pack = pack_of(meeting)
    AgendaPack.objects.filter(pk=pack.pk).update(
        status=AgendaPack.Status.FAILED, error="ClientError: NoSuchBucket"
    )

    failed = client.get(url("pack_pdf", meeting))
    retrying = client.get(url("pack_pdf", meeting))

    for response in (failed, retrying):
        assert_offers_the_papers_one_by_one(response, meeting)
    assert DBTaskResult.objects.count() == 2  # the first build and one retry
    build_agenda_pack.call(pack.pk)  # the worker runs the retry
    pack.refresh_from_db()
    assert (pack.status, pack.error) == (AgendaPack.Status.READY, "")
    pages = pdf_pages_text(pdf_bytes(client.get(url("pack_pdf", meeting))))
    assert "Charlie page 2" in pages[-1]


def test_agenda_front_sheet_follows_its_pack(client, queued_builds):
    meeting = meeting_with_papers()
    client.get(url("agenda_pdf", meeting))
    age(pack_of(meeting), minutes=11)

    assert_offers_the_papers_one_by_one(client.get(url("agenda_pdf", meeting)), meeting)


def test_a_new_meeting_pack_with_immediate_builds_is_served_at_once(client):
    meeting = meeting_with_papers()

    assert pdf_bytes(client.get(url("pack_pdf", meeting)))
    assert pack_of(meeting).error == ""


# --- the worker ---------------------------------------------------------------------------


def needs_postgres_server():
    """The running test server, to stop and start; these tests need PostgreSQL itself."""
    server = RunningServer.from_environment()
    if connection.vendor != "postgresql" or server is None:
        reason = "needs the throwaway PostgreSQL server of tests/postgres_server.py"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)  # in CI a missing server is an error, never a skip
        pytest.skip(reason)
    return server


@contextmanager
def task_worker(environ, log, *arguments):
    """`manage.py task_worker` running in its own process until the block ends; then stopped
    (killed if it will not stop), whatever happened in the block."""
    with open(log, "a", encoding="utf-8") as output:
        command = [sys.executable, "manage.py", "task_worker", "--no-startup-delay", "--no-reload"]
        process = subprocess.Popen(
            [*command, "--interval", "0.2", *arguments],
            cwd=ROOT,
            env={**os.environ, **environ},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def run_task_worker(environ, log, *arguments):
    """`manage.py task_worker --batch`: every task ready to run, then exit."""
    with task_worker(environ, log, "--batch", *arguments) as process:
        assert process.wait(timeout=300) == 0, Path(log).read_text()


@contextmanager
def table_locked(table):
    """The table locked against every other connection until the block ends: a worker that
    reads it waits, in the middle of its task, for as long as the test needs."""
    import psycopg2

    holder = psycopg2.connect(**connection.get_connection_params())
    try:
        with holder.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        yield holder
    finally:
        with suppress(psycopg2.Error):  # the server may have gone from under it
            holder.close()


def waiting_for_lock(table):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = %s::regclass", [table]
        )
        return cursor.fetchone()[0] > 0


def wait_until(condition, log, *, seconds=120, what="the worker"):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not get there in {seconds} s:\n{Path(log).read_text()}")
        time.sleep(0.2)


def worker_environment(database, settings, **extra):
    return {
        **database,
        "TASKS_BACKEND": "database",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        **{name: str(value) for name, value in extra.items()},
    }


def pack_status(pack):
    pack.refresh_from_db()
    return pack.status


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_worker_rides_out_a_database_restart_and_builds_packs_queued_after_it(
    settings, tmp_path, queued_builds
):
    server = needs_postgres_server()
    log = tmp_path / "worker.log"
    interrupted = services.request_pack(meeting=meeting_with_papers())
    table = AgendaPack._meta.db_table

    with (
        database_for_a_worker_process(tmp_path) as database,
        task_worker(
            worker_environment(database, settings, TASK_RECLAIM_AFTER_SECONDS=3600), log
        ) as worker,
    ):
        # The worker is in the middle of the build, waiting for the table, when the
        # database stops; it is gone for several of the worker's polls.
        with table_locked(table):
            wait_until(lambda: waiting_for_lock(table), log, what="the build")
            connection.close()
            server.stop()
        try:
            time.sleep(4)
            assert worker.poll() is None, log.read_text()
        finally:
            server.start()
        connection.close()

        # Running again, it takes up the interrupted build at once (not after the reclaim
        # timeout, an hour here), and builds a pack asked for after the restart.
        wait_until(lambda: pack_status(interrupted) == AgendaPack.Status.READY, log)
        after = services.request_pack(meeting=meeting_with_papers("Cambridge CSP Board"))
        wait_until(lambda: pack_status(after) == AgendaPack.Status.READY, log)
        assert worker.poll() is None

    output = log.read_text()
    assert "lost the database" in output
    assert "the database went away while it ran" in output
    results = DBTaskResult.objects.order_by("enqueued_at")
    assert [result.status for result in results] == [TaskResultStatus.SUCCESSFUL] * 2
    # The interrupted build was claimed twice, by the one worker that built both packs.
    worker_id = results[1].worker_ids[0]
    assert results[0].worker_ids == [worker_id, worker_id]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_build_left_running_by_a_killed_worker_is_reclaimed_after_the_timeout(
    settings, tmp_path, queued_builds
):
    needs_postgres_server()
    log = tmp_path / "worker.log"
    meeting = meeting_with_papers()
    pack = services.request_pack(meeting=meeting)
    table = AgendaPack._meta.db_table

    with database_for_a_worker_process(tmp_path) as database:
        environ = worker_environment(database, settings, TASK_RECLAIM_AFTER_SECONDS=3600)
        with (
            table_locked(table),
            task_worker(environ, log, "--worker-id", "killed-worker") as killed,
        ):
            wait_until(lambda: waiting_for_lock(table), log, what="the build")
            os.kill(killed.pid, signal.SIGKILL)
            killed.wait()
        left = DBTaskResult.objects.get()
        assert (left.status, left.worker_ids) == (TaskResultStatus.RUNNING, ["killed-worker"])

        # Before the timeout, another worker leaves the task alone: it may still be running.
        run_task_worker(environ, log, "--worker-id", "patient-worker")
        assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING
        assert pack_status(pack) == AgendaPack.Status.BUILDING

        # After it, the next worker takes the task back and builds the pack.
        time.sleep(1.5)
        environ["TASK_RECLAIM_AFTER_SECONDS"] = "1"
        run_task_worker(environ, log, "--worker-id", "next-worker")

    result = DBTaskResult.objects.get()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.worker_ids == ["killed-worker", "next-worker"]
    assert pack_status(pack) == AgendaPack.Status.READY
    assert "queued again (attempt 2 of 3)" in log.read_text()


def abandon(task_result, *, minutes_ago, workers):
    """The row a worker leaves when it dies in the middle of a task."""
    DBTaskResult.objects.filter(pk=task_result.pk).update(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
        worker_ids=workers,
    )


@pytest.mark.django_db(transaction=True)
def test_task_left_running_past_the_timeout_is_run_by_the_next_worker(
    client, settings, tmp_path, queued_builds
):
    meeting = meeting_with_papers()
    pack = services.request_pack(meeting=meeting)
    abandon(DBTaskResult.objects.get(), minutes_ago=20, workers=["dead-worker"])

    with database_for_a_worker_process(tmp_path) as database:
        run_task_worker(
            worker_environment(database, settings, TASK_RECLAIM_AFTER_SECONDS=15 * 60),
            tmp_path / "worker.log",
        )

    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
    assert pack_status(pack) == AgendaPack.Status.READY
    assert pdf_bytes(client.get(url("pack_pdf", meeting)))


@pytest.mark.django_db(transaction=True)
def test_task_whose_workers_keep_dying_is_given_up_and_its_pack_offers_the_papers(
    client, settings, tmp_path, queued_builds
):
    settings.PACK_BUILD_TIMEOUT_MINUTES = 10
    meeting = meeting_with_papers()
    pack = services.request_pack(meeting=meeting)
    abandon(DBTaskResult.objects.get(), minutes_ago=20, workers=["one", "two", "three"])

    with database_for_a_worker_process(tmp_path) as database:
        run_task_worker(
            worker_environment(database, settings, TASK_MAX_ATTEMPTS=3),
            tmp_path / "worker.log",
        )

    given_up = DBTaskResult.objects.get()
    assert given_up.status == TaskResultStatus.FAILED
    assert given_up.exception_class_path.endswith("TaskAbandoned")
    assert "given up after 3 attempt(s)" in given_up.traceback
    assert pack_status(pack) == AgendaPack.Status.BUILDING
    age(pack, minutes=11)
    assert_offers_the_papers_one_by_one(client.get(url("pack_pdf", meeting)), meeting)
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1
