"""Following by email: what a reader follows (Subscription) and the messages sent to them
(Message, the outbox).

A subscription is a reader's address and one thing they follow: a committee, a plan, a plan
action, an organisation's record, a search or a filter of the outstanding page. It counts
only once confirmed from the link sent to the address (double opt-in); leaving removes it.
No account is needed: every message carries signed links to manage and to leave
(alerts.links). Addresses are personal data, never shown on a public page or in the API.

Every message is written to the outbox first and sent from there by a background task, so a
send that fails is retried and none is lost (alerts.delivery).
"""

import secrets

from django.db import models
from django.utils import timezone

from delivery_plans.models import ActionUpdate
from meetings.models import Document, Meeting, WrittenQuestion


def new_token():
    return secrets.token_urlsafe(24)


class Subscription(models.Model):
    class Kind(models.TextChoices):
        COMMITTEE = "committee", "Committee"
        PLAN = "plan", "Delivery plan"
        ACTION = "action", "Plan action"
        ORGANISATION = "organisation", "Organisation"
        SEARCH = "search", "Search"
        OUTSTANDING = "outstanding", "Outstanding items"

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", "As it happens"
        WEEKLY = "weekly", "Once a week"

    email = models.EmailField(max_length=254)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # What is followed: a slug ("breckland-council"), a plan's slug and an action's number
    # ("safer-norfolk-plan/1.14"), or a query string in its canonical form (alerts.targets).
    key = models.CharField(max_length=500)
    frequency = models.CharField(
        max_length=20, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    # In every signed link of the subscription: replaced, it voids the links sent before.
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["email", "kind", "key"], name="subscription_once_per_address"
            )
        ]
        indexes = [
            models.Index(
                fields=["kind", "key"],
                condition=models.Q(confirmed_at__isnull=False),
                name="subscription_confirmed_idx",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.key}"

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None


class Message(models.Model):
    """One email, as it will be sent: written here in the same transaction as what caused
    it, then sent by alerts.delivery."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Being sent"  # claimed by a worker (claimed_at)
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"  # given up after MAX_ATTEMPTS

    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300)
    text = models.TextField()
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    # Why it was written: "confirm", "already", "update" (alerts.services).
    reason = models.CharField(max_length=20)
    subscription = models.ForeignKey(
        Subscription, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(status__in=["queued", "sending"]),
                name="message_queued_idx",
            )
        ]

    def __str__(self):
        return f"{self.reason} to {self.to}: {self.status}"


class Change(models.Model):
    """Something published that followers hear of, noted when it happens (alerts.changes):
    what it was and the record it is about. Whether that record is still published is asked
    again when the messages are written (alerts.digests)."""

    class Kind(models.TextChoices):
        AGENDA = "agenda", "Agenda published"
        MINUTES = "minutes", "Minutes published"
        CANCELLED = "cancelled", "Meeting cancelled"
        PAPER = "paper", "Paper added"
        ANSWER = "answer", "Written answer recorded"
        UPDATE = "update", "Progress update published"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    question = models.ForeignKey(
        WrittenQuestion, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    update = models.ForeignKey(
        ActionUpdate, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["at"], name="change_at_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"


class Reminder(models.Model):
    """A reminder written to an owner or officer (alerts.reminders), recorded so that each is
    written once: for one thing (`about`, "action_point:12"), one date it is about (the date
    due, the meeting's day, the day an update fell due) and one address."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "Due soon"
        OVERDUE = "overdue", "Overdue"
        UPDATE_DUE = "update_due", "Update due"
        STALE = "stale", "No recent update"
        AGENDA_LATE = "agenda_late", "Agenda not yet published"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    about = models.CharField(max_length=40)
    due = models.DateField()
    to = models.EmailField(max_length=254)
    written_at = models.DateTimeField(auto_now_add=True)
    message = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="reminders"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "about", "due", "to"], name="reminder_once")
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.about} ({self.due}) to {self.to}"


class ReminderOptOut(models.Model):
    """An address that asked for no more reminders (from the link in each)."""

    email = models.EmailField(max_length=254, unique=True)
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.email


class FollowedQuery(models.Model):
    """What a followed search or filter of the outstanding page found when it was last run
    (alerts.digests): the addresses of its results, so that the next run can tell followers
    what is new."""

    kind = models.CharField(max_length=20, choices=Subscription.Kind.choices)
    key = models.CharField(max_length=500)
    found = models.JSONField(default=list)
    run_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="followed_query_once")]

    def __str__(self):
        return f"{self.kind} {self.key}"


class QueryChange(models.Model):
    """A result new to a followed search or filter since its last run."""

    kind = models.CharField(max_length=20, choices=Subscription.Kind.choices)
    key = models.CharField(max_length=500)
    at = models.DateTimeField()
    title = models.CharField(max_length=500)
    path = models.CharField(max_length=500)

    class Meta:
        indexes = [models.Index(fields=["at"], name="query_change_at_idx")]

    def __str__(self):
        return f"{self.title} ({self.kind} {self.key})"
