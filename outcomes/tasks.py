"""Background work for outcome data: a data officer's spreadsheet of figures (django-tasks)."""

from django_tasks import task

from outcomes.services import import_observations
from safer_norfolk.import_jobs import run_import


@task()
def import_observations_file(job_id):
    """Import the figures of the uploaded file held by ImportJob `job_id`."""
    return run_import(
        job_id,
        lambda job, progress: import_observations(
            name=job.file_name,
            content=bytes(job.content),
            dry_run=job.dry_run,
            by=job.requested_by,
            progress=progress,
        ),
    )
