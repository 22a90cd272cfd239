"""Fixtures of the alerts tests."""

from tests.smtp_server import smtp_server  # noqa: F401 -- a fixture the tests ask for
