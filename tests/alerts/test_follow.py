"""Following by email, as a reader meets it: ask from a page, get a confirmation link over a
real SMTP connection, confirm with a button, manage and leave from the links; nothing
unpublished can be followed; the page never tells whether an address already follows
something; requests are limited per address and per network address."""

import datetime
import io
import re
import time
from urllib.parse import urlencode, urlparse

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alerts import delivery, links
from alerts.models import Message, Subscription
from tests.factories import (
    ActionFactory,
    CommitteeFactory,
    MeetingFactory,
    OrganisationFactory,
    PlanFactory,
)

pytestmark = pytest.mark.django_db

ADDRESS = "reader@example.org"


def follow_url(kind, key):
    if kind in ("search", "outstanding"):
        return reverse(f"alerts:follow_{kind}") + "?" + key
    return reverse("alerts:follow", kwargs={"kind": kind, "key": key})


def ask(client, kind, key, email=ADDRESS, frequency="immediate", **extra):
    return client.post(follow_url(kind, key), {"email": email, "frequency": frequency}, **extra)


def links_in(message):
    """The site's links in the plain text part, as paths."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    return [urlparse(url).path for url in re.findall(r"https?://\S+", text)]


def path_of(message, name):
    """The path of the message's link to the view `name` (confirm, manage, leave)."""
    prefix = reverse(f"alerts:{name}", kwargs={"signed": "x"})[:-2]
    return next(path for path in links_in(message) if path.startswith(prefix))


@pytest.fixture
def committee():
    return CommitteeFactory(name="Safer Breckland Panel", slug="safer-breckland-panel")


def test_follow_a_committee_from_request_to_confirmed(
    client, committee, smtp_server, django_capture_on_commit_callbacks
):
    page = client.get(follow_url("committee", committee.slug))
    assert page.status_code == 200
    assert "Safer Breckland Panel" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, "committee", committee.slug, frequency="weekly")
    assert response.status_code == 302
    assert response["Location"] == reverse("alerts:sent")
    assert "Check your email" in client.get(response["Location"]).content.decode()

    [message] = smtp_server.to(ADDRESS)
    assert message["Subject"] == "Confirm: follow Safer Breckland Panel"
    assert message["Message-ID"]
    assert "List-Unsubscribe" not in message  # nothing to leave yet
    assert message.get_body(preferencelist=("html",)) is not None
    subscription = Subscription.objects.get()
    assert (subscription.email, subscription.kind, subscription.key) == (
        ADDRESS,
        "committee",
        "safer-breckland-panel",
    )
    assert subscription.frequency == "weekly"
    assert not subscription.is_confirmed

    confirm = path_of(message, "confirm")
    shown = client.get(confirm)  # a mail scanner opening the link confirms nothing
    assert "Confirm you want to follow Safer Breckland Panel" in shown.content.decode()
    subscription.refresh_from_db()
    assert not subscription.is_confirmed

    confirmed = client.post(confirm)
    assert confirmed.status_code == 302
    subscription.refresh_from_db()
    assert subscription.is_confirmed
    manage = client.get(confirmed["Location"]).content.decode()
    assert "You now follow Safer Breckland Panel." in manage
    assert "Your email alerts" in manage
    assert "Safer Breckland Panel" in manage
    assert Message.objects.get().status == Message.Status.SENT


@pytest.mark.parametrize("kind", ["plan", "action", "organisation", "search", "outstanding"])
def test_each_kind_follows_what_is_published(kind, client):
    plan = PlanFactory(title="Safer Norfolk Plan", slug="safer-norfolk-plan")
    action = ActionFactory(plan=plan, number="1.14", title="Run the scams campaign")
    organisation = OrganisationFactory(name="Breckland Council", slug="breckland-council")
    MeetingFactory(minutes_published=True)
    action.owners.add(organisation)
    key, title = {
        "plan": ("safer-norfolk-plan", "Safer Norfolk Plan"),
        "action": ("safer-norfolk-plan/1.14", "action 1.14, Run the scams campaign"),
        "organisation": ("breckland-council", "Breckland Council: its record"),
        "search": ("q=scams", "Search results for “scams”"),
        "outstanding": (
            "status=open&kind=action_point",
            "Outstanding items: kind Action point, status Open",
        ),
    }[kind]
    page = client.get(follow_url(kind, key))
    assert page.status_code == 200, page.content
    assert title in page.content.decode()
    assert ask(client, kind, key).status_code == 302
    assert Subscription.objects.get().kind == kind


@pytest.mark.parametrize(
    ("kind", "key"),
    [
        ("plan", "draft-plan"),
        ("action", "draft-plan/1.1"),
        ("action", "safer-norfolk-plan/9.9"),
        ("organisation", "unknown-partner"),  # in nothing published
        ("committee", "no-such-committee"),
        ("search", "q=scams&committee=no-such-committee"),
        ("outstanding", "committee=999999"),
        ("meeting", "anything"),
    ],
)
def test_nothing_unpublished_or_unknown_can_be_followed(kind, key, client):
    draft = PlanFactory(title="Draft plan", slug="draft-plan", status="draft")
    ActionFactory(plan=draft, number="1.1")
    PlanFactory(title="Safer Norfolk Plan", slug="safer-norfolk-plan")
    OrganisationFactory(name="Unknown partner", slug="unknown-partner")
    assert client.get(follow_url(kind, key)).status_code == 404
    assert ask(client, kind, key).status_code == 404
    assert not Subscription.objects.exists()
    assert not Message.objects.exists()


def test_following_a_search_of_nothing_asks_for_the_search_first(client):
    page = client.get(follow_url("search", "q=++"))
    assert page.status_code == 200
    assert "Search first" in page.content.decode()
    assert ask(client, "search", "q=").status_code == 200  # the same page; nothing followed
    assert not Subscription.objects.exists()


def test_the_same_search_written_two_ways_is_one_subscription(client):
    assert ask(client, "search", "q=scams&kind=minutes&kind=agenda_items").status_code == 302
    assert (
        ask(client, "search", "kind=agenda_items&q=scams&kind=minutes&date_from=").status_code
        == 302
    )
    assert Subscription.objects.get().key == "kind=agenda_items&kind=minutes&q=scams"


def test_asking_again_answers_the_same_and_changes_nothing(
    client, committee, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = ask(client, "committee", committee.slug)
    services_confirm = Subscription.objects.get()
    services_confirm.confirmed_at = services_confirm.created_at
    services_confirm.save()

    with django_capture_on_commit_callbacks(execute=True):
        again = ask(client, "committee", committee.slug, frequency="weekly")

    # The page says the same whatever the address's state: nothing to learn from it.
    assert (first.status_code, first["Location"]) == (again.status_code, again["Location"])
    subscription = Subscription.objects.get()
    assert subscription.frequency == "immediate"  # changed only from the reader's mailbox
    _confirmation, note = smtp_server.to(ADDRESS)
    assert note["Subject"] == "You already follow Safer Breckland Panel"
    # (A long header is folded over two lines: its value is the same.)
    unsubscribe = note["List-Unsubscribe"].strip()
    assert unsubscribe.startswith("<http://localhost:8000/follow/leave/")
    signed = unsubscribe.removesuffix("/>").rsplit("/", 1)[-1]
    assert links.subscription_for(signed, links.LEAVE) == subscription
    assert note["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert path_of(note, "manage")


def links_leave(subscription):
    return reverse("alerts:leave", kwargs={"signed": links.signed(subscription, links.LEAVE)})


def test_a_new_request_voids_the_earlier_link_and_links_expire(
    client, committee, smtp_server, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, "committee", committee.slug)
        ask(client, "committee", committee.slug)
    older, newer = (path_of(message, "confirm") for message in smtp_server.to(ADDRESS))
    assert client.get(older).status_code == 404
    assert client.post(older).status_code == 404
    assert client.get(newer).status_code == 200

    later = time.time() + 8 * 86400
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    assert client.post(newer).status_code == 404
    assert not Subscription.objects.get().is_confirmed
    # An altered link is no link.
    assert client.get(newer[:-3] + "xx/").status_code == 404


@pytest.fixture
def following(committee):
    """The reader confirmed on the committee and on a plan; another reader on the plan."""
    plan = PlanFactory(title="Safer Norfolk Plan", slug="safer-norfolk-plan")
    mine = [
        Subscription.objects.create(
            email=ADDRESS, kind=kind, key=key, confirmed_at="2026-01-01T00:00Z"
        )
        for kind, key in (("committee", committee.slug), ("plan", plan.slug))
    ]
    theirs = Subscription.objects.create(
        email="other@example.org", kind="plan", key=plan.slug, confirmed_at="2026-01-01T00:00Z"
    )
    return mine, theirs


def test_manage_lists_the_address_s_subscriptions_and_changes_only_them(client, following):
    (committee_alert, plan_alert), theirs = following
    manage = reverse("alerts:manage", kwargs={"signed": links.signed(plan_alert, links.MANAGE)})
    page = client.get(manage).content.decode()
    assert "Safer Breckland Panel" in page
    assert "Safer Norfolk Plan" in page
    assert "other@example.org" not in page

    client.post(manage, {"subscription": committee_alert.pk, "frequency": "weekly"})
    client.post(manage, {"subscription": theirs.pk, "frequency": "weekly"})
    committee_alert.refresh_from_db()
    theirs.refresh_from_db()
    assert committee_alert.frequency == "weekly"
    assert theirs.frequency == "immediate"
    # A manage link does not stand for a confirmation or a leave link.
    signed = links.signed(plan_alert, links.MANAGE)
    assert client.post(reverse("alerts:leave", kwargs={"signed": signed})).status_code == 404


def test_leave_asks_first_and_a_mail_client_leaves_in_one_click(following):
    (committee_alert, plan_alert), _ = following
    client = Client(enforce_csrf_checks=True)
    leave = links_leave(committee_alert)
    assert "Stop following Safer Breckland Panel?" in client.get(leave).content.decode()
    assert Subscription.objects.filter(pk=committee_alert.pk).exists()

    # RFC 8058: the mail client posts this body, with no form and no cookie.
    response = client.post(
        leave, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert "You no longer follow Safer Breckland Panel" in response.content.decode()
    assert not Subscription.objects.filter(pk=committee_alert.pk).exists()
    assert Subscription.objects.filter(pk=plan_alert.pk).exists()
    assert client.post(leave).status_code == 404  # gone: the link leads nowhere now


def test_requests_are_limited_per_address_and_per_network_address(client, committee, settings):
    settings.ALERTS_REQUESTS_PER_ADDRESS, settings.ALERTS_REQUESTS_PER_IP = 2, 4
    for _ in range(2):
        assert ask(client, "committee", committee.slug).status_code == 302
    limited = ask(client, "committee", committee.slug)
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    assert Message.objects.count() == 2

    # Other addresses from the same network address: two more, then refused.
    assert ask(client, "committee", committee.slug, email="a@example.org").status_code == 302
    assert ask(client, "committee", committee.slug, email="b@example.org").status_code == 429
    assert (
        ask(
            client, "committee", committee.slug, email="c@example.org", REMOTE_ADDR="192.0.2.9"
        ).status_code
        == 302
    )


def test_a_bad_address_is_named_on_the_page(client, committee):
    response = ask(client, "committee", committee.slug, email="not an address")
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter an email address in the right form" in page
    assert not Message.objects.exists()


def test_a_failed_send_is_retried_never_lost_never_sent_twice(
    client, committee, smtp_server, django_capture_on_commit_callbacks, caplog
):
    smtp_server.refuse = True
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, "committee", committee.slug)
    message = Message.objects.get()
    assert (message.status, message.attempts) == (Message.Status.QUEUED, 1)
    assert "451" in message.error
    assert "Sending message" in caplog.text

    smtp_server.refuse = False
    assert delivery.send_queued_now() == 1
    assert delivery.send_queued_now() == 0
    message.refresh_from_db()
    assert (message.status, message.attempts, message.error) == (Message.Status.SENT, 2, "")
    assert len(smtp_server.to(ADDRESS)) == 1


def test_a_message_given_up_after_its_attempts_is_marked_and_logged(
    client, committee, smtp_server, caplog
):
    smtp_server.refuse = True
    ask(client, "committee", committee.slug)  # queued; sent by the runs below
    for _ in range(delivery.MAX_ATTEMPTS):
        delivery.send_queued_now()
    message = Message.objects.get()
    assert (message.status, message.attempts) == (Message.Status.FAILED, delivery.MAX_ATTEMPTS)
    assert "Gave up sending message" in caplog.text
    assert delivery.send_queued_now() == 0


def test_hostile_search_terms_come_out_inert_on_the_page_and_in_the_email(
    client, smtp_server, django_capture_on_commit_callbacks
):
    terms = '<script>alert("x")</script>'
    key = urlencode({"q": terms})
    page = client.get(follow_url("search", key)).content.decode()
    assert terms not in page
    assert "&lt;script&gt;" in page
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, "search", key)
    [message] = smtp_server.to(ADDRESS)
    html = message.get_body(preferencelist=("html",)).get_content()
    assert terms not in html
    assert "&lt;script&gt;" in html
    # The plain text part is text: the terms as written, nothing to run.
    assert terms in message.get_body(preferencelist=("plain",)).get_content()


def test_send_notifications_sends_what_waits_and_forgets_old_messages(
    client, committee, smtp_server
):
    ask(client, "committee", committee.slug)  # queued: no commit, so not sent yet
    old = Message.objects.create(
        to="old@example.org", subject="Old", text="Old.", reason="confirm", status="sent",
        sent_at=timezone.now() - datetime.timedelta(days=31),
    )  # fmt: skip
    out = io.StringIO()
    call_command("send_notifications", stdout=out)
    assert (
        out.getvalue().strip()
        == "Wrote 0; reminders 0; sent 1; 0 waiting; 1 old messages forgotten."
    )
    assert len(smtp_server.to(ADDRESS)) == 1
    assert not Message.objects.filter(pk=old.pk).exists()
