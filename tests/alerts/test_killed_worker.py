"""A worker killed mid-batch loses no message: the messages it claimed and had not sent are
claimed again once RECLAIM_AFTER has passed and sent by the next run; of those it had sent,
at most the one in flight when it was killed is sent again, under its own Message-ID."""

import datetime
import os
import signal
import smtplib
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.utils import timezone

from alerts import delivery
from alerts.models import Message
from tests.meetings.test_task_worker import database_for_a_worker_process
from tests.smtp_server import _free_port

ROOT = Path(__file__).resolve().parents[2]
COUNT = 300


def wait_for(check, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def accepted(path):
    return path.read_text().split() if path.exists() else []


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_at_most_one(settings, tmp_path):
    port, record = _free_port(), tmp_path / "accepted.txt"
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "smtp_recorder.py"), str(port), str(record)],
        cwd=ROOT,
    )
    try:
        assert wait_for(lambda: _listening(port))
        Message.objects.bulk_create(
            Message(
                to=f"reader{n}@example.org",
                subject=f"Message {n}",
                text="News.",
                reason="news",
                headers={"Message-ID": f"<{n}.killed-worker@example.org>"},
            )
            for n in range(COUNT)
        )
        with database_for_a_worker_process(tmp_path) as database:
            worker = subprocess.Popen(
                [sys.executable, "manage.py", "send_notifications"],
                cwd=ROOT,
                env={
                    **os.environ,
                    **database,
                    "EMAIL_BACKEND": "smtp",
                    "EMAIL_HOST": "127.0.0.1",
                    "EMAIL_PORT": str(port),
                },
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            # Killed well inside a batch (delivery.BATCH), not between two.
            assert wait_for(lambda: len(accepted(record)) >= delivery.BATCH + delivery.BATCH // 3)
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=30)
        sent_before = len(accepted(record))
        assert sent_before < COUNT, "the worker finished before it was killed"
        statuses = Counter(Message.objects.values_list("status", flat=True))
        assert statuses[Message.Status.SENDING] > 0  # its claim, left behind

        # Nothing is claimed again while the dead worker's claim is recent...
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        left = statuses[Message.Status.QUEUED]
        assert delivery.send_queued_now() == left
        # ...then it is, and everything is sent.
        Message.objects.filter(status=Message.Status.SENDING).update(
            claimed_at=timezone.now() - delivery.RECLAIM_AFTER - datetime.timedelta(seconds=1)
        )
        delivery.send_queued_now()
    finally:
        server.terminate()
        server.wait()

    assert set(Message.objects.values_list("status", flat=True)) == {Message.Status.SENT}
    ids = Counter(accepted(record))
    assert len(ids) == COUNT  # none lost
    repeated = [message_id for message_id, times in ids.items() if times > 1]
    assert len(repeated) <= 1, repeated  # at most the one in flight
    assert all(times <= 2 for times in ids.values())


def _listening(port):
    try:
        smtplib.SMTP("127.0.0.1", port, timeout=1).quit()
    except OSError:
        return False
    return True
