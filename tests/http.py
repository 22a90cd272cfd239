"""Reading responses in tests."""

from django.core.signals import request_finished
from django.db import close_old_connections


def read_body(response):
    """The whole body of a response, streamed or not, closing it as a browser would.

    Closing a streamed response fires request_finished, whose close_old_connections would
    close the test's own database connection (mid-transaction, on PostgreSQL); the test
    client disconnects it for the request itself, and so does this for the close."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    return body
