"""Whether each action point and written question is public, kept at write time.

The publication rule of an action point or a written question (DESIGN §5) depends on other
rows: its meeting's agenda and minutes status, and whether the agenda item it was raised on
(through its minute, for an action point) is exempt. Every page that counts or lists them at
county scale paid for that rule row by row, so its answer is stored on the row (`is_public`)
and `public()` reads the stored answer. `publication_rule()` on each queryset stays the one
statement of the rule; `refresh` writes its answer.

The stored answer follows every write that can change it: `connect` ties `refresh` to the
saving and deleting of meetings, agenda items, minutes, action points and questions (the
admin, services, the API, imports, fixtures and the demo alike); code that writes them in
bulk, past the models' save(), calls `refresh` itself (the scale data). A deletion captures
the rows it affects first, since deleting an item or a minute unlinks them (SET_NULL).
"""

from django.db.models.signals import post_delete, post_save, pre_delete

from meetings.models import (
    ActionPoint,
    ActionPointNote,
    AgendaItem,
    Attendance,
    Committee,
    Declaration,
    Document,
    Meeting,
    Membership,
    Minute,
    Report,
    Resolution,
    WorkProgrammeItem,
    WrittenQuestion,
)
from safer_norfolk import removals
from safer_norfolk.models import Organisation, Person


def refresh(action_points=None, questions=None):
    """Store the publication rule's answer on `action_points` and `questions` (querysets;
    every row when None), writing only the rows whose answer changed.

    The rule is asked about the rows by key (an index lookup per join, whatever the planner's
    statistics say: a correlated NOT EXISTS planned against a freshly written table took
    seconds a row); the whole table (None) is compared with the rule as one semi join, for
    after bulk writes once the tables have statistics."""
    for model, rows in ((ActionPoint, action_points), (WrittenQuestion, questions)):
        if rows is None:
            allowed = model.objects.publication_rule().values("pk")
            model.objects.filter(is_public=True).exclude(pk__in=allowed).update(is_public=False)
            model.objects.filter(pk__in=allowed, is_public=False).update(is_public=True)
            continue
        keys = set(rows.values_list("pk", flat=True))
        if not keys:
            continue
        allowed = set(
            model.objects.publication_rule().filter(pk__in=keys).values_list("pk", flat=True)
        )
        model.objects.filter(pk__in=allowed, is_public=False).update(is_public=True)
        model.objects.filter(pk__in=keys - allowed, is_public=True).update(is_public=False)


def dependants(instance):
    """The action points and questions whose rule reads `instance`."""
    if isinstance(instance, Meeting):
        return (
            ActionPoint.objects.filter(meeting=instance.pk),
            WrittenQuestion.objects.filter(meeting=instance.pk),
        )
    if isinstance(instance, AgendaItem):
        return (
            ActionPoint.objects.filter(minute__agenda_item=instance.pk),
            WrittenQuestion.objects.filter(agenda_item=instance.pk),
        )
    if isinstance(instance, Minute):
        return ActionPoint.objects.filter(minute=instance.pk), WrittenQuestion.objects.none()
    if isinstance(instance, ActionPoint):
        return ActionPoint.objects.filter(pk=instance.pk), WrittenQuestion.objects.none()
    return ActionPoint.objects.none(), WrittenQuestion.objects.filter(pk=instance.pk)


def _saved(sender, instance, **kwargs):
    # Fixtures too (raw): whatever order their rows come in, the last save of any row the
    # rule reads stores the answer from what is then in the database.
    refresh(*dependants(instance))


def _deleting(sender, instance, **kwargs):
    instance._publication_dependants = [
        list(rows.values_list("pk", flat=True)) for rows in dependants(instance)
    ]


def _deleted(sender, instance, **kwargs):
    action_points, questions = getattr(instance, "_publication_dependants", ([], []))
    refresh(
        ActionPoint.objects.filter(pk__in=action_points),
        WrittenQuestion.objects.filter(pk__in=questions),
    )


def connect():
    for model in (Meeting, AgendaItem, Minute, ActionPoint, WrittenQuestion):
        name = model._meta.model_name
        post_save.connect(_saved, sender=model, dispatch_uid=f"publication-save-{name}")
    for model in (AgendaItem, Minute):
        name = model._meta.model_name
        pre_delete.connect(_deleting, sender=model, dispatch_uid=f"publication-deleting-{name}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"publication-deleted-{name}")
    # What a meeting's agenda and minutes status, and an item's exemption, publish or withdraw
    # with them (each model's public()), for re-users keeping a copy (safer_norfolk.removals):
    # after the stored answers above, which they read.
    removals.watch(
        Committee,
        Membership,
        Meeting,
        AgendaItem,
        Minute,
        Resolution,
        ActionPoint,
        WrittenQuestion,
        WorkProgrammeItem,
        Report,
    )
    removals.follow(
        Meeting,
        ("agenda_status", "minutes_status"),
        [
            (AgendaItem, "meeting"),
            (Document, "meeting"),
            (Report, "agenda_item__meeting"),
            (Minute, "meeting"),
            (Resolution, "minute__meeting"),
            (Attendance, "meeting"),
            (Declaration, "meeting"),
            (ActionPoint, "meeting"),
            (ActionPointNote, "action_point__meeting"),
            (WrittenQuestion, "meeting"),
            (WorkProgrammeItem, "requested_at"),
            (Person, "attendances__meeting"),
            (Organisation, "people__attendances__meeting"),
        ],
    )
    removals.follow(
        AgendaItem,
        ("is_exempt",),
        [
            (Document, "agenda_item"),
            (Report, "agenda_item"),
            (Minute, "agenda_item"),
            (Resolution, "minute__agenda_item"),
            (Declaration, "agenda_item"),
            (ActionPoint, "minute__agenda_item"),
            (ActionPointNote, "action_point__minute__agenda_item"),
            (WrittenQuestion, "agenda_item"),
        ],
    )
    removals.follow(Report, ("status",))
    removals.follow(WorkProgrammeItem, ("status",))
