"""Dates far outside any plausible range (year 1, year 9999) are refused wherever a date is
typed or sent: the admin, API writes, and the filters of pages and the API."""

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from rest_framework.test import APIClient
from simple_history.models import HistoricalChanges

from meetings.models import ActionPoint, Meeting
from safer_norfolk.roles import COMMITTEE_OFFICER, DATA_OFFICER, PARTNERSHIP_OFFICER
from safer_norfolk.validators import plausible_date
from tests.admin_forms import change_form_data
from tests.api.test_write_api import client_for
from tests.factories import (
    ActionFactory,
    ActionPointFactory,
    ActionUpdateFactory,
    CommitteeFactory,
    MeasureFactory,
    MeetingFactory,
    MembershipFactory,
    ObservationFactory,
    OrganisationFactory,
    OutcomeFrameworkFactory,
    PlanFactory,
    WrittenQuestionFactory,
    area,
)

pytestmark = pytest.mark.django_db

MESSAGE = "Enter a date between 1 January 1900 and 31 December 2200."


# --- the rule -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        datetime.date(1, 1, 1),
        datetime.date(1899, 12, 31),
        datetime.date(2201, 1, 1),
        datetime.date(9999, 12, 31),
        datetime.datetime(1, 1, 2, 10, tzinfo=datetime.UTC),
        datetime.datetime(9999, 12, 30, 10, tzinfo=datetime.UTC),
    ],
)
def test_a_date_outside_1900_to_2200_is_refused_with_the_range(value):
    with pytest.raises(ValidationError) as refused:
        plausible_date(value)

    assert refused.value.messages == [MESSAGE]
    assert refused.value.code == "implausible_date"


@pytest.mark.parametrize(
    "value",
    [
        None,
        datetime.date(1900, 1, 1),
        datetime.date(2022, 7, 19),
        datetime.date(2200, 12, 31),
        datetime.datetime(2027, 3, 4, 10, tzinfo=datetime.UTC),
    ],
)
def test_a_date_within_the_range_is_accepted(value):
    plausible_date(value)


# Written by the system, never typed: when a pack was built, when the content last changed.
SYSTEM_DATES = {
    "meetings.AgendaPack.built_at",
    "safer_norfolk.ContentGeneration.changed_at",
    # An import's progress, and the version a stored PDF was made for.
    "safer_norfolk.ImportJob.started_at",
    "safer_norfolk.ImportJob.progressed_at",
    "safer_norfolk.ImportJob.finished_at",
    "safer_norfolk.RenderedDocument.day",
}


def test_every_date_an_officer_enters_is_checked():
    unchecked = [
        f"{model._meta.app_label}.{model.__name__}.{field.name}"
        for app in ("meetings", "delivery_plans", "outcomes", "safer_norfolk")
        for model in apps.get_app_config(app).get_models()
        if not issubclass(model, HistoricalChanges)  # copies of the records, with their rules
        for field in model._meta.get_fields()
        if isinstance(field, models.DateField)
        and field.editable
        and not (field.auto_now or field.auto_now_add)
        and plausible_date not in field.validators
    ]

    assert sorted(unchecked) == sorted(SYSTEM_DATES)


# --- the admin ------------------------------------------------------------------------------


def _meeting():
    return MeetingFactory(), "starts_at_0"


ADMIN_CASES = {
    "meeting starts": (_meeting, "0001-01-01"),
    "action point due": (lambda: (ActionPointFactory(), "due_date"), "0001-01-01"),
    "written question response due": (
        lambda: (WrittenQuestionFactory(), "response_due"),
        "9999-12-31",
    ),
    "membership starts": (lambda: (MembershipFactory(), "start_date"), "0001-01-01"),
    "plan period starts": (lambda: (PlanFactory(), "period_start"), "0001-01-01"),
    "framework period ends": (lambda: (OutcomeFrameworkFactory(), "period_end"), "9999-12-31"),
    "measure target": (lambda: (MeasureFactory(), "target_date"), "9999-12-31"),
    "observation period starts": (lambda: (ObservationFactory(), "period_start"), "0001-01-01"),
    "action update reported": (lambda: (ActionUpdateFactory(), "reported_on"), "0001-01-01"),
}


@pytest.mark.parametrize(("make", "typed"), ADMIN_CASES.values(), ids=ADMIN_CASES.keys())
def test_the_admin_refuses_an_implausible_date_with_the_range(admin_client, make, typed):
    record, field = make()
    url = reverse(
        f"admin:{record._meta.app_label}_{record._meta.model_name}_change", args=[record.pk]
    )
    data = change_form_data(admin_client.get(url))
    assert field in data, sorted(data)
    before = record.version

    response = admin_client.post(url, {**data, field: typed})

    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    record.refresh_from_db()
    assert record.version == before


def test_a_new_action_point_due_in_year_one_is_refused_in_the_admin(admin_client):
    meeting = MeetingFactory(minutes_published=True)

    response = admin_client.post(
        reverse("admin:meetings_actionpoint_add"),
        {"meeting": meeting.pk, "description": "Share the figures", "due_date": "0001-01-01"},
    )

    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert not ActionPoint.objects.exists()


# --- API writes -----------------------------------------------------------------------------


def test_api_writes_refuse_an_implausible_date_with_400():
    officer = client_for(COMMITTEE_OFFICER)
    committee, meeting, point = CommitteeFactory(), MeetingFactory(), ActionPointFactory()

    raised = officer.post(
        "/api/v1/action-points/",
        {"meeting": meeting.pk, "description": "Share the figures", "due_date": "0001-01-01"},
        format="json",
    )
    created = officer.post(
        "/api/v1/meetings/",
        {"committee": committee.pk, "starts_at": "9999-12-30T10:00:00Z"},
        format="json",
    )
    closed = officer.post(
        f"/api/v1/action-points/{point.pk}/close/",
        {"response": "Done", "closed_on": "0001-01-01"},
        format="json",
    )

    assert (raised.status_code, raised.json()) == (400, {"due_date": [MESSAGE]})
    assert (created.status_code, created.json()) == (400, {"starts_at": [MESSAGE]})
    assert (closed.status_code, closed.json()) == (400, {"closed_on": [MESSAGE]})
    assert ActionPoint.objects.get().status == "open"
    assert list(Meeting.objects.filter(committee=committee)) == []


def test_figures_and_updates_with_implausible_dates_are_refused_with_400():
    police = OrganisationFactory()
    action = ActionFactory(owners=[police])
    measure = MeasureFactory()
    figures = client_for(DATA_OFFICER).post(
        "/api/v1/observations/bulk/",
        {
            "observations": [
                {
                    "measure": measure.pk,
                    "area": area("norwich").pk,
                    "period_start": "0001-01-01",
                    "period_end": "0001-03-31",
                    "value": "43",
                }
            ]
        },
        format="json",
    )
    update = client_for(PARTNERSHIP_OFFICER, organisation=police).post(
        "/api/v1/action-updates/",
        {"action": action.pk, "text": "Pathway live.", "reported_on": "0001-01-01"},
        format="json",
    )

    assert figures.status_code == 400
    assert figures.json() == {
        "observations": {"0": {"period_start": [MESSAGE], "period_end": [MESSAGE]}}
    }
    assert (update.status_code, update.json()) == (400, {"reported_on": [MESSAGE]})
    assert not measure.observations.exists()
    assert not action.updates.exists()


# --- filters --------------------------------------------------------------------------------


def test_the_outstanding_page_shows_the_error_and_every_row_for_an_implausible_date(client):
    ActionPointFactory(description="Circulate the hate crime briefing")

    response = client.get(reverse("meetings:outstanding"), {"due_before": "0001-01-01"})

    page = response.content.decode()
    assert response.status_code == 200
    assert f'<span class="govuk-visually-hidden">Error:</span> {MESSAGE}' in page
    assert "Circulate the hate crime briefing" in page


def test_the_plan_page_shows_the_error_and_every_action_for_an_implausible_date(client):
    action = ActionFactory(title="Deliver the awareness campaign")

    response = client.get(action.plan.get_absolute_url(), {"due_after": "9999-12-31"})

    page = response.content.decode()
    assert response.status_code == 200
    assert f'<span class="govuk-visually-hidden">Error:</span> {MESSAGE}' in page
    assert "Deliver the awareness campaign" in page


def api_date_parameters():
    """Every date and date-time query parameter of the API's lists, from its schema."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, operations in schema["paths"].items():
        if "{" in path or "get" not in operations:
            continue
        for parameter in operations["get"].get("parameters", []):
            kind = parameter.get("schema", {}).get("format")
            if parameter["in"] == "query" and kind in ("date", "date-time"):
                found.append((path, parameter["name"], kind))
    return found


def test_the_api_has_date_filters_to_check():
    names = {(path, name) for path, name, _ in api_date_parameters()}

    assert {
        ("/api/v1/meetings/", "starts_at__gte"),
        ("/api/v1/action-points/", "due_date__lte"),
        ("/api/v1/written-questions/", "response_due__gte"),
        ("/api/v1/plan-actions/", "due_after"),
        ("/api/v1/action-updates/", "reported_on__gte"),
        ("/api/v1/observations/", "period_start__gte"),
    } <= names


@pytest.mark.parametrize("year", ["0001", "9999"])
def test_every_api_date_filter_answers_400_for_an_implausible_date(year):
    anyone = APIClient()
    failures = []

    for path, name, kind in api_date_parameters():
        value = f"{year}-01-02" if kind == "date" else f"{year}-01-02T10:00:00Z"
        response = anyone.get(path, {name: value})
        if response.status_code != 400 or response.json() != {name: [MESSAGE]}:
            failures.append(f"{path}?{name}={value}: {response.status_code}")

    assert failures == []


# --- dates written as text: plan due dates and spreadsheet imports ------------------------


def test_a_plan_due_date_written_in_year_one_is_not_taken_as_a_date():
    from delivery_plans.dates import parse_due_text

    assert parse_due_text("31/12/0001") == (None, "unknown")
    assert parse_due_text("31 December 9999") == (None, "unknown")
    assert parse_due_text("31/12/2023") == (datetime.date(2023, 12, 31), "day")


def test_a_figures_import_refuses_a_period_in_year_one_naming_the_row():
    from outcomes.models import Observation
    from outcomes.services import import_observations
    from tests.factories import OutcomeFactory

    framework = OutcomeFrameworkFactory(slug="safer-norfolk-plan")
    MeasureFactory(outcome=OutcomeFactory(framework=framework, number="9"), number="7")

    content = (
        b"framework,outcome,measure,area,period_start,period_end,value\n"
        b"safer-norfolk-plan,9,7,Norfolk,2021-04-01,2022-03-31,10\n"
        b"safer-norfolk-plan,9,7,Norfolk,0001-01-01,0001-12-31,11\n"
    )

    report = import_observations(name="figures.csv", content=content)

    assert not report.ok
    assert any(problem.row == 3 and MESSAGE in problem.message for problem in report.problems)
    assert not Observation.objects.exists()  # the whole file or nothing
