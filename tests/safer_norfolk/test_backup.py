"""`manage.py backup` and `manage.py restore`, on the throwaway PostgreSQL server and moto's
S3: a backup of the demo data and its papers, restored into a new database and a new bucket,
brings back every row of every table (audit history included, compared row by row) and every
file (compared by checksum); a damaged backup, or a target that is not empty, is refused
before anything is written."""

import importlib
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from meetings.models import Document, Meeting
from tests.factories import AgendaItemFactory
from tests.pdfs import make_pdf
from tests.safer_norfolk.test_object_storage import REGION, bucket, s3_endpoint  # noqa: F401

PROJECT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.postgres


@pytest.fixture
def on_postgresql():
    if connection.vendor != "postgresql":
        reason = "backups are of PostgreSQL: run through tests/postgres_server.py"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)


def _connect(name):
    settings = connection.settings_dict
    return psycopg2.connect(
        dbname=name,
        host=settings["HOST"],
        port=settings["PORT"],
        user=settings["USER"],
        password=settings["PASSWORD"],
    )


@pytest.fixture
def empty_database(on_postgresql):
    """A new, empty database on the same server, dropped afterwards."""
    name = f"restored_{uuid.uuid4().hex[:10]}"
    admin = _connect(connection.settings_dict["NAME"])
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    yield name
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture
def empty_bucket(bucket):  # noqa: F811
    client, _ = bucket
    name = f"restored-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return client, name


def tables_and_rows(cursor):
    """{table: (rows, md5 of the rows' text in order)} for every table."""
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    found = {}
    for (table,) in cursor.fetchall():
        cursor.execute(
            f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM \"{table}\" t"  # noqa: S608
        )
        found[table] = cursor.fetchone()
    return found


def objects(client, name):
    listing = client.list_objects_v2(Bucket=name).get("Contents", [])
    return {
        entry["Key"]: client.get_object(Bucket=name, Key=entry["Key"])["Body"].read()
        for entry in listing
    }


def restore_into(backup_folder, database, s3_endpoint, bucket_name, *extra):  # noqa: F811
    settings = connection.settings_dict
    environment = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:"
            f"{settings['PORT']}/{database}"
        ),
        "STORAGE_BACKEND": "s3",
        "AWS_STORAGE_BUCKET_NAME": bucket_name,
        "AWS_S3_ENDPOINT_URL": s3_endpoint,
        "AWS_S3_REGION_NAME": REGION,
        "AWS_ACCESS_KEY_ID": "test-key",
        "AWS_SECRET_ACCESS_KEY": "test-secret",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(backup_folder), *extra],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture
def published_record(bucket):  # noqa: F811
    """The demo data, with two papers stored in the bucket and an edit in the history. (These
    tests commit, and the tables are emptied after each, taking the rows the data migrations
    made: they are put back first, as tests/browser/conftest.py does.)"""
    from django.apps import apps

    from safer_norfolk.roles import sync_role_groups

    importlib.import_module("outcomes.migrations.0002_areas_and_roles").create_areas(
        apps, schema_editor=None
    )
    sync_role_groups()
    call_command("load_demo", verbosity=0)
    meeting = Meeting.objects.order_by("pk").first()
    item = AgendaItemFactory(meeting=meeting, number="99", title="Backed-up paper")
    for number in (1, 2):
        data = make_pdf(f"Paper {number}", pages=number)
        Document.objects.create(
            meeting=meeting,
            agenda_item=item,
            title=f"Paper {number}",
            file=ContentFile(data, f"paper-{number}.pdf"),
            page_count=number,
            size_bytes=len(data),
        )
    item.title = "Backed-up paper, corrected"
    item.save()


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_every_row_history_and_file(
    published_record,
    bucket,  # noqa: F811
    empty_bucket,
    empty_database,
    s3_endpoint,  # noqa: F811
    tmp_path,
):
    folder = tmp_path / "backup"
    call_command("backup", str(folder), verbosity=0)

    manifest = json.loads((folder / "manifest.json").read_text())
    result = restore_into(folder, empty_database, s3_endpoint, empty_bucket[1])

    assert result.returncode == 0, result.stderr
    assert "every count and checksum matches the backup" in result.stdout
    with connection.cursor() as cursor:
        before = tables_and_rows(cursor)
    restored = _connect(empty_database)
    with restored.cursor() as cursor:
        after = tables_and_rows(cursor)
    restored.close()
    assert after == before
    assert before["meetings_historicalagendaitem"][0] > 0
    assert before["meetings_document"][0] >= 2
    assert {table: rows for table, (rows, _) in before.items()} == manifest["database"]["tables"]
    original_files = objects(*bucket)
    assert len(original_files) >= 2
    assert objects(*empty_bucket) == original_files
    assert sorted(entry["name"] for entry in manifest["files"]) == sorted(original_files)


@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_is_refused_before_anything_is_written(
    published_record,
    empty_bucket,
    empty_database,
    s3_endpoint,  # noqa: F811
    tmp_path,
):
    folder = tmp_path / "backup"
    call_command("backup", str(folder), verbosity=0)
    paper = next((folder / "files").rglob("*.pdf"))
    paper.write_bytes(paper.read_bytes() + b"tampered")

    result = restore_into(folder, empty_database, s3_endpoint, empty_bucket[1])

    assert result.returncode != 0
    assert "The backup is damaged; nothing was restored" in result.stderr
    assert paper.name in result.stderr
    restored = _connect(empty_database)
    with restored.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        assert cursor.fetchone()[0] == 0
    restored.close()
    assert objects(*empty_bucket) == {}


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty(published_record, tmp_path):
    folder = tmp_path / "backup"
    call_command("backup", str(folder), verbosity=0)

    with pytest.raises(CommandError, match="restore into a new, empty database"):
        call_command("restore", str(folder))


@pytest.mark.django_db(transaction=True)
def test_backup_refuses_an_existing_folder(on_postgresql, tmp_path):
    (tmp_path / "backup").mkdir()

    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(tmp_path / "backup"))


@pytest.mark.django_db(transaction=True)
def test_check_reports_a_whole_backup(published_record, tmp_path, capsys):
    folder = tmp_path / "backup"
    call_command("backup", str(folder), verbosity=0)

    call_command("restore", str(folder), "--check")

    assert "match their checksums" in capsys.readouterr().out
