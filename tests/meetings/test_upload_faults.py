"""Papers whose files the server cannot keep: a disk that fills during an upload, and a
published paper whose file has gone from storage."""

import errno
import logging
import os
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from meetings.models import AgendaPack, Document, Meeting
from tests.admin_forms import change_form_data
from tests.factories import AgendaItemFactory, CommitteeFactory, DocumentFactory, MeetingFactory
from tests.http import read_body
from tests.pdfs import make_pdf, pdf_pages_text

pytestmark = pytest.mark.django_db


class FullDiskStorage(FileSystemStorage):
    """The server's disk with room for `room_for` more files: the next is cut off part way
    and the write fails as the operating system fails it."""

    room_for = 0
    failure = errno.ENOSPC

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.files_taken = 0

    def _save(self, name, content):
        if self.files_taken < self.room_for:
            self.files_taken += 1
            return super()._save(name, content)
        path = Path(self.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        content.seek(0)
        data = content.read()
        path.write_bytes(data[: len(data) // 2])
        raise OSError(self.failure, os.strerror(self.failure), str(path))


class RoomForOneFileStorage(FullDiskStorage):
    room_for = 1


class ReadOnlyStorage(FullDiskStorage):
    failure = errno.EACCES


def use_storage(settings, storage_class):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.{storage_class.__name__}"},
    }


@pytest.fixture
def browser(officer):
    """An officer's browser, which shows a server error as a 500 page."""
    client = Client(raise_request_exception=False)
    client.force_login(officer)
    return client


def stored_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def post_papers(browser, meeting, *uploads, **changes):
    """Save the meeting's admin page with `uploads` as new papers and `changes` to its form."""
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    data = change_form_data(browser.get(url))
    data.update(changes)
    data["documents-TOTAL_FORMS"] = str(len(uploads))
    for index, upload in enumerate(uploads):
        data.update(
            {
                f"documents-{index}-title": f"Paper {index + 1}",
                f"documents-{index}-kind": "report",
                f"documents-{index}-is_public": "on",
                f"documents-{index}-order": str(index + 1),
                f"documents-{index}-file": upload,
            }
        )
    return url, browser.post(url, data)


def pdf_upload(name):
    return SimpleUploadedFile(name, make_pdf("Community safety report"), "application/pdf")


def test_a_full_disk_refuses_the_upload_clearly_and_keeps_nothing(browser, settings):
    use_storage(settings, FullDiskStorage)
    meeting = MeetingFactory(venue="County Hall")

    url, response = post_papers(browser, meeting, pdf_upload("report.pdf"), venue="Carrow Road")
    page = browser.get(url).content.decode()

    assert response.status_code == 302
    assert response["Location"] == url
    assert (
        "The file “report.pdf” could not be stored: the server has no room left for files. "
        "Tell the site’s administrator, and upload it again once they have made room. "
        "Nothing on this page was saved."
    ) in page
    assert not Document.objects.exists()
    assert Meeting.objects.get(pk=meeting.pk).venue == "County Hall"
    assert stored_files(settings) == []


def test_a_disk_filling_on_the_second_paper_keeps_neither(browser, settings):
    use_storage(settings, RoomForOneFileStorage)
    meeting = MeetingFactory()

    url, response = post_papers(browser, meeting, pdf_upload("first.pdf"), pdf_upload("second.pdf"))

    assert response.status_code == 302
    assert "“second.pdf” could not be stored" in browser.get(url).content.decode()
    assert not Document.objects.exists()
    assert stored_files(settings) == []


def test_a_disk_refusing_the_write_says_so_and_keeps_nothing(browser, settings):
    use_storage(settings, ReadOnlyStorage)
    meeting = MeetingFactory()

    url, response = post_papers(browser, meeting, pdf_upload("report.pdf"))

    assert response.status_code == 302
    assert (
        "The file “report.pdf” could not be stored: the server could not write it (Permission "
        "denied). Tell the site’s administrator. Nothing on this page was saved."
    ) in browser.get(url).content.decode()
    assert not Document.objects.exists()
    assert stored_files(settings) == []


def test_with_room_on_the_disk_the_papers_are_stored(browser, settings):
    use_storage(settings, RoomForOneFileStorage)
    meeting = MeetingFactory()

    _, response = post_papers(browser, meeting, pdf_upload("report.pdf"))

    assert response.status_code == 302
    document = Document.objects.get()
    assert document.page_count == 1
    assert stored_files(settings) == [f"meetings/{meeting.pk}/report.pdf"]
    with document.file.open("rb") as stored:
        assert stored.read().startswith(b"%PDF-")


# --- a published paper whose file is gone ---------------------------------------------------


def test_a_paper_whose_file_is_missing_is_not_found_with_a_clear_page(client, caplog):
    committee = CommitteeFactory(contact_email="panel@norfolk.gov.uk", contact_phone="01603 222222")
    document = DocumentFactory(meeting=MeetingFactory(committee=committee), title="Annual report")
    document.file.storage.delete(document.file.name)

    with caplog.at_level(logging.ERROR, logger="meetings.views"):
        response = client.get(document.get_absolute_url())

    page = response.content.decode()
    assert response.status_code == 404
    assert '<h1 class="govuk-heading-xl">Page not found</h1>' in page
    assert (
        "The file of the paper “Annual report” is not available. Contact the committee’s "
        'officer for a copy: <a class="govuk-link" href="mailto:panel@norfolk.gov.uk">'
        "panel@norfolk.gov.uk</a> or 01603 222222."
    ) in page
    assert "If you typed the web address" not in page
    assert f"Paper {document.pk}" in caplog.text
    assert document.file.name in caplog.text


def test_a_missing_paper_of_a_committee_without_a_published_contact(client):
    document = DocumentFactory(title="Annual report")
    document.file.storage.delete(document.file.name)

    response = client.get(document.get_absolute_url())

    assert response.status_code == 404
    assert (
        "The file of the paper “Annual report” is not available. Contact the committee’s "
        "officer for a copy."
    ) in response.content.decode()


def test_a_paper_with_its_file_is_served_as_before(client):
    document = DocumentFactory()

    response = client.get(document.get_absolute_url())

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert read_body(response) == b"%PDF-1.4\n%%EOF\n"


def test_a_pack_with_a_missing_paper_says_so_in_its_place_and_in_the_log(client, caplog):
    meeting = MeetingFactory()
    item = AgendaItemFactory(meeting=meeting, number="5", title="Delivery Plan")
    kept = DocumentFactory(
        meeting=meeting, agenda_item=item, title="Kept report", file__data=make_pdf("Kept page 1")
    )
    missing = DocumentFactory(meeting=meeting, agenda_item=item, title="Missing report")
    missing.file.storage.delete(missing.file.name)
    url = reverse("meetings:pack_pdf", args=[meeting.committee.slug, meeting.local_date])

    with caplog.at_level(logging.ERROR, logger="meetings.pdf"):
        response = client.get(url)

    pages = pdf_pages_text(read_body(response))
    assert response.status_code == 200
    assert AgendaPack.objects.get(meeting=meeting).status == "ready"
    assert any(
        "Missing report" in page and "This paper could not be included in the pack" in page
        for page in pages
    )
    assert any("Kept page 1" in page for page in pages)
    assert f"Paper {missing.pk} could not be included in a pack" in caplog.text
    assert kept.pk != missing.pk
