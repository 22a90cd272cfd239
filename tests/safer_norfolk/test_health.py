"""/health/ is the liveness check and reads nothing; /health/ready/ answers 503 naming the
part that is broken: the database, unapplied migrations, the media storage, or a task queue
no worker is taking."""

import datetime

import pytest
from django.db import OperationalError, connection
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safer_norfolk import health

pytestmark = pytest.mark.sqlite

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _migrations_checked_afresh(monkeypatch):
    monkeypatch.setattr(health, "_migrations_applied", False)


def ready(client):
    response = client.get(reverse("ready"))
    return response.status_code, response.json()


def failing(body):
    return {name for name, check in body["checks"].items() if not check["ok"]}


@pytest.mark.django_db
def test_liveness_reads_nothing(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("health"))

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert len(queries) == 0


@pytest.mark.django_db
def test_ready_when_every_part_answers(client, settings):
    settings.TASKS = DATABASE_TASKS

    status, body = ready(client)

    assert status == 200
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "migrations", "storage", "task_queue"}
    assert failing(body) == set()
    assert body["checks"]["migrations"]["detail"] == "all applied"
    assert body["checks"]["task_queue"]["detail"] == "0 waiting, oldest 0 s"


@pytest.mark.django_db
def test_ready_is_never_cached(client):
    response = client.get(reverse("ready"))

    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_a_database_that_does_not_answer_is_named_without_its_message(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError('connection to "db.internal" failed: password=hunter2')

    monkeypatch.setattr(connection, "cursor", refuse)

    status, body = ready(client)

    assert status == 503
    assert body["status"] == "not ready"
    assert failing(body) == {"database", "migrations", "task_queue"}
    assert body["checks"]["database"]["detail"] == "failed: OperationalError"
    assert "not checked" in body["checks"]["migrations"]["detail"]
    assert "hunter2" not in str(body)
    assert "db.internal" not in str(body)
    assert body["checks"]["storage"]["ok"] is True


@pytest.mark.django_db
def test_an_unapplied_migration_is_named(client):
    latest = MigrationRecorder.Migration.objects.filter(app="meetings").latest("id")
    latest.delete()

    status, body = ready(client)

    assert status == 503
    assert failing(body) == {"migrations"}
    assert body["checks"]["migrations"]["detail"] == "1 not applied"


@pytest.mark.django_db
def test_migrations_are_read_again_until_all_are_applied(client):
    latest = MigrationRecorder.Migration.objects.filter(app="meetings").latest("id")
    record = {"app": latest.app, "name": latest.name}
    latest.delete()
    assert ready(client)[0] == 503

    MigrationRecorder.Migration.objects.create(**record)

    assert ready(client)[0] == 200


@pytest.mark.django_db
def test_a_media_folder_that_cannot_be_written_is_named(client, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocker / "media"

    status, body = ready(client)

    assert status == 503
    assert failing(body) == {"storage"}
    assert body["checks"]["storage"]["detail"].startswith("failed: ")
    assert str(tmp_path) not in str(body)


@pytest.mark.django_db
def test_the_storage_probe_leaves_no_file(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"

    assert ready(client)[0] == 200

    assert [path for path in (tmp_path / "media").rglob("*") if path.is_file()] == []


def _queue(count, *, waited):
    from django_tasks_db.models import DBTaskResult

    from meetings.tasks import build_agenda_pack

    for _ in range(count):
        result = build_agenda_pack.enqueue(0)
        DBTaskResult.objects.filter(id=result.id).update(enqueued_at=timezone.now() - waited)


@pytest.mark.django_db
def test_a_task_waiting_too_long_is_named(client, settings):
    settings.TASKS = DATABASE_TASKS
    settings.READY_TASK_MAX_AGE_SECONDS = 600
    _queue(1, waited=datetime.timedelta(minutes=20))

    status, body = ready(client)

    assert status == 503
    assert failing(body) == {"task_queue"}
    assert body["checks"]["task_queue"]["detail"].startswith("1 waiting, oldest 12")


@pytest.mark.django_db
def test_too_many_waiting_tasks_are_named(client, settings):
    settings.TASKS = DATABASE_TASKS
    settings.READY_TASK_MAX_WAITING = 3
    _queue(4, waited=datetime.timedelta(seconds=5))

    status, body = ready(client)

    assert status == 503
    assert failing(body) == {"task_queue"}
    assert body["checks"]["task_queue"]["detail"].startswith("4 waiting")


@pytest.mark.django_db
def test_a_short_queue_of_fresh_tasks_is_ready(client, settings):
    settings.TASKS = DATABASE_TASKS
    _queue(2, waited=datetime.timedelta(seconds=5))

    status, body = ready(client)

    assert status == 200
    assert body["checks"]["task_queue"]["detail"].startswith("2 waiting")


@pytest.mark.django_db
def test_the_queue_check_can_be_left_out(client, settings):
    settings.TASKS = DATABASE_TASKS
    settings.READY_TASK_MAX_AGE_SECONDS = 0
    _queue(1, waited=datetime.timedelta(hours=5))

    status, body = ready(client)

    assert status == 200
    assert body["checks"]["task_queue"]["detail"] == "not checked"
