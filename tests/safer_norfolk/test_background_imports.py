"""Spreadsheet imports in the admin run as background tasks: the upload is stored, a task
imports it, and the officer follows it on a status page that needs no JavaScript.

Most tests use the immediate task backend (the import has run when the upload's redirect
comes back); those marked so queue it in the database and run `manage.py task_worker`, as
production does."""

import datetime
import importlib
import re

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from delivery_plans.models import Action
from delivery_plans.tasks import import_actions_file
from outcomes.models import Observation
from outcomes.services import import_observations
from outcomes.tasks import import_observations_file
from safer_norfolk.import_jobs import Progress
from safer_norfolk.models import ImportJob
from safer_norfolk.roles import DATA_OFFICER
from tests.factories import (
    MeasureFactory,
    OutcomeFactory,
    OutcomeFrameworkFactory,
    PlanFactory,
    SectionFactory,
)
from tests.meetings.test_pack_faults import DATABASE_BACKEND, run_task_worker, worker_environment
from tests.meetings.test_task_worker import database_for_a_worker_process

pytestmark = pytest.mark.django_db

FIGURES_HEADER = "framework,outcome,measure,area,period,value,provisional,note\n"
UPLOAD_URL = "admin:outcomes_observation_import"


@pytest.fixture
def measure():
    framework = OutcomeFrameworkFactory(slug="safer-norfolk-plan")
    return MeasureFactory(outcome=OutcomeFactory(framework=framework, number="9"), number="10")


@pytest.fixture
def data_officer(django_user_model):
    user = django_user_model.objects.create_user(
        username="data-officer", password="officer-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name=DATA_OFFICER))
    return user


@pytest.fixture
def plan():
    plan = PlanFactory(period_start=datetime.date(2021, 4, 1))
    SectionFactory(plan=plan, number="1", title="Fraud")
    return plan


def figures(*lines):
    return (FIGURES_HEADER + "".join(line + "\n" for line in lines)).encode()


def upload(client, content, *, name="figures.csv", check_only=False, url=None):
    data = {"file": SimpleUploadedFile(name, content)}
    if check_only:
        data["dry_run"] = "on"
    return client.post(url or reverse(UPLOAD_URL), data)


def status_url(job):
    return reverse("admin:outcomes_observation_import_status", args=[job.pk])


def problems_table(html):
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", html)
    return [(int(row), column, message) for row, column, message in rows]


def test_upload_is_imported_by_a_task_and_followed_on_its_status_page(
    client, data_officer, measure
):
    client.force_login(data_officer)

    response = upload(
        client,
        figures(
            "safer-norfolk-plan,9,10,Norfolk,2021/22,41,,",
            "safer-norfolk-plan,9,10,Norfolk,2022/23,38,yes,",
        ),
    )

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == status_url(job)
    page = client.get(response["Location"]).content.decode()
    assert "Imported 2 row(s): 2 new figure(s), 0 corrected figure(s) updated, 0 unchanged." in page
    assert 'http-equiv="refresh"' not in page  # finished: nothing left to wait for
    assert Observation.objects.count() == 2
    assert (job.status, job.rows_checked, job.rows_total) == ("done", 2, 2)
    assert job.requested_by == data_officer
    assert bytes(job.content) == b""  # the file is not kept once imported
    assert "figures.csv" in client.get(reverse(UPLOAD_URL)).content.decode()  # latest imports


def test_check_only_upload_reports_and_writes_nothing(client, data_officer, measure):
    client.force_login(data_officer)

    response = upload(
        client, figures("safer-norfolk-plan,9,10,Norfolk,2021/22,41,,"), check_only=True
    )

    page = client.get(response["Location"]).content.decode()
    assert "Would import 1 row(s)" in page
    assert "Untick “Check only” and upload the file again to import it." in page
    assert not Observation.objects.exists()


def test_file_with_problems_is_refused_whole_with_each_problem_by_row_and_column(
    client, data_officer, measure
):
    client.force_login(data_officer)

    response = upload(
        client,
        figures(
            "safer-norfolk-plan,9,10,Norfolk,2021/22,41,,",
            "safer-norfolk-plan,9,10,Atlantis,2022/23,five,,",
            "safer-norfolk-plan,9,10,Norfolk,2023/24,7,perhaps,",
        ),
    )

    page = client.get(response["Location"]).content.decode()
    assert "Nothing was imported: 3 problem(s) in 3 row(s)." in page
    assert problems_table(page) == [
        (3, "area", "no area named or coded “Atlantis”."),
        (3, "value", "“five” is not a number."),
        (4, "provisional", "“perhaps” is not yes or no."),
    ]
    assert not Observation.objects.exists()  # not even the good first row
    assert ImportJob.objects.get().status == ImportJob.Status.REJECTED


def test_unreadable_file_is_refused_on_the_status_page(client, data_officer, measure):
    client.force_login(data_officer)

    response = upload(client, b"not a spreadsheet", name="figures.xlsx")

    page = client.get(response["Location"]).content.decode()
    assert "Nothing was imported. The XLSX file could not be read; it may be damaged." in page
    assert not Observation.objects.exists()


def test_upload_of_the_wrong_kind_of_file_is_refused_by_the_form(client, data_officer, measure):
    client.force_login(data_officer)

    response = upload(client, b"%PDF-1.4", name="figures.pdf")

    assert response.status_code == 200
    assert "Upload a .csv or .xlsx file." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_queued_import_shows_its_progress_and_refreshes_only_when_asked(
    client, settings, data_officer, measure
):
    settings.TASKS = DATABASE_BACKEND
    client.force_login(data_officer)

    response = upload(client, figures("safer-norfolk-plan,9,10,Norfolk,2021/22,41,,"))

    job = ImportJob.objects.get()
    assert DBTaskResult.objects.get().task_path == "outcomes.tasks.import_observations_file"
    waiting = client.get(response["Location"]).content.decode()
    assert "Waiting to start" in waiting
    assert f'<a href="{status_url(job)}">Refresh this page</a>' in waiting
    assert 'http-equiv="refresh"' not in waiting
    refreshing = client.get(response["Location"] + "?auto=1").content.decode()
    assert '<meta http-equiv="refresh" content="5">' in refreshing
    assert "stop updating it" in refreshing

    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.CHECKING, rows_checked=4000, rows_total=20000
    )
    checking = client.get(response["Location"]).content.decode()
    assert "4,000 of 20,000 rows checked." in checking
    assert 'max="20000" value="4000"' in checking


def test_import_service_reports_its_progress(measure):
    told = []
    rows = [
        f"safer-norfolk-plan,9,10,Norfolk,{year}/{year % 100 + 1:02},{year},,"
        for year in range(2000, 2010)
    ]

    import_observations(
        name="figures.csv",
        content=figures(*rows),
        progress=lambda stage, done, total: told.append((stage, done, total)),
    )

    assert told[0] == ("checking", 0, 10)
    assert told[-2:] == [("checking", 10, 10), ("saving", 10, 10)]
    assert [done for stage, done, _ in told if stage == "checking"] == [*range(10), 10]


def test_progress_is_written_for_the_status_page_every_thousand_rows(data_officer):
    job = ImportJob.objects.create(
        kind=ImportJob.Kind.OBSERVATIONS, file_name="f.csv", content=b"", requested_by=data_officer
    )
    progress = Progress(job.pk)
    seen = []

    for done in (0, 1, 999, 1000, 1500, 2000, 2500):
        progress("checking", done, 2500)
        job.refresh_from_db()
        seen.append(job.rows_checked)
    progress("saving", 2500, 2500)

    assert seen == [0, 0, 0, 1000, 1000, 2000, 2500]
    job.refresh_from_db()
    assert (job.status, job.rows_checked, job.rows_total) == ("saving", 2500, 2500)


def test_import_stopped_by_a_fault_says_so_and_writes_nothing(client, settings, officer, plan):
    settings.TASKS = DATABASE_BACKEND
    client.force_login(officer)
    url = reverse("admin:delivery_plans_plan_import_actions", args=[plan.pk])
    upload(client, b"section,number,action,date\n1,1.1,One,TBC\n", url=url)
    job = ImportJob.objects.get()
    plan.delete()  # gone before the worker reaches the import

    import_actions_file.call(job.pk)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "Nothing was imported: upload the file again." in job.error
    assert not Action.objects.exists()


def test_import_whose_task_was_given_up_is_shown_stopped(client, settings, data_officer, measure):
    settings.TASKS = DATABASE_BACKEND
    client.force_login(data_officer)
    response = upload(client, figures("safer-norfolk-plan,9,10,Norfolk,2021/22,41,,"))
    # What task_worker records when the workers running a task keep dying.
    DBTaskResult.objects.update(
        status="FAILED",
        exception_class_path="safer_norfolk.management.commands.task_worker.TaskAbandoned",
    )

    page = client.get(response["Location"]).content.decode()

    assert (
        "Nothing was imported. The import was stopped by a fault in the background worker" in page
    )
    assert ImportJob.objects.get().status == ImportJob.Status.FAILED
    assert not Observation.objects.exists()


def test_finished_import_is_not_run_again(client, data_officer, measure):
    client.force_login(data_officer)
    upload(client, figures("safer-norfolk-plan,9,10,Norfolk,2021/22,41,,"))
    job = ImportJob.objects.get()
    finished_at = job.finished_at

    import_observations_file.call(job.pk)  # a second run of the task (a reclaimed one)

    job.refresh_from_db()
    assert (job.finished_at, job.summary) == (
        finished_at,
        "Imported 1 row(s): 1 new figure(s), 0 corrected figure(s) updated, 0 unchanged.",
    )
    assert Observation.objects.count() == 1


def test_officers_see_only_their_own_imports(client, django_user_model, data_officer, measure):
    client.force_login(data_officer)
    response = upload(client, figures("safer-norfolk-plan,9,10,Atlantis,2021/22,41,,"))
    colleague = django_user_model.objects.create_user(
        username="colleague", password="officer-password", is_staff=True
    )
    colleague.groups.add(Group.objects.get(name=DATA_OFFICER))
    reader = django_user_model.objects.create_user(
        username="reader", password="reader-password", is_staff=True
    )

    client.force_login(colleague)
    assert client.get(response["Location"]).status_code == 404
    assert "Atlantis" not in client.get(reverse(UPLOAD_URL)).content.decode()
    client.force_login(reader)
    assert client.get(response["Location"]).status_code == 403


def test_plan_actions_are_imported_in_the_background(client, officer, plan):
    client.force_login(officer)
    url = reverse("admin:delivery_plans_plan_import_actions", args=[plan.pk])
    header = "section,number,action,date\n"

    refused = upload(client, (header + "9,1.1,One,TBC\n1,1.2,Two,someday\n").encode(), url=url)
    imported = upload(client, (header + "1,1.1,One,TBC\n1,1.2,Two,Year 2\n").encode(), url=url)

    first, second = ImportJob.objects.order_by("pk")
    assert refused["Location"] == reverse(
        "admin:delivery_plans_plan_import_actions_status", args=[plan.pk, first.pk]
    )
    page = client.get(refused["Location"]).content.decode()
    assert problems_table(page) == [
        (2, "section", "the plan has no section “9”."),
        (
            3,
            "date",
            "“someday” is not a date such as “September 2021”, “Year 2”, “2023/24” or “TBC”.",
        ),
    ]
    assert (
        "Imported 2 action(s): 2 new, 0 updated."
        in client.get(imported["Location"]).content.decode()
    )
    assert sorted(Action.objects.values_list("number", flat=True)) == ["1.1", "1.2"]
    assert (first.target_id, second.target_id) == (plan.pk, plan.pk)
    other_plan = PlanFactory()
    elsewhere = reverse(
        "admin:delivery_plans_plan_import_actions_status", args=[other_plan.pk, second.pk]
    )
    assert client.get(elsewhere).status_code == 404


@pytest.fixture
def rows_the_data_migrations_made(transactional_db):
    """Earlier tests that commit empty the tables after them, the areas and role groups the
    data migrations made included: put them back."""
    from django.apps import apps

    from safer_norfolk.roles import sync_role_groups

    migration = importlib.import_module("outcomes.migrations.0002_areas_and_roles")
    migration.create_areas(apps, schema_editor=None)
    sync_role_groups()


@pytest.mark.django_db(transaction=True)
def test_file_of_20000_rows_is_imported_by_the_worker_not_the_request(
    rows_the_data_migrations_made, client, settings, tmp_path, data_officer, measure
):
    settings.TASKS = DATABASE_BACKEND
    client.force_login(data_officer)
    start = datetime.date(1970, 1, 1)
    days = [start + datetime.timedelta(days=n) for n in range(20_000)]
    content = (
        "framework,outcome,measure,area,period_start,period_end,value\n"
        + "".join(
            f"safer-norfolk-plan,9,10,Norfolk,{day},{day},{n}\n" for n, day in enumerate(days)
        )
    ).encode()

    response = upload(client, content)

    assert response.status_code == 302
    assert not Observation.objects.exists()  # the request only stored the file
    assert "Waiting to start" in client.get(response["Location"]).content.decode()
    with database_for_a_worker_process(tmp_path) as database:
        run_task_worker(worker_environment(database, settings), tmp_path / "worker.log")

    page = client.get(response["Location"]).content.decode()
    assert "Imported 20000 row(s): 20000 new figure(s)" in page
    assert Observation.objects.count() == 20_000
    job = ImportJob.objects.get()
    assert (job.status, job.rows_checked, job.rows_total) == ("done", 20_000, 20_000)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
