"""The client the hostile-input tests share."""

import pytest
from django.test import Client


@pytest.fixture
def browser():
    """A client that reports a server error as a 500 response, as a visitor would see it."""
    return Client(raise_request_exception=False)
