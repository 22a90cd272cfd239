"""The committee officer's most frequent job, measured: a whole meeting entered in Chromium
once the committee exists — ten agenda items, twelve attendees, ten minutes, six decisions
and four action points — counting every form submitted and every page loaded.

docs/officers.md gives the figures this test holds: at most six submissions."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import (
    ActionPoint,
    AttendanceGroup,
    Meeting,
    Membership,
    Resolution,
    StandardItem,
)
from tests.browser.conftest import SCREENSHOTS, describe_violations, run_axe
from tests.browser.test_journeys import (
    add_inline_row,
    choose,
    run_changelist_action,
    sign_in,
    success_messages,
)
from tests.factories import (
    ActionPointFactory,
    CommitteeFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

MAX_SUBMISSIONS = 6

# Seed 003's partnership: the items every meeting has, its attendance headings, and who
# sits under them.
STANDARD_ITEMS = [
    ("apologies", "Welcome, housekeeping / introductions and apologies"),
    ("minutes", "Minutes of the last meeting: Agreement"),
    ("action_review", "Action points: Review"),
    ("any_other_business", "Any other business"),
    ("key_messages", "Key messages from the meeting today"),
    ("date_of_next_meeting", "Date of next meeting"),
]
REPORTS = [
    "Update on CSP Priorities",
    "Domestic Abuse and Sexual Violence Annual Report 2021-22",
    "Update on CCSP supported research",
    "Proceeds Of Crime Act funded work in Cambridge",
]
BOARD = [
    ("Chief Inspector", "Paul Rogerson", "Cambridgeshire Constabulary", "chair"),
    ("", "Mark Freeman", "Cambridge Council For Voluntary Service", "member"),
    ("Councillor", "Alice Gilderdale", "Cambridge City Council", "member"),
    ("", "Keryn Jalli", "Cambridge City Council", "member"),
    ("", "Jessica-Rose Kennedy", "Cambridgeshire County Council", "member"),
    ("", "James Ball", "Cambridgeshire Fire and Rescue Service", "member"),
]
MEMBERS = [
    ("", "Chris Down", "Anglia Ruskin University"),
    ("", "Hannah Hancock", "Cambridge Business Against Crime"),
    ("", "Michelle Reynolds", "University of Cambridge"),
]
GUESTS = [("Jemma Little", "Economic Development"), ("Sara Turton", "Early Help")]

# What the officer types: a minute for each item, decisions and action points where the
# meeting made them.
MINUTES = {
    1: "Paul Rogerson welcomed everyone.\n\nApologies were received from James Ball.",
    2: "The minutes of the last meeting were agreed as an accurate record.",
    3: "Action points 07/01 to 07/07 were reviewed.",
    4: "Jessica-Rose Kennedy gave an update on the priority.\n\nMembers asked about schools.",
    5: "The annual report was presented.\n\nMembers asked about refuge places.",
    6: "Keryn Jalli presented the research.",
    7: "Hannah Hancock described the work funded.",
    8: "There was no other business.",
    9: "The key messages were agreed.",
    10: "The next meeting is on 14 March 2023.",
}
DECISIONS = {
    2: [("agreed", "the minutes of the last meeting.")],
    4: [("noted", "the update.")],
    5: [("noted", "the annual report."), ("agreed", "to share the report with schools.")],
    6: [("noted", "the research update.")],
    9: [("agreed", "the key messages.")],
}
ACTION_POINTS = {
    4: [("Circulate the SWAY training tool.", "Keryn Jalli")],
    5: [("Send members the refuge figures.", None), ("Invite the DASV lead in March.", None)],
    7: [("Report the POCA spending.", "Hannah Hancock")],
}


@pytest.fixture
def partnership():
    """The committee as its officer set it up once: standard items, headings, members and a
    standing officer; an earlier meeting left one action point open."""
    committee = CommitteeFactory(
        name="Cambridge Community Safety Partnership",
        short_name="Cambridge CSP",
        slug="cambridge-csp",
    )
    for order, (kind, title) in enumerate(STANDARD_ITEMS, start=1):
        StandardItem.objects.create(committee=committee, order=order, kind=kind, title=title)
    groups = {
        label: AttendanceGroup.objects.create(committee=committee, label=label, order=order)
        for order, label in enumerate(["Board", "Members", "Guests"])
    }
    organisations = {}

    def organisation(name):
        if name not in organisations:
            organisations[name] = OrganisationFactory(name=name, short_name="")
        return organisations[name]

    position = 0
    for honorific, name, where, role in BOARD:
        position += 1
        person = PersonFactory(honorific=honorific, name=name, organisation=organisation(where))
        MembershipFactory(
            committee=committee, person=person, role=role, group=groups["Board"], order=position
        )
    for honorific, name, where in MEMBERS:
        position += 1
        person = PersonFactory(honorific=honorific, name=name, organisation=organisation(where))
        MembershipFactory(
            committee=committee, person=person, group=groups["Members"], order=position
        )
    city = organisation("Cambridge City Council")
    MembershipFactory(
        committee=committee,
        person=PersonFactory(honorific="", name="Louise Walker", organisation=city),
        role=Membership.Role.OFFICER,
        group=groups["Members"],
        department="Community Safety Team",
        order=position + 1,
    )
    for name, _team in GUESTS:
        PersonFactory(honorific="", name=name, organisation=city)
    earlier = MeetingFactory(
        committee=committee,
        starts_at=timezone.now() - datetime.timedelta(days=90),
        minutes_published=True,
    )
    carried = ActionPointFactory(
        meeting=earlier, reference="07/05", description="Share the cycle crime figures."
    )
    return committee, carried


def test_an_officer_enters_a_ten_item_meeting_in_at_most_six_submissions(
    live_server, page, public_page, officer, partnership, screenshot
):
    committee, carried = partnership
    held_on = timezone.localdate() - datetime.timedelta(days=1)
    admin = f"{live_server.url}/admin"
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, live_server, "committee-officer", "officer-password")
    loads, submissions = [], []

    def count(request):
        if request.resource_type == "document":
            loads.append(f"{request.method} {request.url.removeprefix(live_server.url)}")
            if request.method == "POST":
                submissions.append(request.url.removeprefix(live_server.url))

    page.on("request", count)

    # 1. The meeting, from the committee's page: its items, attendance and review follow.
    page.goto(f"{admin}/meetings/committee/{committee.pk}/change/")
    page.get_by_role("link", name="Add a meeting of this committee").click()
    page.locator("#id_starts_at_0").fill(held_on.isoformat())
    page.locator("#id_starts_at_1").fill("10:00")
    page.locator("input[name=_continue]").click()
    page.wait_for_load_state()
    meeting = Meeting.objects.exclude(pk=carried.meeting_id).get(committee=committee)
    assert f"/meetings/meeting/{meeting.pk}/change/" in page.url
    titles = page.locator("[id^='id_agenda_items-'][id$='-title']:not([id*=__prefix__])")
    assert titles.evaluate_all("els => els.map(e => e.value)") == [t for _k, t in STANDARD_ITEMS]
    attendance = page.locator("#attendances-group tr.form-row.has_original")
    assert attendance.count() == 10

    # 2. The agenda and who came, on the meeting's page: the four reports go before "Any
    # other business", which moves down with the items after it.
    agenda_rows = page.locator("#agenda_items-group tr.form-row.has_original")
    for row_index, number in [(3, "8"), (4, "9"), (5, "10")]:
        agenda_rows.nth(row_index).locator("input[id$='-number']").fill(number)
    for number, title in enumerate(REPORTS, start=4):
        row = add_inline_row(page, "agenda_items")
        page.locator(f"#id_agenda_items-{row}-number").fill(str(number))
        page.locator(f"#id_agenda_items-{row}-title").fill(title)
        page.locator(f"#id_agenda_items-{row}-kind").select_option("report")
    for index in range(10):
        status = (
            "apologies" if attendance.nth(index).inner_text().count("James Ball") else "present"
        )
        attendance.nth(index).locator("select[id$='-status']").select_option(status)
        if status == "apologies":
            attendance.nth(index).locator("input[id$='-no_substitute']").check()
    attendance.filter(has_text="Paul Rogerson").locator("input[id$='-in_chair']").check()
    for name, team in GUESTS:
        row = add_inline_row(page, "attendances")
        choose(page, f"id_attendances-{row}-person", name.split()[1], name)
        page.locator(f"#id_attendances-{row}-capacity").select_option("guest")
        page.locator(f"#id_attendances-{row}-group").select_option(label="Guests")
        page.locator(f"#id_attendances-{row}-department").fill(team)
        page.locator(f"#id_attendances-{row}-status").select_option("present")
    page.locator("input[name=_continue]").click()
    page.wait_for_load_state()
    assert page.locator(".errornote").count() == 0, page.locator(".errornote").inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#attendances-group").screenshot(path=SCREENSHOTS / "officer-attendance.png")

    # 3. The agenda is published before the meeting, from the meetings list.
    row_text = f"{held_on.day} {held_on:%b %Y}, 10:00"
    run_changelist_action(
        page, f"{admin}/meetings/meeting/", row_text, "Publish the agenda of the selected meetings"
    )
    assert success_messages(page) == ["Agendas published: 1."]

    # 4. The minutes, on one screen, in one save, from the meetings list.
    listed = page.locator("#result_list tbody tr", has_text=row_text)
    listed.get_by_role("link", name="Take minutes").click()
    page.wait_for_url(f"{admin}/meetings/meeting/{meeting.pk}/minutes/")
    sections = page.locator("section.minute-item")
    assert sections.locator("h2").all_inner_texts() == [
        "1. Welcome, housekeeping / introductions and apologies",
        "2. Minutes of the last meeting: Agreement",
        "3. Action points: Review",
        *[f"{number}. {title}" for number, title in enumerate(REPORTS, start=4)],
        "8. Any other business",
        "9. Key messages from the meeting today",
        "10. Date of next meeting",
    ]
    expect(sections.nth(2)).to_contain_text("07/05")  # brought forward to the review
    for number, text in MINUTES.items():
        item = sections.nth(number - 1)
        item.locator("textarea[id$='-minute-body']").fill(text)
        for index, (verb, words) in enumerate(DECISIONS.get(number, [])):
            if index:
                item.get_by_role("button", name="Add a decision").click()
            row = item.locator("tbody[data-rows$='-resolutions'] tr").nth(index)
            row.locator("select").select_option(verb)
            row.locator("textarea").fill(words)
        for index, (description, owner) in enumerate(ACTION_POINTS.get(number, [])):
            item.get_by_role("button", name="Add an action point").click()
            prefix = item.locator("tbody[data-rows$='-actions'] tr").nth(index)
            prefix.locator("[id$='-description']").fill(description)
            if owner:
                select_id = prefix.locator("select[id$='-owner_person']").get_attribute("id")
                choose(page, select_id, owner.split()[1], owner)
            else:
                prefix.locator("[id$='-owner_text']").fill("All")
    page.locator("button[name=save][value=all]").last.click()
    page.wait_for_load_state()
    assert page.locator(".errornote").count() == 0, page.locator(".errornote").inner_text()
    assert (
        "The minutes saved: 10 minutes, 6 decisions, 4 action points."
        in page.locator("ul.messagelist").inner_text()
    )
    violations = run_axe(page)
    assert not violations, describe_violations(violations)
    screenshot(page, "officer-minute-taking", max_height=2400)

    # 5. Publish the minutes from the meetings list.
    run_changelist_action(
        page,
        f"{admin}/meetings/meeting/",
        row_text,
        "Publish the minutes (as draft until confirmed)",
    )
    assert success_messages(page) == ["Minutes published: 1."]

    assert len(submissions) <= MAX_SUBMISSIONS, submissions
    assert len(submissions) == 5, submissions
    assert len(loads) == 15, "\n".join(loads)

    # What was entered is what was recorded, and what the public reads.
    meeting.refresh_from_db()
    assert meeting.minutes_status == "published"
    assert meeting.agenda_items.count() == 10
    assert meeting.attendances.count() == 12
    assert meeting.minutes.count() == 10
    assert Resolution.objects.filter(minute__meeting=meeting).count() == 6
    assert ActionPoint.objects.filter(meeting=meeting).count() == 4
    public_page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    text = " ".join(public_page.locator("main").inner_text().split())
    assert "Board Chief Inspector Paul Rogerson (Chair), Cambridgeshire Constabulary" in text
    assert "Members Chris Down, Anglia Ruskin University" in text
    assert "Louise Walker, Cambridge City Council (Community Safety Team)" in text
    assert "Guests Jemma Little, Cambridge City Council (Economic Development)" in text
    assert "Board: James Ball, Cambridgeshire Fire and Rescue Service (no substitute)" in text
    assert carried.description in text
    expect(public_page.locator("#minute-5 .app-numbered-paragraph__number")).to_have_text(
        ["5.1", "5.2"]
    )
    expect(public_page.locator("#minute-5 .app-resolutions li")).to_have_text(
        ["1) NOTED the annual report.", "2) AGREED to share the report with schools."]
    )
    screenshot(public_page, "officer-public-agenda", max_height=2400)
    heading = public_page.get_by_role("heading", name="Attendance", exact=True)
    top = heading.evaluate("e => e.getBoundingClientRect().top + window.scrollY")
    public_page.screenshot(
        path=SCREENSHOTS / "officer-public-attendance.png",
        full_page=True,
        clip={"x": 0, "y": top - 16, "width": 1280, "height": 620},
    )
    print("\n".join(["", *loads]))
