"""Uploaded papers and agenda packs in an S3-compatible bucket (STORAGE_BACKEND=s3), proved
against moto's S3 server: the admin upload, the public download with its publication check
and the background pack build all work on the bucket, and nothing lands on local disk."""

import importlib
import io
import os
import runpy
import uuid
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from meetings import services
from meetings.models import AgendaPack, Document
from tests.admin_forms import change_form_data
from tests.factories import AgendaItemFactory, MeetingFactory
from tests.http import read_body
from tests.pdfs import make_pdf, pdf_pages_text

SETTINGS_FILE = Path(__file__).resolve().parents[2] / "safer_norfolk" / "settings.py"
STORAGE_VARIABLES = (
    "STORAGE_BACKEND",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_S3_ADDRESSING_STYLE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
)
REGION = "eu-west-2"
PUBLIC_GROUPS = (
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
)


def _require(module):
    """moto is a development dependency: in CI its absence fails the run, never skips it."""
    if os.environ.get("CI", "").lower() == "true":
        return importlib.import_module(module)
    return pytest.importorskip(
        module, reason="moto[server] is not installed: pip install -e '.[dev]'"
    )


def load_settings(monkeypatch, **environ):
    """Evaluate settings.py afresh with only the given storage variables set."""
    for name in STORAGE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(f"{name}_FILE", raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


# --- settings -----------------------------------------------------------------------------


def test_storage_defaults_to_the_filesystem(monkeypatch):
    loaded = load_settings(monkeypatch)

    assert loaded["STORAGES"]["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_s3_storage_refuses_to_start_without_a_bucket(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="AWS_STORAGE_BUCKET_NAME"):
        load_settings(monkeypatch, STORAGE_BACKEND="s3")


def test_an_unknown_storage_backend_is_refused(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="STORAGE_BACKEND"):
        load_settings(monkeypatch, STORAGE_BACKEND="ftp")


def test_s3_storage_is_private_and_reads_its_secret_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "aws_secret"
    secret.write_text("secret-from-a-mounted-file\n")

    loaded = load_settings(
        monkeypatch,
        STORAGE_BACKEND="s3",
        AWS_STORAGE_BUCKET_NAME="safer-norfolk-papers",
        AWS_S3_ENDPOINT_URL="https://objects.example.org",
        AWS_S3_REGION_NAME=REGION,
        AWS_S3_ADDRESSING_STYLE="path",
        AWS_ACCESS_KEY_ID="papers-key",
        AWS_SECRET_ACCESS_KEY_FILE=str(secret),
    )

    storages = loaded["STORAGES"]
    assert storages["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storages["default"]["OPTIONS"]
    assert options["bucket_name"] == "safer-norfolk-papers"
    assert options["endpoint_url"] == "https://objects.example.org"
    assert options["region_name"] == REGION
    assert options["addressing_style"] == "path"
    assert (options["access_key"], options["secret_key"]) == (
        "papers-key",
        "secret-from-a-mounted-file",
    )
    assert options["default_acl"] is None
    assert options["querystring_auth"] is True
    assert options["file_overwrite"] is False
    # Static files are still WhiteNoise's, from each web process.
    assert "whitenoise" not in storages["default"]["BACKEND"]
    assert storages["staticfiles"] == load_settings(monkeypatch)["STORAGES"]["staticfiles"]


# --- the bucket ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def s3_endpoint():
    server = _require("moto.server").ThreadedMotoServer(
        ip_address="127.0.0.1", port=0, verbose=False
    )
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, monkeypatch, settings):
    """A fresh bucket on the S3 server, made the site's media storage by the same settings
    code a server runs with STORAGE_BACKEND=s3."""
    name = f"papers-{uuid.uuid4().hex[:12]}"
    client = _require("boto3").client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id="test-key",
        aws_secret_access_key="test-secret",
    )
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    loaded = load_settings(
        monkeypatch,
        STORAGE_BACKEND="s3",
        AWS_STORAGE_BUCKET_NAME=name,
        AWS_S3_ENDPOINT_URL=s3_endpoint,
        AWS_S3_REGION_NAME=REGION,
        AWS_ACCESS_KEY_ID="test-key",
        AWS_SECRET_ACCESS_KEY="test-secret",
    )
    settings.STORAGES = {**settings.STORAGES, "default": loaded["STORAGES"]["default"]}
    return client, name


def objects_in(bucket):
    client, name = bucket
    listing = client.list_objects_v2(Bucket=name)
    return {entry["Key"]: entry["Size"] for entry in listing.get("Contents", [])}


def object_bytes(bucket, key):
    client, name = bucket
    return client.get_object(Bucket=name, Key=key)["Body"].read()


def files_under(folder):
    return [path for path in Path(folder).rglob("*") if path.is_file()]


def upload_paper(client, meeting, item, data):
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    form = change_form_data(client.get(url))
    form.update(
        {
            "documents-TOTAL_FORMS": "1",
            "documents-0-agenda_item": str(item.pk),
            "documents-0-title": "Delivery Plan report",
            "documents-0-kind": "report",
            "documents-0-is_public": "on",
            "documents-0-order": "1",
            "documents-0-file": SimpleUploadedFile("delivery-plan.pdf", data, "application/pdf"),
        }
    )
    return client.post(url, form)


@pytest.mark.django_db
def test_an_uploaded_paper_is_stored_in_the_bucket_and_downloadable_once_published(
    client, officer, bucket, settings
):
    meeting = MeetingFactory(draft=True)
    item = AgendaItemFactory(meeting=meeting, number="5", title="Delivery Plan")
    data = make_pdf("Delivery plan update", pages=2)
    client.force_login(officer)

    response = upload_paper(client, meeting, item, data)

    assert response.status_code == 302
    document = Document.objects.get(meeting=meeting)
    assert objects_in(bucket) == {document.file.name: len(data)}
    assert object_bytes(bucket, document.file.name) == data
    assert (document.page_count, document.size_bytes) == (2, len(data))
    assert "Delivery plan update" in document.text
    client.logout()
    assert client.get(document.get_absolute_url()).status_code == 404  # agenda not published

    services.publish_agenda(meeting=meeting, by=officer)
    download = client.get(document.get_absolute_url())

    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert read_body(download) == data
    grants = bucket[0].get_object_acl(Bucket=bucket[1], Key=document.file.name)["Grants"]
    assert not [grant for grant in grants if grant["Grantee"].get("URI") in PUBLIC_GROUPS]
    assert files_under(settings.MEDIA_ROOT) == []


@pytest.mark.django_db
def test_a_paper_in_the_bucket_that_is_not_public_cannot_be_downloaded(client, bucket, settings):
    meeting = MeetingFactory()
    item = AgendaItemFactory(meeting=meeting, number="5")
    exempt = AgendaItemFactory(meeting=meeting, number="9", is_exempt=True)
    data = make_pdf("Not for publication")
    private = Document.objects.create(
        meeting=meeting,
        agenda_item=item,
        title="Private",
        file=ContentFile(data, "private.pdf"),
        is_public=False,
    )
    in_exempt_item = Document.objects.create(
        meeting=meeting, agenda_item=exempt, title="Exempt", file=ContentFile(data, "exempt.pdf")
    )
    draft = MeetingFactory(draft=True)
    unpublished = Document.objects.create(
        meeting=draft, title="Draft agenda paper", file=ContentFile(data, "draft.pdf")
    )

    stored = objects_in(bucket)

    for document in (private, in_exempt_item, unpublished):
        assert stored[document.file.name] == len(data)  # the object is there to leak
        assert client.get(document.get_absolute_url()).status_code == 404
    assert files_under(settings.MEDIA_ROOT) == []


@pytest.mark.django_db
def test_an_agenda_pack_is_built_from_the_bucket_into_the_bucket(client, bucket, settings):
    meeting = MeetingFactory()
    item = AgendaItemFactory(meeting=meeting, number="5", title="Delivery Plan")
    data = make_pdf("Bravo paper from the bucket", pages=3)
    Document.objects.create(
        meeting=meeting,
        agenda_item=item,
        title="Bravo",
        file=ContentFile(data, "bravo.pdf"),
        page_count=3,
        size_bytes=len(data),
    )
    url = reverse("meetings:pack_pdf", args=[meeting.committee.slug, meeting.local_date])

    response = client.get(url)

    assert response.status_code == 200
    body = read_body(response)
    pack = AgendaPack.objects.get(meeting=meeting)
    assert pack.status == AgendaPack.Status.READY
    stored = objects_in(bucket)
    assert pack.file.name.startswith("packs/")
    assert stored[pack.file.name] == len(body)
    assert pack.front_sheet.name in stored
    assert object_bytes(bucket, pack.file.name) == body
    assert len(PdfReader(io.BytesIO(body)).pages) == pack.page_count == pack.front_sheet_pages + 3
    pages = pdf_pages_text(body)
    assert "Bravo paper from the bucket page 3" in pages[-1]
    assert files_under(settings.MEDIA_ROOT) == []


@pytest.mark.django_db
def test_a_stored_pack_is_served_from_the_bucket_without_rebuilding(client, bucket):
    meeting = MeetingFactory()
    AgendaItemFactory(meeting=meeting, number="1", title="Welcome")
    url = reverse("meetings:pack_pdf", args=[meeting.committee.slug, meeting.local_date])
    first = read_body(client.get(url))
    keys = set(objects_in(bucket))

    second = read_body(client.get(url))

    assert second == first
    assert set(objects_in(bucket)) == keys
    assert AgendaPack.objects.filter(meeting=meeting).count() == 1


@pytest.mark.django_db
def test_a_pack_the_bucket_cannot_take_is_recorded_as_failed_and_built_on_the_next_request(
    client, bucket
):
    meeting = MeetingFactory()
    AgendaItemFactory(meeting=meeting, number="1", title="Welcome")
    url = reverse("meetings:pack_pdf", args=[meeting.committee.slug, meeting.local_date])
    s3, name = bucket
    s3.delete_bucket(Bucket=name)  # the object store is out of reach

    refused = client.get(url)

    assert refused.status_code == 503
    assert refused["Retry-After"] == "30"
    pack = AgendaPack.objects.get(meeting=meeting)
    assert pack.status == AgendaPack.Status.FAILED
    assert "NoSuchBucket" in pack.error
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    served = client.get(url)
    assert served.status_code == 200
    body = read_body(served)
    pack.refresh_from_db()
    assert pack.status == AgendaPack.Status.READY
    assert object_bytes(bucket, pack.file.name) == body


# --- readiness ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_readiness_writes_to_the_bucket_and_leaves_nothing_there(client, bucket):
    response = client.get(reverse("ready"))

    assert response.status_code == 200
    assert response.json()["checks"]["storage"] == {"ok": True, "detail": "writable"}
    assert objects_in(bucket) == {}


@pytest.mark.django_db
def test_readiness_names_a_bucket_that_is_gone(client, bucket):
    client_s3, name = bucket
    client_s3.delete_bucket(Bucket=name)

    response = client.get(reverse("ready"))

    assert response.status_code == 503
    storage = response.json()["checks"]["storage"]
    assert storage["ok"] is False
    assert storage["detail"].startswith("failed: ")
    assert name not in response.content.decode()
