"""Readiness: whether this process can serve the site now, for a load balancer to route by.

Each check answers (ok, detail). A check that raises counts as failed, with the error's
class as its detail: the answer is public, so it never carries a message that could hold a
password, a host name or a path.
"""

import datetime
import logging
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count, Min
from django.utils import timezone

logger = logging.getLogger(__name__)

# Set once every migration is found applied: a process's code cannot gain migrations while
# it runs, so only the first answers after a deploy need to read the migration graph.
_migrations_applied = False


def database():
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return True, "answers"


def migrations():
    global _migrations_applied
    if _migrations_applied:
        return True, "all applied"
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if unapplied:
        return False, f"{len(unapplied)} not applied"
    _migrations_applied = True
    return True, "all applied"


def storage():
    """The media storage takes a small file and gives it up again: the folder is writable, or
    the bucket exists and accepts the credentials for both."""
    name = default_storage.save(f"health/ready-{uuid.uuid4().hex}.txt", ContentFile(b"ready\n"))
    default_storage.delete(name)
    return True, "writable"


def task_queue():
    """With the database task queue: how many tasks wait to run, and how long the oldest has
    waited. Too many, or too old, means no worker is taking them."""
    if not settings.READY_TASK_MAX_WAITING or not settings.READY_TASK_MAX_AGE_SECONDS:
        return True, "not checked"
    from django_tasks import task_backends
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(task_backends["default"], DatabaseBackend):
        return True, "tasks run in the request"

    waiting = DBTaskResult.objects.ready()
    found = waiting.aggregate(count=Count("pk"), oldest=Min("enqueued_at"))
    count, oldest = found["count"], found["oldest"]
    age = (timezone.now() - oldest) if oldest else datetime.timedelta(0)
    detail = f"{count} waiting, oldest {int(age.total_seconds())} s"
    limit_age = datetime.timedelta(seconds=settings.READY_TASK_MAX_AGE_SECONDS)
    ok = count <= settings.READY_TASK_MAX_WAITING and age <= limit_age
    return ok, detail


CHECKS = {
    "database": database,
    "migrations": migrations,
    "storage": storage,
    "task_queue": task_queue,
}


def readiness():
    """{name: {"ok": bool, "detail": str}} for every check; the later checks that need the
    database are not run when it does not answer."""
    results = {}
    for name, check in CHECKS.items():
        if name in ("migrations", "task_queue") and not results["database"]["ok"]:
            results[name] = {"ok": False, "detail": "not checked: the database does not answer"}
            continue
        try:
            ok, detail = check()
        except Exception as error:
            logger.warning("Readiness check %s failed", name, exc_info=True)
            ok, detail = False, f"failed: {type(error).__name__}"
        results[name] = {"ok": ok, "detail": detail}
    return results
