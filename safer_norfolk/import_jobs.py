"""Spreadsheet imports run in the background: the admin stores the upload as an ImportJob and
queues a task; the task runs the app's import service, recording how far it has got and then
its result, which the officer's status page shows.

The import services keep their rule: the whole file is checked first, and either imported
completely, in one transaction, or not at all with every problem listed by row and column.
A task run again (its worker died and it was reclaimed) starts afresh, and a job already
finished is never run again.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist

from safer_norfolk.models import ImportJob
from safer_norfolk.spreadsheets import ImportFileError

logger = logging.getLogger(__name__)

# Rows checked between two writes of the progress: 20 writes for a file of 20,000 rows.
PROGRESS_STEP = 1000


def start_import(*, kind, task, upload, dry_run, by, target_id=None):
    """Store an uploaded file as a job and queue `task` (the app's import task) for it. The
    job and its queued task are saved together or not at all; with the immediate task
    backend the import has run by the time this returns."""
    with transaction.atomic():
        job = ImportJob.objects.create(
            kind=kind,
            target_id=target_id,
            file_name=upload.name,
            content=upload.read(),
            dry_run=dry_run,
            requested_by=by,
        )
        job.task_id = str(task.enqueue(job.pk).id)
        job.save(update_fields=["task_id"])
    return job


def settle_lost_import(job, task):
    """A job whose task ended without finishing it (given up after its workers died, or its
    result could not be recorded), or whose task is gone from the queue, is marked stopped:
    nothing else would ever finish it. Returns the job as it now stands."""
    if job.is_finished or not job.task_id or not task.get_backend().supports_get_result:
        return job
    try:
        result = task.get_result(job.task_id)
    except TaskResultDoesNotExist:
        result = None
    if result is not None and result.status != TaskResultStatus.FAILED:
        return job
    _finish(
        job.pk,
        ImportJob.Status.FAILED,
        error="The import was stopped by a fault in the background worker, which has been "
        "logged. Nothing was imported: upload the file again.",
    )
    job.refresh_from_db()
    return job


class Progress:
    """The `progress` callable the import services report to, written to the job as the
    import goes so the status page can show it."""

    def __init__(self, job_id):
        self.job_id = job_id
        self.stage, self.written = None, 0

    def __call__(self, stage, done, total):
        if stage == self.stage and done < total and done - self.written < PROGRESS_STEP:
            return
        self.stage, self.written = stage, done
        ImportJob.objects.filter(pk=self.job_id).update(
            status=stage, rows_checked=done, rows_total=total, progressed_at=timezone.now()
        )


def run_import(job_id, run):
    """Run one job: `run(job, progress)` calls the app's import service and returns its
    report (raising ImportFileError for a file that cannot be read)."""
    job = ImportJob.objects.select_related("requested_by").filter(pk=job_id).first()
    if job is None or job.is_finished:
        return job_id  # already done by an earlier run of this task
    now = timezone.now()
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportJob.Status.READING, started_at=now, progressed_at=now
    )
    try:
        report = run(job, Progress(job_id))
    except ImportFileError as error:
        _finish(job_id, ImportJob.Status.REJECTED, error=str(error))
    except PermissionDenied as error:
        _finish(job_id, ImportJob.Status.REJECTED, error=str(error) or "Not allowed.")
    except Exception:
        # If the database itself has gone, this fails too, and the worker runs the task again
        # once it is back.
        logger.exception("Import job %s stopped", job_id)
        _finish(
            job_id,
            ImportJob.Status.FAILED,
            error="The import stopped because of a fault in the site, which has been logged. "
            "Nothing was imported: upload the file again.",
        )
    else:
        problems = [
            [problem.row, problem.column, problem.message]
            for problem in report.problems[: ImportJob.MAX_PROBLEMS]
        ]
        _finish(
            job_id,
            ImportJob.Status.DONE if report.ok else ImportJob.Status.REJECTED,
            summary=report.summary(),
            problems=problems,
            problem_count=len(report.problems),
        )
    return job_id


def _finish(job_id, status, **outcome):
    now = timezone.now()
    ImportJob.objects.filter(pk=job_id).update(
        status=status, finished_at=now, progressed_at=now, content=b"", **outcome
    )
