"""An uploaded paper in Chromium: the officer who uploads an inaccessible PDF is warned on the
meeting's admin page, with what to do; the public find the paper on the meeting page with
the notice and its web page, and read its text page by page."""

import datetime
import re

import pytest

from tests.browser.conftest import describe_violations, run_axe
from tests.browser.test_journeys import add_inline_row, save_and_continue, sign_in
from tests.factories import AgendaItemFactory, CommitteeFactory, MeetingFactory
from tests.pdfs import make_paper

pytestmark = pytest.mark.django_db(transaction=True)

CONTACT = "Customer Services on 0344 800 8020"
REPORT = """
<h1>Safer Norfolk Plan: quarter 2 performance</h1>
<p>The partnership received 412 referrals in the quarter, a fifth more than a year earlier,
and most of the increase came from the three districts where the new scheme started.</p>
<h2>1. Proposal</h2>
<p>1.1 The panel is asked to note the progress made against each of the plan's priorities.</p>
<p style="break-before: page">2. Background</p>
<p>Repeat victims of domestic abuse referred to MARAC rose in every district.</p>
"""


def assert_no_axe_violations(page):
    violations = run_axe(page)
    assert not violations, describe_violations(violations)


def test_an_officer_is_warned_of_an_inaccessible_paper_and_the_public_can_read_it(
    live_server, page, public_page, officer, screenshot
):
    committee = CommitteeFactory(
        name="NCCSP Scrutiny Sub Panel", alternative_formats_contact=CONTACT
    )
    meeting = MeetingFactory(
        committee=committee,
        starts_at=datetime.datetime(2022, 2, 24, 10, tzinfo=datetime.UTC),
    )
    AgendaItemFactory(meeting=meeting, number="5", title="Safer Norfolk Plan performance")
    sign_in(page, live_server, "committee-officer", "officer-password")

    page.goto(f"{live_server.url}/admin/meetings/meeting/{meeting.pk}/change/")
    row = add_inline_row(page, "documents")
    page.locator(f"#id_documents-{row}-agenda_item").select_option(
        label="5. Safer Norfolk Plan performance"
    )
    page.locator(f"#id_documents-{row}-title").fill("Performance report, quarter 2")
    page.locator(f"#id_documents-{row}-file").set_input_files(
        {
            "name": "performance.pdf",
            "mimeType": "application/pdf",
            "buffer": make_paper(REPORT, title=None, tagged=False),
        }
    )
    save_and_continue(page)

    warning = page.locator("ul.messagelist li.warning")
    assert warning.count() == 1
    text = warning.inner_text()
    assert text.startswith("“Performance report, quarter 2” was saved, but it may not be")
    assert "It is not tagged" in text
    assert "It has no title" in text
    assert "language" not in text
    row_text = page.locator("#documents-group tr.has_original").inner_text()
    assert "May not be accessible: not tagged, no title" in row_text
    screenshot(page, "officer-paper-accessibility-warning", max_height=1600)
    assert_no_axe_violations(page)

    # The public: the meeting page notes the paper and links its web page.
    public_page.goto(live_server.url + meeting.get_absolute_url())
    item = public_page.locator("#item-5")
    assert (
        f"This paper may not be accessible; ask for another format: contact {CONTACT}."
        in item.inner_text()
    )
    screenshot(public_page, "public-meeting-paper-notice", max_height=1600)
    # The link's name ends with the paper's title, hidden on screen (read as "…page : Perf…").
    item.get_by_role("link", name=re.compile(r"^Read as a web page\W+Performance report")).click()
    public_page.wait_for_load_state()

    assert public_page.locator("h1").inner_text() == "Performance report, quarter 2"
    markers = public_page.locator("main h2").all_inner_texts()
    assert markers == ["Page 1 of 2", "Page 2 of 2"]
    headings = public_page.locator("main h3").all_inner_texts()
    assert headings == ["Safer Norfolk Plan: quarter 2 performance", "1. Proposal", "2. Background"]
    main = public_page.locator("main").inner_text()
    assert "Repeat victims of domestic abuse referred to MARAC rose in every district." in main
    screenshot(public_page, "public-paper-text")
    assert_no_axe_violations(public_page)
    pdf = public_page.get_by_role(
        "link", name=re.compile(r"^Download the PDF\W+Performance report, quarter 2$")
    )
    response = public_page.request.get(live_server.url + pdf.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
