"""Sending through GOV.UK Notify (EMAIL_BACKEND=notify): each message goes over a real HTTP
connection to a stand-in for Notify's API, signed with the service's key as Notify checks
it, as the service's template with the subject and body, the one-click unsubscribe link and
the Message-ID as reference; an address Notify refuses is given up at once, a fault is
retried."""

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from django.utils import timezone

from alerts import delivery
from alerts.models import Message, Subscription
from alerts.services import unsubscribe_headers

pytestmark = pytest.mark.django_db

SERVICE, SECRET = str(uuid.uuid4()), str(uuid.uuid4())
TEMPLATE = str(uuid.uuid4())


class FakeNotify(BaseHTTPRequestHandler):
    received = []
    answer = 201

    def do_POST(self):
        token = self.headers["Authorization"].removeprefix("Bearer ")
        claims = jwt.decode(token, SECRET, algorithms=["HS256"])  # Notify's own check
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append((self.path, claims["iss"], body))
        status = 400 if body["email_address"].startswith("bad") else type(self).answer
        reply = {"id": str(uuid.uuid4())} if status == 201 else {"errors": [{"message": "no"}]}
        data = json.dumps(reply).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def notify(settings):
    FakeNotify.received, FakeNotify.answer = [], 201
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeNotify)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.EMAIL_BACKEND = "alerts.notify.NotifyEmailBackend"
    settings.NOTIFY_API_KEY = f"test-key-{SERVICE}-{SECRET}"
    settings.NOTIFY_TEMPLATE_ID = TEMPLATE
    settings.NOTIFY_BASE_URL = f"http://127.0.0.1:{server.server_port}"
    yield FakeNotify
    server.shutdown()
    server.server_close()


def queued(to, subscription=None):
    message = Message(
        to=to,
        subject="New: Safer Breckland Panel",
        text="Agenda published: Safer Breckland Panel, 1 December 2026",
        html="<p>Agenda published</p>",
        reason="news",
        subscription=subscription,
        headers=unsubscribe_headers(subscription) if subscription else {},
    )
    delivery.queue([message])
    return message


def test_a_message_goes_as_the_template_with_its_unsubscribe_link_and_reference(notify):
    follower = Subscription.objects.create(
        email="reader@example.org", kind="committee", key="panel", confirmed_at=timezone.now()
    )
    message = queued("reader@example.org", follower)
    assert delivery.send_queued_now() == 1

    [(path, issuer, body)] = notify.received
    assert path == "/v2/notifications/email"
    assert issuer == SERVICE
    assert body["email_address"] == "reader@example.org"
    assert body["template_id"] == TEMPLATE
    assert body["personalisation"] == {
        "subject": "New: Safer Breckland Panel",
        "body": "Agenda published: Safer Breckland Panel, 1 December 2026",
    }
    assert body["one_click_unsubscribe_url"].startswith("http://localhost:8000/follow/leave/")
    message.refresh_from_db()
    assert body["reference"] == message.headers["Message-ID"].strip("<>")
    assert message.status == Message.Status.SENT


def test_an_address_notify_refuses_is_given_up_and_a_fault_retried(notify):
    refused = queued("bad@example.org")
    later = queued("reader@example.org")
    notify.answer = 500
    assert delivery.send_queued_now() == 0
    refused.refresh_from_db()
    later.refresh_from_db()
    assert (refused.status, refused.attempts) == (Message.Status.FAILED, 1)
    assert "Notify refused bad@example.org" in refused.error
    assert (later.status, later.attempts) == (Message.Status.QUEUED, 1)

    notify.answer = 201
    assert delivery.send_queued_now() == 1
    later.refresh_from_db()
    assert later.status == Message.Status.SENT
