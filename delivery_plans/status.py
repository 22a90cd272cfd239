"""An action's current status, kept at write time: the RAG rating, distance and day of its
latest published update (reported_on, then the newest row), stored on the action.

Every page, PDF, feed and API response that shows an action's status reads the stored
columns (queries.with_current_status) instead of finding the latest update per action per
request. They follow every write of an update: `connect` ties `refresh` to the saving and
deleting of any ActionUpdate (the admin, services, the API, imports, fixtures and the demo
alike), and a fixture's action row to its updates already loaded;
code that writes updates in bulk, past the model's save(), calls `refresh` itself. A stored
status is derived data, like the page cache's counter, so it is kept by signal; no rule of
the service layer lives here.
"""

from django.db.models import BooleanField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save, pre_save

from delivery_plans.models import Action, ActionUpdate


def latest_published(action=None):
    """The published updates of `action` (the outer action when None), latest first."""
    return (
        ActionUpdate.objects.published()
        .filter(action=OuterRef("pk") if action is None else action)
        .order_by("-reported_on", "-pk")
    )


def refresh(actions=None):
    """Store on `actions` (a queryset or keys; every action when None) their latest
    published update's RAG, distance and day (and whether its paper gives the day), or None
    without one. One statement."""
    if actions is None:
        target = Action.objects.all()
    elif hasattr(actions, "values"):
        target = Action.objects.filter(pk__in=actions.values("pk"))
    else:
        target = Action.objects.filter(pk__in=list(actions))
    latest = latest_published()
    return target.update(
        current_rag=Subquery(latest.values("rag")[:1]),
        current_distance=Subquery(latest.values("distance")[:1]),
        last_update_on=Subquery(latest.values("reported_on")[:1]),
        last_update_day_given=Coalesce(
            Subquery(latest.values("day_given")[:1]), Value(True), output_field=BooleanField()
        ),
    )


def _remember_action(sender, instance, **kwargs):
    """Before an update is saved, the action it belonged to: an officer may move it to
    another (the update's admin page, or a fixture loaded again), and both actions' status
    then changes."""
    if instance.pk is None:
        return
    instance._action_before = (
        sender.objects.filter(pk=instance.pk).values_list("action_id", flat=True).first()
    )


def _update_written(sender, instance, **kwargs):
    # Fixtures too (raw): an update loaded before its action stores nothing here, and the
    # action's own save then does (_action_loaded).
    actions = {instance.action_id, getattr(instance, "_action_before", None)}
    refresh(actions - {None})


def _action_loaded(sender, instance, raw=False, **kwargs):
    """A fixture's action row is written as it comes, with no status of its own: store the
    status of the updates already in the database."""
    if raw:
        refresh([instance.pk])


def connect():
    pre_save.connect(_remember_action, sender=ActionUpdate, dispatch_uid="action-status-before")
    post_save.connect(_update_written, sender=ActionUpdate, dispatch_uid="action-status-save")
    post_delete.connect(_update_written, sender=ActionUpdate, dispatch_uid="action-status-delete")
    post_save.connect(_action_loaded, sender=Action, dispatch_uid="action-status-loaded")
