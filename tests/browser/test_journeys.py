"""End-to-end journeys through the real officer and public pages in Chromium.

Officers sign in through the admin's login form and work through its pages as they would;
what they publish is then read as a member of the public in a browser context of its own,
with no session.
"""

import datetime
import io
import re

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from meetings.models import AgendaPack, Document
from meetings.tasks import build_agenda_pack
from safer_norfolk.roles import PARTNERSHIP_OFFICER
from tests.factories import (
    ActionFactory,
    ActionPointFactory,
    ActionUpdateFactory,
    AgendaItemFactory,
    CommitteeFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    PlanFactory,
    SectionFactory,
    UserFactory,
    WrittenQuestionFactory,
)
from tests.pdfs import make_pdf


def sign_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/admin/")


def choose(page, select_id, search, option_text):
    """Pick `option_text` in an admin autocomplete (select2) field by typing `search`."""
    page.locator(f"#{select_id} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=option_text).first.click()


def add_inline_row(page, prefix):
    """Click the inline group's "Add another …" link; returns the new row's form index."""
    index = int(page.locator(f"#id_{prefix}-TOTAL_FORMS").input_value())
    page.locator(f"#{prefix}-group .add-row a").click()
    page.locator(f"[id^='id_{prefix}-{index}-']").first.wait_for(state="attached")
    return index


def save(page, button="_save"):
    """Submit the admin form with one of its save buttons; the form must be accepted."""
    page.locator(f"input[name={button}]").click()
    page.wait_for_load_state()
    errors = page.locator(".errornote, .errorlist")
    assert not errors.count(), errors.all_inner_texts()


def save_and_continue(page):
    save(page, "_continue")


def run_changelist_action(page, changelist_url, row_text, action_label):
    page.goto(changelist_url)
    row = page.locator("#result_list tbody tr", has_text=row_text)
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option(label=action_label)
    page.locator("button[name=index], input[name=index]").first.click()
    page.wait_for_load_state()


def success_messages(page):
    return page.locator("ul.messagelist li.success").all_inner_texts()


def main_text(page):
    return page.locator("main").inner_text()


# --- 1. the committee officer -------------------------------------------------------------


@pytest.fixture
def sub_panel():
    committee = CommitteeFactory(
        name="NCCSP Scrutiny Sub Panel", short_name="Sub Panel", slug="nccsp-scrutiny"
    )
    chair = MembershipFactory(
        committee=committee,
        role="chair",
        order=1,
        person=PersonFactory(name="Alison Thomas", organisation__name="Norfolk County Council"),
    )
    member = MembershipFactory(
        committee=committee,
        order=2,
        person=PersonFactory(name="Peter Wilkinson", organisation__name="Breckland Council"),
    )
    return committee, chair.person, member.person


def test_committee_officer_creates_publishes_and_minutes_a_meeting(
    live_server, page, public_page, officer, sub_panel, screenshot
):
    committee, chair, member = sub_panel
    police = OrganisationFactory(name="Norfolk Constabulary", short_name="Police")
    held_on = timezone.localdate() - datetime.timedelta(days=7)
    admin = f"{live_server.url}/admin"

    sign_in(page, live_server, "committee-officer", "officer-password")

    # From the committee's page in the back office, a meeting of that committee.
    page.goto(f"{admin}/meetings/committee/{committee.pk}/change/")
    page.get_by_role("link", name="Add a meeting of this committee").click()
    assert page.locator("#id_committee option:checked").inner_text() == committee.name
    page.locator("#id_starts_at_0").fill(held_on.isoformat())
    page.locator("#id_starts_at_1").fill("10:00")
    save_and_continue(page)

    # The meeting starts with the standard items and the members expected.
    titles = page.locator("[id^='id_agenda_items-'][id$='-title']:not([id*=__prefix__])")
    assert titles.evaluate_all("els => els.map(e => e.value)") == [
        "Apologies for absence and substitutions",
        "Minutes of the previous meeting",
        "Declarations of interest",
        "Items of urgent business",
    ]
    attendance = page.locator("#attendances-group")
    assert chair.name in attendance.inner_text()
    assert member.name in attendance.inner_text()

    row = add_inline_row(page, "agenda_items")
    page.locator(f"#id_agenda_items-{row}-number").fill("5")
    page.locator(f"#id_agenda_items-{row}-title").fill("Safer Norfolk Plan performance report")
    page.locator(f"#id_agenda_items-{row}-kind").select_option("report")
    page.locator(f"#id_agenda_items-{row}-lead_text").fill("Jo Barker, OPCCN")
    save_and_continue(page)

    row = add_inline_row(page, "documents")
    page.locator(f"#id_documents-{row}-agenda_item").select_option(
        label="5. Safer Norfolk Plan performance report"
    )
    page.locator(f"#id_documents-{row}-title").fill("Performance report, quarter 2")
    page.locator(f"#id_documents-{row}-file").set_input_files(
        {
            "name": "performance.pdf",
            "mimeType": "application/pdf",
            "buffer": make_pdf("Quarter two performance", pages=2),
        }
    )
    save_and_continue(page)
    screenshot(page, "journey-admin-meeting-form")

    meeting = committee.meetings.get()
    meeting_url = live_server.url + meeting.get_absolute_url()
    paper_url = live_server.url + meeting.documents.get().get_absolute_url()

    # Before the agenda is published, the public cannot see the meeting or its papers.
    response = public_page.goto(meeting_url)
    assert response.status == 404
    assert "Safer Norfolk Plan performance report" not in public_page.content()
    assert public_page.request.get(paper_url).status == 404

    run_changelist_action(
        page,
        f"{admin}/meetings/meeting/",
        committee.name,
        "Publish the agenda of the selected meetings",
    )
    assert success_messages(page) == ["Agendas published: 1."]

    public_page.goto(meeting_url)
    agenda = public_page.locator("#agenda ~ ol.app-agenda").inner_text()
    assert "5. Safer Norfolk Plan performance report" in agenda
    # The paper's own link, not "Read as a web page", whose hidden text names the paper too.
    paper_link = re.compile(r"^Performance report, quarter 2\W*$")
    report = public_page.get_by_role("link", name=paper_link)
    assert live_server.url + report.get_attribute("href") == paper_url
    paper = public_page.request.get(paper_url)
    assert paper.headers["content-type"] == "application/pdf"
    assert len(PdfReader(io.BytesIO(paper.body())).pages) == 2

    # The meeting is held: attendance, minutes, a resolution, an action point, a question.
    page.goto(f"{admin}/meetings/meeting/{meeting.pk}/change/")
    for name, status in [(chair.name, "present"), (member.name, "apologies")]:
        person_row = page.locator("#attendances-group tr.form-row", has_text=name)
        person_row.locator("select[id$='-status']").select_option(status)
    page.locator("#attendances-group tr.form-row", has_text=chair.name).locator(
        "input[id$='-in_chair']"
    ).check()
    row = add_inline_row(page, "minutes")
    page.locator(f"#id_minutes-{row}-number").fill("5")
    page.locator(f"#id_minutes-{row}-agenda_item").select_option(
        label="5. Safer Norfolk Plan performance report"
    )
    page.locator(f"#id_minutes-{row}-heading").fill("Quarter 2 performance and repeat victims")
    page.locator(f"#id_minutes-{row}-body").fill(
        "The Panel received the quarter 2 performance report.\n\n"
        "Members asked about repeat victims of domestic abuse."
    )
    save_and_continue(page)

    page.locator("#minutes-group a.inlinechangelink").first.click()
    row = add_inline_row(page, "resolutions")
    page.locator(f"#id_resolutions-{row}-order").fill("1")
    page.locator(f"#id_resolutions-{row}-verb").select_option("noted")
    page.locator(f"#id_resolutions-{row}-text").fill("the quarter 2 performance report.")
    save_and_continue(page)

    page.goto(f"{admin}/meetings/meeting/{meeting.pk}/change/")
    row = add_inline_row(page, "action_points")
    page.locator(f"#id_action_points-{row}-minute").select_option(
        label="5. Quarter 2 performance and repeat victims"
    )
    page.locator(f"#id_action_points-{row}-description").fill(
        "Circulate the repeat victimisation figures to Panel members"
    )
    choose(page, f"id_action_points-{row}-owner_organisation", "Constab", "Norfolk Constabulary")
    row = add_inline_row(page, "written_questions")
    page.locator(f"#id_written_questions-{row}-number").fill("1")
    page.locator(f"#id_written_questions-{row}-agenda_item").select_option(
        label="5. Safer Norfolk Plan performance report"
    )
    page.locator(f"#id_written_questions-{row}-question").fill(
        "How many repeat victims of domestic abuse were referred to MARAC this year?"
    )
    choose(page, f"id_written_questions-{row}-addressed_to", "Constab", "Norfolk Constabulary")
    save_and_continue(page)

    reference = f"{held_on:%m}/01"
    assert police.action_points.get().reference == reference
    minute_texts = [
        "5. Quarter 2 performance and repeat victims",
        "Members asked about repeat victims of domestic abuse.",
        "the quarter 2 performance report.",
        "Circulate the repeat victimisation figures to Panel members",
        "How many repeat victims of domestic abuse were referred to MARAC this year?",
    ]

    # Written but not yet published: the public sees the agenda and no minutes.
    public_page.goto(meeting_url)
    text = main_text(public_page)
    assert "The minutes of this meeting have not been published yet." in text
    for minute_text in minute_texts:
        assert minute_text not in text
    assert chair.name not in text
    assert public_page.request.get(f"{meeting_url}minutes.pdf").status == 404

    run_changelist_action(
        page,
        f"{admin}/meetings/meeting/",
        committee.name,
        "Publish the minutes (as draft until confirmed)",
    )
    assert success_messages(page) == ["Minutes published: 1."]

    public_page.goto(meeting_url)
    text = main_text(public_page)
    assert "Draft — subject to confirmation at the next meeting." in text
    assert "5. Safer Norfolk Plan performance report" in text
    assert public_page.get_by_role("link", name=paper_link).is_visible()
    for minute_text in minute_texts:
        assert minute_text in text
    assert re.search(r"1\)\s*NOTED the quarter 2 performance report\.", text)
    present = public_page.locator("h4:text-is('Present') + ul").inner_text()
    assert f"{chair.name} (Chair), Norfolk County Council" in present
    # Apologies come in the paper's groups ("From named members:", then a list).
    apologies = public_page.locator("h4:text-is('Apologies') ~ ul").first.inner_text()
    assert member.name in apologies
    action_point = public_page.locator("table tr", has_text=reference).inner_text()
    assert action_point.split("\t") == [
        reference,
        "Circulate the repeat victimisation figures to Panel members",
        "Police",
        "Open",
    ]
    assert "Awaiting response" in public_page.locator("#question-1").inner_text()
    screenshot(public_page, "journey-public-meeting-published")


# --- 2. the partnership officer -----------------------------------------------------------


@pytest.fixture
def police_officer():
    police = OrganisationFactory(name="Norfolk Constabulary", short_name="Police")
    user = UserFactory(username="police-officer")
    user.groups.add(Group.objects.get(name=PARTNERSHIP_OFFICER))
    PersonFactory(name="Sonia Shuter", organisation=police, user=user)
    return user


def test_partnership_officer_answers_their_question_and_reports_on_their_action(
    live_server, page, public_page, police_officer
):
    police = police_officer.person.organisation
    council = OrganisationFactory(name="Norfolk County Council", short_name="NCC")
    plan = PlanFactory(title="Safer Norfolk Plan delivery plan", slug="safer-norfolk-plan")
    section = SectionFactory(plan=plan, number="1", title="Domestic abuse")
    police_action = ActionFactory(
        plan=plan, section=section, number="1.14", title="Expand the MARAC", owners=[police]
    )
    council_action = ActionFactory(
        plan=plan, section=section, number="1.17", title="Refuge places", owners=[council]
    )
    council_update = ActionUpdateFactory(
        action=council_action,
        reported_on=datetime.date(2026, 10, 1),
        text="Twelve refuge places commissioned.",
    )
    meeting = MeetingFactory(minutes_published=True, committee__slug="nccsp-scrutiny")
    ours = WrittenQuestionFactory(
        meeting=meeting,
        number=1,
        question="How many referrals did the MARAC take this year?",
        addressed_to=police,
    )
    ours.plan_actions.add(police_action)
    theirs = WrittenQuestionFactory(
        meeting=meeting,
        number=2,
        question="When will the new refuge open?",
        addressed_to=council,
    )
    admin = f"{live_server.url}/admin"

    sign_in(page, live_server, "police-officer", "officer-password")

    # The written response, on the question addressed to their organisation.
    page.goto(f"{admin}/meetings/writtenquestion/")
    page.get_by_role("link", name="Question 1", exact=True).click()
    page.locator("#id_response").fill("The MARAC took 412 referrals, up from 377.")
    save(page)
    assert success_messages(page) == ["The written question “Question 1” was changed successfully."]

    public_page.goto(live_server.url + meeting.get_absolute_url())
    answered = public_page.locator("#question-1").inner_text()
    assert f"Response from Norfolk Constabulary, {timezone.localdate():%-d %B %Y}" in answered
    assert "The MARAC took 412 referrals, up from 377." in answered
    public_page.goto(f"{live_server.url}/questions/?status=answered")
    assert "How many referrals did the MARAC take this year?" in main_text(public_page)
    assert "When will the new refuge open?" not in main_text(public_page)

    # Another organisation's question is read-only to them.
    page.goto(f"{admin}/meetings/writtenquestion/{theirs.pk}/change/")
    assert page.locator("#id_response").count() == 0
    assert page.locator("input[name=_save]").count() == 0

    # A progress update on their own action: saved as a draft, then published.
    page.goto(f"{admin}/delivery_plans/actionupdate/add/")
    choose(page, "id_action", "1.14", " – 1.14 – ")
    page.locator("#id_reported_on").fill(timezone.localdate().isoformat())
    page.locator("#id_period_label").fill("Q2 2026/27")
    page.locator("#id_rag").select_option("amber")
    page.locator("#id_distance").select_option("some_way")
    page.locator("#id_text").fill("Referral pathway agreed with all seven districts.")
    save(page)

    action_url = live_server.url + police_action.get_absolute_url()
    public_page.goto(action_url)
    assert "Referral pathway agreed" not in main_text(public_page)

    run_changelist_action(
        page,
        f"{admin}/delivery_plans/actionupdate/",
        " – 1.14 – ",
        "Publish the selected updates",
    )
    assert success_messages(page) == ["Updates published: 1."]

    public_page.goto(action_url)
    update = public_page.locator(".app-update").first.inner_text()
    assert "Q2 2026/27" in update
    assert "Referral pathway agreed with all seven districts." in update
    assert "Amber" in update
    scrutiny = public_page.locator("table", has_text="Written questions that cite this action")
    assert "How many referrals did the MARAC take this year?" in scrutiny.inner_text()
    assert "Answered" in scrutiny.inner_text()

    # They cannot report on, or change the reports of, another organisation's action.
    page.goto(f"{admin}/delivery_plans/actionupdate/add/")
    choose(page, "id_action", "1.17", " – 1.17 – ")
    page.locator("#id_reported_on").fill(timezone.localdate().isoformat())
    page.locator("#id_text").fill("Not ours to report.")
    page.locator("input[name=_save]").click()
    expect(page.locator(".errorlist")).to_have_text(
        "You may only report on actions your organisation owns."
    )
    page.goto(f"{admin}/delivery_plans/actionupdate/{council_update.pk}/change/")
    assert page.locator("#id_text").count() == 0
    assert page.locator("input[name=_save]").count() == 0
    assert "Twelve refuge places commissioned." in page.locator("#content").inner_text()
    assert list(council_action.updates.values_list("text", flat=True)) == [
        "Twelve refuge places commissioned."
    ]


# --- 3. a member of the public ------------------------------------------------------------


def paper(item, *, title, pages):
    data = make_pdf(title, pages=pages)
    return Document.objects.create(
        meeting=item.meeting,
        agenda_item=item,
        title=title,
        file=ContentFile(data, name="paper.pdf"),
        page_count=pages,
        size_bytes=len(data),
    )


def test_public_reads_a_meeting_downloads_its_pack_and_filters_what_is_outstanding(
    live_server, page, settings, screenshot
):
    # Packs are built in the background, as in production: the first request queues the build.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    committee = CommitteeFactory(name="NCCSP Scrutiny Sub Panel", slug="nccsp-scrutiny")
    meeting = MeetingFactory(
        committee=committee,
        starts_at=datetime.datetime(2026, 9, 16, 10, tzinfo=datetime.UTC),
        minutes_published=True,
    )
    plan_item = AgendaItemFactory(meeting=meeting, number="5", title="Safer Norfolk Plan")
    violence_item = AgendaItemFactory(meeting=meeting, number="6", title="Serious violence duty")
    paper(plan_item, title="Plan performance report", pages=2)
    paper(violence_item, title="Serious violence strategy", pages=3)

    page.goto(f"{live_server.url}/committees/nccsp-scrutiny/")
    page.get_by_role("link", name=re.compile("16 September 2026")).first.click()
    agenda = page.locator("ol.app-agenda").inner_text()
    assert "5. Safer Norfolk Plan" in agenda
    assert "6. Serious violence duty" in agenda

    with page.expect_response(re.compile(r"/pack\.pdf$")) as asked:
        page.get_by_role("link", name=re.compile("^Agenda pack")).click()
    assert asked.value.status == 202
    expect(page.locator("h1")).to_have_text("The agenda pack is being prepared")

    # The worker builds the queued pack; asking again then gives the PDF.
    build_agenda_pack.call(AgendaPack.objects.get(meeting=meeting).pk)
    with page.expect_response(re.compile(r"/pack\.pdf$")) as opened:
        page.get_by_role("link", name="Try the pack again").click()
    assert opened.value.status == 200
    assert opened.value.headers["content-type"] == "application/pdf"
    # Chromium shows the PDF in its viewer; the bytes are read by asking for the same address
    # with the page's own request context.
    pack = page.request.get(opened.value.url)
    assert pack.headers["content-type"] == "application/pdf"
    data = pack.body()
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1 + 2 + 3
    assert reader.metadata.title == "Agenda pack: NCCSP Scrutiny Sub Panel, 16 September 2026"
    front_sheet = reader.pages[0].extract_text()
    assert "NCCSP Scrutiny Sub Panel" in front_sheet
    assert re.search(r"Safer Norfolk Plan.*\(Page 2\)", front_sheet, re.S)
    assert re.search(r"Serious violence duty.*\(Page 4\)", front_sheet, re.S)
    assert "Plan performance report page 1" in reader.pages[1].extract_text()
    assert "Serious violence strategy page 3" in reader.pages[5].extract_text()

    # What is outstanding, owned by two organisations; filtered to one of them.
    police = OrganisationFactory(name="Norfolk Constabulary")
    council = OrganisationFactory(name="Norfolk County Council")
    outstanding_for(police, meeting, reference="09/01", question=1, action="1.14")
    outstanding_for(council, meeting, reference="09/02", question=2, action="1.17")
    ActionPointFactory(
        meeting=meeting, reference="09/03", owner_organisation=police, status="closed",
        response="Closed: Agenda Item 10", closed_on=datetime.date(2026, 10, 1),
    )  # fmt: skip

    page.goto(live_server.url)
    page.get_by_role("link", name="Outstanding", exact=True).first.click()
    expect(page.locator("[role=status]")).to_contain_text("6 items outstanding")
    assert row_references(page) == {
        "09/01", "09/02", "Question 1", "Question 2", "Action 1.14", "Action 1.17",
    }  # fmt: skip
    page.get_by_label("Owner organisation").select_option(label="Norfolk Constabulary")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("[role=status]")).to_contain_text("3 items outstanding")
    assert f"owner_organisation={police.pk}" in page.url
    assert row_references(page) == {"09/01", "Question 1", "Action 1.14"}
    owners = page.locator("table tbody tr td:nth-child(2)").all_inner_texts()
    assert {owner.splitlines()[0] for owner in owners} == {"Norfolk Constabulary"}
    screenshot(page, "journey-outstanding-filtered")


def outstanding_for(organisation, meeting, *, reference, question, action):
    """An open action point, an awaiting question and an off-track plan action it owns."""
    ActionPointFactory(meeting=meeting, reference=reference, owner_organisation=organisation)
    WrittenQuestionFactory(meeting=meeting, number=question, addressed_to=organisation)
    plan_action = ActionFactory(number=action, owners=[organisation])
    ActionUpdateFactory(action=plan_action, rag="red", distance="far_off")


def row_references(page):
    return set(page.locator("table tbody tr td:first-child a").all_inner_texts())
