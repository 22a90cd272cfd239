"""Noting what followers hear of, as it happens: an agenda or minutes published, a meeting
cancelled, a public paper added, a written answer recorded, a progress update published.

Each is noted once (a later save of the same record notes nothing new), from the saving of
the record, whichever way it is saved (the services, the admin, the API). Rows loaded from
fixtures are not news. Figures imported in bulk are not noted here (see the note in
docs/development.md).
"""

from django.db.models.signals import post_save

from alerts.models import Change
from delivery_plans.models import ActionUpdate
from meetings.models import Document, Meeting, WrittenQuestion

Kind = Change.Kind


def _note(kind, **about):
    if not Change.objects.filter(kind=kind, **about).exists():
        Change.objects.create(kind=kind, **about)


def _meeting_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    if instance.agenda_published_at is not None:
        _note(Kind.AGENDA, meeting=instance)
    if instance.minutes_published_at is not None:
        _note(Kind.MINUTES, meeting=instance)
    if instance.status == Meeting.Status.CANCELLED:
        _note(Kind.CANCELLED, meeting=instance)


def _document_saved(sender, instance, raw=False, **kwargs):
    # A paper added before its agenda is published comes with the agenda's news.
    if not raw and Document.objects.public().filter(pk=instance.pk).exists():
        _note(Kind.PAPER, document=instance)


def _question_saved(sender, instance, raw=False, **kwargs):
    if not raw and instance.status == WrittenQuestion.Status.ANSWERED:
        _note(Kind.ANSWER, question=instance)


def _update_saved(sender, instance, raw=False, **kwargs):
    if not raw and instance.status == ActionUpdate.Status.PUBLISHED:
        _note(Kind.UPDATE, update=instance)


def connect():
    for model, receiver in (
        (Meeting, _meeting_saved),
        (Document, _document_saved),
        (WrittenQuestion, _question_saved),
        (ActionUpdate, _update_saved),
    ):
        post_save.connect(
            receiver, sender=model, dispatch_uid=f"alerts-change-{model._meta.model_name}"
        )
