"""Knowing what left the public record, as it happens, for re-users who keep a copy of it
in step (the API's `modified_since` and its changes feed, docs/api.md).

Two things follow a record's publication here:
- its `modified` stamp, which a save raises (safer_norfolk.audit) and which must also rise
  when the record is published or withdrawn because another record changed (a meeting's
  minutes published publish its minutes and decisions);
- a `Removal` row when a record that was public stops being so: deleted, or withdrawn with
  itself or what it belongs to.

Each app declares, in its AppConfig.ready(), which of its models are published records
(`watch`) and which saves change whether other records are published (`follow`). The
models' own public() querysets decide what is public, before and after the change: no rule is
written twice. Bulk writes that bypass save() and delete() (generated scale data) record
nothing, by design: they are not changes to the public record.
"""

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.utils import timezone

from safer_norfolk.models import Removal

WATCHED = set()


def public_rows(model):
    manager = model._default_manager
    return manager.public() if hasattr(manager, "public") else manager.all()


def watch(*watched):
    """Record a Removal when a public record of any of `watched` is deleted, itself or with
    what it belongs to."""
    for model in watched:
        WATCHED.add(model)
        name = model._meta.label_lower
        pre_delete.connect(_deleting, sender=model, dispatch_uid=f"{name}-removal-deleting")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"{name}-removal-deleted")


def _deleting(sender, instance, **kwargs):
    # Every row a deletion removes is sent here before any is deleted.
    instance._was_public = public_rows(sender).filter(pk=instance.pk).exists()


def _deleted(sender, instance, **kwargs):
    if instance.__dict__.pop("_was_public", False):
        Removal.objects.create(
            model=sender._meta.label_lower, record_id=instance.pk, change=Removal.Change.DELETED
        )


def follow(model, fields, dependants=()):
    """When a save of `model` changes any of `fields`, which decide whether it or other
    records are published (a meeting's agenda status its agenda items, minutes and
    questions): stamp `modified` on the records of each (model, lookup) in `dependants` — the
    lookup from that model to `model`'s key — and record a Removal for each record, the saved
    one among them, that was public before the save and is not after.

    Connect it after any handler that stores a publication answer on save (meetings.
    publication), so that the answer is read once stored."""
    name = f"{model._meta.label_lower}-publication"
    affected = [(model, "pk"), *dependants]

    def before(sender, instance, raw=False, **kwargs):
        if raw or instance._state.adding or instance.pk is None:
            return
        stored = model._default_manager.filter(pk=instance.pk).values(*fields).first()
        if stored is None or all(stored[field] == getattr(instance, field) for field in fields):
            return
        instance._public_before = {
            other: set(_public_keys(other, lookup, instance.pk))
            for other, lookup in affected
            if other in WATCHED
        }

    def after(sender, instance, created=False, raw=False, **kwargs):
        public_before = instance.__dict__.pop("_public_before", None)
        if public_before is None:
            return
        now = timezone.now()
        for other, lookup in dependants:
            other._default_manager.filter(**{lookup: instance.pk}).update(modified=now)
        removed = []
        for other, lookup in affected:
            if other not in public_before:
                continue
            gone = public_before[other] - set(_public_keys(other, lookup, instance.pk))
            label = other._meta.label_lower
            removed += [
                Removal(model=label, record_id=key, change=Removal.Change.WITHDRAWN, at=now)
                for key in sorted(gone)
            ]
        Removal.objects.bulk_create(removed, batch_size=1000)

    # Held strongly: the handlers are made here, and nothing else keeps them alive.
    pre_save.connect(before, sender=model, weak=False, dispatch_uid=f"{name}-before")
    post_save.connect(after, sender=model, weak=False, dispatch_uid=f"{name}-after")


def _public_keys(model, lookup, key):
    """The keys of `model`'s public records related to `key` through `lookup`. The related
    keys are read first, then public() is asked about those keys alone: public() over a join
    (an organisation through its people's attendance) was planned over every row it names,
    seconds a save on tables just written."""
    related = list(
        model._default_manager.filter(**{lookup: key}).order_by().values_list("pk", flat=True)
    )
    if not related:
        return []
    return public_rows(model).filter(pk__in=set(related)).values_list("pk", flat=True)
