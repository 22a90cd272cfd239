import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ActionPointFactory,
    AgendaItemFactory,
    AttendanceFactory,
    CommitteeFactory,
    DeclarationFactory,
    DocumentFactory,
    MeetingFactory,
    MembershipFactory,
    MinuteFactory,
    OrganisationFactory,
    PersonFactory,
    ResolutionFactory,
    WorkProgrammeItemFactory,
    WrittenQuestionFactory,
)
from tests.http import read_body

pytestmark = pytest.mark.django_db

SECRET = "UNPUBLISHED-MARKER-7f3a"


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def minutes_in_full(meeting):
    """Everything a meeting's minutes section can show, each carrying SECRET when the meeting is unpublished."""
    chair = PersonFactory(name="Mark Kiddle-Morris")
    AttendanceFactory(meeting=meeting, person=chair, in_chair=True, note=f"chair {SECRET}")
    DeclarationFactory(meeting=meeting, text=f"declared {SECRET}")
    minute = MinuteFactory(
        meeting=meeting, number="5", heading=f"Delivery Plan {SECRET}", body=f"Body {SECRET}"
    )
    ResolutionFactory(minute=minute, verb="agreed", text=f"to delegate {SECRET}")
    ActionPointFactory(meeting=meeting, committee=meeting.committee, description=f"action {SECRET}")
    WrittenQuestionFactory(meeting=meeting, question=f"question {SECRET}")
    return minute


# --- the meeting page -------------------------------------------------------------------


def test_meeting_page_shows_agenda_with_leads_time_pages_and_documents(client):
    meeting = MeetingFactory(
        committee__name="NCCSP Scrutiny Sub Panel",
        starts_at=datetime.datetime(2021, 9, 16, 9, tzinfo=datetime.UTC),
    )
    item = AgendaItemFactory(
        meeting=meeting,
        number="6",
        title="Safer Norfolk Plan",
        lead_text="Gavin Thompson, OPCCN",
        duration_minutes=30,
        pack_page=24,
    )
    AgendaItemFactory(meeting=meeting, number="10", title="Forward Work Programme")
    DocumentFactory(
        meeting=meeting, agenda_item=item, title="Plan report", size_bytes=2_500_000, page_count=12
    )

    html = page(client, meeting.get_absolute_url())

    assert "Meeting on Thursday 16 September 2021" in html
    assert "10.00 a.m." in html or "10.00 am" in html or "10.00 a" in html
    assert "Safer Norfolk Plan" in html
    assert "(Page 24 of the published pack)" in html
    assert "Lead: Gavin Thompson, OPCCN. 30 minutes allowed" in html
    assert "Plan report" in html
    assert "2.4\xa0MB" in html
    assert "12 pages" in html
    assert html.index("6.</span> Safer Norfolk Plan") < html.index(
        "10.</span> Forward Work Programme"
    )


def test_meeting_page_shows_published_minutes_in_full(client):
    meeting = MeetingFactory(minutes_published=True)
    substitute = PersonFactory(name="Ian Stutely")
    absent_member = PersonFactory(name="Adam Giles")
    AttendanceFactory(meeting=meeting, person=absent_member, status="apologies")
    AttendanceFactory(
        meeting=meeting, person=substitute, capacity="substitute", substitute_for=absent_member
    )
    AttendanceFactory(
        meeting=meeting,
        person=PersonFactory(name="Gavin Thompson", job_title="Director"),
        capacity="officer",
    )
    DeclarationFactory(
        meeting=meeting,
        person=PersonFactory(name="Alexandra Kemp"),
        text="Her role with a local charity.",
    )
    minute = MinuteFactory(
        meeting=meeting,
        number="5",
        heading="NCCSP Delivery Plan",
        body="The panel received the plan.\n\nMembers asked about scams.",
    )
    ResolutionFactory(minute=minute, order=1, verb="noted", text="the report.")
    ResolutionFactory(minute=minute, order=2, verb="agreed", text="to receive an update in May.")
    ActionPointFactory(
        meeting=meeting,
        committee=meeting.committee,
        reference="02/01",
        description="Share the scams figures",
    )
    WrittenQuestionFactory(
        meeting=meeting,
        number=1,
        question="Reference Delivery Plan action 1.14: how many?",
        status="answered",
        response="Response from the Partnership: **twelve**.",
        responded_on=datetime.date(2022, 3, 30),
    )

    html = page(client, meeting.get_absolute_url())

    assert "Draft — subject to confirmation at the next meeting." in html
    present = html[html.index(">Present<") : html.index(">Also in attendance<")]
    assert "Ian Stutely" in present
    assert (
        f'(substitute for <a class="govuk-link" href="{absent_member.get_absolute_url()}">'
        "Cllr Adam Giles</a>)" in present
    )
    assert (
        "Gavin Thompson</a>, Director"
        in html[html.index(">Also in attendance<") : html.index(">Apologies<")]
    )
    assert "Adam Giles" in html[html.index(">Apologies<") :]
    assert (
        f'(substituted by <a class="govuk-link" href="{substitute.get_absolute_url()}">'
        "Cllr Ian Stutely</a>)" in html
    )
    assert "Her role with a local charity." in html
    assert "5. NCCSP Delivery Plan" in html
    assert ">5.1</span>" in html
    assert ">5.2</span>" in html
    assert "1) <strong>NOTED</strong> the report." in html
    assert "2) <strong>AGREED</strong> to receive an update in May." in html
    assert "02/01" in html
    assert "Share the scams figures" in html
    assert "Reference Delivery Plan action 1.14: how many?" in html
    assert "<strong>twelve</strong>" in html


def test_confirmed_minutes_say_where_they_were_agreed_and_have_no_draft_banner(client):
    committee = CommitteeFactory()
    september = MeetingFactory(
        committee=committee, starts_at=datetime.datetime(2021, 9, 16, 9, tzinfo=datetime.UTC)
    )
    july = MeetingFactory(
        committee=committee,
        starts_at=datetime.datetime(2021, 7, 20, 9, tzinfo=datetime.UTC),
        status="held",
        minutes_status="confirmed",
        minutes_published_at=timezone.now(),
        minutes_confirmed_at_meeting=september,
    )
    MinuteFactory(meeting=july)

    html = page(client, july.get_absolute_url())

    assert "Draft — subject to confirmation" not in html
    assert "agreed as an accurate record at the" in html
    assert september.get_absolute_url() in html
    assert july.get_absolute_url() in page(client, september.get_absolute_url())


def test_unpublished_minutes_stay_hidden_while_the_agenda_shows(client):
    meeting = MeetingFactory(minutes_draft=True)
    AgendaItemFactory(meeting=meeting, title="Public agenda item")
    minutes_in_full(meeting)

    html = page(client, meeting.get_absolute_url())

    assert "Public agenda item" in html
    assert SECRET not in html
    assert "The minutes of this meeting have not been published yet." in html


def test_draft_agenda_meeting_is_not_found(client):
    meeting = MeetingFactory(draft=True)
    AgendaItemFactory(meeting=meeting, title=f"Item {SECRET}")

    response = client.get(meeting.get_absolute_url())

    assert response.status_code == 404
    assert SECRET not in response.content.decode()


def test_exempt_items_their_papers_and_non_public_documents_never_show(client):
    meeting = MeetingFactory(minutes_published=True)
    exempt = AgendaItemFactory(meeting=meeting, title=f"Exempt {SECRET}", is_exempt=True)
    exempt_paper = DocumentFactory(
        meeting=meeting, agenda_item=exempt, title=f"Exempt paper {SECRET}"
    )
    open_item = AgendaItemFactory(meeting=meeting, title="Open item")
    private_paper = DocumentFactory(
        meeting=meeting, agenda_item=open_item, title=f"Private paper {SECRET}", is_public=False
    )
    MinuteFactory(meeting=meeting, agenda_item=exempt, heading=f"Exempt minute {SECRET}")

    html = page(client, meeting.get_absolute_url())

    assert "Open item" in html
    assert SECRET not in html
    assert client.get(exempt_paper.get_absolute_url()).status_code == 404
    assert client.get(private_paper.get_absolute_url()).status_code == 404


def test_public_document_downloads_as_pdf(client):
    document = DocumentFactory(meeting=MeetingFactory())

    response = client.get(document.get_absolute_url())
    body = read_body(response)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert body.startswith(b"%PDF-")


def test_document_of_a_draft_meeting_is_not_found(client):
    document = DocumentFactory(meeting=MeetingFactory(draft=True))

    assert client.get(document.get_absolute_url()).status_code == 404


def test_cancelled_meeting_stays_public_with_a_banner(client):
    meeting = MeetingFactory(
        status="cancelled", starts_at=timezone.now() + datetime.timedelta(days=3)
    )

    html = page(client, meeting.get_absolute_url())

    assert "This meeting was cancelled." in html


def test_officer_preview_shows_a_draft_agenda_and_says_so(client, officer):
    meeting = MeetingFactory(draft=True)
    AgendaItemFactory(meeting=meeting, title="Draft item for preview")
    client.force_login(officer)

    html = page(client, meeting.get_absolute_url() + "?preview=1")

    assert "Draft item for preview" in html
    assert "Preview for officers" in html


def test_preview_parameter_does_nothing_for_the_public(client):
    meeting = MeetingFactory(draft=True)

    assert client.get(meeting.get_absolute_url() + "?preview=1").status_code == 404


def test_impossible_dates_are_not_found(client):
    committee = CommitteeFactory()

    assert client.get(f"/committees/{committee.slug}/2022-02-30/").status_code == 404


# --- committee pages --------------------------------------------------------------------


def test_committee_page_lists_members_meetings_programme_and_open_actions(client):
    committee = CommitteeFactory(
        name="NCCSP Scrutiny Sub Panel", contact_email="committees@norfolk.gov.uk"
    )
    main = MembershipFactory(
        committee=committee,
        person__name="Alison Webb",
        representing=OrganisationFactory(name="Breckland District Council"),
        order=1,
    )
    MembershipFactory(
        committee=committee,
        person__name="Trevor Carter",
        role="substitute",
        substitute_for=main,
        order=2,
    )
    MembershipFactory(committee=committee, person__name="Mark Kiddle-Morris", role="chair", order=0)
    MembershipFactory(
        committee=committee, person__name=f"Former {SECRET}", end_date=datetime.date(2020, 1, 1)
    )
    upcoming = MeetingFactory(
        committee=committee, starts_at=timezone.now() + datetime.timedelta(days=20)
    )
    MeetingFactory(
        committee=committee, draft=True, starts_at=timezone.now() + datetime.timedelta(days=40)
    )
    held = MeetingFactory(committee=committee, minutes_published=True)
    ActionPointFactory(
        meeting=held, committee=committee, reference="02/01", description="Share the scams figures"
    )
    ActionPointFactory(
        meeting=held,
        committee=committee,
        reference="02/02",
        description="Closed one",
        status="closed",
        closed_on=datetime.date(2022, 5, 1),
    )
    unpublished = MeetingFactory(committee=committee, minutes_draft=True)
    ActionPointFactory(
        meeting=unpublished,
        committee=committee,
        reference="01/01",
        description=f"Draft action {SECRET}",
    )
    WorkProgrammeItemFactory(
        committee=committee,
        title="Scams annual report",
        target_text="May/June 2022 (to be confirmed)",
    )
    WorkProgrammeItemFactory(committee=committee, title=f"Dropped {SECRET}", status="dropped")
    WorkProgrammeItemFactory(
        committee=committee, title=f"Requested at draft {SECRET}", requested_at=unpublished
    )

    html = page(client, committee.get_absolute_url())

    members = html[html.index(">Members<") : html.index(">Open action points<")]
    assert members.index("Mark Kiddle-Morris") < members.index("Alison Webb")
    assert "Trevor Carter" in members
    assert "Breckland District Council" in members
    assert "Chair" in members
    assert upcoming.get_absolute_url() in html
    assert held.get_absolute_url() in html
    assert "Share the scams figures" in html
    open_actions = html[html.index(">Open action points<") : html.index(">Forward work programme<")]
    assert "Closed one" not in open_actions
    assert "Scams annual report" in html
    assert "May/June 2022 (to be confirmed)" in html
    assert "committees@norfolk.gov.uk" in html
    assert SECRET not in html
    assert html.count('<tr class="govuk-table__row">') >= 4


def test_committee_list_counts_only_public_material(client):
    committee = CommitteeFactory(name="Cambridge CSP Board")
    MeetingFactory(committee=committee)
    MeetingFactory(committee=committee, draft=True)
    held = MeetingFactory(committee=committee, minutes_published=True)
    ActionPointFactory(meeting=held, committee=committee)
    ActionPointFactory(
        meeting=MeetingFactory(committee=committee, minutes_draft=True), committee=committee
    )

    html = page(client, reverse("meetings:committees"))

    row = html[html.index("Cambridge CSP Board") :]
    row = row[: row.index("</tr>")]
    cells = [cell.split(">")[-1] for cell in row.split("</td>")[2:4]]
    assert cells == ["3", "1"]


def test_home_page_lists_upcoming_public_meetings_only(client):
    upcoming = MeetingFactory(
        committee__name="Cambridge CSP Board", starts_at=timezone.now() + datetime.timedelta(days=5)
    )
    hidden = MeetingFactory(
        committee__name=f"Hidden {SECRET}",
        draft=True,
        starts_at=timezone.now() + datetime.timedelta(days=6),
    )

    html = page(client, reverse("home"))

    assert upcoming.get_absolute_url() in html
    assert hidden.committee.name not in html


# --- written questions ------------------------------------------------------------------


def test_written_questions_list_filters_by_status(client):
    today = timezone.localdate()
    WrittenQuestionFactory(
        question="Awaiting answer", response_due=today + datetime.timedelta(days=10)
    )
    WrittenQuestionFactory(question="Late answer", response_due=today - datetime.timedelta(days=10))
    WrittenQuestionFactory(
        question="Answered one", status="answered", response="Yes.", responded_on=today
    )
    WrittenQuestionFactory(question=f"Hidden {SECRET}", meeting=MeetingFactory(minutes_draft=True))

    everything = page(client, reverse("meetings:questions"))
    awaiting = page(client, reverse("meetings:questions") + "?status=awaiting")
    overdue = page(client, reverse("meetings:questions") + "?status=overdue")
    answered = page(client, reverse("meetings:questions") + "?status=answered")

    assert all(text in everything for text in ["Awaiting answer", "Late answer", "Answered one"])
    assert SECRET not in everything
    assert "Awaiting answer" in awaiting
    assert "Late answer" in awaiting
    assert "Answered one" not in awaiting
    assert "Late answer" in overdue
    assert "Awaiting answer" not in overdue
    assert "Answered one" in answered
    assert "Late answer" not in answered
    assert "Awaiting response (2)" in everything
    assert "Overdue (1)" in everything
    assert "Answered (1)" in everything


def test_every_question_of_each_status_is_reachable_a_page_at_a_time(client):
    """The pages of each list hold exactly its questions: counted with the statuses, never
    counting one the list leaves out (an exempt item's, unpublished minutes')."""
    today = timezone.localdate()
    meeting = MeetingFactory(minutes_published=True)
    WrittenQuestionFactory.create_batch(
        51, meeting=meeting, status="answered", response="Yes.", responded_on=today
    )
    WrittenQuestionFactory(meeting=meeting, status="withdrawn")
    WrittenQuestionFactory(meeting=meeting, response_due=today - datetime.timedelta(days=3))
    exempt = AgendaItemFactory(meeting=meeting, is_exempt=True)
    WrittenQuestionFactory(
        meeting=meeting,
        agenda_item=exempt,
        question=f"Exempt {SECRET}",
        status="answered",
        response="Yes.",
        responded_on=today,
    )
    WrittenQuestionFactory(
        meeting=MeetingFactory(minutes_draft=True),
        question=f"Draft {SECRET}",
        status="answered",
        response="Yes.",
        responded_on=today,
    )
    url = reverse("meetings:questions")

    def shown(query):
        html = page(client, url + query)
        assert SECRET not in html
        return html.count('app-meta">Question '), html

    expected = {"": [50, 3], "?status=answered": [50, 1], "?status=awaiting": [1]}
    for query, per_page in expected.items():
        first, html = shown(query)
        assert first == per_page[0]
        if len(per_page) == 1:
            assert "Page 2" not in html
            continue
        assert "Page 2" in html
        joiner = "&" if query else "?"
        last, html = shown(f"{query}{joiner}page=2")
        assert last == per_page[1]
        assert "Page 2 of 2" in html
        assert "Page 3" not in html
    assert "Answered (51)" in html
    assert "Awaiting response (1)" in html
    assert "Overdue (1)" in html


def test_officer_following_view_on_site_to_a_draft_gets_the_preview(client, officer):
    meeting = MeetingFactory(draft=True)
    AgendaItemFactory(meeting=meeting, title="Draft item")
    client.force_login(officer)

    html = page(client, meeting.get_absolute_url())

    assert "Draft item" in html
    assert "Preview for officers" in html


def test_question_shows_the_current_rag_and_distance_of_the_actions_it_cites(client):
    from tests.factories import ActionFactory, ActionUpdateFactory, PlanFactory, SectionFactory

    plan = PlanFactory(title="Safer Norfolk delivery plan")
    action = ActionFactory(section=SectionFactory(plan=plan), number="1.14")
    ActionUpdateFactory(
        action=action, rag="amber", distance="some_way", reported_on=datetime.date(2022, 1, 10)
    )
    ActionUpdateFactory(action=action, rag="red", distance="far_off", status="draft")
    hidden = ActionFactory(
        section=SectionFactory(plan=PlanFactory(status="draft")),
        number="9.9",
        title=f"Hidden {SECRET}",
    )
    question = WrittenQuestionFactory(question="Reference Delivery Plan action 1.14: how far?")
    question.plan_actions.add(action, hidden)

    for url in [question.meeting.get_absolute_url(), reverse("meetings:questions")]:
        html = page(client, url)
        assert "Safer Norfolk delivery plan, action 1.14" in html or "action 1.14</a>" in html
        assert "RAG: Amber" in html
        assert "Some way to go" in html
        assert "RAG: Red" not in html
        assert "9.9" not in html


def test_every_past_meeting_of_a_committee_is_reachable_a_page_at_a_time(client):
    committee = CommitteeFactory()
    first = datetime.datetime(2006, 1, 10, 10, 0, tzinfo=datetime.UTC)
    meetings = [
        MeetingFactory(committee=committee, starts_at=first + datetime.timedelta(days=30 * n))
        for n in range(53)
    ]
    MeetingFactory(committee=committee, draft=True, starts_at=first - datetime.timedelta(days=9))
    url = committee.get_absolute_url()

    def past_meetings(html):
        return html[html.index('id="past-meetings"') :].split("</table>")[0]

    newest_page = page(client, url)
    oldest_page = page(client, url + "?page=2")
    newest, oldest = past_meetings(newest_page), past_meetings(oldest_page)

    def dates(meeting):
        return reverse("meetings:meeting", args=[committee.slug, meeting.starts_at.date()])

    # Newest first, fifty to a page, and the draft on neither.
    assert all(dates(meeting) in newest for meeting in meetings[3:])
    assert not any(dates(meeting) in newest for meeting in meetings[:3])
    assert all(dates(meeting) in oldest for meeting in meetings[:3])
    assert not any(dates(meeting) in oldest for meeting in meetings[3:])
    assert "Page 1 of 2" in newest_page
    assert 'href="?page=2#past-meetings" rel="next"' in newest_page
    assert 'href="?page=1#past-meetings" rel="prev"' in oldest_page
    assert "2006-01-01" not in newest_page + oldest_page  # the draft meeting's date
    # An address with no such page shows the nearest one rather than an error.
    assert "Page 2 of 2" in page(client, url + "?page=99")


def test_lists_of_papers_do_not_read_the_text_extracted_from_them(client):
    meeting = MeetingFactory()
    item = AgendaItemFactory(meeting=meeting, number="4", title="Performance report")
    words = "Extracted paper wording " * 2000
    DocumentFactory(meeting=meeting, agenda_item=item, title="Performance report", text=words)

    with CaptureQueriesContext(connection) as queries:
        html = page(client, meeting.get_absolute_url())
        api = client.get(f"/api/v1/meetings/{meeting.pk}/")

    assert "Performance report" in html
    assert api.status_code == 200
    assert api.json()["agenda_items"][0]["documents"][0]["title"] == "Performance report"
    read = [
        query["sql"] for query in queries.captured_queries if "meetings_document" in query["sql"]
    ]
    assert len(read) == 2  # one list for the page, one for the API
    assert not any('"meetings_document"."text"' in sql for sql in read)


@pytest.mark.parametrize(
    ("utc", "local_date"),
    [
        # British Summer Time: 23:30 UTC is 00:30 the next day in Norfolk.
        (datetime.datetime(2026, 7, 1, 23, 30, tzinfo=datetime.UTC), datetime.date(2026, 7, 2)),
        (datetime.datetime(2026, 7, 1, 22, 59, tzinfo=datetime.UTC), datetime.date(2026, 7, 1)),
        # Greenwich Mean Time: UTC and local time agree.
        (datetime.datetime(2026, 1, 15, 23, 59, tzinfo=datetime.UTC), datetime.date(2026, 1, 15)),
        (datetime.datetime(2026, 1, 16, 0, 0, tzinfo=datetime.UTC), datetime.date(2026, 1, 16)),
        # The nights the clocks change.
        (datetime.datetime(2026, 3, 28, 23, 30, tzinfo=datetime.UTC), datetime.date(2026, 3, 28)),
        (datetime.datetime(2026, 10, 24, 23, 30, tzinfo=datetime.UTC), datetime.date(2026, 10, 25)),
    ],
)
def test_a_meeting_is_found_under_its_local_date_and_no_other(client, utc, local_date):
    meeting = MeetingFactory(starts_at=utc)
    slug = meeting.committee.slug

    assert meeting.get_absolute_url().endswith(f"/{local_date.isoformat()}/")
    assert client.get(meeting.get_absolute_url()).status_code == 200
    for other in (local_date - datetime.timedelta(days=1), local_date + datetime.timedelta(days=1)):
        url = reverse("meetings:meeting", args=[slug, other])
        assert client.get(url).status_code == 404


def test_the_last_and_first_possible_dates_are_not_found_not_errors(client):
    committee = CommitteeFactory()
    for date in ("9999-12-31", "0001-01-01"):
        assert client.get(f"/committees/{committee.slug}/{date}/").status_code == 404


def test_a_committee_page_lists_its_first_open_action_points_and_links_to_them_all(
    client, monkeypatch
):
    monkeypatch.setattr("meetings.queries.OPEN_ACTIONS_SHOWN", 2)
    committee = CommitteeFactory()
    meeting = MeetingFactory(committee=committee, minutes_published=True)
    for n in range(1, 4):
        ActionPointFactory(meeting=meeting, reference=f"05/0{n}", description=f"Point {n}")

    full = page(client, committee.get_absolute_url())
    html = full[full.index(">Open action points<") : full.index(">Forward work programme<")]

    assert "Point 1" in html
    assert "Point 2" in html
    assert "Point 3" not in html
    link = f'/outstanding/?committee={committee.pk}&amp;kind=action_point">See all'
    assert link in html
    everything = page(client, f"/outstanding/?committee={committee.pk}&kind=action_point")
    assert all(f"Point {n}" in everything for n in range(1, 4))

    ActionPointFactory(
        meeting=meeting, reference="05/04", status="closed", closed_on=datetime.date(2022, 3, 1)
    )
    monkeypatch.setattr("meetings.queries.OPEN_ACTIONS_SHOWN", 3)
    full = page(client, committee.get_absolute_url())
    html = full[full.index(">Open action points<") : full.index(">Forward work programme<")]
    assert "Point 3" in html
    assert "See all the committee's open action points" not in html
