"""A committee report's journey in Chromium: its author writes it from the meeting's agenda
in the back office (one form), the committee officer publishes it with the agenda (one
button), and the public read it as a page and in the pack. Forms submitted are counted."""

import io

import pytest
from django.contrib.auth.models import Group
from pypdf import PdfReader

from meetings.models import AgendaPack, Report
from meetings.tasks import build_agenda_pack
from safer_norfolk.roles import COMMITTEE_OFFICER, REPORT_AUTHOR
from tests.browser.conftest import describe_violations, run_axe
from tests.browser.test_journeys import sign_in, success_messages
from tests.factories import AgendaItemFactory, MeetingFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-enough-password"
SECTIONS = {
    "strategic_impact": "Children and families exposed to domestic abuse suffer lasting harm.",
    "executive_summary": "The partnership and SafeLives secured £2 million for a Beacon Project.",
    "recommendations": "To note and endorse Children's Services' part in the Beacon Project.",
    "proposal": "Norfolk is a beacon site for SafeLives.\n\nA Norfolk Penta Board will run it.",
    "officer_contact": "Julie Westmacott",
}
FINANCIAL = "| Year | Total cost |\n|---|---|\n| 2017-2018 | £55,930 |\n| 2018-2019 | £242,760 |"


def user(username, group):
    account = UserFactory(username=username, is_staff=True)
    account.set_password(PASSWORD)
    account.save()
    account.groups.add(Group.objects.get(name=group))
    return account


def test_a_report_is_written_published_with_the_agenda_and_read_by_the_public(
    live_server, browser, public_page, screenshot
):
    user("report-author", REPORT_AUTHOR)
    user("committee-officer", COMMITTEE_OFFICER)
    meeting = MeetingFactory(draft=True)
    AgendaItemFactory(meeting=meeting, number="1", kind="apologies", title="Apologies")
    item = AgendaItemFactory(meeting=meeting, number="2", title="Working with SafeLives")
    submitted = []

    # The author, from the meeting's page in the back office.
    author = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    author.on("request", lambda r: submitted.append(r.url) if r.method == "POST" else None)
    sign_in(author, live_server, "report-author", PASSWORD)
    author.goto(f"{live_server.url}/admin/meetings/meeting/{meeting.pk}/change/")
    author.locator(f"a[href$='?agenda_item={item.pk}']").click()
    author.get_by_label("Title:", exact=True).fill("Working with SafeLives")
    for key, text in SECTIONS.items():
        author.locator(f"#id_section_{key}").fill(text)
    author.locator("#id_section_financial").fill(FINANCIAL)
    screenshot(author, "admin-report-written", max_height=4000)
    author.locator("input[name=_save]").click()
    author.wait_for_load_state()
    report = Report.objects.get()
    assert report.status == Report.Status.DRAFT
    assert author.locator("input[name=_publish]").count() == 0  # on the list page: no button
    author.goto(f"{live_server.url}/admin/meetings/report/{report.pk}/change/")
    assert author.locator("input[name=_publish]").count() == 0  # the author cannot publish
    author_forms = len(submitted) - 1  # less the sign-in
    assert author_forms == 1

    # The committee officer publishes it, then the agenda.
    officer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(officer, live_server, "committee-officer", PASSWORD)
    officer.goto(f"{live_server.url}/admin/meetings/report/{report.pk}/change/")
    officer.locator("input[name=_publish]").click()
    officer.wait_for_load_state()
    assert any("is published with its agenda" in text for text in success_messages(officer))
    violations = run_axe(officer)
    assert not violations, describe_violations(violations)
    public_url = f"{live_server.url}{report.get_absolute_url()}"
    assert public_page.goto(public_url).status == 404  # the agenda is still a draft
    officer.goto(f"{live_server.url}/admin/meetings/meeting/")
    officer.locator(f"input.action-select[value='{meeting.pk}']").check()
    officer.locator("select[name=action]").select_option(value="publish_agenda")
    officer.locator("button[name=index], input[name=index]").first.click()
    officer.wait_for_load_state()

    # The public read it: its page, and its pages in the pack at the front sheet's page.
    response = public_page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    assert response.status == 200
    public_page.get_by_role("link", name="Working with SafeLives", exact=True).click()
    assert public_page.url == public_url
    assert public_page.locator("h1").inner_text() == "Working with SafeLives"
    assert public_page.locator("#financial").inner_text() == "2. Financial implications"
    assert public_page.locator("table td").nth(1).inner_text() == "£55,930"
    violations = run_axe(public_page)
    assert not violations, describe_violations(violations)
    screenshot(public_page, "report-page", max_height=6000)

    pack_url = f"{live_server.url}{meeting.get_absolute_url()}pack.pdf"
    pack = public_page.request.get(pack_url)
    if pack.status == 202:  # being prepared: the worker builds it
        build_agenda_pack.call(AgendaPack.objects.get(meeting=meeting, restricted=False).pk)
        pack = public_page.request.get(pack_url)
    assert pack.status == 200
    reader = PdfReader(io.BytesIO(pack.body()))
    public_page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    heading = public_page.locator(f"#item-{item.number} h3").inner_text()
    page_number = int(heading.rsplit("(Page ", 1)[1].rstrip(")"))
    assert "Working with SafeLives" in reader.pages[page_number - 1].extract_text()
    assert "Report title" in reader.pages[page_number - 1].extract_text()
