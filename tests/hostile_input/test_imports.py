"""Spreadsheet imports (suite 3): unreadable files and files with any bad row are refused
whole, through the service and the admin page."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from delivery_plans.models import Action
from outcomes.models import Observation
from tests.factories import (
    ActionFactory,
    MeasureFactory,
    ObservationFactory,
    OutcomeFactory,
    OutcomeFrameworkFactory,
    PlanFactory,
    SectionFactory,
)
from tests.hostile_input.audit import PageAudit
from tests.hostile_input.files import word_document

pytestmark = pytest.mark.django_db


# --- 3. Spreadsheet imports --------------------------------------------------------------------


def xlsx_bytes(rows):
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_replaced_sheet(content, replace):
    """The XLSX `content` with its first worksheet's XML passed through `replace`."""
    source, output = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename == "xl/worksheets/sheet1.xml":
                data = replace(data)
            archive.writestr(entry, data)
    return output.getvalue()


def zip_of_junk():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("junk.bin", bytes(range(256)) * 4)
    return buffer.getvalue()


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


class Importer:
    """One of the two imports, with a good file and the means to count what it wrote."""

    def __init__(self, kind, header, good_rows, bad_rows):
        self.kind, self.header, self.good_rows, self.bad_rows = kind, header, good_rows, bad_rows

    def csv(self, *rows):
        return ("\n".join([self.header, *rows]) + "\n").encode()


OBSERVATIONS = Importer(
    "observations",
    "framework,outcome,measure,area,period,value,provisional,note",
    [
        "safer-norfolk-plan,9,10,Norfolk,2020/21,480,,",
        "safer-norfolk-plan,9,10,Norwich,2021/22,51,,",
    ],
    {
        "one-bad-row-among-good": (
            "safer-norfolk-plan,9,10,Norfolk,2021/22,five,,",
            "“five” is not a number",
        ),
        "year-zero-period": ("safer-norfolk-plan,9,10,Norfolk,0000,5,,", "period"),
        "year-ten-thousand-period": ("safer-norfolk-plan,9,10,Norfolk,9999/00,5,,", "period"),
        "overlong-note": (
            "safer-norfolk-plan,9,10,Norfolk,2021/22,5,," + "n" * 501,
            "at most 500 characters",
        ),
    },
)
ACTIONS = Importer(
    "actions",
    "section,number,action,success measure,owner,date,stage,external ref",
    ["1,1.1,Run a scams awareness week,,,TBC,,", "1,1.2,Train call handlers,,,Year 2,,"],
    {
        "one-bad-row-among-good": ("9,1.3,Unknown section,,,TBC,,", "the plan has no section “9”"),
        "year-zero-date": ("1,1.3,Year nought,,,December 0000,,", "date"),
        "year-ten-thousand-date": ("1,1.3,Far future,,,9999/00,,", "date"),
        "overlong-number": ("1," + "9" * 30 + ",Long number,,,TBC,,", "number"),
        "overlong-external-ref": ("1,1.3,Long reference,,,TBC,," + "r" * 150, "external"),
    },
)
IMPORTERS = {"observations": OBSERVATIONS, "actions": ACTIONS}

# (file name, content maker, message): files the import cannot read at all.
UNREADABLE = {
    "binary-named-csv": ("figures.csv", lambda importer: PNG, "not UTF-8"),
    "xlsx-named-csv": (
        "figures.csv",
        lambda importer: xlsx_bytes([importer.header.split(",")]),
        "not UTF-8",
    ),
    "nul-bytes-in-csv": (
        "figures.csv",
        lambda importer: importer.csv(*importer.good_rows).replace(b",,", b",\x00,", 1),
        "binary data (NUL characters)",
    ),
    "utf-16-csv": (
        "figures.csv",
        lambda importer: importer.csv(*importer.good_rows).decode().encode("utf-16"),
        "not UTF-8",
    ),
    "latin-1-csv": (
        "figures.csv",
        lambda importer: (
            importer.csv(*importer.good_rows).decode().replace(",,", ",Café,", 1).encode("latin-1")
        ),
        "not UTF-8",
    ),
    "cell-too-long-for-csv": (
        "figures.csv",
        lambda importer: importer.csv(importer.good_rows[0] + "x" * 200_000),
        "could not be read",
    ),
    "empty-csv": ("figures.csv", lambda importer: b"", "file is empty"),
    "xlsx-that-is-a-zip-of-junk": (
        "figures.xlsx",
        lambda importer: zip_of_junk(),
        "could not be read",
    ),
    "xlsx-that-is-not-a-zip": (
        "figures.xlsx",
        lambda importer: b"not a spreadsheet",
        "could not be read",
    ),
    "xlsx-with-a-damaged-sheet": (
        "figures.xlsx",
        lambda importer: with_replaced_sheet(
            xlsx_bytes([importer.header.split(","), ["1", 2]]), lambda xml: xml[:-40]
        ),
        "could not be read",
    ),
    "xlsx-with-a-bad-number-cell": (
        "figures.xlsx",
        lambda importer: with_replaced_sheet(
            xlsx_bytes([importer.header.split(","), ["1", 2]]),
            lambda xml: xml.replace(b"<v>2</v>", b"<v>two</v>"),
        ),
        "could not be read",
    ),
    "word-document-named-xlsx": (
        "figures.xlsx",
        lambda importer: word_document(),
        "could not be read",
    ),
}
ROW_PROBLEMS = {
    "missing-header-columns": lambda importer: (
        b"framework,value\nsafer-norfolk-plan,5\n"
        if importer is OBSERVATIONS
        else b"section,action\n1,x\n",
        "missing column(s)",
    ),
}


@pytest.fixture
def import_targets(officer):
    """What both imports write into, with a figure and an action already held."""
    framework = OutcomeFrameworkFactory(slug="safer-norfolk-plan")
    measure = MeasureFactory(outcome=OutcomeFactory(framework=framework, number="9"), number="10")
    ObservationFactory(measure=measure, value=500)
    plan = PlanFactory(slug="import-plan")
    section = SectionFactory(plan=plan, number="1", title="Fraud")
    ActionFactory(section=section, number="1.1", title="Unchanged")
    officer.is_superuser = True
    officer.save()
    return {"plan": plan, "user": officer}


def held(kind):
    if kind == "observations":
        return sorted(
            Observation.objects.values_list("measure_id", "area_id", "period_start", "value")
        )
    return sorted(Action.objects.values_list("number", "title", "due_text"))


def run_import(kind, targets, name, content):
    """The service's answer as text: the file error, or the report with every problem."""
    from delivery_plans.services import import_actions
    from outcomes.services import import_observations
    from safer_norfolk.spreadsheets import ImportFileError

    try:
        if kind == "observations":
            report = import_observations(name=name, content=content, by=targets["user"])
        else:
            report = import_actions(
                plan=targets["plan"], name=name, content=content, by=targets["user"]
            )
    except ImportFileError as error:
        return str(error)
    except Exception as error:
        pytest.fail(f"The {kind} import crashed with {type(error).__name__}: {error}")
    assert not report.ok, f"The {kind} import accepted the file: {report.summary()}"
    return " ".join([report.summary(), *(str(problem) for problem in report.problems)])


def admin_import(browser, kind, targets, name, content):
    browser.force_login(targets["user"])
    url = (
        reverse("admin:outcomes_observation_import")
        if kind == "observations"
        else reverse("admin:delivery_plans_plan_import_actions", args=[targets["plan"].pk])
    )
    response = browser.post(url, {"file": SimpleUploadedFile(name, content)}, follow=True)
    assert response.status_code == 200, f"The {kind} import page answered {response.status_code}"
    return PageAudit(response.content.decode()).text


REFUSALS = {
    f"{kind}-{case}": (kind, case)
    for kind in IMPORTERS
    for case in [*UNREADABLE, *ROW_PROBLEMS, *IMPORTERS[kind].bad_rows]
}


def refused_file(kind, case):
    importer = IMPORTERS[kind]
    if case in UNREADABLE:
        name, content, message = UNREADABLE[case]
        return name, content(importer), message
    if case in ROW_PROBLEMS:
        content, message = ROW_PROBLEMS[case](importer)
        return "figures.csv", content, message
    row, message = importer.bad_rows[case]
    # The bad row sits between good rows: none of them may be written.
    return "figures.csv", importer.csv(importer.good_rows[0], row, importer.good_rows[1]), message


@pytest.mark.parametrize(("kind", "case"), REFUSALS.values(), ids=REFUSALS.keys())
def test_the_import_service_refuses_the_whole_file_with_a_clear_message(import_targets, kind, case):
    name, content, message = refused_file(kind, case)
    before = held(kind)

    answer = run_import(kind, import_targets, name, content)

    assert message in answer
    assert held(kind) == before, f"The {kind} import wrote part of a refused file"


@pytest.mark.parametrize(("kind", "case"), REFUSALS.values(), ids=REFUSALS.keys())
def test_the_admin_import_page_refuses_the_whole_file_with_a_clear_message(
    browser, import_targets, kind, case
):
    name, content, message = refused_file(kind, case)
    before = held(kind)

    page = admin_import(browser, kind, import_targets, name, content)

    assert message in page
    assert held(kind) == before, f"The {kind} import wrote part of a refused file"


def test_the_good_rows_alone_import(import_targets):
    """The control for the refusals above: the same good rows, without the bad one, import."""
    from delivery_plans.services import import_actions
    from outcomes.services import import_observations

    figures = import_observations(
        name="f.csv", content=OBSERVATIONS.csv(*OBSERVATIONS.good_rows), by=import_targets["user"]
    )
    actions = import_actions(
        plan=import_targets["plan"],
        name="a.csv",
        content=ACTIONS.csv(*ACTIONS.good_rows),
        by=import_targets["user"],
    )

    assert (figures.ok, figures.created) == (True, 2)
    assert (actions.ok, actions.created, actions.updated) == (True, 1, 1)


def test_an_action_number_that_cannot_be_part_of_an_address_does_not_break_the_plan_pages(
    browser, import_targets
):
    """ "1/2" is accepted by the import (and the admin), but the action's address cannot hold
    a slash: every page that links to the action must still work."""
    from delivery_plans.services import import_actions

    plan = import_targets["plan"]
    import_actions(
        plan=plan,
        name="a.csv",
        content=ACTIONS.csv("1,1/2,Split action,,,TBC,,"),
        by=import_targets["user"],
    )

    for url in [
        plan.get_absolute_url(),
        reverse("delivery_plans:distance", args=[plan.slug]),
        reverse("meetings:outstanding"),
    ]:
        status = browser.get(url).status_code
        assert status == 200, f"{url} answered {status} once an action is numbered “1/2”"
