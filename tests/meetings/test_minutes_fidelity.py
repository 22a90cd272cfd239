"""Minutes as the papers record them, on the meeting page and in the minutes PDF: who attended
and in what capacity, nothing asserted that was not recorded, the finishing time, the action
points raised, the alternative-format line, local dates, and a past meeting entered after the
event with what its papers give and no more."""

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings.models import Meeting
from meetings.pdf import minutes_html
from safer_norfolk.pdf import render_pdf
from tests.admin_forms import change_form_data
from tests.factories import (
    ActionPointFactory,
    AgendaItemFactory,
    AttendanceFactory,
    CommitteeFactory,
    DeclarationFactory,
    MeetingFactory,
    MinuteFactory,
    OrganisationFactory,
    PersonFactory,
)
from tests.http import read_body
from tests.pdfs import pdf_pages_text

pytestmark = pytest.mark.django_db

BST_EVENING = datetime.datetime(2022, 6, 30, 22, 30, tzinfo=datetime.UTC)  # 23:30 BST


def address(name, meeting):
    return reverse(f"meetings:{name}", args=[meeting.committee.slug, meeting.local_date])


def page_text(client, meeting):
    response = client.get(address("meeting", meeting))
    assert response.status_code == 200
    html = response.content.decode()
    # A link is part of its sentence ("substitute for Cllr Adam Giles)"); other tags part words.
    text = re.sub(r"<[^>]+>", " ", re.sub(r"</?a\b[^>]*>", "", html))
    return " ".join(text.replace("&#x27;", "'").replace("&amp;", "&").split())


def minutes_pdf_pages(client, meeting):
    response = client.get(address("minutes_pdf", meeting))
    assert response.status_code == 200, response.status_code
    return pdf_pages_text(read_body(response))


def words(pages):
    return " ".join(" ".join(pages).split())


def minutes_meeting(**kwargs):
    kwargs.setdefault("minutes_published", True)
    meeting = MeetingFactory(**kwargs)
    MinuteFactory(meeting=meeting, number="1", heading="Welcome")
    return meeting


# --- seed 000: the 24 February 2022 minutes, as loaded by the demo -----------------------------


@pytest.fixture
def demo(demo_module):
    """The demo data, loaded once for this module (tests/conftest.py)."""


def seed_meeting(slug, day):
    return Meeting.objects.select_related("committee").get(
        committee__slug=slug, starts_at__date=day
    )


def test_seed_000_attendance_reads_as_the_paper_on_the_page_and_in_the_pdf(client, demo):
    meeting = seed_meeting("nccsp-scrutiny-sub-panel", datetime.date(2022, 2, 24))

    page = page_text(client, meeting)
    pdf = words(minutes_pdf_pages(client, meeting))

    for text in (page, pdf):
        assert "Cllr Penny Carpenter" in text
        assert "Vice-Chair in the Chair" in text
        assert "Amanda Murr" in text
        assert "Head of Community Safety, OPCCN" in text
        named = text.index("From named members")
        substitutes = text.index("From substitute members")
        others = text.index("From others")
        assert named < substitutes < others
        for name in ("Tim Adams", "Mark Kiddle-Morris", "Nigel Shaw", "Alison Webb"):
            assert named < text.index(f"Cllr {name}", named) < substitutes
        for name in ("Robert Hambidge", "Julian Kirk", "Sarah Butikofer", "Ian Stutely"):
            assert substitutes < text.index(f"Cllr {name}", substitutes) < others
        assert "had replaced Cllr Cate Oliver" in text
        assert others < text.index("Gavin Thompson", others)
        assert "Director, Policy and Commissioning" in text
        # Every substitute sent apologies too: none of them substituted for anyone.
        assert "substituted by" not in text
        assert "The meeting finished at 12.05 p.m." in text
        assert "p.m.." not in text
        assert "a.m.." not in text
        assert "Cllr Emma Corlett" in text
        assert "Chair of Trustees of Leeway" in text
    assert "If you need this document in large print, audio, Braille" in pdf


def test_cambridge_11_october_2022_end_time_is_on_the_page_and_in_the_calendar(client, demo):
    meeting = seed_meeting("cambridge-csp-board", datetime.date(2022, 10, 11))

    page = page_text(client, meeting)
    event = Calendar.from_ical(client.get(address("meeting_calendar", meeting)).content).walk(
        "VEVENT"
    )[0]

    assert "Tuesday 11 October 2022, 10.00 a.m. to 12.20 p.m." in page
    local = timezone.localtime
    assert local(event.decoded("dtstart")).time() == datetime.time(10, 0)
    assert local(event.decoded("dtend")).time() == datetime.time(12, 20)
    assert "not recorded" not in str(event.get("description"))


def test_a_cambridge_meeting_without_a_declarations_item_asserts_no_declarations(client, demo):
    meeting = seed_meeting("cambridge-csp-board", datetime.date(2022, 7, 19))

    page = page_text(client, meeting)
    pdf = words(minutes_pdf_pages(client, meeting))

    assert "07/01" in pdf
    assert "Action points raised at this meeting" in pdf
    for text in (page, pdf):
        assert "No interests were declared" not in text
        assert "Declarations of interest" not in text


# --- substitutes -----------------------------------------------------------------------------


def test_substituted_by_only_names_a_substitute_who_attended_in_that_members_place(client):
    meeting = minutes_meeting()
    stood_in = PersonFactory(name="Anna Attending")
    sent_apologies = PersonFactory(name="Bea Apologising")
    member_a = PersonFactory(name="Member Alpha")
    member_b = PersonFactory(name="Member Beta")
    AttendanceFactory(meeting=meeting, person=member_a, capacity="member", status="apologies")
    AttendanceFactory(meeting=meeting, person=member_b, capacity="member", status="apologies")
    AttendanceFactory(
        meeting=meeting,
        person=stood_in,
        capacity="substitute",
        status="present",
        substitute_for=member_a,
    )
    AttendanceFactory(
        meeting=meeting,
        person=sent_apologies,
        capacity="substitute",
        status="apologies",
        substitute_for=member_b,
    )

    for text in (page_text(client, meeting), words(minutes_pdf_pages(client, meeting))):
        assert "Member Alpha" in text
        assert "(substituted by Cllr Anna Attending)" in text
        assert "(substitute for Cllr Member Alpha)" in text
        assert "substituted by Cllr Bea Apologising" not in text
        assert text.count("substituted by") == 1


# --- nothing asserted that was not recorded -----------------------------------------------------


def test_no_interests_declared_is_said_only_when_a_declarations_minute_recorded_none(client):
    silent = minutes_meeting()
    recorded = minutes_meeting()
    item = AgendaItemFactory(meeting=recorded, number="3", kind="declarations")
    MinuteFactory(
        meeting=recorded, agenda_item=item, number="3", heading="Declarations of interest"
    )
    declared = minutes_meeting()
    DeclarationFactory(meeting=declared, person=PersonFactory(name="Dee Clarer"))

    for meeting, expected in ((silent, False), (recorded, True)):
        for text in (page_text(client, meeting), words(minutes_pdf_pages(client, meeting))):
            assert ("No interests were declared." in text) is expected
    for text in (page_text(client, declared), words(minutes_pdf_pages(client, declared))):
        assert "Dee Clarer" in text
        assert "No interests were declared" not in text


def test_a_past_meeting_without_a_venue_is_not_to_be_confirmed(client):
    past = minutes_meeting(venue="")
    upcoming = MeetingFactory(venue="", starts_at=timezone.now() + datetime.timedelta(days=10))

    assert "To be confirmed" not in page_text(client, past)
    assert "Where To be confirmed" in page_text(client, upcoming)


def test_streaming_advice_only_for_a_meeting_with_a_stream(client):
    unstreamed = MeetingFactory(livestream_url="", public_notice="")
    streamed = MeetingFactory(livestream_url="https://video.example.org/panel", public_notice="")

    def front_sheet(meeting):
        return words(pdf_pages_text(read_body(client.get(address("agenda_pdf", meeting)))))

    assert "stream" not in front_sheet(unstreamed).lower()
    assert "Watch" not in page_text(client, unstreamed)
    assert "streamed live and can be watched at" in front_sheet(streamed)


def test_people_without_a_job_title_have_no_stray_commas(client):
    meeting = minutes_meeting()
    council = OrganisationFactory(name="Breckland District Council")
    AttendanceFactory(
        meeting=meeting,
        person=PersonFactory(
            honorific="", name="Olive Officer", job_title="", organisation=council
        ),
        capacity="officer",
    )
    AttendanceFactory(
        meeting=meeting,
        person=PersonFactory(honorific="", name="Una Untitled", job_title="", organisation=None),
        capacity="guest",
    )
    AttendanceFactory(
        meeting=meeting,
        person=PersonFactory(
            honorific="", name="Tess Titled", job_title="Analyst", organisation=None
        ),
        capacity="officer",
    )

    page = page_text(client, meeting)
    pdf = words(minutes_pdf_pages(client, meeting))

    assert "Olive Officer, Breckland District Council" in page
    assert "Olive Officer Breckland District Council" in pdf  # name and role in two cells
    assert "Tess Titled, Analyst" in page
    for text in (page, pdf):
        assert ", ," not in text
        assert " , " not in text
        assert "Una Untitled ," not in text
        assert "Una Untitled," not in text
        assert not re.search(r"(Olive Officer|Tess Titled)\s+,", text)


def test_the_finishing_time_has_one_full_stop(client):
    meeting = minutes_meeting(
        starts_at=datetime.datetime(2022, 2, 24, 10, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2022, 2, 24, 12, 5, tzinfo=datetime.UTC),
        venue="",
    )

    for text in (page_text(client, meeting), words(minutes_pdf_pages(client, meeting))):
        assert "The meeting finished at 12.05 p.m." in text
        assert ".." not in text.replace("...", "")


# --- the minutes PDF ---------------------------------------------------------------------------


def test_minutes_pdf_lists_the_public_action_points_raised_and_never_an_exempt_ones(client):
    meeting = minutes_meeting()
    exempt = AgendaItemFactory(meeting=meeting, number="9", is_exempt=True, title="Part 2")
    secret_minute = MinuteFactory(meeting=meeting, agenda_item=exempt, number="9")
    ActionPointFactory(
        meeting=meeting,
        reference="02/01",
        description="Circulate the community trigger figures",
        owner_person=PersonFactory(honorific="", name="Amanda Murr"),
        due_date=datetime.date(2022, 3, 31),
    )
    ActionPointFactory(
        meeting=meeting,
        minute=secret_minute,
        reference="02/02",
        description="EXEMPT-ACTION-MARKER-5e1f",
    )

    pdf = words(minutes_pdf_pages(client, meeting))

    assert "Action points raised at this meeting" in pdf
    assert "02/01" in pdf
    assert "Circulate the community trigger figures" in pdf
    assert "Amanda Murr" in pdf
    assert "31 Mar 2022" in pdf
    assert "EXEMPT-ACTION-MARKER-5e1f" not in pdf
    assert "02/02" not in pdf


def test_the_chairs_signature_line_never_stands_alone_on_a_page():
    """Last minutes of lengths around a page break (without the rule, 19 and 22 paragraphs put
    the closing block alone on page 2): whichever falls at the foot of the page, the signature
    line goes over with the finishing time and the end of the last minute."""
    meeting = MeetingFactory(
        minutes_published=True,
        ends_at=datetime.datetime(2022, 2, 24, 12, 5, tzinfo=datetime.UTC),
        starts_at=datetime.datetime(2022, 2, 24, 10, tzinfo=datetime.UTC),
    )
    minute = MinuteFactory(meeting=meeting, number="4", heading="Delivery plan", body="")
    carried_over = 0
    for paragraphs in range(17, 25):
        minute.body = "\n\n".join(
            f"Point {n} was discussed by the panel." for n in range(paragraphs)
        )
        minute.save()

        pages = pdf_pages_text(render_pdf(minutes_html(meeting)))

        signed = [number for number, page in enumerate(pages) if "Chair: ____" in page]
        assert len(signed) == 1
        page = pages[signed[0]]
        assert re.search(r"4\.\d+", page), (paragraphs, "signature page without the last minute")
        assert "The meeting finished at" in page
        carried_over += signed[0] > 0
    assert carried_over  # some lengths did run the closing over a page break


# --- local dates -------------------------------------------------------------------------------


def test_a_late_summer_evening_meeting_keeps_its_own_day_in_titles_pdfs_and_feeds(client):
    committee = CommitteeFactory(name="Late Panel", slug="late-panel")
    meeting = minutes_meeting(committee=committee, starts_at=BST_EVENING)
    assert meeting.local_date == datetime.date(2022, 6, 30)

    from tests.pdfs import is_tagged_pdf_ua

    minutes = read_body(client.get(address("minutes_pdf", meeting)))
    agenda = read_body(client.get(address("agenda_pdf", meeting)))
    feed = client.get(reverse("meetings:feed")).content.decode()
    page = page_text(client, meeting)

    assert is_tagged_pdf_ua(minutes)[3] == "Minutes: Late Panel, 30 June 2022"
    assert is_tagged_pdf_ua(agenda)[3] == "Agenda: Late Panel, 30 June 2022"
    assert "Thursday 30 June 2022 at 11.30 p.m." in words(pdf_pages_text(minutes))
    assert "Agenda published: Late Panel, 30 June 2022" in feed
    assert "Minutes published: Late Panel, 30 June 2022" in feed
    assert "Thursday 30 June 2022" in feed
    assert "1 July 2022" not in feed
    assert "Meeting on Thursday 30 June 2022" in page


# --- a past meeting entered after the event ----------------------------------------------------


def test_a_meeting_with_no_recorded_start_time_shows_its_day_and_no_made_up_time(client):
    meeting = minutes_meeting(
        starts_at=datetime.datetime(2021, 7, 20, tzinfo=datetime.UTC) - datetime.timedelta(hours=1),
        start_time_known=False,
    )
    assert meeting.local_date == datetime.date(2021, 7, 20)

    page = page_text(client, meeting)
    committee_page = page_text_of(client, meeting.committee.get_absolute_url())
    pdf = words(minutes_pdf_pages(client, meeting))
    event = Calendar.from_ical(client.get(address("meeting_calendar", meeting)).content).walk(
        "VEVENT"
    )[0]
    api = client.get(f"/api/v1/meetings/{meeting.pk}/").json()
    ocd = client.get(address("meeting_ocd", meeting)).json()
    json_ld = json.loads(
        re.search(
            r'<script type="application/ld\+json">(.*?)</script>',
            client.get(address("meeting", meeting)).content.decode(),
            re.S,
        ).group(1)
    )

    assert "Tuesday 20 July 2021 (time not recorded)" in page
    assert "Tuesday 20 July 2021" in committee_page
    for text in (page, committee_page, pdf):
        assert "12.00 a.m." not in text
        assert "midnight" not in text
    assert "Minutes of the meeting held on Tuesday 20 July 2021, Council Chamber" in pdf
    assert event.decoded("dtstart") == datetime.date(2021, 7, 20)
    assert event.decoded("dtend") == datetime.date(2021, 7, 21)
    assert api["start_time_known"] is False
    assert ocd["all_day"] is True
    assert ocd["start_time"] == "2021-07-20"
    assert json_ld["startDate"] == "2021-07-20"


def page_text_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = re.sub(r"</?a\b[^>]*>", "", response.content.decode())  # a link is part of its sentence
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_an_officer_back_enters_a_past_meeting_with_its_publication_days(client, officer):
    committee = CommitteeFactory()
    client.force_login(officer)

    added = client.post(
        reverse("admin:meetings_meeting_add"),
        {
            "committee": committee.pk,
            "starts_at_0": "2021-07-20",
            "starts_at_1": "",
            "ends_at_0": "2021-07-20",
            "ends_at_1": "11:10:00",
            "status": "held",
            "mode": "in_person",
            "venue": "",
            "agenda_published_on": "2021-07-12",
            "minutes_published_on": "",
            "_continue": "1",
        },
    )
    assert added.status_code == 302, added.content.decode()[:3000]
    meeting = Meeting.objects.get(committee=committee)
    assert meeting.start_time_known is False
    assert meeting.local_date == datetime.date(2021, 7, 20)
    assert meeting.venue == ""  # not recorded: never the committee's usual venue
    assert timezone.localtime(meeting.ends_at).time() == datetime.time(11, 10)

    change = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    form = client.get(change)
    data = change_form_data(form)
    assert data["starts_at_0"] == "2021-07-20"
    assert data["starts_at_1"] == ""
    data.update(
        {
            "minutes-TOTAL_FORMS": "1",
            "minutes-0-number": "1",
            "minutes-0-heading": "Apologies",
            "minutes-0-body": "Apologies were received.",
            "minutes_published_on": "2021-08-02",
        }
    )
    saved = client.post(change, data)
    assert saved.status_code == 302, saved.content.decode()[:3000]
    changelist = reverse("admin:meetings_meeting_changelist")
    for action in ("publish_agenda", "publish_minutes"):
        client.post(changelist, {"action": action, "_selected_action": [meeting.pk]})

    meeting.refresh_from_db()
    assert meeting.minutes_status == "published"
    assert timezone.localdate(meeting.agenda_published_at) == datetime.date(2021, 7, 12)
    assert timezone.localdate(meeting.minutes_published_at) == datetime.date(2021, 8, 2)
    assert meeting.start_time_known is False
    page = page_text(client, meeting)
    assert "Agenda published on 12 July 2021" in page
    assert "Tuesday 20 July 2021, finished at 11.10 a.m. (start time not recorded)" in page
    assert committee.default_venue not in page


def test_publication_days_cannot_be_in_the_future_or_out_of_order(client, officer):
    meeting = MeetingFactory(starts_at=datetime.datetime(2021, 7, 20, 9, tzinfo=datetime.UTC))
    client.force_login(officer)
    change = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    data = change_form_data(client.get(change))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    future = client.post(change, {**data, "agenda_published_on": tomorrow.isoformat()})
    early = client.post(change, {**data, "minutes_published_on": "2021-07-01"})
    cleared = client.post(change, {**data, "agenda_published_on": ""})

    assert "Give a day that has passed" in future.content.decode()
    assert "Minutes are published after the meeting" in early.content.decode()
    assert "Published papers keep the day they were published" in cleared.content.decode()
    published = meeting.agenda_published_at
    meeting.refresh_from_db()
    assert meeting.agenda_published_at == published


def test_publishing_without_a_recorded_day_stamps_now():
    from meetings import services
    from tests.factories import UserFactory

    meeting = MeetingFactory(draft=True)
    AgendaItemFactory(meeting=meeting)
    before = timezone.now()

    services.publish_agenda(meeting=meeting, by=UserFactory())

    meeting.refresh_from_db()
    assert meeting.agenda_published_at >= before


def test_a_past_meetings_front_sheet_without_a_venue_does_not_say_to_be_confirmed():
    from meetings import pdf
    from tests.hostile_input.files import pdf_text

    past = minutes_meeting(venue="")
    upcoming = MeetingFactory(venue="", starts_at=timezone.now() + datetime.timedelta(days=10))

    assert "Tobeconfirmed" not in pdf_text(pdf.render_pdf(pdf.front_sheet_html(past, [])))
    assert "VenueTobeconfirmed" in pdf_text(pdf.render_pdf(pdf.front_sheet_html(upcoming, [])))


@pytest.mark.parametrize(
    ("venue", "mode", "written"),
    [
        ("County Hall, Norwich", "in_person", "County Hall, Norwich"),
        ("County Hall, Norwich", "hybrid", "County Hall, Norwich (hybrid)"),
        ("Online as agreed by the partnership", "online", "Online as agreed by the partnership"),
        ("Microsoft Teams (online)", "online", "Microsoft Teams (online)"),
        ("", "online", "Online"),
        ("", "in_person", ""),
    ],
)
def test_a_meeting_says_how_it_is_held_once(client, venue, mode, written):
    """The page and the front sheet write the venue, and how the meeting is held only where
    the venue's name does not already say: never "Online (online)"."""
    from meetings import pdf
    from tests.hostile_input.files import pdf_text

    meeting = MeetingFactory(
        venue=venue, mode=mode, starts_at=timezone.now() + datetime.timedelta(days=10)
    )

    assert meeting.where == written
    shown = written or "To be confirmed"
    sheet = pdf_text(pdf.render_pdf(pdf.front_sheet_html(meeting, [])))
    assert f"Venue{shown}".replace(" ", "") in sheet
    page = " ".join(read_body(client.get(meeting.get_absolute_url())).decode().split())
    assert f'Where </dt> <dd class="govuk-summary-list__value"> {shown} </dd>' in page
