"""Queue and send the email alerts of one publication to many followers.

    python benchmarks/alerts.py [--followers 10000] [--runs 3]

Runs against the database in DATABASE_URL (migrate it first; `make bench` runs it on a
throwaway PostgreSQL server). Creates a committee with a meeting and `--followers` confirmed
followers, publishes the meeting's agenda, and for each run times the writing of the
messages (alerts.digests.write_messages) and counts its queries, with the followers' number
and with twice it (the queries must not grow: they are batches). Then sends the messages
through a local SMTP server (aiosmtpd in a thread) with alerts.delivery, and sends the same
messages again through Django's SMTP backend alone (no outbox) over one connection: sending
through the outbox, claiming and marking each message in its own transaction, keeps at least
half that pace. One message's bytes sent again and again through smtplib gives the server's
own pace. Removes what it made.
"""

import argparse
import datetime
import os
import smtplib
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safer_norfolk.settings")
# Messages are queued for a worker, not sent as the writing commits: the sending is timed
# on its own.
os.environ["TASKS_BACKEND"] = "database"

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.mail import get_connection  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from alerts import delivery, digests  # noqa: E402
from alerts.models import Change, Message, Subscription  # noqa: E402
from meetings.models import AgendaItem, Committee, Meeting  # noqa: E402
from tests.smtp_server import _free_port  # noqa: E402

SLUG = "benchmark-alerts"
# Sending through the outbox (claiming each message, marking it sent, each in its own
# transaction), as a share of Django's SMTP backend sending the same messages alone.
MIN_PACE = 0.5


def build(followers):
    committee = Committee.objects.create(name="Benchmark Alerts Panel", slug=SLUG)
    meeting = Meeting.objects.create(
        committee=committee,
        starts_at=timezone.now() + datetime.timedelta(days=14),
        venue="County Hall",
    )
    AgendaItem.objects.create(meeting=meeting, number="1", title="Apologies", kind="apologies")
    confirmed = timezone.now() - datetime.timedelta(hours=1)
    Subscription.objects.bulk_create(
        Subscription(
            email=f"reader{n}@example.org", kind="committee", key=SLUG, confirmed_at=confirmed
        )
        for n in range(followers)
    )
    meeting.agenda_status = Meeting.AgendaStatus.PUBLISHED
    meeting.agenda_published_at = timezone.now()
    meeting.save()  # notes the change (alerts.changes)
    return committee


def remove():
    """What an earlier run made: its followers' messages and changes, the followers, the
    meeting and the committee."""
    Message.objects.filter(subscription__key=SLUG).delete()
    Change.objects.filter(meeting__committee__slug=SLUG).delete()
    Subscription.objects.filter(key=SLUG).delete()
    Meeting.objects.filter(committee__slug=SLUG).delete()
    Committee.objects.filter(slug=SLUG).delete()


def write_once():
    """(seconds, queries, messages) of writing every due message once, rolled back."""
    with transaction.atomic():
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            written = digests.write_messages()
            seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds, len(captured), written


def send_pace(count):
    """(messages a second sent by alerts.delivery, messages a second sent straight through
    smtplib) for `count` messages, to an SMTP server in a process of its own (aiosmtpd,
    keeping nothing)."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink",
         "-l", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                smtplib.SMTP("127.0.0.1", port).quit()
                break
            except OSError:
                time.sleep(0.1)
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_USE_TLS=False,
        ):
            digests.write_messages()
            queued = Message.objects.filter(status=Message.Status.QUEUED).count()
            started = time.perf_counter()
            sent = delivery.send_queued_now(limit=count)
            site = sent / (time.perf_counter() - started)
            # The same messages built and sent by Django's SMTP backend over one
            # connection, with no outbox: what sending costs by itself.
            sent_ones = list(Message.objects.filter(status=Message.Status.SENT)[:count])
            started = time.perf_counter()
            with get_connection() as smtp:
                smtp.send_messages([delivery._email(message, smtp) for message in sent_ones])
            django_alone = len(sent_ones) / (time.perf_counter() - started)
        # And one message's bytes sent again and again through smtplib: the server's pace.
        payload = delivery._email(sent_ones[0], None).message().as_bytes(linesep="\r\n")
        started = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            for n in range(count):
                smtp.sendmail(settings.DEFAULT_FROM_EMAIL, [f"raw{n}@example.org"], payload)
        raw = count / (time.perf_counter() - started)
    finally:
        server.terminate()
        server.wait()
    print(f"  queued {queued:,}, sent {sent:,}")
    return site, django_alone, raw


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followers", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--send", type=int, default=2000, help="messages sent for the pace")
    arguments = parser.parse_args()
    remove()
    build(arguments.followers)
    try:
        print(f"Writing the messages of one agenda to {arguments.followers:,} followers:")
        runs = [write_once() for _ in range(arguments.runs)]
        for seconds, queries, written in runs:
            print(f"  {written:,} messages in {seconds:.2f} s, {queries} queries")
        median = statistics.median(seconds for seconds, _, _ in runs)
        queries = runs[0][1]
        Subscription.objects.bulk_create(
            Subscription(
                email=f"more{n}@example.org",
                kind="committee",
                key=SLUG,
                confirmed_at=timezone.now() - datetime.timedelta(hours=1),
            )
            for n in range(arguments.followers)
        )
        doubled, doubled_queries, doubled_written = write_once()
        print(
            f"  twice the followers: {doubled_written:,} messages in {doubled:.2f} s, "
            f"{doubled_queries} queries"
        )
        print(f"Median: {median:.2f} s for {arguments.followers:,} ({queries} queries)")
        site, django_alone, raw = send_pace(arguments.send)
        print(
            f"Sending {arguments.send:,}: through the outbox {site:.0f} messages/s; Django's "
            f"SMTP backend alone {django_alone:.0f} messages/s ({site / django_alone:.2f} of "
            f"it); one message's bytes again and again through smtplib {raw:.0f} messages/s"
        )
        failed = []
        # Batches of digests.BATCH: five statements more for each thousand followers more
        # (claim, stamp, write, and the batch's savepoint and its release), no more.
        allowed = queries + 5 * (doubled_written - runs[0][2]) // digests.BATCH
        if doubled_queries > allowed:
            failed.append(f"queries grew from {queries} to {doubled_queries}")
        if site / django_alone < MIN_PACE:
            failed.append(f"the outbox sends at {site / django_alone:.2f} of the backend's pace")
        if failed:
            print("FAILED: " + "; ".join(failed))
            return 1
        return 0
    finally:
        remove()


if __name__ == "__main__":
    sys.exit(main())
