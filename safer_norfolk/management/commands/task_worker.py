"""The background worker production runs: django-tasks-db's `db_worker`, made to outlast the
database and the death of other workers.

- When the database goes away (a restart, a fail-over, a network fault) the worker does not
  exit: it closes its connection, waits (1 s, doubling to 30 s) and tries again until the
  database answers, then carries on with the queue. A task it was running when the
  connection broke is put back in the queue.
- A task left RUNNING by a worker that died (killed, out of memory, its machine lost) is put
  back in the queue once it has been running for TASK_RECLAIM_AFTER_SECONDS, and is given up
  (marked failed) after TASK_MAX_ATTEMPTS tries, so a task that kills its worker cannot do so
  for ever.

Every option of `db_worker` works the same here (`--batch`, `--max-tasks`, `--queue-name`...).
"""

import logging
import os
import random
import time
from contextlib import suppress
from datetime import timedelta

from django.conf import settings
from django.core.management.base import CommandError
from django.db import close_old_connections, connections
from django.db.utils import InterfaceError, OperationalError
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

logger = logging.getLogger("safer_norfolk.tasks")

# The errors of a database that cannot be reached, or of a connection it dropped.
DATABASE_LOST = (OperationalError, InterfaceError)
FIRST_WAIT, LONGEST_WAIT = 1, 30  # seconds between attempts to reach the database again
# How often each worker looks for abandoned tasks (more often only when the timeout is shorter).
RECLAIM_CHECK_EVERY = timedelta(seconds=30)


class TaskAbandoned(Exception):
    """Recorded as the error of a task given up after its workers died TASK_MAX_ATTEMPTS times."""


class Worker(db_worker.Worker):
    def __init__(self, **options):
        super().__init__(**options)
        self.reclaim_after = timedelta(seconds=settings.TASK_RECLAIM_AFTER_SECONDS)
        self.max_attempts = settings.TASK_MAX_ATTEMPTS
        self.next_reclaim_check = None
        self.database_was_lost = False

    def run(self):
        logger.info(
            "Starting worker %s (queues %s; tasks left running for %s are reclaimed)",
            self.worker_id,
            ",".join(self.queue_names),
            self.reclaim_after,
        )
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # noqa: S311 -- spreads workers' start, not a secret
        wait = FIRST_WAIT
        while self.running:
            try:
                claimed, task_result = self.claim_next_task()
                if task_result is not None:
                    self.run_task(task_result)
                close_old_connections()
            except DATABASE_LOST as error:
                self.wait_for_database(error, wait)
                wait = min(wait * 2, LONGEST_WAIT)
                continue
            wait = FIRST_WAIT
            if self.batch and claimed and task_result is None:
                logger.info("No more tasks for worker %s: exiting.", self.worker_id)
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                logger.info("Worker %s ran %d task(s): exiting.", self.worker_id, self._run_tasks)
                return
            if self.running and task_result is None:
                time.sleep(self.interval)

    def claim_next_task(self):
        """(whether the queue could be read, the task claimed or None), as `db_worker` does,
        after putting back any task abandoned by a dead worker."""
        close_old_connections()
        if self.database_was_lost:
            self.requeue_own_tasks()
            self.database_was_lost = False
        self.reclaim_abandoned_tasks()
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            try:
                task_result = tasks.get_locked()
            except OperationalError as error:
                if is_locked_database_exception(error):  # SQLite busy: try again shortly
                    return False, None
                raise
            if task_result is not None:
                task_result.claim(self.worker_id)
        return True, task_result

    def wait_for_database(self, error, seconds):
        logger.warning(
            "Worker %s lost the database (%s); trying again in %d s.",
            self.worker_id,
            str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__,
            seconds,
        )
        for connection in connections.all(initialized_only=True):
            with suppress(*DATABASE_LOST):  # already broken: Django drops it all the same
                connection.close()
        self.database_was_lost = True
        time.sleep(seconds)

    def requeue_own_tasks(self):
        """Put back in the queue a task this worker was running when the database went away:
        its result could not be recorded, and this worker runs one task at a time."""
        for task_result in DBTaskResult.objects.running().filter(backend_name=self.backend_name):
            if task_result.worker_ids and task_result.worker_ids[-1] == self.worker_id:
                self.put_back(task_result, reason="the database went away while it ran")

    def reclaim_abandoned_tasks(self):
        now = timezone.now()
        if self.next_reclaim_check is not None and now < self.next_reclaim_check:
            return
        self.next_reclaim_check = now + min(RECLAIM_CHECK_EVERY, self.reclaim_after)
        abandoned = DBTaskResult.objects.running().filter(
            backend_name=self.backend_name, started_at__lt=now - self.reclaim_after
        )
        for task_result in abandoned:
            self.put_back(
                task_result, reason=f"its worker has not finished it in {self.reclaim_after}"
            )

    def put_back(self, task_result, *, reason):
        """Queue the task again (or give it up after TASK_MAX_ATTEMPTS tries). Only a task
        still as it was read is changed, so two workers never both take it back."""
        still_abandoned = DBTaskResult.objects.filter(
            pk=task_result.pk,
            status=TaskResultStatus.RUNNING,
            started_at=task_result.started_at,
        )
        attempts = len(task_result.worker_ids)
        if attempts >= self.max_attempts:
            if still_abandoned.update(
                status=TaskResultStatus.FAILED,
                finished_at=timezone.now(),
                exception_class_path=f"{TaskAbandoned.__module__}.{TaskAbandoned.__qualname__}",
                traceback=f"TaskAbandoned: given up after {attempts} attempt(s); {reason}.\n",
            ):
                logger.error(
                    "Task %s (%s) given up after %d attempt(s): %s.",
                    task_result.pk,
                    task_result.task_path,
                    attempts,
                    reason,
                )
            return
        if still_abandoned.update(status=TaskResultStatus.READY):
            logger.warning(
                "Task %s (%s) queued again (attempt %d of %d): %s.",
                task_result.pk,
                task_result.task_path,
                attempts + 1,
                self.max_attempts,
                reason,
            )


class Command(db_worker.Command):
    help = (
        "Run background tasks from the database queue, riding out database restarts and "
        "taking back tasks abandoned by workers that died."
    )

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        reload,
        max_tasks,
        worker_id,
        exclude_queues,
        **options,
    ):
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded_queue_names,
        )
        if reload and not batch:
            # Development only (DEBUG): restart on code changes; the child handles signals.
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
