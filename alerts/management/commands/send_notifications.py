"""Run from cron every few minutes (docs/deployment.md): writes the messages telling
followers what changed (alerts.digests) and the reminders due (alerts.reminders), sends what waits in the outbox, retrying the
messages whose earlier attempts failed, and forgets sent messages after
ALERTS_KEEP_SENT_DAYS."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from alerts import delivery, digests, reminders
from alerts.models import Message


class Command(BaseCommand):
    help = (
        "Write the email alerts of what changed, send the queued ones (retrying failed "
        "sends), and forget old sent ones."
    )

    def handle(self, *args, **options):
        written = digests.write_messages()
        reminded = reminders.write_reminders()
        sent = delivery.send_queued_now()
        cutoff = timezone.now() - datetime.timedelta(days=settings.ALERTS_KEEP_SENT_DAYS)
        forgotten, _ = Message.objects.filter(
            status=Message.Status.SENT, sent_at__lt=cutoff
        ).delete()
        waiting = Message.objects.filter(status=Message.Status.QUEUED).count()
        self.stdout.write(
            f"Wrote {written}; reminders {reminded}; sent {sent}; {waiting} waiting; "
            f"{forgotten} old messages forgotten."
        )
