"""manage.py generate_scale_data: the deterministic data set that benchmarks and tests use."""

import datetime
import hashlib
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Q
from markupsafe import escape

from delivery_plans.dates import parse_due_text
from delivery_plans.models import Action, Plan
from meetings import attendance_record
from meetings.models import (
    ActionPoint,
    AgendaItem,
    Committee,
    Meeting,
    Minute,
    OrganisationAttendance,
    Report,
    WrittenQuestion,
)
from outcomes.models import Measure, Observation, Outcome, OutcomeFramework
from safer_norfolk.audit import TIMESTAMPS, Versioned
from safer_norfolk.fields import natural_sort_key
from safer_norfolk.models import Organisation, Person
from scale_data.generator import CHANGE_REASON, COMMON_TERM, FORTY_ITEMS, RARE_TERM, SCALES

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

PROJECT_APPS = ("safer_norfolk", "outcomes", "delivery_plans", "meetings")
# The data set's reference date: fixed, so the same rows are tested whatever the date.
TODAY = datetime.date(2025, 3, 12)
TODAY_STARTS = datetime.datetime(2025, 3, 12, tzinfo=ZoneInfo("Europe/London"))


def generate(scale, *options):
    out = StringIO()
    call_command("generate_scale_data", "--scale", scale, *options, stdout=out)
    return out.getvalue()


def content_models():
    """Every table of the project's content, link tables included, without the history."""
    return [
        model
        for label in PROJECT_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if not model.__name__.startswith("Historical") and model.__name__ != "ContentGeneration"
    ]


def audited_models():
    return [model for model in content_models() if hasattr(model, "history")]


def digest():
    """A fingerprint of every content row in key order, each reference written as the
    position of the row it points to, so that two builds compare equal whatever keys the
    database handed out."""
    models = content_models()
    positions = {
        model: {
            pk: n for n, pk in enumerate(model.objects.order_by("pk").values_list("pk", flat=True))
        }
        for model in models
    }
    fingerprint = hashlib.sha256()
    for model in models:
        # Not the timestamps: what bulk writes after the build (stored publication answers)
        # stamp is the time they ran, as the audit history's dates are.
        fields = [
            field
            for field in model._meta.concrete_fields
            if not field.primary_key and field.name not in TIMESTAMPS
        ]
        for row in model.objects.order_by("pk").values_list(*[f.attname for f in fields]):
            values = [
                positions[field.related_model].get(value)
                if field.is_relation and value is not None and field.related_model in positions
                else value
                for field, value in zip(fields, row, strict=True)
            ]
            fingerprint.update(repr((model.__name__, values)).encode())
    return fingerprint.hexdigest()


def history_rows():
    return {model.__name__: model.history.count() for model in audited_models()}


# --- determinism, replacement ---------------------------------------------------------------


def test_the_same_seed_and_date_give_the_same_rows():
    generate("tiny", "--seed", "7", "--today", TODAY.isoformat())
    first = digest()

    generate("tiny", "--seed", "7", "--today", TODAY.isoformat(), "--replace")

    assert digest() == first


def test_another_seed_gives_other_rows():
    generate("tiny", "--seed", "7", "--today", TODAY.isoformat())
    first = digest()

    generate("tiny", "--seed", "8", "--today", TODAY.isoformat(), "--replace")

    assert digest() != first


def test_replacing_a_data_set_leaves_no_trace_of_the_old_one():
    generate("small", "--today", TODAY.isoformat())

    generate("tiny", "--seed", "2", "--today", TODAY.isoformat(), "--replace")

    tiny = SCALES["tiny"]
    assert Organisation.objects.count() == tiny.organisations
    assert Organisation.objects.get(name__startswith="Scale data partnership").name == (
        "Scale data partnership (tiny scale, seed 2, as of 2025-03-12)"
    )
    assert Person.objects.count() == tiny.people
    assert Meeting.objects.count() == tiny.meetings
    assert Observation.objects.count() == tiny.observations
    assert Action.objects.count() == tiny.plans * tiny.actions_per_plan
    assert {model: count for model, count in history_rows().items() if model != "Area"} == {
        model.__name__: model.objects.count()
        for model in audited_models()
        if model.__name__ != "Area"
    }


# --- the small scale, built once for the tests of the class ---------------------------------


@pytest.fixture(scope="class")
def small(django_db_setup, django_db_blocker):
    """The small data set as of TODAY, rolled back after the last test of the class."""
    with django_db_blocker.unblock(), transaction.atomic():
        generate("small", "--today", TODAY.isoformat())
        yield SCALES["small"]
        transaction.set_rollback(True)


def forty_item_meetings():
    return (
        Meeting.objects.public()
        .annotate(items=Count("agenda_items", filter=Q(agenda_items__is_exempt=False)))
        .filter(items=FORTY_ITEMS)
        .select_related("committee")
    )


class TestSmallScale:
    def test_it_holds_what_the_scale_table_says(self, small):
        plans = Plan.objects.annotate(actions_count=Count("actions")).order_by("pk")
        actions = Action.objects.annotate(updates_count=Count("updates"))

        assert Committee.objects.count() == small.committees
        assert Meeting.objects.count() == small.meetings == 200
        assert Organisation.objects.count() == small.organisations
        assert Person.objects.count() == small.people
        assert 2_700 < AgendaItem.objects.count() < 3_300
        assert forty_item_meetings().exists()
        assert ActionPoint.objects.count() == small.action_points == 1_000
        assert WrittenQuestion.objects.count() == small.written_questions == 300
        assert [plan.actions_count for plan in plans] == [200] * small.plans
        assert set(actions.values_list("updates_count", flat=True)) == {5}
        assert OutcomeFramework.objects.count() == small.frameworks
        assert Measure.objects.count() == small.frameworks * small.measures_per_framework
        assert Observation.objects.values("area").distinct().count() == small.areas == 9
        assert Observation.objects.count() == small.observations == 2 * 10 * 9 * 20
        assert Report.objects.public().count() == small.reports == 20

    def test_publication_states_are_those_of_a_working_partnership(self, small):
        past = Meeting.objects.filter(starts_at__lt=TODAY_STARTS)
        held = past.filter(status=Meeting.Status.HELD)
        items = AgendaItem.objects.all()
        points = ActionPoint.objects.all()
        questions = WrittenQuestion.objects.all()

        assert 0.9 < Meeting.objects.public().count() / Meeting.objects.count() < 1
        assert Meeting.objects.filter(starts_at__gte=TODAY_STARTS).exists()
        assert past.with_public_minutes().count() / past.count() > 0.8
        assert held.filter(minutes_status=Meeting.MinutesStatus.DRAFT).exists()
        assert past.filter(status=Meeting.Status.CANCELLED).exists()
        assert 0.005 < items.filter(is_exempt=True).count() / items.count() < 0.05
        assert Plan.objects.filter(status=Plan.Status.DRAFT).count() == small.draft_plans
        assert (
            OutcomeFramework.objects.filter(status=OutcomeFramework.Status.DRAFT).count()
            == small.draft_frameworks
        )
        assert points.public().count() / points.count() > 0.8
        assert points.filter(status=ActionPoint.Status.CLOSED).count() > points.count() / 2
        assert points.open().filter(due_date__lt=TODAY).exists()
        assert questions.filter(status=WrittenQuestion.Status.ANSWERED).count() > 200
        assert questions.awaiting().exists()
        # Written in bulk, past save(): the rule's answer is stored for every row
        # (meetings.publication).
        for rows in (points, questions):
            assert set(rows.public().values_list("pk", flat=True)) == set(
                rows.publication_rule().values_list("pk", flat=True)
            )
        # So is each organisation's record at each meeting (meetings.attendance_record).
        records = OrganisationAttendance.objects.values_list(
            "organisation_id", "meeting_id", "committee_id", "starts_at", "record"
        )
        assert len(records) > 500
        assert {(o, m): rest for o, m, *rest in records} == {
            key: list(row)
            for key, row in attendance_record.rule(
                Meeting.objects.values_list("pk", flat=True)
            ).items()
        }

    def test_a_common_term_is_found_often_and_a_rare_one_seldom(self, small):
        def mentions(term):
            return (
                AgendaItem.objects.filter(title__icontains=term).count()
                + Minute.objects.filter(body__icontains=term).count()
            )

        assert 1 <= mentions(RARE_TERM) < mentions(COMMON_TERM) / 50

    def test_derived_columns_are_what_a_save_would_store(self, small):
        numbered = [
            (AgendaItem, "number"),
            (Minute, "number"),
            (Action, "number"),
            (ActionPoint, "reference"),
            (Outcome, "number"),
            (Measure, "number"),
        ]
        for model, source in numbered:
            for number, sort_key in model.objects.values_list(source, "sort_key"):
                assert sort_key == natural_sort_key(number), (model.__name__, number)
        for model in audited_models():
            if issubclass(model, Versioned):
                assert set(model.objects.values_list("version", flat=True)) <= {1}
        for action in Action.objects.select_related("plan"):
            assert (action.due_date, action.due_precision) == parse_due_text(
                action.due_text, plan_start=action.plan.period_start
            )
        for point in ActionPoint.objects.select_related("meeting"):
            assert point.reference.startswith(f"{point.meeting.local_date:%m}/")

    def test_every_generated_row_has_its_creation_in_the_audit_history(self, small):
        for model in audited_models():
            # The reference list and the default report template the migrations load.
            if model.__name__ in ("Area", "ReportTemplate"):
                continue
            created = model.history.filter(history_type="+", history_change_reason=CHANGE_REASON)

            assert created.count() == model.objects.count(), model.__name__

    def test_public_pages_of_the_data_set_answer(self, small, client):
        meeting = forty_item_meetings().first()
        plan = Plan.objects.public().first()
        action = Action.objects.public().select_related("plan").order_by("sort_key").first()
        measure = (
            Measure.objects.public().select_related("outcome__framework").order_by("pk").first()
        )
        draft_plan = Plan.objects.filter(status=Plan.Status.DRAFT).first()

        meeting_page = client.get(meeting.get_absolute_url())
        committee_page = client.get(meeting.committee.get_absolute_url())
        plan_page = client.get(plan.get_absolute_url())
        action_page = client.get(action.get_absolute_url())
        measure_page = client.get(measure.get_absolute_url())
        framework_page = client.get(measure.outcome.framework.get_absolute_url())
        search_page = client.get("/search/", {"q": COMMON_TERM})

        assert meeting_page.status_code == 200
        assert meeting_page.content.decode().count('id="item-') == FORTY_ITEMS
        assert f"{RARE_TERM.capitalize()}: protecting vulnerable tenants" in (
            meeting_page.content.decode()
        )
        assert committee_page.status_code == 200
        assert escape(meeting.committee.name) in committee_page.content.decode()
        assert plan_page.status_code == 200
        assert escape(plan.title) in plan_page.content.decode()
        assert action_page.status_code == 200
        assert f"Action {action.number}" in action_page.content.decode()
        assert measure_page.status_code == 200
        assert escape(measure.title) in measure_page.content.decode()
        assert framework_page.status_code == 200
        assert search_page.status_code == 200
        assert "<mark>" in search_page.content.decode()
        assert client.get(draft_plan.get_absolute_url()).status_code == 404

    def test_meetings_in_every_state_have_a_public_page(self, small, client):
        public = Meeting.objects.public().select_related("committee")
        sample = [
            public.filter(status=Meeting.Status.CANCELLED).first(),
            public.filter(minutes_status=Meeting.MinutesStatus.DRAFT).first(),
            public.filter(minutes_status=Meeting.MinutesStatus.PUBLISHED).first(),
            public.filter(minutes_status=Meeting.MinutesStatus.CONFIRMED).last(),
            public.filter(starts_at__gte=TODAY_STARTS).first(),
        ]

        for meeting in sample:
            assert client.get(meeting.get_absolute_url()).status_code == 200, meeting
        hidden = Meeting.objects.exclude(pk__in=public.values("pk")).select_related("committee")
        assert client.get(hidden.first().get_absolute_url()).status_code == 404

    def test_running_again_says_so_and_changes_nothing(self, small):
        rows, history = digest(), history_rows()

        output = generate("small", "--today", TODAY.isoformat())

        assert "already present: nothing to do" in output
        assert digest() == rows
        assert history_rows() == history

    def test_another_scale_is_refused_without_replace(self, small):
        rows = digest()

        with pytest.raises(CommandError, match=r"small-scale data .* --replace"):
            generate("tiny")

        assert digest() == rows
