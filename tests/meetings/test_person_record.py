"""The people pages: /people/ lists, and /people/<slug>/ shows, only people who appear in
published material in a public role, with their record as published minutes give it, and
never a contact detail or anything only unpublished material holds."""

import datetime
import importlib
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings import person_record
from safer_norfolk.models import Person, person_slug
from tests.admin_forms import change_form_data
from tests.factories import (
    ActionPointFactory,
    AgendaItemFactory,
    AttendanceFactory,
    CommitteeFactory,
    DeclarationFactory,
    MeetingFactory,
    MembershipFactory,
    MinuteFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
    WrittenQuestionFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
SECRET = "UNPUBLISHED-PERSON-7c1d"


def days(n):
    return TODAY + datetime.timedelta(days=n)


def text_of(response):
    return re.sub(r"\s+", " ", response.content.decode())


def page_of(client, person):
    response = client.get(person.get_absolute_url())
    assert response.status_code == 200
    return text_of(response)


# --- slugs --------------------------------------------------------------------------------


def test_slug_is_made_from_the_name_and_numbered_when_two_names_slugify_alike():
    first = PersonFactory(name="John Smith")
    second = PersonFactory(name="John  Smith")
    third = PersonFactory(name="John Smith!")

    assert (first.slug, second.slug, third.slug) == ("john-smith", "john-smith-2", "john-smith-3")
    assert first.get_absolute_url() == "/people/john-smith/"


def test_a_slug_given_is_kept_and_a_saved_person_keeps_theirs():
    person = PersonFactory(name="Amanda Murr", slug="amanda-murr-opccn")
    person.name = "Amanda Murr-Jones"
    person.save()

    person.refresh_from_db()
    assert person.slug == "amanda-murr-opccn"


def test_admin_adds_a_person_with_the_slug_made_from_the_name_when_left_blank(admin_client):
    PersonFactory(name="Emma Corlett")
    url = reverse("admin:safer_norfolk_person_add")
    form = admin_client.get(url)
    assert 'id="id_slug"' in form.content.decode()
    data = {**change_form_data(form), "honorific": "Cllr", "name": "Emma Corlett", "slug": ""}

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Person.objects.filter(slug="emma-corlett-2", honorific="Cllr").exists()


def test_migration_fills_every_slug_from_the_name_in_the_order_people_were_added():
    fill_slugs = importlib.import_module("safer_norfolk.migrations.0011_person_slug").fill_slugs
    first, second = PersonFactory(name="John Smith"), PersonFactory(name="John Smith")
    third = PersonFactory(name="Zoë Ó Briain")
    # As rows stood before: slugs never made from the names.
    Person.objects.filter(pk=first.pk).update(slug="")
    Person.objects.filter(pk=second.pk).update(slug="stale-1")
    Person.objects.filter(pk=third.pk).update(slug="stale-2")

    fill_slugs(MigrationExecutor(connection).loader.project_state().apps, None)

    slugs = dict(Person.objects.values_list("pk", "slug"))
    assert [slugs[p.pk] for p in (first, second, third)] == [
        "john-smith", "john-smith-2", "zoe-o-briain",
    ]  # fmt: skip


def test_unique_slug_numbers_past_every_slug_taken():
    taken = {"ann-lee", "ann-lee-2"}
    assert person_slug("Ann Lee", taken) == "ann-lee-3"
    assert person_slug("Zoë Ó Briain", taken) == "zoe-o-briain"
    assert person_slug("!!!", taken) == "person"


# --- the record on a hand-built case -------------------------------------------------------


@pytest.fixture
def councillor():
    """A councillor on two committees (one membership ended) with every kind of record,
    published and not."""
    council = OrganisationFactory(name="Breckland District Council")
    person = PersonFactory(
        honorific="Cllr",
        name="Alison Webb",
        job_title="Councillor",
        organisation=council,
        email="alison.webb@example.org",
        phone="01362 656870",
    )
    panel = CommitteeFactory(name="Scrutiny Sub Panel", slug="scrutiny")
    board = CommitteeFactory(name="Partnership Board", slug="board")
    MembershipFactory(
        committee=panel, person=person, role="vice_chair", start_date=datetime.date(2021, 7, 20)
    )
    MembershipFactory(
        committee=board,
        person=person,
        role="member",
        start_date=datetime.date(2019, 5, 1),
        end_date=datetime.date(2021, 5, 1),
    )
    other = PersonFactory(name="Mark Kiddle-Morris")

    def published(day):
        return MeetingFactory(
            committee=panel,
            minutes_published=True,
            starts_at=timezone.make_aware(datetime.datetime(2022, 1, day, 10)),
        )

    present, apologies, absent, unrecorded = (published(d) for d in (3, 10, 17, 24))
    AttendanceFactory(
        meeting=present, person=person, status="present", capacity="substitute",
        substitute_for=other,
    )  # fmt: skip
    AttendanceFactory(meeting=apologies, person=person, status="apologies")
    AttendanceFactory(meeting=absent, person=person, status="absent")
    AttendanceFactory(meeting=unrecorded, person=person, status="expected")
    draft_minutes = MeetingFactory(committee=panel, minutes_draft=True)
    AttendanceFactory(meeting=draft_minutes, person=person, status="absent")

    DeclarationFactory(meeting=present, person=person, text="Governor of a local school.")
    DeclarationFactory(meeting=draft_minutes, person=person, text=f"{SECRET} declaration")
    exempt = AgendaItemFactory(meeting=present, is_exempt=True)
    DeclarationFactory(
        meeting=present, person=person, agenda_item=exempt, text=f"{SECRET} exempt declaration"
    )

    WrittenQuestionFactory(
        meeting=present, asked_by=person, question="How many referrals were made?",
        status="answered", response="Forty.", responded_on=datetime.date(2022, 2, 1),
    )  # fmt: skip
    WrittenQuestionFactory(
        meeting=apologies, asked_by=person, question="When will the audit report?",
        response_due=days(-5),
    )  # fmt: skip
    WrittenQuestionFactory(meeting=draft_minutes, asked_by=person, question=f"{SECRET} question")

    ActionPointFactory(
        meeting=present, owner_person=person, reference="01/01", description="Closed late.",
        due_date=datetime.date(2022, 2, 1), status="closed", closed_on=datetime.date(2022, 3, 1),
    )  # fmt: skip
    ActionPointFactory(
        meeting=present, owner_person=person, reference="01/02", description="Closed on time.",
        due_date=datetime.date(2022, 2, 1), status="closed", closed_on=datetime.date(2022, 1, 20),
    )  # fmt: skip
    ActionPointFactory(
        meeting=absent, owner_person=person, reference="01/03", description="Overdue.",
        due_date=days(-1),
    )  # fmt: skip
    ActionPointFactory(
        meeting=absent, owner_person=person, reference="01/04", description="Open.",
        due_date=days(30),
    )  # fmt: skip
    ActionPointFactory(
        meeting=draft_minutes, owner_person=person, reference="01/05",
        description=f"{SECRET} action point",
    )  # fmt: skip
    return person


def test_record_counts_attendance_and_judges_action_points(councillor):
    record = person_record.person_record(councillor.slug, today=TODAY)

    assert record.attendance_totals == {
        "present": 1, "apologies": 1, "absent": 1, "not_recorded": 1,
    }  # fmt: skip
    # Present ÷ (present + apologies + absent): the line not recorded is no absence.
    assert record.attendance_rate == 33
    assert [row["meeting__committee__name"] for row in record.attendance_by_committee] == [
        "Scrutiny Sub Panel"
    ]
    assert len(record.attendance) == 4  # not the meeting whose minutes are a draft
    assert [m.committee.slug for m in record.memberships] == ["board", "scrutiny"]
    assert [m.current for m in record.memberships] == [False, True]
    assert [d.text for d in record.declarations] == ["Governor of a local school."]
    assert [q.status for q in record.questions] == ["awaiting", "answered"]
    states = {point.reference: point.state for point in record.action_points}
    assert states == {
        "01/01": "closed_late", "01/02": "closed_on_time", "01/03": "overdue", "01/04": "open",
    }  # fmt: skip
    assert record.point_counts == {
        "overdue": 1, "open": 1, "closed_late": 1, "closed_on_time": 1, "closed": 0,
    }  # fmt: skip


def test_person_page_shows_the_published_record(client, councillor):
    text = page_of(client, councillor)

    assert '<h1 class="govuk-heading-xl">Cllr Alison Webb</h1>' in text
    assert "Breckland District Council" in text
    assert "Councillor" in text
    assert "33% (1 present of 3 recorded)" in text
    for label in ("Present", "Apologies", "Absent", "Not recorded"):
        assert f'<td class="govuk-table__cell">{label}</td>' in text
    assert "Substitute member, substitute for" in text
    assert "Vice-Chair" in text
    assert "1 May 2021" in text
    assert "Current" in text
    assert "Governor of a local school." in text
    assert "How many referrals were made?" in text
    assert "When will the audit report?" in text
    assert "Overdue" in text
    assert "Closed late" in text
    assert "Closed on time" in text
    for reference in ("01/01", "01/02", "01/03", "01/04"):
        assert f"#action-{reference}" in text


def test_long_attendance_is_paged_newest_first_under_counts_of_all(client, councillor, monkeypatch):
    monkeypatch.setattr(person_record, "MEETINGS_PER_PAGE", 3)
    url = reverse("meetings:person", kwargs={"slug": councillor.slug})

    first = client.get(url).content.decode()
    second = client.get(url + "?page=2").content.decode()

    # Four published lines: three on the first page, one on the second; the rate counts all.
    assert "33% (1 present of 3 recorded)" in first
    assert "1 to 3 of 4" in first
    assert "4 to 4 of 4" in second
    assert 'href="?page=2#attendance"' in first
    rows = [
        page.split("Meetings, newest first")[1].split("</table>")[0].count("<tr ") - 1
        for page in (first, second)
    ]
    assert rows == [3, 1]


def test_person_page_shows_nothing_unpublished_nor_contact_details(client, councillor):
    text = page_of(client, councillor)

    assert SECRET not in text
    assert "01/05" not in text
    assert councillor.email not in text
    assert "656870" not in text


def test_person_in_unpublished_material_only_has_no_page_and_is_not_listed(client):
    hidden = PersonFactory(name="Hidden Person")
    draft_agenda = MeetingFactory(draft=True, minutes_status="draft")
    AttendanceFactory(meeting=draft_agenda, person=hidden)
    AgendaItemFactory(meeting=draft_agenda, lead=hidden)
    draft_minutes = MeetingFactory(minutes_draft=True)
    AttendanceFactory(meeting=draft_minutes, person=hidden)
    DeclarationFactory(meeting=draft_minutes, person=hidden)
    ActionPointFactory(meeting=draft_minutes, owner_person=hidden)
    exempt = AgendaItemFactory(meeting=MeetingFactory(minutes_published=True), is_exempt=True)
    DeclarationFactory(meeting=exempt.meeting, agenda_item=exempt, person=hidden)
    WrittenQuestionFactory(meeting=exempt.meeting, agenda_item=exempt, asked_by=hidden)
    officer = PersonFactory(name="Officer Only", user=UserFactory())
    shown = PersonFactory(name="Shown Person")
    MembershipFactory(person=shown)

    for person in (hidden, officer):
        assert client.get(person.get_absolute_url()).status_code == 404
    listed = text_of(client.get(reverse("meetings:people")))
    assert "Shown Person" in listed
    assert "Hidden Person" not in listed
    assert "Officer Only" not in listed
    found = text_of(client.get(reverse("meetings:people"), {"name": "person"}))
    assert "Shown Person" in found
    assert "Hidden Person" not in found


def test_person_with_contact_details_shows_neither(client):
    person = PersonFactory(
        name="Amanda Murr", email="amanda.murr@example.org", phone="01603 223000",
        user=UserFactory(username="amurr"),
    )  # fmt: skip
    MembershipFactory(person=person)

    for url in (person.get_absolute_url(), reverse("meetings:people")):
        text = text_of(client.get(url))
        assert "Amanda Murr" in text
        assert "amanda.murr@example.org" not in text
        assert "223000" not in text
        assert "amurr" not in text


# --- the list ------------------------------------------------------------------------------


def test_people_list_filters_by_name_and_pages(client):
    committee = CommitteeFactory(name="Scrutiny Sub Panel")
    for n in range(person_record.PEOPLE_PER_PAGE + 3):
        MembershipFactory(committee=committee, person=PersonFactory(name=f"Member {n:03d}"))
    MembershipFactory(person=PersonFactory(name="Penny Carpenter"))

    first = text_of(client.get(reverse("meetings:people")))
    assert "<strong>54</strong> people" in first
    assert "Member 000" in first
    assert "Penny Carpenter" not in first
    assert f'href="{committee.get_absolute_url()}">{committee.short_name}</a>' in first
    second = text_of(client.get(reverse("meetings:people"), {"page": 2}))
    assert "Penny Carpenter" in second
    found = text_of(client.get(reverse("meetings:people"), {"name": "carp"}))
    assert "<strong>1</strong> person" in found
    assert "Penny Carpenter" in found


def test_home_page_leads_to_the_people_list_under_committees_and_meetings(client):
    home = text_of(client.get(reverse("home")))
    people = text_of(client.get(reverse("meetings:people")))

    assert f'<a class="govuk-link" href="{reverse("meetings:people")}">People</a>' in home
    assert 'aria-current="true"' in people or 'aria-current="page"' in people
    current = people.split("govuk-service-navigation__item--active")[1][:300]
    assert "Committees and meetings" in current


def test_people_list_refuses_a_name_it_cannot_read(client):
    response = client.get(reverse("meetings:people"), {"name": "a\x00b"})

    assert response.status_code == 400
    text = text_of(response)
    assert "There is a problem with the filter" in text
    assert 'href="#id_name"' in text


# --- names link to the pages ---------------------------------------------------------------


def test_meeting_page_links_names_to_their_pages(client):
    meeting = MeetingFactory(minutes_published=True)
    member, substitute = PersonFactory(name="Main Member"), PersonFactory(name="Sub Member")
    AttendanceFactory(meeting=meeting, person=member, status="apologies")
    AttendanceFactory(
        meeting=meeting, person=substitute, capacity="substitute", substitute_for=member
    )
    declarer = PersonFactory(name="Declaring Member")
    AttendanceFactory(meeting=meeting, person=declarer)
    DeclarationFactory(meeting=meeting, person=declarer)
    owner = PersonFactory(name="Owning Officer")
    ActionPointFactory(meeting=meeting, owner_person=owner)

    text = text_of(client.get(meeting.get_absolute_url()))

    for person in (member, substitute, declarer, owner):
        assert f'<a class="govuk-link" href="/people/{person.slug}/">{person}</a>' in text
        assert client.get(f"/people/{person.slug}/").status_code == 200


def test_committee_page_links_members_and_substitutes_to_their_pages(client):
    committee = CommitteeFactory()
    member = MembershipFactory(committee=committee, person=PersonFactory(name="Main Member"))
    substitute = MembershipFactory(
        committee=committee,
        person=PersonFactory(name="Sub Member"),
        role="substitute",
        substitute_for=member,
    )

    text = text_of(client.get(committee.get_absolute_url()))

    for person in (member.person, substitute.person):
        assert f'<a class="govuk-link" href="/people/{person.slug}/">{person}</a>' in text


def test_preview_of_an_unpublished_meeting_links_no_names(admin_client):
    meeting = MeetingFactory(minutes_draft=True)
    MinuteFactory(meeting=meeting)
    person = PersonFactory(name="Draft Attendee")
    AttendanceFactory(meeting=meeting, person=person)

    text = text_of(admin_client.get(meeting.get_absolute_url(), {"preview": "1"}))

    assert "Draft Attendee" in text
    assert f"/people/{person.slug}/" not in text


def test_outstanding_page_links_owners_to_their_pages(client):
    owner = PersonFactory(name="Owning Officer")
    ActionPointFactory(owner_person=owner, due_date=days(10))

    text = text_of(client.get(reverse("meetings:outstanding")))

    assert f'<a class="govuk-link" href="/people/{owner.slug}/">Owning Officer</a>' in text


# --- query counts --------------------------------------------------------------------------


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def grow_record(person, size):
    for _ in range(size):
        meeting = MeetingFactory(minutes_published=True)
        MembershipFactory(person=person, committee=meeting.committee)
        AttendanceFactory(meeting=meeting, person=person, substitute_for=PersonFactory())
        DeclarationFactory(
            meeting=meeting, person=person, agenda_item=AgendaItemFactory(meeting=meeting)
        )
        WrittenQuestionFactory(meeting=meeting, asked_by=person)
        ActionPointFactory(meeting=meeting, owner_person=person, due_date=days(-1))


def test_person_page_queries_do_not_grow_with_data(client):
    person = PersonFactory()
    grow_record(person, 2)
    small = queries_for(client, person.get_absolute_url())

    grow_record(person, 8)
    large = queries_for(client, person.get_absolute_url())

    assert small == large
    assert large <= 15


def test_people_list_queries_do_not_grow_with_data(client):
    def grow(size):
        for _ in range(size):
            person = PersonFactory()
            MembershipFactory(person=person)
            MembershipFactory(person=person)

    grow(2)
    small = queries_for(client, reverse("meetings:people"))
    grow(8)
    large = queries_for(client, reverse("meetings:people"))

    assert small == large
    assert large <= 15


# --- the demo data -------------------------------------------------------------------------


def test_demo_vice_chair_in_the_chair_shows_her_published_record(client):
    call_command("load_demo", verbosity=0)
    penny = Person.objects.get(name="Penny Carpenter")

    record = person_record.person_record(penny.slug)
    text = page_of(client, penny)

    # Present at 20 July 2021 and 24 February 2022 (in the chair); 16 September 2021's
    # minutes are not held, and the March 2027 agenda is a draft.
    assert record.attendance_totals == {
        "present": 2, "apologies": 0, "absent": 0, "not_recorded": 0,
    }  # fmt: skip
    assert [a.meeting.local_date for a in record.attendance] == [
        datetime.date(2022, 2, 24),
        datetime.date(2021, 7, 20),
    ]
    assert record.attendance[0].in_chair
    assert len(record.declarations) == 2
    assert [(m.committee.slug, m.role) for m in record.memberships] == [
        ("nccsp-scrutiny-sub-panel", "vice_chair")
    ]
    assert "100% (2 present of 2 recorded)" in text
    assert "Vice-Chair in the Chair" in text
    assert "Great Yarmouth Borough Council" in text
    assert "2027" not in text.split('id="attendance"')[1].split('id="declarations"')[0]
    meeting = record.attendance[0].meeting
    assert f'href="/people/{penny.slug}/"' in text_of(client.get(meeting.get_absolute_url()))
