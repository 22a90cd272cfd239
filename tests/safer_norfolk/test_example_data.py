"""The demo's fictional example partnership (meetings.management.example_data): enough of every kind of
record for each page to answer "what is outstanding, and how far are we from our success
measures?", made again without duplicates, labelled "Example data" wherever it shows, and
leaving the seed papers' rows as the fixtures hold them."""

import datetime
import io
import json
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.utils import timezone

from delivery_plans.models import Action, ActionUpdate, Plan
from delivery_plans.queries import plan_actions
from meetings.management.example_data import (
    ORGANISATIONS,
    PARTNERSHIP,
    PEOPLE,
    load_example_data,
)
from meetings.models import (
    ActionPoint,
    Attendance,
    Committee,
    Meeting,
    Minute,
    Resolution,
    WorkProgrammeItem,
    WrittenQuestion,
)
from outcomes.models import Measure, Observation, OutcomeFramework
from safer_norfolk.management.commands.load_demo import DEMO_FIXTURES
from safer_norfolk.models import Organisation, Person
from tests.pdfs import pdf_pages_text

pytestmark = pytest.mark.django_db(transaction=False)

NOTICE = "A fictional partnership to show how the site works"
TAG = "app-example-tag"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture
def demo(demo_module):
    """The demo data, loaded once for this module (tests/conftest.py)."""


def example_meetings():
    return Meeting.objects.filter(committee__partnership__is_example=True)


def test_example_partnership_has_every_kind_of_record(demo):
    today = timezone.localdate()
    partnership = Organisation.objects.get(name=PARTNERSHIP)
    assert partnership.is_example

    meetings = example_meetings().public()
    assert meetings.filter(starts_at__gt=timezone.now()).count() >= 2
    assert meetings.with_public_minutes().count() >= 6
    assert meetings.filter(minutes_status="confirmed").exists()
    assert meetings.filter(minutes_status="published").exists()
    attendance = Attendance.objects.public().filter(meeting__in=meetings)
    assert attendance.filter(status="apologies").exists()
    assert attendance.filter(capacity="substitute", substitute_for__isnull=False).exists()
    assert Resolution.objects.public().filter(minute__meeting__in=meetings).count() >= 20

    points = ActionPoint.objects.public().filter(committee__partnership=partnership)
    assert points.filter(status="closed").exclude(response="").exists()
    assert points.filter(status="open", due_date__lt=today).exists()
    assert points.filter(status="open", due_date__gte=today).exists()
    questions = WrittenQuestion.objects.public().filter(meeting__committee__partnership=partnership)
    assert questions.filter(status="answered", responded_on__isnull=False).exists()
    assert questions.overdue(today).exists()
    assert questions.awaiting().filter(response_due__gte=today).exists()
    assert WorkProgrammeItem.objects.public().filter(meeting__starts_at__gt=timezone.now()).exists()

    plan = Plan.objects.public().get(organisation=partnership)
    actions = list(plan_actions(plan))
    assert len(actions) >= 20
    assert {a.current_rag for a in actions} >= {"red", "amber", "green", "complete", "not_assessed"}
    assert {a.current_distance for a in actions} >= {
        "met",
        "nearly_met",
        "some_way",
        "far_off",
        "not_assessed",
    }
    assert any(a.is_overdue for a in actions)
    assert any(a.is_stale and a.last_update_on for a in actions)
    assert any(a.last_update_on is None for a in actions)
    assert ActionUpdate.objects.filter(action__plan=plan, status="draft").exists()

    framework = OutcomeFramework.objects.public().get(organisation=partnership)
    figures = Observation.objects.public().filter(measure__outcome__framework=framework)
    assert figures.values("area").distinct().count() == 5
    assert len({o.period_start.year for o in figures}) >= 4
    assert figures.filter(measure__frequency="quarterly").exists()
    assert figures.filter(measure__frequency="annual").exists()
    assert Measure.objects.filter(outcome__framework=framework, direction="neutral").exists()


def counts():
    models = [
        Organisation,
        Person,
        Committee,
        Meeting,
        Minute,
        Resolution,
        Attendance,
        ActionPoint,
        WrittenQuestion,
        WorkProgrammeItem,
        Action,
        ActionUpdate,
        Observation,
    ]
    return {model.__name__: model.objects.count() for model in models}


def test_loading_again_duplicates_nothing(demo):
    first = counts()
    days = sorted(example_meetings().values_list("starts_at", flat=True))

    call_command("load_demo", verbosity=0, stdout=io.StringIO())

    assert counts() == first
    assert sorted(example_meetings().values_list("starts_at", flat=True)) == days
    people = list(
        Person.objects.filter(organisation__is_example=True).values_list("name", "organisation")
    )
    assert len(people) == len(set(people)) == len(PEOPLE)
    assert Organisation.objects.filter(is_example=True).count() == len(ORGANISATIONS)


def test_loading_on_another_day_moves_the_year_without_duplicates(demo):
    first = counts()
    days = sorted(example_meetings().values_list("starts_at", flat=True))

    load_example_data(today=timezone.localdate() - datetime.timedelta(days=40))

    assert counts() == first
    moved = sorted(example_meetings().values_list("starts_at", flat=True))
    assert len(moved) == len(days)
    assert moved[0] < days[0]


def test_seed_rows_are_as_the_fixtures_hold_them(demo):
    for name in DEMO_FIXTURES:
        records = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
        for record in records:
            model = apps.get_model(record["model"])
            if "pk" in record:
                row = model.objects.get(pk=record["pk"])
            else:  # a row found by its name (natural key): the default report template
                row = model.objects.get_by_natural_key(record["fields"]["name"])
            stored = json.loads(
                serializers.serialize("json", [row], use_natural_foreign_keys=True)
            )[0]["fields"]
            for field, value in record["fields"].items():
                got = stored[field]
                if isinstance(value, list) and value and isinstance(value[0], dict):
                    assert got == value, (record["model"], field)  # a JSON list, in order
                    continue
                if isinstance(value, list) and isinstance(got, list):
                    # A symmetric link listed on one side of the pair shows on both.
                    assert set(map(str, value)) <= set(map(str, got)), (record.get("pk"), field)
                    continue
                assert same(got, value), (record["model"], record.get("pk"), field, got, value)
    assert not Organisation.objects.filter(
        is_example=True, pk__in=_fixture_pks("directory")
    ).exists()


def same(stored, fixture):
    """Equal as the fixture writes it: a decimal "11498" is stored as 11498.000."""
    if stored == fixture or str(stored) == str(fixture):
        return True
    try:
        return Decimal(str(stored)) == Decimal(str(fixture))
    except (InvalidOperation, ValueError):
        return False


def _fixture_pks(name):
    records = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return [r["pk"] for r in records if r["model"] == "safer_norfolk.organisation"]


def test_detail_pages_say_example_data_only_for_the_example_partnership(demo, client):
    example_plan = Plan.objects.get(organisation__is_example=True)
    seed_plan = Plan.objects.public().exclude(organisation__is_example=True).first()
    example_meeting = example_meetings().with_public_minutes().first()
    seed_meeting = (
        Meeting.objects.with_public_minutes()
        .exclude(committee__partnership__is_example=True)
        .first()
    )
    example_measure = Measure.objects.filter(outcome__framework__organisation__is_example=True)[0]
    seed_measure = Measure.objects.public().exclude(
        outcome__framework__organisation__is_example=True
    )[0]
    pairs = [
        (example_meeting.committee.get_absolute_url(), seed_meeting.committee.get_absolute_url()),
        (example_meeting.get_absolute_url(), seed_meeting.get_absolute_url()),
        (example_plan.get_absolute_url(), seed_plan.get_absolute_url()),
        (
            f"{example_plan.get_absolute_url()}distance/",
            f"{seed_plan.get_absolute_url()}distance/",
        ),
        (
            example_plan.actions.first().get_absolute_url(),
            seed_plan.actions.first().get_absolute_url(),
        ),
        (
            example_measure.outcome.framework.get_absolute_url(),
            seed_measure.outcome.framework.get_absolute_url(),
        ),
        (example_measure.outcome.get_absolute_url(), seed_measure.outcome.get_absolute_url()),
        (example_measure.get_absolute_url(), seed_measure.get_absolute_url()),
    ]
    for example_url, seed_url in pairs:
        example_page = client.get(example_url)
        seed_page = client.get(seed_url)
        assert example_page.status_code == seed_page.status_code == 200, example_url
        assert NOTICE in example_page.content.decode(), example_url
        assert NOTICE not in seed_page.content.decode(), seed_url


def test_list_rows_tag_example_records_only(demo, client):
    example_committees = Committee.objects.filter(partnership__is_example=True).count()
    assert client.get("/committees/").content.decode().count(TAG) == example_committees
    assert client.get("/plans/").content.decode().count(TAG) == 1
    assert client.get("/outcomes/").content.decode().count(TAG) == 1

    home = client.get("/").content.decode()
    rows = home.count('<tr class="govuk-table__row">') - 3  # less the three header rows
    shown = [
        *Meeting.objects.public().upcoming()[:5],
        *Meeting.objects.with_public_minutes().order_by("-starts_at")[:5],
    ]
    plans = list(Plan.objects.public())
    assert rows == len(shown) + len(plans)
    assert home.count(TAG) == sum(
        m.committee.partnership_id is not None and m.committee.partnership.is_example for m in shown
    ) + sum(plan.organisation.is_example for plan in plans)

    example_plan = Plan.objects.get(organisation__is_example=True)
    seed_plan = Plan.objects.public().exclude(organisation__is_example=True).first()
    example_rows = client.get(f"/outstanding/?plan={example_plan.pk}").content.decode()
    seed_rows = client.get(f"/outstanding/?plan={seed_plan.pk}").content.decode()
    assert example_rows.count(TAG) >= 10
    assert "Plan action" in seed_rows
    assert TAG not in seed_rows


def test_pdfs_say_example_data(demo, client):
    example_meeting = example_meetings().with_public_minutes().first()
    seed_meeting = (
        Meeting.objects.with_public_minutes()
        .exclude(committee__partnership__is_example=True)
        .first()
    )
    example_plan = Plan.objects.get(organisation__is_example=True)

    def text(url):
        response = client.get(url)
        assert response.status_code == 200, url
        return " ".join(pdf_pages_text(b"".join(response)))

    assert "Example data" in text(f"{example_meeting.get_absolute_url()}minutes.pdf")
    assert "Example data" in text(f"{example_meeting.get_absolute_url()}agenda.pdf")
    assert "Example data" in text(f"{example_plan.get_absolute_url()}report.pdf")
    assert "Example data" not in text(f"{seed_meeting.get_absolute_url()}minutes.pdf")


def test_search_results_tag_example_records_only(demo, client):
    html = client.get("/search/", {"q": "scrutiny"}).content.decode()
    results = re.findall(
        r"<li><a class=\"govuk-link\" href=\"[^\"]*\">(.*?)</li>", html, flags=re.DOTALL
    )
    example = [result for result in results if "Example Vale" in result]
    seed = [result for result in results if "NCCSP" in result]
    assert example, "the example panel's meetings are found"
    assert seed, "the seed panel's meetings are found"
    assert all(TAG in result for result in example)
    assert not any(TAG in result for result in seed)
