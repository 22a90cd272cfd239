"""The signed links a reader's messages carry: to confirm a subscription (expiring after
ALERTS_CONFIRM_DAYS), to manage the address's subscriptions and to leave one. Each signs the
subscription's token with its own salt, so one kind of link cannot stand for another, and a
new token voids the links sent before it."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from alerts.models import Subscription

CONFIRM, MANAGE, LEAVE = "alerts.confirm", "alerts.manage", "alerts.leave"
VIEWS = {CONFIRM: "alerts:confirm", MANAGE: "alerts:manage", LEAVE: "alerts:leave"}


def signed(subscription, purpose):
    return signing.dumps(subscription.token, salt=purpose, compress=False)


def url(subscription, purpose):
    """The link's address, absolute (SITE_URL): it is read in a mail client."""
    path = reverse(VIEWS[purpose], kwargs={"signed": signed(subscription, purpose)})
    return settings.SITE_URL + path


def subscription_for(value, purpose):
    """The subscription a link signed for `purpose` names, or None when the link is altered,
    voided by a new token, expired (a confirmation) or its subscription gone."""
    max_age = settings.ALERTS_CONFIRM_DAYS * 86400 if purpose == CONFIRM else None
    try:
        token = signing.loads(value, salt=purpose, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired too
        return None
    if not isinstance(token, str):
        return None
    return Subscription.objects.filter(token=token).first()


REMINDERS_OFF = "alerts.reminders-off"


def reminders_off_url(address):
    """The link in each reminder that stops them for `address`."""
    signed_address = signing.dumps(address, salt=REMINDERS_OFF, compress=False)
    return settings.SITE_URL + reverse("alerts:reminders_off", kwargs={"signed": signed_address})


def address_for(value):
    """The address a stop link names, or None when the link is altered."""
    try:
        address = signing.loads(value, salt=REMINDERS_OFF)
    except signing.BadSignature:
        return None
    return address if isinstance(address, str) else None
