"""Two officers on the same meeting page in two browsers: a page opened before the other's
save cannot undo it (docs/security.md, "No edit is lost")."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile

from meetings.models import Document
from safer_norfolk.roles import COMMITTEE_OFFICER
from tests.browser.test_journeys import sign_in
from tests.factories import MeetingFactory, UserFactory
from tests.pdfs import make_pdf


@pytest.fixture
def two_officers(browser, live_server):
    pages = []
    for username, first_name in (("amira-officer", "Amira"), ("ben-officer", "Ben")):
        user = UserFactory(username=username, first_name=first_name, last_name="")
        user.set_password("officer-password")
        user.save()
        user.groups.add(Group.objects.get(name=COMMITTEE_OFFICER))
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        context.set_default_timeout(10_000)
        page = context.new_page()
        sign_in(page, live_server, username, "officer-password")
        pages.append((context, page))
    yield [page for _, page in pages]
    for context, _ in pages:
        context.close()


def test_a_stale_meeting_page_cannot_republish_a_withdrawn_paper(live_server, two_officers):
    amira, ben = two_officers
    meeting = MeetingFactory(venue="Council Chamber")
    data = make_pdf("Appendix B: contract prices")
    paper = Document.objects.create(
        meeting=meeting,
        title="Appendix B: contract prices",
        file=ContentFile(data, name="appendix-b.pdf"),
        page_count=1,
        size_bytes=len(data),
    )
    address = f"{live_server.url}/admin/meetings/meeting/{meeting.pk}/change/"
    public_address = f"{live_server.url}{paper.get_absolute_url()}"
    ben.goto(address)  # Ben opens the page and leaves it open
    amira.goto(address)
    box = amira.locator("#documents-group input[type=checkbox][name$='-is_public']").first
    box.uncheck()
    amira.locator("input[name=_save]").click()
    amira.wait_for_load_state()
    assert "was changed successfully" in amira.locator("ul.messagelist").inner_text()
    ben.locator("#id_venue").fill("Edwards Room")

    ben.locator("input[name=_save]").click()
    ben.wait_for_load_state()

    notes = ben.locator("ul.messagelist").inner_text()
    assert "was changed by Amira" in notes
    assert "keeps their changes" in notes
    paper.refresh_from_db()
    meeting.refresh_from_db()
    assert paper.is_public is False
    assert meeting.venue == "Edwards Room"
    anonymous = ben.context.browser.new_context()
    try:
        assert anonymous.request.get(public_address).status == 404
    finally:
        anonymous.close()


def test_a_stale_change_to_the_same_paper_is_refused_naming_who_changed_it(
    live_server, two_officers
):
    amira, ben = two_officers
    meeting = MeetingFactory()
    data = make_pdf("Housing report")
    paper = Document.objects.create(
        meeting=meeting,
        title="Housing report",
        file=ContentFile(data, name="housing.pdf"),
        page_count=1,
        size_bytes=len(data),
    )
    address = f"{live_server.url}/admin/meetings/meeting/{meeting.pk}/change/"
    ben.goto(address)
    amira.goto(address)
    amira.locator("#documents-group input[type=checkbox][name$='-is_public']").first.uncheck()
    amira.locator("input[name=_save]").click()
    amira.wait_for_load_state()
    ben.locator("#documents-group input[name$='-title']").first.fill("Housing report (final)")

    ben.locator("input[name=_save]").click()
    ben.wait_for_load_state()

    errors = ben.locator(".errorlist, .errornote").all_inner_texts()
    assert any("was changed by Amira" in text and "(is public)" in text for text in errors)
    paper.refresh_from_db()
    assert (paper.title, paper.is_public) == ("Housing report", False)
