"""Audit history and edit safety shared by every app's content models (docs/security.md).

Every content model carries `history = HistoricalRecords()` (django-simple-history): each
create, change and delete is stored with who made it and when, and the admin shows it. Bulk
writes go through simple_history's bulk_create_with_history or upsert_with_history below, and
no code calls QuerySet.update() on an audited model but for columns its history leaves out (a
guard in tests/conftest.py enforces it).
Generated scale data is written with insert_with_history and removed, its history with it, with
erase_with_history below.

The records officers edit most also derive from `Versioned`: a version number raised by every
save, so that a save based on an older version is refused (StaleEdit) instead of overwriting a
change its author never saw; and `corrected_at`, stamped when a published record is changed,
so the public pages can say "Corrected on …"; and `created` and `modified`, for re-users
keeping a copy in step (safer_norfolk.removals, the API's modified_since).
"""

import datetime
import decimal
import io
from functools import partial

from django.db import connections, models
from django.db.models import Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from psycopg2.extras import Json
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_create_with_history

from safer_norfolk import formats
from safer_norfolk.page_cache import content_changed


class StaleEdit(Exception):
    """A save based on a version of the record older than the one stored."""

    def __init__(self, instance):
        self.instance = instance
        super().__init__(describe_newer_change(instance))


def describe_newer_change(instance):
    """A sentence naming the latest stored change to `instance`: who and when, and what."""
    label = f"{instance._meta.verbose_name.capitalize()} “{instance}”"
    latest = instance.history.order_by("-history_date", "-history_id").first()
    if latest is None:
        return f"{label} has been changed by someone else since you opened it."
    who = (
        latest.history_user.get_full_name() or latest.history_user.get_username()
        if latest.history_user
        else "someone else"
    )
    when = timezone.localtime(latest.history_date)
    what = ""
    previous = latest.prev_record
    if previous is not None:
        changed = [
            str(instance._meta.get_field(name).verbose_name)
            for name in latest.diff_against(previous).changed_fields
            if name not in ("version", "corrected_at")
        ]
        if changed:
            what = f" ({', '.join(changed)})"
    return (
        f"{label} was changed by {who} at {formats.date(when, 'H:i')} on "
        f"{formats.date(when, 'j F Y')}{what} since you opened it."
    )


# When a record was first stored and last changed: bookkeeping for re-users who keep a copy
# in step (the API's `modified_since`), not part of the audit history, whose own entries
# carry their time.
TIMESTAMPS = ("created", "modified")


def audited_history(excluded_fields=(), **options):
    """The audit history of a content model (simple_history's HistoricalRecords), leaving
    out the timestamps and `excluded_fields` (derived columns such as a search vector)."""
    return HistoricalRecords(excluded_fields=[*excluded_fields, *TIMESTAMPS], **options)


class VersionedQuerySet(models.QuerySet):
    """Bulk writes keep `modified`: an update() stamps the rows it changes (a stored
    publication answer changing is a change to the public record), and bulk_update() the
    objects it writes."""

    def update(self, **values):
        values.setdefault("modified", timezone.now())
        return super().update(**values)

    def bulk_update(self, objs, fields, batch_size=None):
        now = timezone.now()
        for obj in objs:
            obj.modified = now
        return super().bulk_update(objs, [*fields, "modified"], batch_size=batch_size)


VersionedManager = models.Manager.from_queryset(VersionedQuerySet)


class Versioned(models.Model):
    created = models.DateTimeField(
        default=timezone.now,
        editable=False,
        db_index=True,
        help_text="When it was first recorded here.",
    )
    modified = models.DateTimeField(
        default=timezone.now,
        editable=False,
        db_index=True,
        help_text="When it, or whether it is published, last changed.",
    )
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised by one on every save; a save based on an older version is refused.",
    )
    corrected_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When an officer last changed it after it was published.",
    )

    # A part edited on its parent's page whose public page marks the parent, not the part,
    # as corrected (a paper, a resolution, a line of attendance).
    correction_shown_on_parent = False

    objects = VersionedManager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding:
            return super().save(*args, **kwargs)
        self.modified = timezone.now()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "version", "modified"}
        self._expected_version = self.version
        self.version += 1
        try:
            super().save(*args, **kwargs)
        except BaseException:
            self.version = self._expected_version
            raise
        finally:
            del self._expected_version

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        expected = getattr(self, "_expected_version", None)
        if expected is None:
            return super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update)
        # UPDATE … WHERE id = %s AND version = %s: no row matched means a newer version exists.
        updated = super()._do_update(
            base_qs.filter(version=expected), using, pk_val, values, update_fields, forced_update
        )
        if not updated and base_qs.filter(pk=pk_val).exists():
            raise StaleEdit(self)
        return updated

    def stamp_correction(self, now=None):
        """Mark a change to a published record, for the public "Corrected on" note."""
        self.corrected_at = now or timezone.now()


def save_as(instance, by, **kwargs):
    """Save `instance` with `by` (a user, or None for the system) as the author of the change
    in its audit history: what services use, since they may run outside a request."""
    if by is not None and getattr(by, "is_authenticated", False):
        instance._history_user = by
    instance.save(**kwargs)


def release_unique_values(model, pks, field):
    """Give the rows `pks` of `model` a stand-in value of `field` ("~" and the row's key), in
    the caller's transaction, so that one save of several rows can swap or shift values that
    must stay unique (agenda items 5 and 6 exchanged). The caller then saves each of those
    rows with its new value, or deletes it: the stand-in is never committed, and the history
    records each row as saved. The version is left as it is, so those saves still refuse a
    stale page. A number column is given the largest numbers it holds instead."""
    if not pks:
        return
    rows = model._default_manager.filter(pk__in=pks)
    model_field = model._meta.get_field(field)
    if not isinstance(model_field, models.IntegerField):
        rows.update(**{field: Concat(Value("~"), Cast("pk", output_field=models.CharField()))})
        return
    # A number (a decision's order): stand-ins counted down from the largest the column
    # holds, far above any number officers give.
    connection = connections[rows.db]
    _, largest = connection.ops.integer_field_range(model_field.get_internal_type())
    for offset, pk in enumerate(sorted(pks)):
        rows.filter(pk=pk).update(**{field: largest - offset})


def upsert_with_history(
    model, *, created, changed, unique_fields, update_fields, by=None, batch_size=None
):
    """Write new rows and changes to existing ones (identified by `unique_fields`) with one
    INSERT … ON CONFLICT DO UPDATE, then their audit history ("+" and "~") in bulk, in the
    caller's transaction. `changed` objects carry their primary key for the history; Django's
    bulk_update would write the same changes with a CASE per row, many times slower.

    This module is the one place allowed to write an audited model in bulk itself."""
    user = by if getattr(by, "is_authenticated", False) else None
    if issubclass(model, Versioned):  # a changed row is stamped as a saved one would be
        now = timezone.now()
        for obj in [*created, *changed]:
            obj.modified = now
        for obj in created:
            obj.created = now
        update_fields = [*update_fields, "modified"]
    keys = [obj.pk for obj in changed]
    for obj in changed:
        obj.pk = None  # the conflict on unique_fields finds the row
    model._default_manager.bulk_create(
        [*created, *changed],
        batch_size=batch_size,
        update_conflicts=True,
        unique_fields=unique_fields,
        update_fields=update_fields,
    )
    for obj, pk in zip(changed, keys, strict=True):
        obj.pk = pk
    model.history.bulk_history_create(created, batch_size=batch_size, default_user=user)
    model.history.bulk_history_create(
        changed, batch_size=batch_size, update=True, default_user=user
    )
    if created or changed:
        content_changed()  # bulk writes send no signals: cached pages go stale here


def erase_with_history(queryset):
    """Delete the rows of `queryset` and every audit history row of theirs, with plain DELETE
    statements: no "-" entries, no signals, no cascades (erase the rows that refer to these
    first, in the same transaction).

    Only for generated data that must leave no trace (`generate_scale_data --replace`); a
    real record's deletion belongs in its history, so real records are deleted with delete()."""
    model = queryset.model
    # The keys are read once, then deleted by list: a DELETE … IN (subquery through joins)
    # on freshly written tables, before PostgreSQL has statistics for them, can be planned
    # as nested loops that take minutes.
    keys = list(queryset.values_list("pk", flat=True))
    deleted = 0
    for start in range(0, len(keys), 10_000):
        batch = keys[start : start + 10_000]
        history = model.history.filter(**{f"{model._meta.pk.attname}__in": batch})
        history._raw_delete(history.db)
        rows = model._default_manager.filter(pk__in=batch)
        deleted += rows._raw_delete(rows.db)
    if deleted:
        content_changed()  # raw deletes send no signals: cached pages go stale here
    return deleted


def insert_with_history(model, objects, *, change_reason="", by=None, batch_size=5000):
    """Insert new `objects` of an audited model and their "+" history rows, in the caller's
    transaction, setting each object's primary key: what simple_history's
    bulk_create_with_history does, and what runs on databases other than PostgreSQL.
    Models' save() is not called: what it fills (a person's or an organisation's slug) the
    caller gives.

    On PostgreSQL the keys are drawn from the table's sequence first and both tables are
    filled with COPY, which skips Django's per-value SQL compilation and the server's
    parsing of huge INSERT statements: what makes generated county-scale data quick to build."""
    connection = connections[model._default_manager.db]
    user = by if getattr(by, "is_authenticated", False) else None
    if not objects:
        return objects
    content_changed()  # bulk writes send no signals: cached pages go stale here
    if connection.vendor != "postgresql":
        return bulk_create_with_history(
            objects,
            model,
            batch_size=batch_size,
            default_user=user,
            default_change_reason=change_reason,
        )
    fields = model._meta.concrete_fields
    history_model = model.history.model
    stamp = {
        "history_date": timezone.now(),
        "history_change_reason": change_reason,
        "history_type": "+",
        "history_user_id": user.pk if user else None,
    }
    history_fields = [
        field for field in history_model._meta.concrete_fields if not field.primary_key
    ]
    tracked = {field.attname for field in history_model.tracked_fields}
    unknown = [f.attname for f in history_fields if f.attname not in tracked | stamp.keys()]
    if unknown:
        raise ValueError(
            f"{history_model.__name__} has columns this helper cannot fill: {unknown}."
        )
    with connection.cursor() as cursor:
        for start in range(0, len(objects), batch_size):
            batch = objects[start : start + batch_size]
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, model._meta.pk.column, len(batch)],
            )
            rows, history_rows = [], []
            for obj, (pk,) in zip(batch, cursor.fetchall(), strict=True):
                obj.pk = pk
                obj._prepare_related_fields_for_save(operation_name="insert_with_history")
                values = {
                    field.attname: field.get_db_prep_save(field.pre_save(obj, True), connection)
                    for field in fields
                }
                rows.append([values[field.attname] for field in fields])
                history_rows.append(
                    [values.get(f.attname, stamp.get(f.attname)) for f in history_fields]
                )
                obj._state.adding, obj._state.db = False, connection.alias
            _copy(cursor, model._meta.db_table, [f.column for f in fields], rows)
            _copy(
                cursor,
                history_model._meta.db_table,
                [f.column for f in history_fields],
                history_rows,
            )
    return objects


def _copy(cursor, table, columns, rows):
    """COPY rows into a PostgreSQL table in its text format."""
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(map(_copy_text, row)))
        buffer.write("\n")
    buffer.seek(0)
    quote = cursor.db.ops.quote_name
    cursor.copy_expert(f"COPY {quote(table)} ({', '.join(map(quote, columns))}) FROM STDIN", buffer)


def _copy_text(value):
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, int | float | decimal.Decimal):
        return str(value)
    if isinstance(value, Json):  # a JSONField's value, as the driver would send it
        return _copy_text(value.dumps(value.adapted))
    if isinstance(value, str):
        return (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    raise TypeError(f"No COPY text for a {type(value).__name__} value.")


def stamp_relation_changes():
    """Stamp `modified` on both records when a many-to-many link between content records is
    made or undone (an agenda item linked to a plan action): the API writes a record's links
    with it, so a copy kept elsewhere must read it again. Called once the models are loaded."""
    from django.apps import apps

    for model in apps.get_models():
        if not issubclass(model, Versioned):
            continue
        for relation in model._meta.many_to_many:
            through = relation.remote_field.through
            models.signals.m2m_changed.connect(
                partial(_relation_changed, relation),
                sender=through,
                weak=False,
                dispatch_uid=f"{through._meta.label}-stamp",
            )


def _relation_changed(relation, sender, instance, action, reverse, model, pk_set, **kwargs):
    now = timezone.now()
    if action == "pre_clear":
        # clear() names no records: those linked until now are stamped before the links go,
        # in the same transaction.
        if issubclass(model, Versioned):
            linked = _linked(relation, instance, reverse)
            model._default_manager.filter(pk__in=linked).update(modified=now)
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if isinstance(instance, Versioned):
        type(instance)._default_manager.filter(pk=instance.pk).update(modified=now)
    if pk_set and issubclass(model, Versioned):
        model._default_manager.filter(pk__in=pk_set).update(modified=now)


def _linked(relation, instance, reverse):
    """The keys of the records `instance` is linked to through `relation` (a many-to-many
    field), from whichever side: `reverse` when `instance` is of the model it points to."""
    mine, theirs = relation.m2m_field_name(), relation.m2m_reverse_field_name()
    if reverse:
        mine, theirs = theirs, mine
    links = relation.remote_field.through._default_manager
    return links.filter(**{mine: instance.pk}).values_list(theirs, flat=True)
