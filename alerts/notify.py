"""An email backend for GOV.UK Notify, the UK public sector's messaging service
(`EMAIL_BACKEND=notify`; docs/deployment.md).

Notify sends from the service's own address, through an email template of the service's:
make one whose subject is `((subject))` and whose message is `((body))`, and give its id as
NOTIFY_TEMPLATE_ID. Each message goes as that template with the message's subject and plain
text; its List-Unsubscribe link as Notify's one-click unsubscribe link; its Message-ID as the
notification's reference. An address Notify refuses (400) is refused for good; anything else
it answers (a rate limit, a fault) leaves the message to be tried again.
"""

import re

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient


class NotifyRefused(Exception):
    """Notify refused the message itself (a bad address, a bad template): sending it again
    would be refused again."""

    permanent = True


class NotifyEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently=False, **kwargs):
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.client = None

    def open(self):
        if self.client is None:
            self.client = NotificationsAPIClient(
                settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL
            )
            return True
        return False

    def close(self):
        self.client = None

    def send_messages(self, email_messages):
        if not email_messages:
            return 0
        opened = self.open()
        sent = 0
        try:
            for message in email_messages:
                try:
                    self._send(message)
                except Exception:
                    if not self.fail_silently:
                        raise
                    continue
                sent += 1
        finally:
            if opened:
                self.close()
        return sent

    def _send(self, message):
        headers = message.extra_headers
        unsubscribe = re.search(r"<(https?://[^>]+)>", headers.get("List-Unsubscribe", ""))
        for address in message.recipients():
            try:
                self.client.send_email_notification(
                    email_address=address,
                    template_id=settings.NOTIFY_TEMPLATE_ID,
                    personalisation={"subject": message.subject, "body": message.body},
                    reference=headers.get("Message-ID", "").strip("<>") or None,
                    one_click_unsubscribe_url=unsubscribe.group(1) if unsubscribe else None,
                )
            except HTTPError as error:
                if error.status_code == 400:
                    raise NotifyRefused(f"Notify refused {address}: {error.message}") from error
                raise
