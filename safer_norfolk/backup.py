"""Backups that restore: the database and every stored file, with a manifest of checksums.

A backup is a folder:

    manifest.json    what is in it: each table's row count, each file's size and SHA-256
    database.dump    pg_dump's custom format, of the same snapshot the row counts were read in
    files/...        every file of the media storage (the local folder or the bucket), by name

The database is dumped first and the files copied after, so every file a row of the dump
names is in the backup (papers are never deleted; a stored PDF deleted meanwhile is made
again on request). `restore` checks every checksum before it touches anything, restores into
an empty database and an empty storage only, then counts the rows and reads every file back
to prove that everything came back (docs/deployment.md, "Backups").
"""

import datetime
import glob
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections

FORMAT = 1
MANIFEST = "manifest.json"
DUMP = "database.dump"
FILES = "files"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """Something about a backup or its target stops the command; the message says what."""


def pg_binary(name):
    """A PostgreSQL client program: on the PATH, or the newest under Debian's layout."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda path: int(Path(path).parts[4]),
    )
    if not candidates:
        raise BackupError(f"{name} was not found: install PostgreSQL's client programs.")
    return candidates[-1]


def _connection():
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        raise BackupError(
            "Backups are made of a PostgreSQL database; a development SQLite database is "
            "backed up by copying its file."
        )
    return connection


def _client_environment(connection):
    """The PG* variables that point pg_dump and pg_restore at Django's database."""
    settings = connection.settings_dict
    environment = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if settings.get(key):
            environment[variable] = str(settings[key])
    return environment


def _sha256_of(handle):
    digest = hashlib.sha256()
    size = 0
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _sha256_of_path(path):
    with open(path, "rb") as handle:
        return _sha256_of(handle)


def stored_files(storage, folder=""):
    """Every file name in `storage`, sorted."""
    folders, files = storage.listdir(folder)
    names = [f"{folder}/{name}" if folder else name for name in files]
    for sub in folders:
        names.extend(stored_files(storage, f"{folder}/{sub}" if folder else sub))
    return sorted(names)


def table_counts(cursor, connection):
    """{table: rows} for every table of the database."""
    counts = {}
    for table in sorted(connection.introspection.table_names(cursor)):
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        counts[table] = cursor.fetchone()[0]
    return counts


def _latest_migrations(cursor):
    cursor.execute("SELECT app, max(name) FROM django_migrations GROUP BY app ORDER BY app")
    return dict(cursor.fetchall())


def _safe_path(root, name):
    """`root / name`, refusing a name that would leave `root` (a manifest is input)."""
    path = (root / name).resolve()
    if root.resolve() not in path.parents:
        raise BackupError(f"The manifest names a file outside the backup: {name!r}.")
    return path


def backup(destination, *, storage=None, out=None):
    """Write a backup into the new folder `destination`; return its manifest."""
    storage = storage or default_storage
    destination = Path(destination)
    if destination.exists():
        raise BackupError(f"{destination} already exists: a backup is written to a new folder.")
    connection = _connection()
    destination.mkdir(parents=True)
    # One snapshot for the dump and the row counts: read in a repeatable-read transaction that
    # exports its snapshot to pg_dump, and held open until pg_dump has taken it.
    connection.ensure_connection()
    raw = connection.connection
    previous_autocommit = raw.autocommit
    raw.autocommit = False
    try:
        with raw.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = table_counts(cursor, connection)
            migrations = _latest_migrations(cursor)
            subprocess.run(  # noqa: S603 - fixed arguments, no shell
                [
                    pg_binary("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={destination / DUMP}",
                ],
                env=_client_environment(connection),
                check=True,
                capture_output=True,
            )
        raw.rollback()
    except subprocess.CalledProcessError as error:
        raise BackupError(f"pg_dump failed: {error.stderr.decode().strip()}") from error
    finally:
        raw.autocommit = previous_autocommit
    dump_sha256, dump_size = _sha256_of_path(destination / DUMP)

    files = []
    for name in stored_files(storage):
        target = _safe_path(destination / FILES, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        with storage.open(name, "rb") as source, open(target, "wb") as copy:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                copy.write(chunk)
                size += len(chunk)
        files.append({"name": name, "size": size, "sha256": digest.hexdigest()})
        if out:
            out(f"  {name} ({size} bytes)")

    manifest = {
        "format": FORMAT,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "database": {
            "file": DUMP,
            "size": dump_size,
            "sha256": dump_sha256,
            "tables": counts,
            "migrations": migrations,
        },
        "files": files,
    }
    (destination / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def read_manifest(source):
    """The manifest of the backup in `source`, once every checksum in it is found to hold."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{source} holds no {MANIFEST}: it is not a backup.") from None
    except json.JSONDecodeError as error:
        raise BackupError(f"{MANIFEST} cannot be read: {error}.") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{MANIFEST} is of format {manifest.get('format')!r}, not {FORMAT}.")
    problems = []
    database = manifest["database"]
    dump = _safe_path(source, database["file"])
    if not dump.exists():
        problems.append(f"{database['file']} is missing")
    elif _sha256_of_path(dump) != (database["sha256"], database["size"]):
        problems.append(f"{database['file']} does not match its checksum")
    for entry in manifest["files"]:
        path = _safe_path(source / FILES, entry["name"])
        if not path.exists():
            problems.append(f"files/{entry['name']} is missing")
        elif _sha256_of_path(path) != (entry["sha256"], entry["size"]):
            problems.append(f"files/{entry['name']} does not match its checksum")
    if problems:
        raise BackupError("The backup is damaged; nothing was restored: " + "; ".join(problems))
    return manifest


def restore(source, *, storage=None, out=None):
    """Rebuild the (empty) database and the (empty) storage from the backup in `source`, then
    prove every table's row count and every file's checksum match the manifest."""
    storage = storage or default_storage
    source = Path(source)
    manifest = read_manifest(source)
    connection = _connection()
    with connection.cursor() as cursor:
        existing = connection.introspection.table_names(cursor)
    if existing:
        raise BackupError(
            f"The database already has {len(existing)} tables: restore into a new, empty database."
        )
    present = stored_files(storage)
    if present:
        raise BackupError(
            f"The storage already holds {len(present)} files: restore into an empty folder or bucket."
        )

    connection.close()
    try:
        subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [
                pg_binary("pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={connection.settings_dict['NAME']}",
                str(source / manifest["database"]["file"]),
            ],
            env=_client_environment(connection),
            check=True,
            capture_output=True,
        )
    except subprocess.CalledProcessError as error:
        raise BackupError(f"pg_restore failed: {error.stderr.decode().strip()}") from error

    for entry in manifest["files"]:
        with open(_safe_path(source / FILES, entry["name"]), "rb") as handle:
            saved = storage.save(entry["name"], File(handle))
        if saved != entry["name"]:
            raise BackupError(f"The storage kept {entry['name']} as {saved}.")
        if out:
            out(f"  {entry['name']}")

    return verify(manifest, storage=storage)


def verify(manifest, *, storage=None):
    """Raise BackupError unless the database and storage hold what `manifest` describes;
    return a summary (tables, rows, files, bytes)."""
    storage = storage or default_storage
    connection = _connection()
    with connection.cursor() as cursor:
        counts = table_counts(cursor, connection)
    expected = manifest["database"]["tables"]
    problems = [
        f"{table}: {counts.get(table)} rows, not {rows}"
        for table, rows in expected.items()
        if counts.get(table) != rows
    ]
    problems.extend(f"{table}: not in the backup" for table in counts.keys() - expected.keys())
    for entry in manifest["files"]:
        found = None
        if storage.exists(entry["name"]):
            with storage.open(entry["name"], "rb") as handle:
                found = _sha256_of(handle)
        if found != (entry["sha256"], entry["size"]):
            problems.append(f"{entry['name']}: not as backed up")
    if problems:
        raise BackupError("The restore does not match the backup: " + "; ".join(problems))
    return {
        "tables": len(counts),
        "rows": sum(counts.values()),
        "files": len(manifest["files"]),
        "bytes": sum(entry["size"] for entry in manifest["files"]),
    }
