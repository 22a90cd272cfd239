import os

import pytest
from django.db import connection

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def test_suite_runs_on_the_database_it_was_given():
    # tests/postgres_server.py sets DATABASE_URL; the suite must then really run on PostgreSQL.
    on_postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    expected = "postgresql" if on_postgres else "sqlite"

    assert connection.vendor == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
