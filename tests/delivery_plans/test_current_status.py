"""An action's current status (RAG, distance, day of its latest published update) is stored
on the action and follows every write of its updates: created, published, edited, moved back
to draft, deleted, or written in bulk by the scale data."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.db.models import OuterRef, Subquery

from delivery_plans import status
from delivery_plans.models import Action, ActionUpdate
from tests.factories import ActionFactory, ActionUpdateFactory

pytestmark = pytest.mark.django_db


def stored(action):
    action.refresh_from_db()
    return (action.current_rag, action.current_distance, action.last_update_on)


def worked_out():
    """Every action's status worked out from its updates, as the pages did before it was
    stored: {key: (rag, distance, day, whether its paper gives the day)}."""
    latest = ActionUpdate.objects.published().filter(action=OuterRef("pk"))
    latest = latest.order_by("-reported_on", "-pk")
    return {
        pk: (rag, distance, day, given is not False)
        for pk, rag, distance, day, given in Action.objects.annotate(
            rag=Subquery(latest.values("rag")[:1]),
            distance=Subquery(latest.values("distance")[:1]),
            day=Subquery(latest.values("reported_on")[:1]),
            given=Subquery(latest.values("day_given")[:1]),
        ).values_list("pk", "rag", "distance", "day", "given")
    }


def stored_all():
    return {
        pk: (rag, distance, day, given)
        for pk, rag, distance, day, given in Action.objects.values_list(
            "pk", "current_rag", "current_distance", "last_update_on", "last_update_day_given"
        )
    }


def test_an_update_whose_paper_gives_no_day_is_shown_without_one():
    action = ActionFactory()
    undated = ActionUpdateFactory(
        action=action,
        reported_on=datetime.date(2024, 3, 31),
        day_given=False,
        period_label="Update Year 2",
        status="published",
    )
    action.refresh_from_db()
    assert (action.last_update_on, action.last_update_day_given) == (undated.reported_on, False)
    assert undated.day_shown == "no day given in the paper"
    assert str(undated) == "Update Year 2 (no day given in the paper)"
    assert action.last_update_shown == "No day given in the paper"

    ActionUpdateFactory(action=action, reported_on=datetime.date(2024, 6, 30), status="published")
    action.refresh_from_db()
    assert action.last_update_day_given is True
    assert action.last_update_shown == "30 June 2024"


def test_the_stored_status_follows_each_write_of_an_update():
    action = ActionFactory()
    other = ActionFactory(section=action.section, number="9.9")
    june, september = datetime.date(2024, 6, 30), datetime.date(2024, 9, 30)
    assert stored(action) == (None, None, None)

    draft = ActionUpdateFactory(action=action, reported_on=june, rag="red", status="draft")
    assert stored(action) == (None, None, None)  # a draft is not its status

    draft.status = "published"
    draft.save()
    assert stored(action) == ("red", "nearly_met", june)

    newer = ActionUpdateFactory(action=action, reported_on=september, rag="green", distance="met")
    assert stored(action) == ("green", "met", september)

    # An update published later but reported for an earlier day does not replace it.
    ActionUpdateFactory(action=action, reported_on=june, rag="amber")
    assert stored(action) == ("green", "met", september)

    newer.rag = "amber"
    newer.save()
    assert stored(action) == ("amber", "met", september)

    newer.status = "draft"
    newer.save()
    assert stored(action)[2] == june  # back to the latest published, June's newest row
    assert stored(action)[0] == "amber"

    ActionUpdate.objects.filter(action=action, reported_on=june, rag="amber").get().delete()
    assert stored(action) == ("red", "nearly_met", june)
    assert stored(other) == (None, None, None)  # another action's status is untouched
    assert stored_all() == worked_out()


def test_an_update_moved_to_another_action_changes_both():
    action = ActionFactory()
    other = ActionFactory(section=action.section, number="9.9")
    ActionUpdateFactory(action=action, reported_on=datetime.date(2024, 6, 30), rag="red")
    moved = ActionUpdateFactory(action=action, reported_on=datetime.date(2024, 9, 30))
    assert stored(action)[0] == "green"

    # As the update's admin page does: an officer picks the other action.
    moved.action = other
    moved.save()

    assert stored(action) == ("red", "nearly_met", datetime.date(2024, 6, 30))
    assert stored(other) == ("green", "nearly_met", datetime.date(2024, 9, 30))
    assert stored_all() == worked_out()


def test_refresh_puts_right_a_status_written_past_save():
    actions = [ActionFactory(), ActionFactory()]
    for action in actions:
        ActionUpdateFactory(action=action, rag="red")
    Action.objects.update(current_rag=None, current_distance=None, last_update_on=None)
    assert stored_all() != worked_out()

    status.refresh(Action.objects.filter(pk=actions[0].pk))
    assert stored(actions[0])[0] == "red"
    assert stored(actions[1])[0] is None
    status.refresh()
    assert stored_all() == worked_out()


def test_the_migration_fills_the_status_of_existing_actions():
    action = ActionFactory()
    ActionUpdateFactory(action=action, rag="amber", distance="some_way")
    Action.objects.update(current_rag=None, current_distance=None, last_update_on=None)

    migration = importlib.import_module("delivery_plans.migrations.0009_action_current_status")
    migration.fill(apps, None)

    assert stored(action)[:2] == ("amber", "some_way")
    assert stored_all() == worked_out()


def test_bulk_written_scale_data_carries_the_stored_status():
    from scale_data.generator import generate

    generate(scale="tiny", seed=7, today=datetime.date(2026, 11, 1))
    assert Action.objects.exclude(current_rag=None).exists()
    assert stored_all() == worked_out()
