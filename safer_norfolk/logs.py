"""What each log line carries: the request it was written for, and the officer making it.

Every request gets an id (`RequestIdMiddleware` in safer_norfolk.middleware: the proxy's
`X-Request-ID` when it sends a well-formed one, else a new one), returned in the response's
`X-Request-ID` header and shown on the 500 page, so a report from a user leads to the log
lines of that request. `RequestContext` adds to every record the request id, the method and
path (never the query string, which can hold what a member of the public searched for), and
the user id when an officer is signed in; the public never sign in, so nothing identifies
them. In production each line is one JSON object (`LOG_FORMAT=json`, docs/deployment.md).
"""

import contextvars
import logging
import re
import uuid

from django.http import HttpRequest
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

# The request being answered by this thread, for log lines written while answering it.
current_request = contextvars.ContextVar("current_request", default=None)

WELL_FORMED_ID = re.compile(r"[A-Za-z0-9._:-]{1,100}")


def request_id_for(request):
    """The proxy's id for this request if it sent a well-formed one, else a new one."""
    given = request.headers.get("X-Request-ID", "")
    return given if WELL_FORMED_ID.fullmatch(given) else uuid.uuid4().hex


def officer_id(request):
    """The signed-in officer's user id, if the request has already read who is signed in:
    a log line never makes the request read its session."""
    user = getattr(request, "_cached_user", None)
    if user is not None and user.is_authenticated:
        return user.pk
    return None


class RequestContext(logging.Filter):
    """Adds request_id, method, path and user_id to every record ("-" and None outside a
    request). Django's own request records carry the request object; it is read, then left
    out of the output (JsonFormatter)."""

    def filter(self, record):
        request = getattr(record, "request", None)
        if not isinstance(request, HttpRequest):
            request = current_request.get()
        if request is None:
            record.request_id, record.method, record.path, record.user_id = "-", "", "", None
        else:
            record.request_id = getattr(request, "request_id", "-")
            record.method, record.path = request.method, request.path
            record.user_id = officer_id(request)
        return True


class JsonFormatter(BaseJsonFormatter):
    """One JSON object a line: time, level, logger, message, the request's fields, any other
    fields the caller gave, and the traceback of an error."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", ["levelname", "name", "message"])
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", "time")
        # The request and socket objects Django attaches are never written out whole.
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request", "taskName", "server_time"])
        super().__init__(*args, **kwargs)


# --- error reporting ----------------------------------------------------------------------


def _before_send(event, hint):
    """What an error report may carry: the request's method, path and id, and the officer's
    user id; never its query string, cookies, body or the visitor's address."""
    request = event.get("request")
    if request:
        for field in ("query_string", "cookies", "data", "env"):
            request.pop(field, None)
        headers = request.get("headers") or {}
        request["headers"] = {
            name: value
            for name, value in headers.items()
            if name.lower() not in ("cookie", "x-forwarded-for", "x-real-ip", "referer")
        }
    event.pop("user", None)
    current = current_request.get()
    if current is not None:
        tags = event.setdefault("tags", {})
        tags["request_id"] = getattr(current, "request_id", "-")
        tags["path"] = current.path
        officer = officer_id(current)
        if officer is not None:
            tags["officer_user_id"] = str(officer)
    return event


def start_error_reporting(dsn, *, environment, release=""):
    """Report errors, with their tracebacks, to the Sentry-compatible service at `dsn` (set
    by SENTRY_DSN; off without it). No performance tracing, no frames' local variables and
    no personal data."""
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        # A frame's variables can hold what a visitor searched for or sent: left out.
        include_local_variables=False,
        traces_sample_rate=0,
        before_send=_before_send,
    )
