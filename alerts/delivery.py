"""Sending the outbox (Message): each queued message is sent over one connection to the
mail server and marked sent in its own transaction, claimed with SKIP LOCKED so that two
workers never send the same one. A send that fails is recorded and retried by the next run
(`send_notifications` runs one every few minutes), up to MAX_ATTEMPTS, then marked failed
and logged; none is dropped. Each message's Message-ID is fixed when it is written, so a
mail client shows one copy even if a worker stopped between the server accepting a message
and recording it.
"""

import logging
import smtplib
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from alerts.models import Message

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


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


def _claim_next():
    """The oldest queued message no other worker holds, locked, or None."""
    return (
        Message.objects.select_for_update(skip_locked=True)
        .filter(status=Message.Status.QUEUED)
        .order_by("created_at", "pk")
        .first()
    )


def send_queued_now(limit=None):
    """Send queued messages, oldest first (at most `limit`); returns how many were sent."""
    sent = 0
    connection = get_connection(fail_silently=False)
    try:
        while limit is None or sent < limit:
            with transaction.atomic():
                message = _claim_next()
                if message is None:
                    break
                message.attempts += 1
                try:
                    _email(message, connection).send()
                except Exception as error:  # any failure of the server or the network
                    message.error = f"{type(error).__name__}: {error}"
                    # An address the server refuses is refused again: given up at once.
                    refused = isinstance(error, smtplib.SMTPRecipientsRefused)
                    if refused or message.attempts >= MAX_ATTEMPTS:
                        message.status = Message.Status.FAILED
                        logger.error("Gave up sending message %s: %s", message.pk, message.error)
                    else:
                        logger.warning("Sending message %s failed: %s", message.pk, message.error)
                    message.save(update_fields=["attempts", "error", "status"])
                    if refused:
                        continue
                    break  # the server may be down: the rest wait for the next run
                message.status, message.sent_at, message.error = (
                    Message.Status.SENT,
                    timezone.now(),
                    "",
                )
                message.save(update_fields=["attempts", "error", "status", "sent_at"])
                sent += 1
    finally:
        connection.close()
    return sent


@task()
def send_queued():
    return send_queued_now()
