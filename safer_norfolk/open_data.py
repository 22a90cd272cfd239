"""Bulk downloads of the public record (`/data/`): one zip per kind of record the read API
lists, each holding the records as CSV and JSON and a Frictionless Data Package descriptor.

The records are the API's own: each kind is read through its viewset's queryset (its
`public()` rows, with the joins its serializer needs) in the API's order, and written by its
serializer, so a field the API gains is in the next build. The kinds are the read API's
router registry, passed in by the caller: this module sits in the lowest layer and names no
app (`safer_norfolk.tasks` reads the registry from the composition root).

A build writes its zips to the default storage under a folder of its own (`data/<build>/`),
then switches the manifest (`data/manifest.json`) to them: until that moment the previous
build's zips are the ones listed and served, and a build that fails leaves them so. The
build before the previous one is deleted afterwards.
"""

import contextlib
import csv
import hashlib
import io
import itertools
import json
import logging
import os
import secrets
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.http import HttpRequest
from django.urls import path
from django.utils import timezone
from django.utils.text import capfirst, slugify
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.utils.encoders import JSONEncoder

logger = logging.getLogger(__name__)

FOLDER = "data"
MANIFEST = f"{FOLDER}/manifest.json"
ALL = "all"
# Records read and written at a time: one query (and one per relation read ahead) per chunk.
CHUNK_SIZE = 2000
LICENCE = {
    "name": "OGL-UK-3.0",
    "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    "title": "Open Government Licence v3.0",
}
# The one-line description of each kind on the downloads page and in its datapackage.json; a
# kind the API gains before it is described here is described by its model's name.
DESCRIPTIONS = {
    "organisations": "The partner organisations: councils, police, probation, health and partnership groups.",
    "people": "People named in published material, with their job titles; never contact details.",
    "committees": "The committees and boards that meet, with their published contact details.",
    "memberships": "Who sits on each committee, in what role and representing whom.",
    "meetings": "Meetings with a published agenda, each with its public agenda items.",
    "agenda-items": "The public items of published agendas, with their papers.",
    "minutes": "Published minutes, item by item, with their decisions.",
    "resolutions": "Every published decision: noted, agreed, resolved.",
    "action-points": "Action points raised in published minutes, with their owners and responses.",
    "written-questions": "Questions requiring a written response, and the responses once given.",
    "work-programme": "The committees' forward work programmes.",
    "reports": "Published committee reports, section by section (Markdown).",
    "plans": "Published delivery plans.",
    "sections": "The themes and priorities of published delivery plans.",
    "plan-actions": "The actions of published delivery plans, with their current RAG status and distance.",
    "action-updates": "Published progress updates on delivery-plan actions.",
    "outcome-frameworks": "Published outcome frameworks.",
    "outcomes": "The outcomes of published frameworks, with their theory of change.",
    "measures": "The measures each outcome is judged by, with their intended direction.",
    "areas": "The areas figures are given for: the county, its districts and others, with ONS codes.",
    "observations": "Every published figure of every measure, by area and period.",
}
# OpenAPI types (with their formats) as Table Schema types.
TYPES = {
    ("integer", None): ("integer", None),
    ("number", None): ("number", None),
    ("boolean", None): ("boolean", None),
    ("string", "date"): ("date", None),
    ("string", "date-time"): ("datetime", "any"),
    ("string", "time"): ("time", "any"),
    ("string", "decimal"): ("number", None),
    ("string", "uri"): ("string", "uri"),
    ("string", "email"): ("string", "email"),
    ("string", "uuid"): ("string", "uuid"),
    ("array", None): ("array", None),
    ("object", None): ("object", None),
}
AS_JSON_TEXT = {
    "array": "A list, written in the CSV as JSON text.",
    "object": "An object, written in the CSV as JSON text.",
}


@dataclass(frozen=True)
class Kind:
    """One kind of record: its name (the API list's, as in `/api/v1/<name>/`) and viewset."""

    name: str
    viewset: type

    @property
    def model(self):
        return self.viewset.serializer_class.Meta.model

    @property
    def description(self):
        return DESCRIPTIONS.get(self.name) or f"{capfirst(self.model._meta.verbose_name_plural)}."

    @property
    def title(self):
        return capfirst(self.name.replace("-", " "))


def kinds_of(registry):
    """The kinds of a REST framework router's registry ([(prefix, viewset, basename)])."""
    return [Kind(prefix, viewset) for prefix, viewset, *_ in registry]


# --- reading the API's records ----------------------------------------------------------------


class SiteRequest(HttpRequest):
    """A request for an API list on the site's public address (settings.SITE_URL), so that
    `url` fields are the addresses readers follow. The address comes from the settings, not
    from a visitor's Host header, so it is not checked against ALLOWED_HOSTS."""

    def __init__(self, list_path):
        super().__init__()
        self.method = "GET"
        self.path = self.path_info = list_path
        self._site = urlsplit(settings.SITE_URL)
        self.META = {"REQUEST_METHOD": "GET", "QUERY_STRING": ""}

    def get_host(self):
        return self._site.netloc

    def _get_scheme(self):
        return self._site.scheme


def list_view(kind):
    """The kind's viewset as its list action runs for a request with no parameters."""
    request = Request(SiteRequest(f"/api/v1/{kind.name}/"))
    return kind.viewset(
        request=request,
        args=(),
        kwargs={},
        action="list",
        format_kwarg=None,
        basename=kind.name,
        detail=False,
    )


def records(kind, chunk_size=CHUNK_SIZE):
    """The kind's records as the API's list gives them, in its order, a chunk at a time:
    [record as a dict] per chunk."""
    view = list_view(kind)
    queryset = view.filter_queryset(view.get_queryset())
    rows = queryset.iterator(chunk_size=chunk_size)
    while chunk := list(itertools.islice(rows, chunk_size)):
        yield view.get_serializer(chunk, many=True).data


# --- describing them ----------------------------------------------------------------------------


def list_schema(kind):
    """The OpenAPI schema of one record of the kind's list, and the schema's components."""
    view = kind.viewset.as_view({"get": "list"})
    schema = SchemaGenerator(patterns=[path(f"{kind.name}/", view)]).get_schema(public=True)
    components = schema.get("components", {}).get("schemas", {})
    operation = schema["paths"][f"/{kind.name}/"]["get"]
    page = operation["responses"]["200"]["content"]["application/json"]["schema"]
    record = resolve(page, components)
    if "results" in record.get("properties", {}):  # a page of records
        record = resolve(record["properties"]["results"]["items"], components)
    return record, components


def resolve(schema, components):
    """`schema` with references followed and a choice of schemas (allOf, oneOf) narrowed to
    the first that is not null."""
    while True:
        if "$ref" in schema:
            schema = components[schema["$ref"].rsplit("/", 1)[-1]]
            continue
        for combined in ("allOf", "oneOf", "anyOf"):
            if combined in schema:
                options = [resolve(option, components) for option in schema[combined]]
                typed = [option for option in options if option.get("type") not in (None, "null")]
                schema = typed[0] if typed else options[0]
                break
        else:
            return schema


def field_type(schema, components):
    schema = resolve(schema, components)
    kind = schema.get("type", "string")
    if "properties" in schema:
        kind = "object"
    return TYPES.get((kind, schema.get("format")), TYPES.get((kind, None), ("string", None)))


def field_description(name, field):
    """From the serializer field: its help text (the model field's, for a model's field), else
    its label (the model field's verbose name), else its name; then what it may hold."""
    if name == "id":
        return "The record's id, the same as in the API."
    text = str(field.help_text or field.label or "") or capfirst(name.replace("_", " "))
    parts = [text if text.endswith(".") else f"{text}."]
    related = field.child_relation if isinstance(field, serializers.ManyRelatedField) else field
    if isinstance(related, serializers.PrimaryKeyRelatedField) and related.queryset is not None:
        parts.append(f"The id of a {related.queryset.model._meta.verbose_name}.")
    if isinstance(field, serializers.ChoiceField) and field.choices:
        parts.append("One of: " + ", ".join(str(value) for value in field.choices) + ".")
    return " ".join(parts)


def table_schema(kind):
    """The Table Schema of the kind's CSV: a field per serializer field, in order."""
    record, components = list_schema(kind)
    properties = record.get("properties", {})
    fields = []
    for name, field in list_view(kind).get_serializer().fields.items():
        schema = properties.get(name, {})
        type_, format_ = field_type(schema, components)
        description = field_description(name, field)
        if type_ in AS_JSON_TEXT:
            description = f"{description} {AS_JSON_TEXT[type_]}"
        entry = {"name": name, "type": type_, "description": description}
        if format_:
            entry["format"] = format_
        fields.append(entry)
    described = {"fields": fields, "missingValues": [""]}
    if any(field["name"] == "id" for field in fields):
        described["primaryKey"] = "id"
    return described


# --- writing them -------------------------------------------------------------------------------


def csv_cell(value):
    """A value as the CSV holds it: lists and objects as JSON text, true and false in words,
    nothing for null."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, cls=JSONEncoder, ensure_ascii=False)
    return value


@dataclass
class Written:
    """A kind's files, written to temporary files, with what datapackage.json says of them."""

    kind: Kind
    csv_file: object
    json_file: object
    count: int
    schema: dict

    def resources(self):
        return [
            {
                "name": self.kind.name,
                "title": self.kind.title,
                "description": self.kind.description,
                "profile": "tabular-data-resource",
                "path": f"{self.kind.name}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                **file_facts(self.csv_file),
                "schema": self.schema,
            },
            {
                "name": f"{self.kind.name}-json",
                "title": f"{self.kind.title} (JSON)",
                "description": f"{self.kind.description} The same records as the CSV, as the API gives them.",
                "path": f"{self.kind.name}.json",
                "format": "json",
                "mediatype": "application/json",
                "encoding": "utf-8",
                **file_facts(self.json_file),
            },
        ]

    def add_to(self, archive):
        for handle, suffix in ((self.csv_file, "csv"), (self.json_file, "json")):
            handle.seek(0)
            with archive.open(member_info(f"{self.kind.name}.{suffix}"), "w") as member:
                while block := handle.read(1024 * 1024):
                    member.write(block)

    def close(self):
        self.csv_file.close()
        self.json_file.close()


def file_facts(handle):
    handle.seek(0)
    digest, size = hashlib.sha256(), 0
    while block := handle.read(1024 * 1024):
        digest.update(block)
        size += len(block)
    return {"bytes": size, "hash": f"sha256:{digest.hexdigest()}"}


def write_kind(kind, chunk_size=CHUNK_SIZE):
    """The kind's records written as CSV and JSON into temporary files, a chunk at a time."""
    schema = table_schema(kind)
    columns = [field["name"] for field in schema["fields"]]
    # Closed by Written.close() once the zips are written, or here on failure.
    csv_file = tempfile.TemporaryFile()  # noqa: SIM115 -- outlives this function
    json_file = tempfile.TemporaryFile()  # noqa: SIM115 -- outlives this function
    try:
        count = write_records(kind, chunk_size, columns, csv_file, json_file)
    except BaseException:
        csv_file.close()
        json_file.close()
        raise
    return Written(kind, csv_file, json_file, count, schema)


def write_records(kind, chunk_size, columns, csv_file, json_file):
    """Write the kind's records into the two files; returns how many there were."""
    csv_text = io.TextIOWrapper(csv_file, encoding="utf-8", newline="", write_through=True)
    json_text = io.TextIOWrapper(json_file, encoding="utf-8", write_through=True)
    writer = csv.writer(csv_text)
    writer.writerow(columns)
    json_text.write("[")
    count = 0
    for chunk in records(kind, chunk_size):
        for record in chunk:
            writer.writerow([csv_cell(record.get(column)) for column in columns])
            json_text.write(",\n" if count else "\n")
            json_text.write(json.dumps(record, cls=JSONEncoder, ensure_ascii=False))
            count += 1
    json_text.write("\n]\n" if count else "]\n")
    # The binary files stay open for the zips; the text layers are let go without closing them.
    csv_text.detach()
    json_text.detach()
    return count


def package(name, title, description, resources, built_at):
    """A Data Package descriptor (Frictionless Data Package v1)."""
    return {
        "profile": "tabular-data-package",
        "name": name,
        "title": title,
        "description": description,
        "homepage": f"{settings.SITE_URL}/data/",
        "created": built_at.isoformat(),
        "licenses": [LICENCE],
        "resources": resources,
    }


def site_slug():
    return slugify(settings.SITE_NAME) or "open-data"


def member_info(name):
    """A file in a zip, dated now (UK time, as a zip's dates have no zone) and readable by all
    once unpacked: a member opened by name alone is dated 1980 and readable by its owner only."""
    info = zipfile.ZipInfo(name, date_time=timezone.localtime().timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def zip_of(written_kinds, descriptor):
    """A zip in a temporary file holding the kinds' files and `descriptor` as datapackage.json."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 -- closed by store() once stored
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for written in written_kinds:
            written.add_to(archive)
        archive.writestr(
            member_info("datapackage.json"), json.dumps(descriptor, indent=2, ensure_ascii=False)
        )
    handle.seek(0)
    return handle


# --- a build ------------------------------------------------------------------------------------


def build(registry, *, storage=None, chunk_size=CHUNK_SIZE):
    """Build every kind's zip and the zip of all, store them under a new folder, then switch
    the manifest to them. Returns the new manifest. If anything fails, what this build stored
    is removed and the error raised: the previous manifest, and its zips, stay."""
    storage = storage or default_storage
    built_at = timezone.now()
    build_id = f"{built_at:%Y%m%dT%H%M%SZ}-{secrets.token_hex(4)}"
    folder = f"{FOLDER}/{build_id}"
    stored, listed, everything = [], [], []
    try:
        for kind in kinds_of(registry):
            written = write_kind(kind, chunk_size)
            everything.append(written)
            descriptor = package(
                f"{site_slug()}-{kind.name}",
                f"{settings.SITE_NAME}: {kind.title.lower()}",
                kind.description,
                written.resources(),
                built_at,
            )
            listed.append(
                store(storage, folder, kind, written.count, zip_of([written], descriptor), stored)
            )
        descriptor = package(
            f"{site_slug()}-all",
            f"{settings.SITE_NAME}: the whole public record",
            "Every kind of published record, each as CSV and JSON.",
            [resource for written in everything for resource in written.resources()],
            built_at,
        )
        total = sum(written.count for written in everything)
        every = Kind(ALL, None)
        everything_zip = zip_of(everything, descriptor)
        listed.append(store(storage, folder, every, total, everything_zip, stored))
        manifest = {"build": build_id, "built_at": built_at.isoformat(), "downloads": listed}
        previous = read_manifest(storage)
        switch_manifest(storage, manifest)
    except BaseException:
        for name in stored:
            discard_quietly(storage, name)
        remove_empty_folder(storage, folder)
        raise
    finally:
        for written in everything:
            written.close()
    remove_old_builds(storage, keep={build_id, (previous or {}).get("build")})
    return manifest


def store(storage, folder, kind, count, handle, stored):
    """Store a built zip; returns its manifest entry."""
    try:
        name = storage.save(f"{folder}/{kind.name}.zip", File(handle, name=f"{kind.name}.zip"))
        stored.append(name)
        size = storage.size(name)
    finally:
        handle.close()
    entry = {"kind": kind.name, "file": name, "records": count, "bytes": size}
    if kind.viewset is not None:
        entry.update(title=kind.title, description=kind.description)
    else:
        entry.update(
            title="Everything",
            description="Every kind of record above in one zip, with one datapackage.json.",
        )
    return entry


def switch_manifest(storage, manifest):
    """Replace the manifest so that a reader finds the old one or the new one, whole: on disk a
    new file renamed over the old; in an object store one write, which replaces the object
    whole when it completes."""
    data = json.dumps(manifest, indent=2).encode()
    try:
        target = Path(storage.path(MANIFEST))
    except NotImplementedError:
        with storage.open(MANIFEST, "wb") as handle:
            handle.write(data)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.{secrets.token_hex(4)}")
    staging.write_bytes(data)
    os.replace(staging, target)


def read_manifest(storage=None):
    """The current build's manifest, or None before the first build."""
    storage = storage or default_storage
    try:
        with storage.open(MANIFEST, "rb") as handle:
            return json.loads(handle.read())
    except (FileNotFoundError, ValueError):
        return None
    except OSError as error:  # an object store says "not found" its own way
        if storage.exists(MANIFEST):
            raise
        logger.debug("No open data manifest: %s", error)
        return None


def remove_old_builds(storage, keep):
    """Delete the folders of builds other than those in `keep` (the current and the previous
    one, which a download begun before the switch may still be reading)."""
    try:
        builds, _files = storage.listdir(FOLDER)
    except (FileNotFoundError, NotImplementedError):
        return
    for build_id in builds:
        if build_id in keep:
            continue
        _, files = storage.listdir(f"{FOLDER}/{build_id}")
        for name in files:
            discard_quietly(storage, f"{FOLDER}/{build_id}/{name}")
        remove_empty_folder(storage, f"{FOLDER}/{build_id}")


def remove_empty_folder(storage, folder):
    # An object store has no folders (NotImplementedError); a folder still holding files stays.
    with contextlib.suppress(NotImplementedError, OSError):
        Path(storage.path(folder)).rmdir()


def discard_quietly(storage, name):
    try:
        storage.delete(name)
    except OSError:
        logger.exception("%s could not be removed from storage", name)


def download(kind, storage=None):
    """(manifest entry, open file) of the current build's zip of `kind`, or None."""
    storage = storage or default_storage
    manifest = read_manifest(storage)
    entry = next(
        (entry for entry in (manifest or {}).get("downloads", []) if entry["kind"] == kind), None
    )
    if entry is None:
        return None
    try:
        return entry, storage.open(entry["file"], "rb")
    except FileNotFoundError:
        logger.error("The open data file %s is listed but missing", entry["file"])
        return None
