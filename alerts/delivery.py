"""Sending the outbox (Message).

A worker claims a batch of queued messages at a time (marked "sending", with SKIP LOCKED, so
two workers never claim the same one), sends them over one connection to the mail server
and marks each sent the moment the server has accepted it, one statement each. A send that
fails is recorded and retried by a later run (`send_notifications` runs one every few
minutes), up to MAX_ATTEMPTS, then marked failed and logged. A worker that stops mid-batch
(killed, out of memory) leaves its claimed messages "sending": after RECLAIM_AFTER any
worker claims them again, so none is lost.

No mail protocol lets a message be sent exactly once: between the server accepting a
message and its mark being written, a worker may stop, and that one message is sent again.
It carries the Message-ID fixed when it was written, so a mail client shows one copy.
"""

import datetime
import logging
import smtplib
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from alerts.models import Message

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# The messages a worker claims at a time.
BATCH = 100
# A message claimed this long ago by a worker that has not sent it is claimed again.
RECLAIM_AFTER = datetime.timedelta(minutes=10)


def queue(messages):
    """Write `messages` (unsaved Message objects) to the outbox and send them once the
    transaction that wrote them commits."""
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    for message in messages:
        message.headers = {"Message-ID": make_msgid(domain=domain), **message.headers}
        # A header is one line: a name typed with a line break in it must not end it early.
        message.subject = " ".join(message.subject.split())[: Message.subject.field.max_length]
    Message.objects.bulk_create(messages)
    transaction.on_commit(send_queued.enqueue)


def _email(message, connection):
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        headers=message.headers,
        connection=connection,
    )
    if message.html:
        email.attach_alternative(message.html, "text/html")
    return email


def claim(count):
    """Up to `count` messages to send, oldest first, marked "sending" for this worker: those
    queued, and those another worker claimed more than RECLAIM_AFTER ago and never sent."""
    now = timezone.now()
    claimable = Q(status=Message.Status.QUEUED) | Q(
        status=Message.Status.SENDING, claimed_at__lt=now - RECLAIM_AFTER
    )
    with transaction.atomic():
        batch = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(claimable)
            .order_by("created_at", "pk")[:count]
        )
        Message.objects.filter(pk__in=[message.pk for message in batch]).update(
            status=Message.Status.SENDING, claimed_at=now
        )
    return batch


def _release(messages):
    """Give claimed messages back to the queue, unsent, for the next run."""
    Message.objects.filter(pk__in=[message.pk for message in messages]).update(
        status=Message.Status.QUEUED, claimed_at=None
    )


def send_queued_now(limit=None):
    """Send queued messages, oldest first (at most `limit`); returns how many were sent."""
    sent = 0
    connection = get_connection(fail_silently=False)
    opened = False
    try:
        while limit is None or sent < limit:
            batch = claim(BATCH if limit is None else min(BATCH, limit - sent))
            if not batch:
                break
            for index, message in enumerate(batch):
                try:
                    if not opened:  # one connection for the run, opened once there is mail
                        connection.open()
                        opened = True
                    _email(message, connection).send()
                except Exception as error:  # any failure of the server or the network
                    if not _failed(message, error):
                        _release(batch[index + 1 :])
                        return sent  # the server may be down: the rest wait for a later run
                    continue
                Message.objects.filter(pk=message.pk).update(
                    status=Message.Status.SENT,
                    sent_at=timezone.now(),
                    attempts=F("attempts") + 1,
                    error="",
                )
                sent += 1
    finally:
        connection.close()
    return sent


def _failed(message, error):
    """Record a failed attempt; True when it was this address alone (refused), so the others
    may still be sent."""
    attempts = message.attempts + 1
    description = f"{type(error).__name__}: {error}"
    # An address the server refuses is refused again: given up at once (Notify's refusals
    # say so too: alerts.notify).
    refused = isinstance(error, smtplib.SMTPRecipientsRefused) or getattr(error, "permanent", False)
    if refused or attempts >= MAX_ATTEMPTS:
        status = Message.Status.FAILED
        logger.error("Gave up sending message %s: %s", message.pk, description)
    else:
        status = Message.Status.QUEUED
        logger.warning("Sending message %s failed: %s", message.pk, description)
    Message.objects.filter(pk=message.pk).update(
        status=status, attempts=attempts, error=description, claimed_at=None
    )
    return refused


@task()
def send_queued():
    return send_queued_now()
