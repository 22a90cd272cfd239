"""An SMTP server in a process of its own, for tests that kill the process sending to it:
it appends each accepted message's Message-ID to a file, one a line, taking DELAY seconds
over each (a mail server's pace, so that a test can stop a sender mid-batch).

    python tests/smtp_recorder.py PORT FILE
"""

import asyncio
import email
import email.policy
import sys
import time

from aiosmtpd.controller import Controller

DELAY = 0.01


class Recorder:
    def __init__(self, path):
        self.path = path

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(DELAY)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with open(self.path, "a", encoding="utf-8") as record:
            record.write(f"{message['Message-ID']}\n")
        return "250 Message accepted"


if __name__ == "__main__":
    port, path = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Recorder(path), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        while True:
            time.sleep(1)
    finally:
        controller.stop()
