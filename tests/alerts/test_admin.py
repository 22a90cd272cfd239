"""The committee officer's view of email alerts in the back office: the outbox and the
reminders to read, a reader's subscription and an officer's opt-out to delete (which starts
the reminders again), nothing to edit by hand."""

import pytest
from django.urls import reverse

from alerts.models import Message, ReminderOptOut, Subscription

pytestmark = pytest.mark.django_db


def test_the_committee_officer_reads_the_outbox_and_restarts_reminders(client, officer):
    client.force_login(officer)
    Message.objects.create(to="ann@example.org", subject="Reminder: 1 thing due", text="Due.",
                           reason="reminder", status="failed", error="SMTPRecipientsRefused")  # fmt: skip
    stopped = ReminderOptOut.objects.create(email="ann@example.org")
    Subscription.objects.create(email="reader@example.org", kind="committee", key="panel")

    outbox = client.get(reverse("admin:alerts_message_changelist") + "?status__exact=failed")
    assert outbox.status_code == 200
    assert "Reminder: 1 thing due" in outbox.content.decode()
    assert client.get(reverse("admin:alerts_message_add")).status_code == 403
    subscriptions = client.get(reverse("admin:alerts_subscription_changelist")).content.decode()
    assert "reader@example.org" in subscriptions

    delete = reverse("admin:alerts_reminderoptout_delete", args=[stopped.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not ReminderOptOut.objects.exists()
