"""The writes of following by email: asking to follow something, confirming, changing how
often, leaving. Whatever the address's state, asking to follow answers the same on the page
(the message says the rest), so the page never tells whether an address follows anything.
"""

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from alerts import delivery, links
from alerts.models import Message, Subscription, new_token


def normalised(email):
    """The address as stored: surrounding spaces gone, the domain in lower case."""
    return BaseUserManager.normalize_email(email.strip())


def _message(subscription, target, reason, subject):
    context = {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "confirm_days": settings.ALERTS_CONFIRM_DAYS,
        "target": target,
        "subscription": subscription,
        "confirm_url": links.url(subscription, links.CONFIRM),
        "manage_url": links.url(subscription, links.MANAGE),
        "leave_url": links.url(subscription, links.LEAVE),
    }
    return Message(
        to=subscription.email,
        subject=subject,
        text=render_to_string(f"alerts/email/{reason}.txt", context),
        html=render_to_string(f"alerts/email/{reason}.html", context),
        headers=unsubscribe_headers(subscription) if subscription.is_confirmed else {},
        reason=reason,
        subscription=subscription,
    )


def unsubscribe_headers(subscription):
    """RFC 2369 and RFC 8058: a mail client's own "unsubscribe" leaves with one click."""
    return {
        "List-Unsubscribe": f"<{links.url(subscription, links.LEAVE)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


@transaction.atomic
def ask_to_follow(*, email, target, frequency):
    """Write the message that answers a request to follow `target` (an alerts.targets.Target)
    from `email`: a confirmation link for a new or unconfirmed subscription (a new link voids
    the older ones), or, when the address already follows it, a note with the link to manage
    it (nothing changes until the reader follows a link from their own mailbox)."""
    email = normalised(email)
    try:
        with transaction.atomic():
            subscription, created = Subscription.objects.select_for_update().get_or_create(
                email=email, kind=target.kind, key=target.key, defaults={"frequency": frequency}
            )
    except IntegrityError:  # the same request, at the same moment
        subscription = Subscription.objects.get(email=email, kind=target.kind, key=target.key)
        created = False
    if subscription.is_confirmed:
        message = _message(subscription, target, "already", f"You already follow {target.title}")
    else:
        if not created:
            subscription.frequency, subscription.token = frequency, new_token()
            subscription.save(update_fields=["frequency", "token"])
        message = _message(subscription, target, "confirm", f"Confirm: follow {target.title}")
    delivery.queue([message])
    return subscription


def confirm(subscription):
    if not subscription.is_confirmed:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])
    return subscription


def set_frequency(subscription, frequency):
    subscription.frequency = frequency
    subscription.save(update_fields=["frequency"])


def leave(subscription):
    """Remove the subscription, and with it the address unless it follows anything else.
    Messages already written to it keep their record, without the subscription."""
    subscription.delete()
