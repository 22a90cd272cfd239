"""Background work for delivery plans: a plan's actions imported from a spreadsheet
(django-tasks)."""

from django_tasks import task

from delivery_plans.models import Plan
from delivery_plans.services import import_actions
from safer_norfolk.import_jobs import run_import


@task()
def import_actions_file(job_id):
    """Import the actions in the uploaded file held by ImportJob `job_id` into its plan."""
    return run_import(
        job_id,
        lambda job, progress: import_actions(
            plan=Plan.objects.get(pk=job.target_id),
            name=job.file_name,
            content=bytes(job.content),
            dry_run=job.dry_run,
            by=job.requested_by,
            progress=progress,
        ),
    )
