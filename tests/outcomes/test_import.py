import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from outcomes.models import Observation
from outcomes.services import import_observations
from safer_norfolk.spreadsheets import ImportFileError
from tests.factories import (
    MeasureFactory,
    ObservationFactory,
    OutcomeFactory,
    OutcomeFrameworkFactory,
    area,
)

pytestmark = pytest.mark.django_db

HEADER = "framework,outcome,measure,area,period,value,provisional,note\n"


@pytest.fixture
def measures():
    framework = OutcomeFrameworkFactory(slug="safer-norfolk-plan")
    outcome = OutcomeFactory(framework=framework, number="9")
    return {
        "da_crimes": MeasureFactory(
            outcome=outcome,
            number="7",
            title="Domestic abuse crimes",
            direction="neutral",
            direction_note="More reports may mean more confidence.",
        ),
        "knife": MeasureFactory(outcome=outcome, number="10", title="Knife crimes recorded"),
    }


def csv_bytes(*lines):
    return (HEADER + "".join(line + "\n" for line in lines)).encode()


def observations():
    return set(
        Observation.objects.values_list(
            "measure__number", "area__slug", "period_start", "value", "is_provisional", "note"
        )
    )


def test_good_csv_imports_every_row(measures):
    content = csv_bytes(
        "safer-norfolk-plan,9,7,Norfolk,2019/20,11498,no,",
        'safer-norfolk-plan,9,7,Norfolk,2020/21,"13,764",yes,Police recorded',
        "safer-norfolk-plan,9,10,E07000148,Q1 2022/23,41,,",
    )

    report = import_observations(name="figures.csv", content=content)

    assert report.ok
    assert (report.rows, report.created, report.updated, report.unchanged) == (3, 3, 0, 0)
    assert observations() == {
        ("7", "norfolk", datetime.date(2019, 4, 1), Decimal("11498.000"), False, ""),
        ("7", "norfolk", datetime.date(2020, 4, 1), Decimal("13764.000"), True, "Police recorded"),
        ("10", "norwich", datetime.date(2022, 4, 1), Decimal("41.000"), False, ""),
    }
    assert "Imported 3 row(s): 3 new figure(s)" in report.summary()


def test_good_xlsx_with_dates_imports(measures):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "Framework",
            "Outcome",
            "Measure",
            "Area",
            "Period start",
            "Period end",
            "Value",
            "Provisional",
            "Note",
        ]
    )
    sheet.append(
        [
            "safer-norfolk-plan",
            9,
            10,
            "Great Yarmouth",
            datetime.datetime(2022, 4, 1),
            datetime.datetime(2022, 6, 30),
            12.5,
            "Y",
            None,
        ]
    )
    sheet.append(
        [
            "safer-norfolk-plan",
            9,
            10,
            "great yarmouth",
            "01/07/2022",
            "30/09/2022",
            "14",
            "",
            "Revised",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = import_observations(name="figures.xlsx", content=buffer.getvalue())

    assert report.ok, [str(problem) for problem in report.problems]
    assert observations() == {
        ("10", "great-yarmouth", datetime.date(2022, 4, 1), Decimal("12.500"), True, ""),
        ("10", "great-yarmouth", datetime.date(2022, 7, 1), Decimal("14.000"), False, "Revised"),
    }


def test_reimporting_a_corrected_figure_updates_it_and_says_so(measures):
    corrected = ObservationFactory(
        measure=measures["knife"],
        area=area("norfolk"),
        period_start=datetime.date(2021, 4, 1),
        period_end=datetime.date(2022, 3, 31),
        value=500,
    )
    unchanged = ObservationFactory(
        measure=measures["knife"],
        area=area("norfolk"),
        period_start=datetime.date(2020, 4, 1),
        period_end=datetime.date(2021, 3, 31),
        value=480,
    )
    content = csv_bytes(
        "safer-norfolk-plan,9,10,Norfolk,2021/22,512,,Corrected",
        "safer-norfolk-plan,9,10,Norfolk,2020/21,480,,",
    )

    long_ago = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    Observation.objects.update(created=long_ago, modified=long_ago)

    report = import_observations(name="fix.csv", content=content)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert "1 corrected figure(s) updated" in report.summary()
    assert Observation.objects.get(period_start=datetime.date(2021, 4, 1)).value == Decimal(512)
    assert Observation.objects.count() == 2
    # The correction is a change a copy kept elsewhere must take (the API's modified_since).
    corrected.refresh_from_db()
    unchanged.refresh_from_db()
    assert corrected.modified > long_ago
    assert corrected.created == long_ago
    assert unchanged.modified == long_ago


def test_dry_run_reports_but_writes_nothing(measures):
    report = import_observations(
        name="f.csv", content=csv_bytes("safer-norfolk-plan,9,10,Norfolk,2021/22,5,,"), dry_run=True
    )

    assert report.created == 1
    assert report.summary().startswith("Would import 1 row(s)")
    assert not Observation.objects.exists()


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        (
            "no-such-plan,9,10,Norfolk,2021/22,5,,",
            "framework",
            "no outcome framework with slug “no-such-plan”",
        ),
        ("safer-norfolk-plan,9,99,Norfolk,2021/22,5,,", "measure", "no measure 99 under outcome 9"),
        (
            "safer-norfolk-plan,9,10,Atlantis,2021/22,5,,",
            "area",
            "no area named or coded “Atlantis”",
        ),
        ("safer-norfolk-plan,9,10,Norfolk,Q7 2021/22,5,,", "period", "not a period"),
        (
            "safer-norfolk-plan,9,10,Norfolk,2021/22,about ten,,",
            "value",
            "“about ten” is not a number",
        ),
        ("safer-norfolk-plan,9,10,Norfolk,2021/22,5,perhaps,", "provisional", "not yes or no"),
    ],
)
def test_each_bad_row_is_reported_with_row_and_column_and_nothing_is_written(
    measures, line, column, message
):
    ObservationFactory(measure=measures["knife"], value=7)
    before = observations()
    content = csv_bytes("safer-norfolk-plan,9,7,Norfolk,2019/20,11498,,", line)

    report = import_observations(name="bad.csv", content=content)

    assert not report.ok
    assert len(report.problems) == 1
    problem = report.problems[0]
    assert (problem.row, problem.column) == (3, column)
    assert message in problem.message
    assert observations() == before
    assert report.summary() == "Nothing was imported: 1 problem(s) in 2 row(s)."


def test_duplicate_rows_in_the_file_are_reported(measures):
    content = csv_bytes(
        "safer-norfolk-plan,9,10,Norfolk,2021/22,5,,", "safer-norfolk-plan,9,10,norfolk,2021/22,6,,"
    )

    report = import_observations(name="dup.csv", content=content)

    assert [str(problem) for problem in report.problems] == [
        "Row 3, column “period”: the same measure, area and period as row 2."
    ]
    assert not Observation.objects.exists()


def test_every_problem_in_a_file_is_listed(measures):
    content = csv_bytes(
        "x,9,10,Norfolk,2021/22,5,,", "safer-norfolk-plan,9,10,Nowhere,2021/22,five,,"
    )

    report = import_observations(name="bad.csv", content=content)

    assert [(p.row, p.column) for p in report.problems] == [
        (2, "framework"),
        (3, "area"),
        (3, "value"),
    ]


def test_missing_columns_and_wrong_files_are_refused(measures):
    report = import_observations(name="f.csv", content=b"framework,outcome,value\nx,1,2\n")
    assert report.problems[0].column == "header"
    assert "measure" in report.problems[0].message

    with pytest.raises(ImportFileError, match=r"Upload a \.csv or \.xlsx file"):
        import_observations(name="f.docx", content=b"PK")
    with pytest.raises(ImportFileError, match="could not be read"):
        import_observations(name="f.xlsx", content=b"not a spreadsheet")
    with pytest.raises(ImportFileError, match="not UTF-8"):
        import_observations(name="f.csv", content="área".encode("latin-1") + b"\n")
    assert not Observation.objects.exists()


def test_management_command_imports_and_dry_runs(measures, tmp_path, capsys):
    path = tmp_path / "figures.csv"
    path.write_bytes(csv_bytes("safer-norfolk-plan,9,10,Norfolk,2021/22,5,,"))

    call_command("import_observations", str(path), "--dry-run")
    assert not Observation.objects.exists()
    call_command("import_observations", str(path))

    assert Observation.objects.count() == 1
    assert "Imported 1 row(s)" in capsys.readouterr().out


def test_management_command_lists_problems_and_fails(measures, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes("safer-norfolk-plan,9,10,Atlantis,2021/22,5,,"))

    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_observations", str(path))

    assert "Row 2, column “area”" in capsys.readouterr().err
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_observations", str(tmp_path / "missing.csv"))


def test_admin_import_checks_then_imports(admin_client, measures):
    url = reverse("admin:outcomes_observation_import")
    content = csv_bytes("safer-norfolk-plan,9,10,Norfolk,2021/22,5,,")

    checked = admin_client.post(
        url, {"file": SimpleUploadedFile("f.csv", content), "dry_run": "on"}, follow=True
    )
    assert "Would import 1 row(s)" in checked.content.decode()
    assert not Observation.objects.exists()

    admin_client.post(url, {"file": SimpleUploadedFile("f.csv", content)})
    assert Observation.objects.count() == 1


def test_admin_import_shows_every_problem(admin_client, measures):
    content = csv_bytes("safer-norfolk-plan,9,10,Atlantis,2021/22,five,,")

    page = admin_client.post(
        reverse("admin:outcomes_observation_import"),
        {"file": SimpleUploadedFile("f.csv", content)},
        follow=True,
    )

    html = page.content.decode()
    assert "Nothing was imported: 2 problem(s)" in html
    assert "no area named or coded “Atlantis”" in html
    assert "“five” is not a number" in html


def test_admin_import_refuses_other_files_with_a_form_error(admin_client, measures):
    page = admin_client.post(
        reverse("admin:outcomes_observation_import"),
        {"file": SimpleUploadedFile("f.pdf", b"%PDF-")},
    )

    assert page.status_code == 200
    assert "Upload a .csv or .xlsx file." in page.content.decode()
