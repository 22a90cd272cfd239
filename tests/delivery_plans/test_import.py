import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from delivery_plans.models import Action
from delivery_plans.services import import_actions
from tests.factories import ActionFactory, OrganisationFactory, PlanFactory, SectionFactory

pytestmark = pytest.mark.django_db

HEADER = "section,number,action,success measure,owner,date,stage\n"


@pytest.fixture
def plan():
    plan = PlanFactory(period_start=datetime.date(2021, 4, 1))
    SectionFactory(plan=plan, number="1", title="Fraud")
    SectionFactory(plan=plan, number="2", title="Serious violence")
    OrganisationFactory(name="Norfolk Against Scams Partnership", short_name="NASP")
    OrganisationFactory(name="Norfolk Constabulary", short_name="")
    return plan


def csv_bytes(*lines):
    return (HEADER + "".join(line + "\n" for line in lines)).encode()


def snapshot():
    return sorted(Action.objects.values_list("number", "title", "due_text", "due_date", "stage"))


def test_good_file_creates_and_updates_actions_by_number(plan, officer):
    ActionFactory(section=plan.sections.get(number="1"), number="1.1", title="Old wording")
    content = csv_bytes(
        '1,1.1,"Run a scams awareness week","Every district reached",NASP,September 2021,in progress',
        "Fraud,1.2,Train call handlers,,NASP; Norfolk Constabulary,Year 2,",
        "2,2.1,Knife crime education,,,TBC,",
    )

    report = import_actions(plan=plan, name="plan.csv", content=content, by=officer)

    assert report.ok, [str(p) for p in report.problems]
    assert (report.created, report.updated) == (2, 1)
    first = Action.objects.get(number="1.1")
    assert (first.title, first.due_date, first.due_precision, first.stage) == (
        "Run a scams awareness week",
        datetime.date(2021, 9, 30),
        "month",
        "in_progress",
    )
    second = Action.objects.get(number="1.2")
    assert second.due_date == datetime.date(2023, 3, 31)
    assert sorted(o.name for o in second.owners.all()) == [
        "Norfolk Against Scams Partnership",
        "Norfolk Constabulary",
    ]
    assert Action.objects.get(number="2.1").due_precision == "tbc"


def test_an_unreadable_success_measure_is_kept_as_not_known(plan, officer):
    """A table extracted from a PDF marks a cell it could not read "???": the action is
    imported with its success measure not known, never "???" nor "none stated"; a later
    file with the measure readable clears the mark."""
    content = csv_bytes("2,2.14,Co-ordinate a safeguarding response,???,,Ongoing,")

    report = import_actions(plan=plan, name="plan.csv", content=content, by=officer)

    assert report.ok, [str(p) for p in report.problems]
    action = Action.objects.get(number="2.14")
    assert (action.success_measure, action.success_measure_unreadable) == ("", True)
    assert action.success_measure_shown == "Not known: it cannot be read in the source paper"

    content = csv_bytes("2,2.14,Co-ordinate a safeguarding response,Victims safeguarded,,,")
    assert import_actions(plan=plan, name="plan.csv", content=content, by=officer).ok
    action.refresh_from_db()
    assert (action.success_measure, action.success_measure_unreadable) == (
        "Victims safeguarded",
        False,
    )
    assert action.success_measure_shown == "Victims safeguarded"


def test_an_officer_is_told_to_untick_unreadable_once_the_measure_is_written(admin_client, plan):
    from tests.admin_forms import change_form_data

    action = ActionFactory(
        section=plan.sections.get(number="2"),
        number="2.14",
        success_measure="",
        success_measure_unreadable=True,
    )
    address = reverse("admin:delivery_plans_action_change", args=[action.pk])
    data = change_form_data(admin_client.get(address))
    assert data["success_measure_unreadable"] == "on"

    data["success_measure"] = "Victims safeguarded"
    response = admin_client.post(address, data)

    assert response.status_code == 200
    assert "Untick this: the success measure is written above" in response.content.decode()
    action.refresh_from_db()
    assert (action.success_measure, action.success_measure_unreadable) == ("", True)

    del data["success_measure_unreadable"]
    assert admin_client.post(address, data).status_code == 302
    action.refresh_from_db()
    assert (action.success_measure, action.success_measure_unreadable) == (
        "Victims safeguarded",
        False,
    )


def test_good_xlsx_file_imports(plan, officer):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Section", "N", "Action", "Success measure", "Owner", "Date"])
    workbook.active.append(
        ["1", "1.3", "Publish scams data", "Quarterly report", "NASP", "Q3 2022/23"]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = import_actions(plan=plan, name="plan.xlsx", content=buffer.getvalue(), by=officer)

    assert report.ok
    assert Action.objects.get(number="1.3").due_date == datetime.date(2022, 12, 31)


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ("9,1.5,Something,,,TBC,", "section", "the plan has no section “9”"),
        ("1,1.5,,,,TBC,", "action", "the action's text is missing"),
        ("1,1.5,Something,,,Whenever we can,", "date", "“Whenever we can” is not a date"),
        ("1,1.5,Something,,,TBC,sort of", "stage", "is not a stage"),
    ],
)
def test_bad_rows_are_reported_and_nothing_is_saved(plan, officer, line, column, message):
    ActionFactory(section=plan.sections.get(number="1"), number="1.1", title="Unchanged")
    before = snapshot()

    report = import_actions(
        plan=plan, name="plan.csv", content=csv_bytes("1,1.1,Changed,,,TBC,", line), by=officer
    )

    assert not report.ok
    assert [(p.row, p.column) for p in report.problems] == [(3, column)]
    assert message in report.problems[0].message
    assert snapshot() == before


def test_owners_matching_no_organisation_are_notices_and_kept_as_written(plan, officer):
    report = import_actions(
        plan=plan,
        name="plan.csv",
        content=csv_bytes('1,1.5,Something,,"NASP; Acme Ltd",TBC,'),
        by=officer,
    )

    assert report.ok
    assert [str(notice) for notice in report.notices] == [
        "Row 2, column “owner”: “Acme Ltd” matches no organisation; it is kept as written."
    ]
    assert "Owners kept as written, matching no organisation: “Acme Ltd” (row 2)." in (
        report.summary()
    )
    action = Action.objects.get(number="1.5")
    assert action.owner_note == "NASP; Acme Ltd"
    assert [owner.short_name for owner in action.owners.all()] == ["NASP"]


def test_duplicate_numbers_in_the_file_are_reported(plan, officer):
    report = import_actions(
        plan=plan,
        name="plan.csv",
        content=csv_bytes("1,1.1,One,,,TBC,", "2,1.1,Two,,,TBC,"),
        by=officer,
    )

    assert [str(p) for p in report.problems] == [
        "Row 3, column “number”: action 1.1 is also on row 2."
    ]
    assert not Action.objects.exists()


def test_missing_columns_and_dry_run(plan, officer):
    missing = import_actions(
        plan=plan, name="plan.csv", content=b"section,action\n1,x\n", by=officer
    )
    assert [str(problem) for problem in missing.problems] == [
        "Row 1, column “header”: missing column(s): number."
    ]

    dry = import_actions(
        plan=plan, name="plan.csv", content=csv_bytes("1,1.1,One,,,TBC,"), by=officer, dry_run=True
    )
    assert dry.summary() == "Would import 1 action(s): 1 new, 0 updated."
    assert not Action.objects.exists()


def test_only_plan_managers_may_import(plan, django_user_model):
    reader = django_user_model.objects.create_user(
        username="reader", password="reader-password", is_staff=True
    )

    with pytest.raises(PermissionDenied):
        import_actions(plan=plan, name="plan.csv", content=csv_bytes("1,1.1,One,,,TBC,"), by=reader)


def test_admin_import_page(admin_client, plan):
    url = reverse("admin:delivery_plans_plan_import_actions", args=[plan.pk])

    bad = admin_client.post(
        url, {"file": SimpleUploadedFile("p.csv", csv_bytes("9,1.1,One,,,TBC,"))}, follow=True
    )
    assert "the plan has no section “9”" in bad.content.decode()
    assert not Action.objects.exists()

    admin_client.post(url, {"file": SimpleUploadedFile("p.csv", csv_bytes("1,1.1,One,,,TBC,"))})
    assert Action.objects.get().title == "One"
    assert (
        "Import actions from a spreadsheet"
        in admin_client.get(
            reverse("admin:delivery_plans_plan_change", args=[plan.pk])
        ).content.decode()
    )
