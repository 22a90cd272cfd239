"""The plan import with tables as real plans write them: the Norfolk safe accommodation
delivery plan (seed 001: no sections, long questions as headings, columns of its own), the
Safer Norfolk delivery plan (seed 002: sections 1–3, N / Action / Success measure / Owner /
Date / Update) and a London borough VAWG plan (No. / Objective / Action / Lead / Target date
/ Progress / RAG, with Excel date cells and recurring dates)."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from delivery_plans import queries
from delivery_plans.filters import ActionFilter
from delivery_plans.models import Action, Plan
from delivery_plans.pdf import report_context
from delivery_plans.services import _name_key, import_actions, split_owners
from tests.factories import ActionFactory, OrganisationFactory, PlanFactory, SectionFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def workbook_bytes(*rows):
    """An XLSX file whose first sheet holds `rows` as cells (dates as real date cells)."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def held():
    return sorted(
        Action.objects.values_list(
            "number", "title", "due_text", "due_precision", "owner_note", "stage", "extra"
        )
    )


# --- seed 001: a plan without sections, with columns of its own ------------------------------

SEED_001_HEADER = (
    "No.",
    "Action",
    "How will we do it?",
    "How will we monitor improvement (indicators of improvement)?",
    "How much will it cost (New Burdens funding or otherwise)?",
    "When are we planning to do it?",
    "Update Year 2",
    "Year 3 (2024-2025) proposed actions",
)
SEED_001_ROWS = [
    (
        1,
        "Continue to support the provision of support in refuge accommodation and safe "
        "accommodation in Norfolk.",
        "Extend existing contracts to align with priorities identified in this strategy.",
        "Existing and improved KPIs.",
        "£1.3 million",
        "Ongoing",
        "We now have 4 accredited DA providers on our newly formed DA framework.",
        "Extend the contracts due to end 31 March 2024 to 31 March 2025.",
    ),
    (
        6,
        "Raise awareness of domestic abuse and where relevant, sexual violence.",
        "Support the OPCCN as part of their DASVG strategy.",
        "Our community is aware of DA, its impact and where to seek help.",
        "£25,000",
        "Years 1-3",
        "The NDAPB brings together key stakeholders.",
        None,
    ),
    (
        7,
        "Develop a victim-survivor engagement framework.",
        "Shape and improve services through sustained engagement.",
        "",
        None,
        D(2024, 3, 31),
        None,
        "Embed the framework across providers.",
    ),
]


@pytest.fixture
def accommodation_plan():
    return PlanFactory(
        title="Norfolk Support in Safe Accommodation delivery plan",
        slug="safe-accommodation",
        period_start=D(2021, 4, 1),
    )


def test_seed_001_shaped_workbook_imports_into_a_plan_without_sections(accommodation_plan, officer):
    content = workbook_bytes(SEED_001_HEADER, *SEED_001_ROWS)

    report = import_actions(
        plan=accommodation_plan, name="delivery-plan.xlsx", content=content, by=officer
    )

    assert report.ok, [str(problem) for problem in report.problems]
    assert (report.created, report.updated) == (3, 0)
    accommodation_plan.refresh_from_db()
    assert accommodation_plan.extra_fields == [
        "Update Year 2",
        "Year 3 (2024-2025) proposed actions",
    ]
    first = Action.objects.get(plan=accommodation_plan, number="1")
    assert first.section is None
    assert first.title.startswith("Continue to support the provision of support in refuge")
    assert first.method == (
        "Extend existing contracts to align with priorities identified in this strategy."
    )
    assert first.indicators == "Existing and improved KPIs."
    assert (first.cost_text, first.cost_amount) == ("£1.3 million", None)
    assert (first.due_text, first.due_date, first.due_precision) == ("Ongoing", None, "ongoing")
    assert first.extra == {
        "Update Year 2": "We now have 4 accredited DA providers on our newly formed DA framework.",
        "Year 3 (2024-2025) proposed actions": (
            "Extend the contracts due to end 31 March 2024 to 31 March 2025."
        ),
    }
    sixth = Action.objects.get(plan=accommodation_plan, number="6")
    assert (sixth.due_text, sixth.due_date, sixth.due_precision) == (
        "Years 1-3",
        D(2024, 3, 31),
        "year",
    )
    assert sixth.cost_amount == 25000
    # A blank cell is no field at all.
    assert sixth.extra == {"Update Year 2": "The NDAPB brings together key stakeholders."}
    seventh = Action.objects.get(plan=accommodation_plan, number="7")
    assert (seventh.due_text, seventh.due_date, seventh.due_precision) == (
        "31 March 2024",
        D(2024, 3, 31),
        "day",
    )
    assert seventh.extra == {
        "Year 3 (2024-2025) proposed actions": "Embed the framework across providers."
    }


def test_a_plan_without_sections_shows_its_actions_in_number_order_under_no_heading(
    accommodation_plan, officer, client
):
    import_actions(
        plan=accommodation_plan,
        name="delivery-plan.xlsx",
        content=workbook_bytes(SEED_001_HEADER, *reversed(SEED_001_ROWS)),
        by=officer,
    )

    plan_page = client.get(accommodation_plan.get_absolute_url()).content.decode()
    assert "By section" not in plan_page
    assert plan_page.index(">1</a>") < plan_page.index(">6</a>") < plan_page.index(">7</a>")
    distance_page = client.get(
        reverse("delivery_plans:distance", args=[accommodation_plan.slug])
    ).content.decode()
    assert 'aria-label="Actions"' in distance_page
    groups = report_context(accommodation_plan)["groups"]
    assert [(section, [a.number for a in actions]) for section, actions in groups] == [
        (None, ["1", "6", "7"])
    ]
    assert client.get(
        reverse("delivery_plans:report_pdf", args=[accommodation_plan.slug])
    ).content.startswith(b"%PDF")
    csv_rows = (
        client.get(reverse("delivery_plans:actions_csv", args=[accommodation_plan.slug]))
        .content.decode()
        .splitlines()
    )
    assert csv_rows[1].startswith("1,,Continue to support")


def test_extra_fields_show_on_the_action_page_in_the_files_order_and_in_the_api(
    accommodation_plan, officer, client
):
    import_actions(
        plan=accommodation_plan,
        name="delivery-plan.xlsx",
        content=workbook_bytes(SEED_001_HEADER, *SEED_001_ROWS),
        by=officer,
    )
    first = Action.objects.get(plan=accommodation_plan, number="1")

    page = client.get(first.get_absolute_url()).content.decode()

    assert "More from the plan" in page
    assert page.index("Update Year 2") < page.index("Year 3 (2024-2025) proposed actions")
    assert "We now have 4 accredited DA providers" in page
    action_data = client.get(f"/api/v1/plan-actions/{first.pk}/").json()
    assert action_data["section"] is None
    assert action_data["extra"] == first.extra
    plan_data = client.get(f"/api/v1/plans/{accommodation_plan.pk}/").json()
    assert plan_data["extra_fields"] == [
        "Update Year 2",
        "Year 3 (2024-2025) proposed actions",
    ]


def test_a_second_import_keeps_the_plans_field_order_and_drops_blanked_fields(
    accommodation_plan, officer
):
    import_actions(
        plan=accommodation_plan,
        name="delivery-plan.xlsx",
        content=workbook_bytes(SEED_001_HEADER, *SEED_001_ROWS),
        by=officer,
    )

    report = import_actions(
        plan=accommodation_plan,
        name="update.xlsx",
        content=workbook_bytes(
            ("No.", "Action", "Update Year 3", "Update Year 2"),
            (1, "Continue to support refuge accommodation.", "Contracts extended.", None),
        ),
        by=officer,
    )

    assert report.ok, [str(problem) for problem in report.problems]
    accommodation_plan.refresh_from_db()
    assert accommodation_plan.extra_fields == [
        "Update Year 2",
        "Year 3 (2024-2025) proposed actions",
        "Update Year 3",
    ]
    first = Action.objects.get(plan=accommodation_plan, number="1")
    # Columns the second file lacks are left as they were; a blank cell removes its field.
    assert first.method.startswith("Extend existing contracts")
    assert first.due_text == "Ongoing"
    assert first.extra == {
        "Year 3 (2024-2025) proposed actions": (
            "Extend the contracts due to end 31 March 2024 to 31 March 2025."
        ),
        "Update Year 3": "Contracts extended.",
    }


# --- seed 002: sections 1–3 and owners as partnerships write them ----------------------------

SEED_002_HEADER = ("Section", "N", "Action", "Success measure", "Owner", "Date", "Update")


@pytest.fixture
def safer_norfolk_plan():
    plan = PlanFactory(title="Safer Norfolk Plan delivery plan", period_start=D(2021, 4, 1))
    SectionFactory(plan=plan, number="1", title="Fraud")
    SectionFactory(plan=plan, number="2", title="Serious violence")
    SectionFactory(plan=plan, number="3", title="Domestic abuse and sexual violence")
    OrganisationFactory(name="Norfolk Constabulary", short_name="")
    OrganisationFactory(
        name="Office of the Police and Crime Commissioner for Norfolk", short_name="OPCCN"
    )
    OrganisationFactory(name="Norfolk County Council", short_name="NCC")
    OrganisationFactory(name="Norfolk Against Scams Partnership", short_name="NASP")
    OrganisationFactory(name="Borough Council of King's Lynn and West Norfolk", short_name="")
    OrganisationFactory(name="Cambridge and Peterborough NHS", short_name="")
    return plan


def owners_of(action):
    return sorted(owner.name for owner in action.owners.all())


def test_seed_002_shaped_workbook_links_owners_and_keeps_them_as_written(
    safer_norfolk_plan, officer
):
    content = workbook_bytes(
        SEED_002_HEADER,
        ("1", "1.1", "Co-ordinated approach to data analysis for fraud", "Availability of data products", "Norfolk Constabulary & OPCCN", "TBC", None),
        ("1", "1.2", "Increasing public awareness of fraud", "Activity to increase awareness", "All NASP partners", "Ongoing", "Campaign ran in March."),
        ("2", "2.1", "Embed the serious violence duty", "Duty in place", "OPCCN / NCC", "September 2021", None),
        ("Domestic abuse and sexual violence", "3.1", "Expand the MARAC", "", "Borough Council of King's Lynn and West Norfolk and Community Safety Team", D(2022, 3, 31), None),
        ("3", "3.2", "Health pathway for victims", "", "Cambridge and Peterborough NHS, NCC", "Year 2", None),
    )  # fmt: skip

    report = import_actions(plan=safer_norfolk_plan, name="plan.xlsx", content=content, by=officer)

    assert report.ok, [str(problem) for problem in report.problems]
    assert report.created == 5
    one_one = Action.objects.get(number="1.1")
    assert one_one.section.number == "1"
    assert owners_of(one_one) == [
        "Norfolk Constabulary",
        "Office of the Police and Crime Commissioner for Norfolk",
    ]
    assert one_one.owner_note == "Norfolk Constabulary & OPCCN"
    assert (one_one.due_precision, one_one.extra) == ("tbc", {})
    one_two = Action.objects.get(number="1.2")
    assert owners_of(one_two) == []
    assert one_two.owner_note == "All NASP partners"
    assert one_two.extra == {"Update": "Campaign ran in March."}
    two_one = Action.objects.get(number="2.1")
    assert two_one.section.title == "Serious violence"
    assert owners_of(two_one) == [
        "Norfolk County Council",
        "Office of the Police and Crime Commissioner for Norfolk",
    ]
    assert (two_one.due_date, two_one.due_precision) == (D(2021, 9, 30), "month")
    three_one = Action.objects.get(number="3.1")
    assert three_one.section.number == "3"
    assert owners_of(three_one) == ["Borough Council of King's Lynn and West Norfolk"]
    assert (
        three_one.owner_note
        == "Borough Council of King's Lynn and West Norfolk and Community Safety Team"
    )
    assert (three_one.due_text, three_one.due_date, three_one.due_precision) == (
        "31 March 2022",
        D(2022, 3, 31),
        "day",
    )
    three_two = Action.objects.get(number="3.2")
    assert owners_of(three_two) == ["Cambridge and Peterborough NHS", "Norfolk County Council"]
    assert [(notice.row, notice.column, notice.name) for notice in report.notices] == [
        (3, "Owner", "All NASP partners"),
        (5, "Owner", "Community Safety Team"),
    ]
    safer_norfolk_plan.refresh_from_db()
    assert safer_norfolk_plan.extra_fields == ["Update"]


@pytest.mark.parametrize(
    ("written", "found", "unmatched"),
    [
        ("OPCCN / NCC", ["opccn", "ncc"], []),
        ("Norfolk Constabulary & OPCCN", ["police", "opccn"], []),
        ("Norfolk Constabulary and OPCCN", ["police", "opccn"], []),
        ("Borough Council of King's Lynn and West Norfolk", ["kings-lynn"], []),
        ("Borough Council of King’s Lynn & West Norfolk", ["kings-lynn"], []),
        ("Cambridge and Peterborough NHS and OPCCN", ["nhs", "opccn"], []),
        ("opccn; ncc\nNorfolk Constabulary", ["opccn", "ncc", "police"], []),
        ("All partners", [], ["All partners"]),
        ("Housing and Communities Team, NCC", ["ncc"], ["Housing and Communities Team"]),
        ("NCC / Community Safety Team / Children's Services", ["ncc"], ["Community Safety Team", "Children's Services"]),
        ("OPCCN, OPCCN", ["opccn"], []),
        ("", [], []),
    ],
)  # fmt: skip
def test_owners_are_split_after_the_longest_known_names(written, found, unmatched):
    organisations = {
        _name_key("OPCCN"): "opccn",
        _name_key("Office of the Police and Crime Commissioner for Norfolk"): "opccn",
        _name_key("NCC"): "ncc",
        _name_key("Norfolk County Council"): "ncc",
        _name_key("Norfolk Constabulary"): "police",
        _name_key("Borough Council of King's Lynn and West Norfolk"): "kings-lynn",
        _name_key("Cambridge and Peterborough NHS"): "nhs",
    }

    assert split_owners(written, organisations) == (found, unmatched)


def test_a_section_column_must_name_the_plans_sections(safer_norfolk_plan, officer):
    report = import_actions(
        plan=safer_norfolk_plan,
        name="plan.xlsx",
        content=workbook_bytes(
            SEED_002_HEADER,
            ("1", "1.1", "Fine", "", "NCC", "TBC", None),
            ("Burglary", "4.1", "In no section of this plan", "", "NCC", "TBC", None),
            (None, "4.2", "In no section at all", "", "NCC", "TBC", None),
        ),
        by=officer,
    )

    assert [str(problem) for problem in report.problems] == [
        "Row 3, column “Section”: the plan has no section “Burglary”.",
        "Row 4, column “Section”: the plan has sections: name the one this action belongs to.",
    ]
    assert not Action.objects.exists()


# --- a London borough VAWG plan ---------------------------------------------------------------

VAWG_HEADER = ("No.", "Objective", "Action", "Lead", "Target date", "Progress", "RAG")


@pytest.fixture
def vawg_plan():
    plan = PlanFactory(
        title="Violence Against Women and Girls Strategy action plan",
        slug="vawg",
        period_start=D(2023, 4, 1),
    )
    SectionFactory(plan=plan, number="1", title="Prevention")
    SectionFactory(plan=plan, number="2", title="Support for survivors")
    OrganisationFactory(name="Metropolitan Police Service", short_name="Met Police")
    OrganisationFactory(name="London Borough of Lambeth", short_name="Lambeth Council")
    return plan


VAWG_ROWS = [
    ("1", "Prevention", "Deliver healthy relationships sessions in secondary schools", "Community Safety Team", D(2023, 9, 30), "Sessions delivered in 12 of 18 schools", "Amber"),
    ("2", "Prevention", "Run the White Ribbon campaign", "Met Police, Lambeth Council", "November annually", "Campaign ran in November 2023", "Green"),
    ("3", "Support for survivors", "Publish a VAWG performance dashboard", "Lambeth Council", "Quarterly", None, "Complete"),
    # A merged Objective cell reads as blank below its first row.
    ("4", None, "Recommission the IDVA service", "Lambeth Council", 45199, None, "red"),
]  # fmt: skip


def test_vawg_plan_workbook_imports_field_by_field(vawg_plan, officer):
    report = import_actions(
        plan=vawg_plan,
        name="vawg.xlsx",
        content=workbook_bytes(VAWG_HEADER, *VAWG_ROWS),
        by=officer,
    )

    assert report.ok, [str(problem) for problem in report.problems]
    actions = {action.number: action for action in Action.objects.filter(plan=vawg_plan)}
    first, second, third, fourth = (actions[n] for n in ("1", "2", "3", "4"))
    assert [a.section.title for a in (first, second, third, fourth)] == [
        "Prevention",
        "Prevention",
        "Support for survivors",
        "Support for survivors",
    ]
    assert (first.due_text, first.due_date, first.due_precision) == (
        "30 September 2023",
        D(2023, 9, 30),
        "day",
    )
    assert owners_of(first) == []
    assert first.owner_note == "Community Safety Team"
    assert first.extra == {"Progress": "Sessions delivered in 12 of 18 schools", "RAG": "Amber"}
    assert first.stage == "not_stated"
    assert (second.due_text, second.due_date, second.due_precision) == (
        "November annually",
        None,
        "recurring",
    )
    assert owners_of(second) == ["London Borough of Lambeth", "Metropolitan Police Service"]
    assert second.owner_note == "Met Police, Lambeth Council"
    assert (third.due_text, third.due_precision, third.stage) == (
        "Quarterly",
        "recurring",
        "complete",
    )
    assert third.extra == {"RAG": "Complete"}
    # An Excel date held as a plain number in the date column.
    assert (fourth.due_text, fourth.due_date, fourth.due_precision) == (
        "30 September 2023",
        D(2023, 9, 30),
        "day",
    )
    assert fourth.extra == {"RAG": "red"}
    vawg_plan.refresh_from_db()
    assert vawg_plan.extra_fields == ["Progress", "RAG"]
    assert [(notice.row, notice.column, notice.name) for notice in report.notices] == [
        (2, "Lead", "Community Safety Team")
    ]


def test_recurring_actions_are_never_listed_as_overdue(vawg_plan, officer, client):
    import_actions(
        plan=vawg_plan,
        name="vawg.xlsx",
        content=workbook_bytes(VAWG_HEADER, *VAWG_ROWS),
        by=officer,
    )
    long_after = D(2030, 1, 1)

    with_status = queries.plan_actions(vawg_plan, today=long_after)
    overdue = ActionFilter({"overdue": "true"}, queryset=with_status, plan=vawg_plan).qs

    # 3 is complete; 2 ("November annually") comes round again and is never late.
    assert sorted(action.number for action in overdue) == ["1", "4"]
    plan_page = client.get(vawg_plan.get_absolute_url(), {"overdue": "true"}).content.decode()
    assert "Run the White Ribbon campaign" not in plan_page
    assert "Recommission the IDVA service" in plan_page
    outstanding = client.get(reverse("meetings:outstanding"), {"overdue_only": "on"})
    assert outstanding.status_code == 200
    assert "Recommission the IDVA service" in outstanding.content.decode()
    assert "Run the White Ribbon campaign" not in outstanding.content.decode()
    second = Action.objects.get(plan=vawg_plan, number="2")
    action_page = client.get(second.get_absolute_url()).content.decode()
    assert "November annually" in action_page
    assert "(by " not in action_page
    assert "Overdue</strong>" not in action_page
    api = client.get("/api/v1/plan-actions/", {"plan": vawg_plan.pk, "overdue": "true"}).json()
    assert sorted(row["number"] for row in api["results"]) == ["1", "4"]
    recurring = next(
        row
        for row in client.get("/api/v1/plan-actions/", {"plan": vawg_plan.pk}).json()["results"]
        if row["number"] == "2"
    )
    assert (recurring["due_text"], recurring["due_date"], recurring["due_precision"]) == (
        "November annually",
        None,
        "recurring",
    )


def test_a_bad_row_is_reported_by_its_row_and_heading_and_nothing_is_written(vawg_plan, officer):
    ActionFactory(plan=vawg_plan, section=vawg_plan.sections.first(), number="1", title="Kept")
    before = held()
    extra_fields_before = list(Plan.objects.get(pk=vawg_plan.pk).extra_fields)
    content = workbook_bytes(
        VAWG_HEADER,
        VAWG_ROWS[0],
        (),  # a blank row still counts in the file's numbering
        ("2", "Prevention", "Run the White Ribbon campaign", "Met Police", "Whenever", None, "Purple"),
        ("3", "Early help", "Train GPs", "Lambeth Council", "Quarterly", None, None),
        ("", "Early help", "", "Lambeth Council", -5, None, "Green"),
    )  # fmt: skip

    report = import_actions(plan=vawg_plan, name="vawg.xlsx", content=content, by=officer)

    assert [(problem.row, problem.column) for problem in report.problems] == [
        (4, "Target date"),
        (4, "RAG"),
        (5, "Objective"),
        (6, "No."),
        (6, "Objective"),
        (6, "Action"),
        (6, "Target date"),
    ]
    messages = [str(problem) for problem in report.problems]
    assert messages[0].startswith("Row 4, column “Target date”: “Whenever” is not a date")
    assert messages[1] == (
        "Row 4, column “RAG”: “Purple” is not a RAG rating: write Red, Amber, Green or Complete."
    )
    assert messages[2] == "Row 5, column “Objective”: the plan has no section “Early help”."
    assert held() == before
    assert Plan.objects.get(pk=vawg_plan.pk).extra_fields == extra_fields_before
    assert report.summary() == "Nothing was imported: 7 problem(s) in 4 row(s)."


# --- headings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "owner", "date"),
    [
        ("No.", "Lead", "Target date"),
        ("Ref", "Lead agency", "Timescale"),
        ("REF:", "LEAD AGENCY", "Target Date"),
        ("Action No", "Owners", "When"),
        ("n", "owner", "due"),
    ],
)
def test_heading_aliases_are_read_whatever_their_case_and_punctuation(
    accommodation_plan, officer, number, owner, date
):
    OrganisationFactory(name="Norfolk County Council", short_name="NCC")
    content = f"{number},Action,{owner},{date}\nA1,Publish the plan,NCC,March 2024\n".encode()

    report = import_actions(plan=accommodation_plan, name="plan.csv", content=content, by=officer)

    assert report.ok, [str(problem) for problem in report.problems]
    action = Action.objects.get(plan=accommodation_plan)
    assert (action.number, action.title, action.due_date) == (
        "A1",
        "Publish the plan",
        D(2024, 3, 31),
    )
    assert owners_of(action) == ["Norfolk County Council"]
    assert action.extra == {}


def test_aims_that_do_not_repeat_are_the_action_text_without_an_action_column(
    accommodation_plan, officer
):
    content = (
        b"Ref,Aims,Timescale\n1,Reduce repeat victimisation,2024/25\n2,Improve reporting,2024/25\n"
    )

    report = import_actions(plan=accommodation_plan, name="plan.csv", content=content, by=officer)

    assert report.ok, [str(problem) for problem in report.problems]
    assert sorted(Action.objects.values_list("number", "title", "section")) == [
        ("1", "Reduce repeat victimisation", None),
        ("2", "Improve reporting", None),
    ]


def test_aims_that_do_not_repeat_beside_an_action_column_are_kept_as_a_field(
    accommodation_plan, officer
):
    content = b"Ref,Aims,Action\n1,Fewer repeat victims,Fund IDVAs\n2,More reports,Run a campaign\n"

    report = import_actions(plan=accommodation_plan, name="plan.csv", content=content, by=officer)

    assert report.ok, [str(problem) for problem in report.problems]
    action = Action.objects.get(number="1")
    assert (action.title, action.section, action.extra) == (
        "Fund IDVAs",
        None,
        {"Aims": "Fewer repeat victims"},
    )


def test_columns_without_a_heading_or_with_the_same_heading_are_reported(
    accommodation_plan, officer
):
    content = b"Ref,Action,Progress,progress,\n1,Fund IDVAs,Begun,Half done,stray\n"

    report = import_actions(plan=accommodation_plan, name="plan.csv", content=content, by=officer)

    assert [str(problem) for problem in report.problems] == [
        "Row 1, column “progress”: two columns have this heading: give each its own.",
        "Row 1, column “column E”: the column has no heading.",
    ]
    assert not Action.objects.exists()


@pytest.mark.parametrize(
    ("cell", "due_text", "due_date", "precision"),
    [
        (datetime.datetime(2023, 9, 30, 0, 0), "30 September 2023", D(2023, 9, 30), "day"),
        (D(2024, 2, 29), "29 February 2024", D(2024, 2, 29), "day"),
        (45199, "30 September 2023", D(2023, 9, 30), "day"),
        (45199.0, "30 September 2023", D(2023, 9, 30), "day"),
        (2024, "2024", D(2024, 12, 31), "year"),
        ("Each quarter", "Each quarter", None, "recurring"),
        ("Every November", "Every November", None, "recurring"),
    ],
)
def test_date_cells_become_days_written_out(
    accommodation_plan, officer, cell, due_text, due_date, precision
):
    content = workbook_bytes(("Ref", "Action", "Target date"), ("1", "Fund IDVAs", cell))

    report = import_actions(plan=accommodation_plan, name="plan.xlsx", content=content, by=officer)

    assert report.ok, [str(problem) for problem in report.problems]
    action = Action.objects.get()
    assert (action.due_text, action.due_date, action.due_precision) == (
        due_text,
        due_date,
        precision,
    )


def test_date_cells_in_other_columns_are_written_out_too(accommodation_plan, officer):
    content = workbook_bytes(
        ("Ref", "Action", "Date agreed"), ("1", "Fund IDVAs", datetime.datetime(2023, 5, 4))
    )

    import_actions(plan=accommodation_plan, name="plan.xlsx", content=content, by=officer)

    assert Action.objects.get().extra == {"Date agreed": "4 May 2023"}


def test_rag_complete_against_another_stage_is_a_problem(accommodation_plan, officer):
    content = b"Ref,Action,Stage,RAG\n1,Fund IDVAs,In progress,Complete\n"

    report = import_actions(plan=accommodation_plan, name="plan.csv", content=content, by=officer)

    assert [str(problem) for problem in report.problems] == [
        "Row 2, column “RAG”: the RAG says “Complete” but the stage says “In progress”."
    ]


def test_the_admin_import_lists_owners_matching_no_organisation(admin_client, vawg_plan):
    url = reverse("admin:delivery_plans_plan_import_actions", args=[vawg_plan.pk])

    response = admin_client.post(
        url,
        {"file": SimpleUploadedFile("vawg.xlsx", workbook_bytes(VAWG_HEADER, *VAWG_ROWS))},
        follow=True,
    )

    page = response.content.decode()
    assert "Imported 4 action(s): 4 new, 0 updated." in page
    assert (
        "Owners kept as written, matching no organisation: “Community Safety Team” (row 2)." in page
    )
    assert Action.objects.filter(plan=vawg_plan).count() == 4


def test_an_owner_longer_than_the_owner_as_written_can_hold_is_reported(
    accommodation_plan, officer
):
    owners = ", ".join(f"Team {n}" for n in range(60))
    content = f'Ref,Action,Lead agency\n1,Fund IDVAs,"{owners}"\n'.encode()

    report = import_actions(plan=accommodation_plan, name="plan.csv", content=content, by=officer)

    assert [str(problem) for problem in report.problems] == [
        f"Row 2, column “Lead agency”: at most 300 characters ({len(owners)} given)."
    ]
    assert report.notices == []
    assert not Action.objects.exists()


def test_actions_outside_the_sections_of_a_plan_with_sections_are_shown_apart(client):
    plan = PlanFactory(slug="mixed")
    fraud = SectionFactory(plan=plan, number="1", title="Fraud")
    ActionFactory(plan=plan, section=fraud, number="1.1", title="Inside the Fraud section")
    ActionFactory(plan=plan, section=None, number="2", title="Outside every section")

    summary = queries.summarise(plan, queries.sections_of(plan))
    assert [(tally.label, tally.total) for tally in summary.by_section] == [
        ("1 Fraud", 1),
        ("Not in a section", 1),
    ]
    distance = client.get(reverse("delivery_plans:distance", args=[plan.slug])).content.decode()
    assert distance.index('aria-label="Actions in no section"') < distance.index("1 Fraud")
    action_page = client.get(
        reverse("delivery_plans:action", args=[plan.slug, "2"])
    ).content.decode()
    assert "Outside every section" in action_page
    # No section caption above the heading ("None" or an empty one).
    above_heading = action_page.split('<h1 class="govuk-heading-xl">Action 2</h1>')[0]
    assert "govuk-caption-l" not in above_heading
