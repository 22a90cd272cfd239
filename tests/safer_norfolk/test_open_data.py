"""The nightly bulk downloads of the public record (`/data/`): each kind's zip holds the API
list's records as CSV and JSON with a Frictionless descriptor, only published records, and
a failed build leaves the previous one served."""

import csv
import io
import json
import zipfile
from urllib.parse import urlsplit

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safer_norfolk import api as directory_api
from safer_norfolk import open_data
from safer_norfolk.tasks import api_registry
from tests.http import read_body
from tests.pdfs import make_pdf
from tests.safer_norfolk import test_object_storage as object_storage
from tests.test_leaks import build_site, marker_hits
from tests.test_query_counts import MAX_API_LIST_QUERIES
from tests.test_query_counts import build as build_at_size

pytestmark = pytest.mark.django_db
# An S3-compatible bucket (moto's server) as the media storage.
s3_endpoint, bucket = object_storage.s3_endpoint, object_storage.bucket

REQUIRED_RESOURCE_KEYS = {"name", "path", "format", "mediatype", "encoding"}


@pytest.fixture(autouse=True)
def _site_address(settings):
    # The API's addresses are on the host a request came in on: the test client's.
    settings.SITE_URL = "http://testserver"


def kinds():
    return [kind.name for kind in open_data.kinds_of(api_registry())]


def download(client, kind):
    response = client.get(f"/data/{kind}.zip")
    assert response.status_code == 200, kind
    return zipfile.ZipFile(io.BytesIO(read_body(response)))


def api_list(client, kind):
    """Every record of the API list, following `next` to the end."""
    found, url = [], f"/api/v1/{kind}/?page_size=200"
    while url:
        page = client.get(url).json()
        found.extend(page["results"])
        url = page["next"] and urlsplit(page["next"])._replace(scheme="", netloc="").geturl()
    return found


def csv_records(archive, kind):
    return list(csv.DictReader(io.StringIO(archive.read(f"{kind}.csv").decode("utf-8"))))


def test_each_download_holds_the_api_lists_records_with_the_same_fields(client):
    build_site()
    call_command("build_open_data", "--now", stdout=io.StringIO())

    for kind in kinds():
        archive = download(client, kind)
        expected = api_list(client, kind)
        package = json.loads(archive.read("datapackage.json"))
        as_json = json.loads(archive.read(f"{kind}.json"))
        rows = csv_records(archive, kind)
        fields = package["resources"][0]["schema"]["fields"]

        assert sorted(archive.namelist()) == sorted(
            [f"{kind}.csv", f"{kind}.json", "datapackage.json"]
        )
        assert expected, f"the site has no published {kind}"
        assert as_json == expected, kind
        assert [row["id"] for row in rows] == [str(record["id"]) for record in expected]
        assert list(rows[0]) == list(expected[0]) == [field["name"] for field in fields], kind
        for row, record in zip(rows, expected, strict=True):
            assert row == {
                name: str(open_data.csv_cell(value)) for name, value in record.items()
            }, kind


def test_each_datapackage_describes_every_column_and_carries_the_licence(client):
    build_site()
    call_command("build_open_data", "--now", stdout=io.StringIO())

    for kind in kinds():
        archive = download(client, kind)
        package = json.loads(archive.read("datapackage.json"))
        csv_resource, json_resource = package["resources"]
        header = next(csv.reader(io.StringIO(archive.read(f"{kind}.csv").decode("utf-8"))))
        fields = {field["name"]: field for field in csv_resource["schema"]["fields"]}

        assert {"name", "title", "licenses", "resources"} <= set(package)
        assert package["licenses"] == [open_data.LICENCE]
        assert package["licenses"][0]["name"] == "OGL-UK-3.0"
        for resource in package["resources"]:
            assert set(resource) >= REQUIRED_RESOURCE_KEYS, (kind, resource)
            assert resource["encoding"] == "utf-8"
        assert (csv_resource["path"], csv_resource["mediatype"]) == (f"{kind}.csv", "text/csv")
        assert json_resource["path"] == f"{kind}.json"
        assert json_resource["mediatype"] == "application/json"
        assert list(fields) == header, kind
        assert csv_resource["schema"]["primaryKey"] == "id"
        for field in fields.values():
            assert field["type"] in {
                "string", "integer", "number", "boolean", "date", "datetime", "time", "array", "object",
            }  # fmt: skip
            assert field["description"], (kind, field)
            if field["type"] in ("array", "object"):
                assert "JSON text" in field["description"]
    meetings = json.loads(download(client, "meetings").read("datapackage.json"))
    meeting_fields = {f["name"]: f for f in meetings["resources"][0]["schema"]["fields"]}
    assert meeting_fields["id"]["type"] == "integer"
    assert meeting_fields["starts_at"]["type"] == "datetime"
    assert meeting_fields["start_time_known"]["type"] == "boolean"
    assert meeting_fields["agenda_items"]["type"] == "array"
    assert meeting_fields["url"]["format"] == "uri"
    assert "in_person" in meeting_fields["mode"]["description"]
    # The model field's help text is the column's description.
    assert meeting_fields["public_notice"]["description"] == "Advice to the public (Markdown)."


def test_a_nested_value_is_json_text_in_its_csv_cell(client):
    build_site()
    call_command("build_open_data", "--now", stdout=io.StringIO())
    archive = download(client, "meetings")

    by_id = {record["id"]: record for record in json.loads(archive.read("meetings.json"))}
    with_items = [row for row in csv_records(archive, "meetings") if row["agenda_items"] != "[]"]

    assert with_items
    for row in with_items:
        assert json.loads(row["agenda_items"]) == by_id[int(row["id"])]["agenda_items"]


def test_the_zip_of_all_holds_every_kind_and_one_datapackage(client):
    build_site()
    call_command("build_open_data", "--now", stdout=io.StringIO())

    archive = download(client, "all")
    package = json.loads(archive.read("datapackage.json"))

    expected = {f"{kind}.{suffix}" for kind in kinds() for suffix in ("csv", "json")}
    assert set(archive.namelist()) == expected | {"datapackage.json"}
    assert {resource["path"] for resource in package["resources"]} == expected
    assert package["licenses"] == [open_data.LICENCE]
    for kind in kinds():
        assert archive.read(f"{kind}.json") == download(client, kind).read(f"{kind}.json")
    # Each file is dated with the build and readable by anyone once unpacked.
    today = timezone.localdate()
    for member in archive.infolist():
        assert member.date_time[:3] == (today.year, today.month, today.day), member.filename
        assert member.external_attr >> 16 == 0o644, member.filename


def test_no_unpublished_record_reaches_any_file_of_any_download(client):
    """Draft, exempt and unpublished records of every sensitive kind are made first."""
    markers = build_site()
    call_command("build_open_data", "--now", stdout=io.StringIO())

    shown = set()
    for kind in [*kinds(), open_data.ALL]:
        archive = download(client, kind)
        for name in archive.namelist():
            text = archive.read(name).decode("utf-8")
            assert not marker_hits(markers.leaks, text), (kind, name)
            shown |= marker_hits(markers.public, text)

    assert shown  # the published twins are there, so the check reads real content
    assert "@example.org" not in download(client, "people").read("people.csv").decode()


def test_the_page_before_the_first_build_says_the_downloads_are_being_prepared(client):
    response = client.get("/data/")
    page = response.content.decode()

    assert response.status_code == 200
    assert "The downloads are being prepared" in page
    assert "Open Government Licence v3.0" in page
    assert client.get("/data/meetings.zip").status_code == 404


def test_the_page_lists_each_download_with_its_records_size_and_build_time(client, settings):
    settings.SITE_URL = "https://data.example.org"
    build_site()
    manifest = open_data.build(api_registry())

    page = client.get("/data/").content.decode()

    assert "being prepared" not in page
    assert len(manifest["downloads"]) == len(kinds()) + 1
    for entry in manifest["downloads"]:
        assert f'href="/data/{entry["kind"]}.zip"' in page
        assert f"{entry['records']:,}" in page
        assert entry["description"].replace("'", "&#39;") in page
        assert entry["bytes"] == default_storage.size(entry["file"])
    assert "Open Government Licence v3.0" in page
    assert "Built on " in page
    # Addresses in the records are on the site's public address, not the request's host.
    meetings = json.loads(download(client, "meetings").read("meetings.json"))
    assert meetings[0]["url"].startswith("https://data.example.org/committees/")


def test_a_download_is_served_whole_as_an_attachment_and_an_unknown_kind_is_not_found(client):
    build_site()
    open_data.build(api_registry())

    response = client.get("/data/observations.zip")
    body = read_body(response)

    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="observations.zip"'
    assert int(response["Content-Length"]) == len(body)
    assert zipfile.ZipFile(io.BytesIO(body)).testzip() is None
    assert client.get("/data/no-such-kind.zip").status_code == 404
    assert client.get("/data/manifest.zip").status_code == 404


class FailingViewSet(directory_api.OrganisationViewSet):
    """A kind whose records cannot be read (the database went away half-way)."""

    def public_queryset(self):
        raise RuntimeError("the database went away")


def test_a_failed_build_leaves_the_previous_downloads_served(client):
    build_site()
    before = open_data.build(api_registry())
    served = read_body(client.get("/data/meetings.zip"))

    with pytest.raises(RuntimeError):
        open_data.build([*api_registry(), ("broken", FailingViewSet, "broken")])

    assert open_data.read_manifest() == before
    assert read_body(client.get("/data/meetings.zip")) == served
    builds, _ = default_storage.listdir(open_data.FOLDER)
    assert builds == [before["build"]]  # nothing of the failed build is left


def test_a_new_build_replaces_the_old_and_keeps_only_the_one_before(client):
    builds = [open_data.build(api_registry())["build"] for _ in range(3)]

    folders, files = default_storage.listdir(open_data.FOLDER)

    assert sorted(folders) == sorted(builds[1:])
    assert files == ["manifest.json"]
    assert open_data.read_manifest()["build"] == builds[2]


def test_the_command_queues_the_build_for_the_worker(client):
    # The tests' task backend runs a queued task at once, as the worker would.
    out = io.StringIO()
    call_command("build_open_data", stdout=out)

    assert "Queued" in out.getvalue()
    assert open_data.read_manifest() is not None
    assert zipfile.ZipFile(io.BytesIO(read_body(client.get("/data/areas.zip")))).namelist()


def queries_at_size(n, pdf_data, chunk_size=open_data.CHUNK_SIZE):
    """(queries, records) of a build with the site built at size n (rolled back after)."""
    with transaction.atomic():
        build_at_size(n, pdf_data)
        with CaptureQueriesContext(connection) as captured:
            manifest = open_data.build(api_registry(), chunk_size=chunk_size)
        transaction.set_rollback(True)
    records = sum(entry["records"] for entry in manifest["downloads"] if entry["kind"] != "all")
    return len(captured.captured_queries), records


def test_a_builds_queries_do_not_grow_with_the_records_beyond_one_a_chunk():
    pdf_data = make_pdf("burglary report")

    small, small_records = queries_at_size(2, pdf_data)
    large, large_records = queries_at_size(3, pdf_data)
    # Chunks of one record: each record after a kind's first costs a chunk's queries.
    chunked, _ = queries_at_size(3, pdf_data, chunk_size=1)

    assert small_records < large_records
    assert small == large
    assert large < chunked <= large + large_records * MAX_API_LIST_QUERIES


def test_downloads_are_built_into_and_served_from_an_object_store(client, bucket):
    build_site()
    first = open_data.build(api_registry())["build"]
    open_data.build(api_registry())
    third = open_data.build(api_registry())

    stored = object_storage.objects_in(bucket)
    served = read_body(client.get("/data/plans.zip"))

    assert f"{open_data.MANIFEST}" in stored
    assert not any(key.startswith(f"data/{first}/") for key in stored)
    assert {entry["file"] for entry in third["downloads"]} <= set(stored)
    assert served == object_storage.object_bytes(bucket, f"data/{third['build']}/plans.zip")
    assert json.loads(object_storage.object_bytes(bucket, open_data.MANIFEST)) == third
