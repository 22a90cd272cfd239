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

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
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
    one among them, that was public before the save and is not after. That includes the
    people and organisations (`derive`) whose only place in published material was among
    those records: a question's asker when its meeting's agenda is withdrawn, an update's
    reporter when the update is taken back to draft.

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
        instance._derived_before = _named_by(affected, instance.pk)

    def after(sender, instance, created=False, raw=False, **kwargs):
        public_before = instance.__dict__.pop("_public_before", None)
        named_before = instance.__dict__.pop("_derived_before", {})
        if public_before is None:
            return
        now = timezone.now()
        for other, lookup in dependants:
            other._default_manager.filter(**{lookup: instance.pk}).update(modified=now)
        gone = {}
        for other, lookup in affected:
            if other in public_before:
                still = set(_public_keys(other, lookup, instance.pk))
                gone.setdefault(other, set()).update(public_before[other] - still)
        for derived, keys in named_before.items():
            still = set(public_rows(derived).filter(pk__in=keys).values_list("pk", flat=True))
            gone.setdefault(derived, set()).update(keys - still)
        removed = [
            Removal(
                model=other._meta.label_lower,
                record_id=key,
                change=Removal.Change.WITHDRAWN,
                at=now,
            )
            for other, keys in gone.items()
            for key in sorted(keys)
        ]
        Removal.objects.bulk_create(removed, batch_size=1000)

    # Held strongly: the handlers are made here, and nothing else keeps them alive.
    pre_save.connect(before, sender=model, weak=False, dispatch_uid=f"{name}-before")
    post_save.connect(after, sender=model, weak=False, dispatch_uid=f"{name}-after")


# {role model: [(derived model, lookup from it to the role model, the role model's field
# that points back along that lookup)]}, filled by derive().
ROLES = {}
# {many-to-many link table of a role: (derived model, the role model's field)}.
LINKS = {}


def derive(model, roles):
    """`model`'s records are public while published material names them (a Person, an
    Organisation: their public() asks about rows of other models; `roles`, each a relation
    name or a tuple of them, lead from `model` to those rows). Record a Removal when deleting
    such a row, or pointing it at another record, leaves one that was public no longer so: a
    meeting deleted with the only attendance that named someone, a line corrected to name
    someone else, a person who moves taking their organisation's only role with them, an
    organisation taken off the owners of the only action that named it. The
    row's own publication changing is a save `follow` declares (its own, or its meeting's or
    plan's), which asks the same of the rows it publishes or withdraws."""
    for role in roles:
        path = role if isinstance(role, tuple) else (role,)
        current = model
        for depth, name in enumerate(path, 1):
            relation = current._meta.get_field(name)
            current = relation.related_model
            if current not in ROLES:
                label = current._meta.label_lower
                for signal, handler, action in (
                    (pre_delete, _role_deleting, "deleting"),
                    (post_delete, _role_gone, "deleted"),
                    (pre_save, _role_saving, "saving"),
                    (post_save, _role_gone, "saved"),
                ):
                    signal.connect(handler, sender=current, dispatch_uid=f"{label}-role-{action}")
            entry = (model, "__".join(path[:depth]), relation.field)
            if entry not in ROLES.setdefault(current, []):
                ROLES[current].append(entry)
            if depth == 1 and relation.field.many_to_many:
                # A link taken away (an organisation no longer an action's owner).
                through = relation.field.remote_field.through
                LINKS[through] = (model, relation.field)
                m2m_changed.connect(
                    _links_changing,
                    sender=through,
                    dispatch_uid=f"{through._meta.label_lower}-role-links",
                )


def _named_by(affected, key):
    """{derived model: keys of its public records named by the records of `affected` (each a
    (model, lookup to `key`)) related to `key`}: read before a save that may withdraw them."""
    named = {}
    for other, lookup in affected:
        for derived, role_lookup, _ in ROLES.get(other, ()):
            rows = derived._default_manager.filter(**{f"{role_lookup}__{lookup}": key})
            named.setdefault(derived, set()).update(rows.order_by().values_list("pk", flat=True))
    public = {
        derived: set(public_rows(derived).filter(pk__in=keys).values_list("pk", flat=True))
        for derived, keys in named.items()
        if keys
    }
    return {derived: keys for derived, keys in public.items() if keys}


def _pointers(role_model):
    """The role model's own columns that point at what it names (its foreign keys)."""
    return {
        field.attname
        for _, _, field in ROLES[role_model]
        if field.model is role_model and field.concrete and not field.many_to_many
    }


def _named(role_model, key, stored, memo):
    """{derived model: keys of its public records the row `key` of `role_model` names};
    `stored`, the row's pointer columns as stored. `memo` keeps answers for the other rows of
    one deletion (all of whose rows are asked about before any is deleted)."""
    named = {}
    for derived, lookup, field in ROLES[role_model]:
        if field.attname in stored:
            # Named by the row's own column, or through the record it points at (an
            # organisation through the person an attendance names).
            target = stored[field.attname]
            if target is None:
                continue
            rest = lookup.rpartition("__")[0]
            if not rest:
                keys = {target}
            else:
                if (derived, rest, target) not in memo:
                    memo[derived, rest, target] = set(
                        derived._default_manager.filter(**{rest: target}).values_list(
                            "pk", flat=True
                        )
                    )
                keys = memo[derived, rest, target]
        else:
            keys = set(
                derived._default_manager.filter(**{lookup: key}).values_list("pk", flat=True)
            )
        unknown = {k for k in keys if (derived, k) not in memo}
        if unknown:
            public = set(public_rows(derived).filter(pk__in=unknown).values_list("pk", flat=True))
            memo.update({(derived, k): k in public for k in unknown})
        named.setdefault(derived, set()).update(k for k in keys if memo[derived, k])
    return {derived: keys for derived, keys in named.items() if keys}


def _deletion_memo(origin):
    """Answers shared by the rows of one deletion, kept on what it was called on."""
    if origin is None:
        return {}
    return origin.__dict__.setdefault("_removals_memo", {"removed": set()})


def _role_deleting(sender, instance, origin=None, **kwargs):
    # Every row a deletion removes is sent here before any is deleted.
    memo = _deletion_memo(origin)
    stored = {name: getattr(instance, name) for name in _pointers(sender)}
    instance._named_before = (memo, _named(sender, instance.pk, stored, memo))


def _role_saving(sender, instance, raw=False, **kwargs):
    if raw or instance._state.adding or instance.pk is None:
        return
    # Only a change of what the row points at can leave someone it named unnamed.
    pointers = _pointers(sender)
    if not pointers:
        return
    stored = sender._base_manager.filter(pk=instance.pk).values(*pointers).first()
    if stored is None or all(stored[name] == getattr(instance, name) for name in pointers):
        return
    memo = {"removed": set()}
    instance._named_before = (memo, _named(sender, instance.pk, stored, memo))


def _links_changing(sender, instance, action, reverse, pk_set, **kwargs):
    """Links of a many-to-many role taken away: the records they named that were public
    before, and whether they still are after."""
    if action not in ("pre_remove", "pre_clear", "post_remove", "post_clear"):
        return
    derived, field = LINKS[sender]
    if action.startswith("post_"):
        _record_withdrawn(*instance.__dict__.pop("_links_named_before", ({}, {})))
        return
    if reverse:  # `instance` is the named record itself
        keys = {instance.pk}
    elif pk_set is not None:
        keys = set(pk_set)
    else:  # every link cleared
        keys = set(getattr(instance, field.name).values_list("pk", flat=True))
    public = set(public_rows(derived).filter(pk__in=keys).values_list("pk", flat=True))
    instance._links_named_before = ({"removed": set()}, {derived: public} if public else {})


def _role_gone(sender, instance, **kwargs):
    _record_withdrawn(*instance.__dict__.pop("_named_before", ({}, {})))


def _record_withdrawn(memo, named):
    """Record the removal of each record of `named` ({model: keys public before}) that is no
    longer public, unless another row of the same deletion has recorded it already."""
    removed = memo.get("removed", set())
    rows = []
    for derived, keys in named.items():
        keys = {key for key in keys if (derived, key) not in removed}
        if not keys:
            continue
        still = set(public_rows(derived).filter(pk__in=keys).values_list("pk", flat=True))
        label = derived._meta.label_lower
        for key in sorted(keys - still):
            removed.add((derived, key))
            rows.append(Removal(model=label, record_id=key, change=Removal.Change.WITHDRAWN))
    Removal.objects.bulk_create(rows)


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
