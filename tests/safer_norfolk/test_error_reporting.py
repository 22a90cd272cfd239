"""With SENTRY_DSN set, an error in a page is reported to that service with its traceback and
request id, and without the visitor's query string, cookies or address. Proved against a
local HTTP server standing in for the service, with the site started in a process of its own
(error reporting changes Django process-wide once started)."""

import gzip
import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]

SCRIPT = """
import django
from django.test import Client

django.setup()
from meetings import queries

def fail():
    raise RuntimeError("the home page's query failed")

queries.home_page = fail
response = Client(raise_request_exception=False).get(
    "/", {"q": "Jane Resident"}, headers={"Cookie": "preference=secret-cookie"},
    REMOTE_ADDR="203.0.113.9",
)
import sentry_sdk
sentry_sdk.flush(timeout=10)
print(response.status_code, response["X-Request-ID"])
"""


class Collector(http.server.BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        Collector.received.append((self.path, body))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def service():
    Collector.received = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://public-key@127.0.0.1:{server.server_address[1]}/42"
    server.shutdown()
    server.server_close()


def run_site(tmp_path, **environ):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "safer_norfolk.settings",
        "SQLITE_PATH": str(tmp_path / "empty.sqlite3"),
        "PAGE_CACHE_SECONDS": "0",
        "ALLOWED_HOSTS": "testserver",
        "PYTHONPATH": str(PROJECT),
        **environ,
    }
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def events(received):
    found = []
    for path, body in received:
        assert path == "/api/42/envelope/"
        for line in body.splitlines():
            item = json.loads(line)
            if "exception" in item:
                found.append(item)
    return found


def test_an_error_is_reported_with_its_request_id_and_nothing_personal(service, tmp_path):
    result = run_site(tmp_path, SENTRY_DSN=service)

    status, request_id = result.stdout.split()
    reported = events(Collector.received)
    assert status == "500"
    assert len(reported) == 1
    event = reported[0]
    exception = event["exception"]["values"][-1]
    assert exception["type"] == "RuntimeError"
    assert exception["value"] == "the home page's query failed"
    assert exception["stacktrace"]["frames"][-1]["function"] == "fail"
    assert event["tags"]["request_id"] == request_id
    assert event["tags"]["path"] == "/"
    as_text = json.dumps(event)
    assert "Jane" not in as_text
    assert "secret-cookie" not in as_text
    assert "203.0.113.9" not in as_text


def test_nothing_is_reported_without_a_dsn(service, tmp_path):
    result = run_site(tmp_path, SENTRY_DSN="")

    assert result.stdout.split()[0] == "500"
    assert Collector.received == []
