"""Attendance as the minutes print it (seed 003's "Board / Members / Guests", seed 000's
"Present / Also in attendance / Apologies"), and new meetings built from what the committee's
meetings always have: its own standard items, the action points and questions still open
brought forward to the review item, and its members and standing officers pre-filled."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from meetings import services
from meetings.models import (
    AgendaItem,
    Attendance,
    AttendanceGroup,
    Membership,
    StandardItem,
)
from meetings.pdf import minutes_html
from tests.admin_forms import change_form_data
from tests.factories import (
    ActionPointFactory,
    AgendaItemFactory,
    AttendanceFactory,
    CommitteeFactory,
    MeetingFactory,
    MembershipFactory,
    MinuteFactory,
    OrganisationFactory,
    PersonFactory,
    WrittenQuestionFactory,
)

pytestmark = pytest.mark.django_db

JULY = datetime.datetime(2022, 7, 19, 9, tzinfo=datetime.UTC)
OCTOBER = datetime.datetime(2022, 10, 11, 9, tzinfo=datetime.UTC)


def text_of(html):
    # A link is part of its sentence ("substitute for Cllr Adam Giles)"); other tags part words.
    text = re.sub(r"<[^>]+>", " ", re.sub(r"</?a\b[^>]*>", "", html))
    return " ".join(text.replace("&#x27;", "'").replace("&amp;", "&").split())


def page_text(client, meeting):
    response = client.get(meeting.get_absolute_url())
    assert response.status_code == 200
    return text_of(response.content.decode())


@pytest.fixture
def cambridge():
    """Seed 003's partnership: its minutes print "Board", "Members" and "Guests"."""
    committee = CommitteeFactory(name="Cambridge Community Safety Partnership", short_name="")
    groups = {
        label: AttendanceGroup.objects.create(committee=committee, label=label, order=order)
        for order, label in enumerate(["Board", "Members", "Guests"])
    }
    city = OrganisationFactory(name="Cambridge City Council", short_name="")
    police = OrganisationFactory(name="Cambridgeshire Constabulary", short_name="")
    return committee, groups, city, police


def test_attendance_is_printed_under_the_committees_own_headings(client, cambridge):
    committee, groups, city, police = cambridge
    meeting = MeetingFactory(committee=committee, starts_at=JULY, minutes_published=True)
    rogerson = PersonFactory(honorific="Chief Inspector", name="Paul Rogerson", organisation=police)
    jalli = PersonFactory(honorific="", name="Keryn Jalli", organisation=city)
    walker = PersonFactory(honorific="", name="Louise Walker", organisation=city)
    crozier = PersonFactory(honorific="", name="Marianne Crozier", organisation=city)
    ball = PersonFactory(honorific="", name="James Ball", organisation=police)
    AttendanceFactory(meeting=meeting, person=rogerson, group=groups["Board"], in_chair=True)
    AttendanceFactory(
        meeting=meeting, person=jalli, group=groups["Board"], department="Community Services"
    )
    AttendanceFactory(
        meeting=meeting,
        person=walker,
        group=groups["Members"],
        department="Community Safety Team",
        note="Minutes",
    )
    AttendanceFactory(
        meeting=meeting,
        person=crozier,
        group=groups["Guests"],
        capacity=Attendance.Capacity.GUEST,
        department="Community Safety Team",
    )
    AttendanceFactory(meeting=meeting, person=ball, group=groups["Board"], status="apologies")

    text = page_text(client, meeting)

    board = text.index("Board Chief Inspector Paul Rogerson (Chair), Cambridgeshire Constabulary")
    assert "Keryn Jalli, Cambridge City Council (Community Services)" in text
    members = text.index(
        "Members Louise Walker, Cambridge City Council (Community Safety Team) — Minutes"
    )
    guests = text.index("Guests Marianne Crozier, Cambridge City Council (Community Safety Team)")
    apologies = text.index("Apologies Board: James Ball, Cambridgeshire Constabulary")
    assert board < members < guests < apologies
    assert "Also in attendance" not in text
    assert "Present" not in text.split("Attendance", 1)[1].split("Apologies", 1)[0]

    pdf = text_of(minutes_html(meeting))
    assert pdf.index("Board Chief Inspector Paul Rogerson (Chair)") < pdf.index(
        "Members Louise Walker Cambridge City Council (Community Safety Team); Minutes"
    )
    assert "Guests Marianne Crozier Cambridge City Council (Community Safety Team)" in pdf
    assert "Board: James Ball, Cambridgeshire Constabulary" in pdf


def test_a_committee_without_headings_prints_present_and_also_in_attendance(client):
    meeting = MeetingFactory(starts_at=JULY, minutes_published=True)
    member = AttendanceFactory(meeting=meeting, person__name="Emma Corlett")
    AttendanceFactory(
        meeting=meeting,
        person__honorific="",
        person__name="Tim Shaw",
        capacity=Attendance.Capacity.OFFICER,
        note="Committee Officer",
    )

    text = page_text(client, meeting)

    assert f"Present Cllr Emma Corlett, {member.person.organisation.name}" in text
    assert "Also in attendance Tim Shaw, Committee Officer" in text


def test_no_substitute_is_printed_with_the_apology_and_only_with_one(client):
    meeting = MeetingFactory(starts_at=JULY, minutes_published=True)
    apology = AttendanceFactory(
        meeting=meeting, person__name="Tim Adams", status="apologies", no_substitute=True
    )

    text = page_text(client, meeting)

    assert "From named members: Cllr Tim Adams, " in text
    assert f"{apology.person.organisation.name} (no substitute)" in text
    assert "(no substitute)" in text_of(minutes_html(meeting))

    present = AttendanceFactory.build(meeting=meeting, person=PersonFactory(), no_substitute=True)
    with pytest.raises(ValidationError, match="only with apologies"):
        present.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        present.save()


def test_an_unnamed_stand_in_chair_is_recorded_on_the_meeting(client):
    meeting = MeetingFactory(
        starts_at=JULY,
        minutes_published=True,
        stand_in_chair="The Deputy Chairman agreed to chair",
    )
    AttendanceFactory(meeting=meeting, person__name="Penny Carpenter")

    text = page_text(client, meeting)

    assert "Attendance The Deputy Chairman agreed to chair. Present Cllr Penny Carpenter" in text
    assert "The Deputy Chairman agreed to chair." in text_of(minutes_html(meeting))


def test_a_named_stand_in_chair_keeps_how_the_minutes_put_it(client):
    meeting = MeetingFactory(starts_at=JULY, minutes_published=True)
    AttendanceFactory(
        meeting=meeting,
        person__name="Penny Carpenter",
        person__organisation__name="Great Yarmouth Borough Council",
        in_chair=True,
        note="Vice-Chair in the Chair",
    )

    text = page_text(client, meeting)

    assert "Cllr Penny Carpenter, Great Yarmouth Borough Council — Vice-Chair in the Chair" in text
    assert "(Chair)" not in text


def test_another_committees_heading_is_refused(cambridge):
    _committee, groups, _city, _police = cambridge
    meeting = MeetingFactory()  # another committee's
    attendance = AttendanceFactory.build(
        meeting=meeting, person=PersonFactory(), group=groups["Board"]
    )
    with pytest.raises(ValidationError, match="another committee"):
        attendance.full_clean()
    membership = MembershipFactory.build(
        committee=meeting.committee, person=PersonFactory(), group=groups["Board"]
    )
    with pytest.raises(ValidationError, match="another committee"):
        membership.full_clean()


def test_the_meeting_admin_offers_only_the_committees_headings(admin_client, cambridge):
    committee, groups, _city, _police = cambridge
    elsewhere = AttendanceGroup.objects.create(committee=CommitteeFactory(), label="Elsewhere")
    meeting = MeetingFactory(committee=committee, starts_at=JULY)
    attendance = AttendanceFactory(meeting=meeting, status="expected")
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])

    response = admin_client.get(url)
    html = response.content.decode()
    assert f'value="{groups["Guests"].pk}">Guests' in html
    assert "Elsewhere" not in html

    data = change_form_data(response)
    prefix = next(key for key in data if key.endswith("-group")).rsplit("-", 2)[0]
    data.update(
        {
            f"{prefix}-0-group": str(elsewhere.pk),
            f"{prefix}-0-status": "apologies",
            f"{prefix}-0-no_substitute": "on",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200  # shown again with the error
    attendance.refresh_from_db()
    assert attendance.group_id is None
    assert attendance.status == "expected"

    data[f"{prefix}-0-group"] = str(groups["Members"].pk)
    data[f"{prefix}-0-department"] = "Community Safety Team"
    response = admin_client.post(url, data)
    assert response.status_code == 302
    attendance.refresh_from_db()
    assert attendance.group == groups["Members"]
    assert attendance.department == "Community Safety Team"
    assert attendance.status == "apologies"
    assert attendance.no_substitute


# --- new meetings from the last -------------------------------------------------------------


def test_a_new_meeting_starts_with_the_committees_own_standard_items(cambridge):
    committee, _groups, _city, _police = cambridge
    for order, (kind, title) in enumerate(
        [
            ("apologies", "Welcome, housekeeping / introductions and apologies"),
            ("public_questions", "Pre-advised questions from the general public"),
            ("minutes", "Minutes of the last meeting: Agreement"),
            ("action_review", "Action points: Review"),
            ("any_other_business", "Any other business"),
            ("key_messages", "Key messages from the meeting today"),
        ]
    ):
        StandardItem.objects.create(committee=committee, order=order, kind=kind, title=title)

    meeting = services.create_meeting(committee=committee, starts_at=OCTOBER, by=None)

    items = list(meeting.agenda_items.order_by("sort_key").values_list("number", "kind", "title"))
    assert items == [
        ("1", "apologies", "Welcome, housekeeping / introductions and apologies"),
        ("2", "public_questions", "Pre-advised questions from the general public"),
        ("3", "minutes", "Minutes of the last meeting: Agreement"),
        ("4", "action_review", "Action points: Review"),
        ("5", "any_other_business", "Any other business"),
        ("6", "key_messages", "Key messages from the meeting today"),
    ]


def test_a_committee_that_set_no_standard_items_gets_the_four_opening_ones():
    committee = CommitteeFactory()
    meeting = services.create_meeting(committee=committee, starts_at=OCTOBER, by=None)
    assert list(meeting.agenda_items.order_by("sort_key").values_list("kind", flat=True)) == [
        "apologies",
        "minutes",
        "declarations",
        "urgent_business",
    ]


def test_open_action_points_and_awaiting_questions_are_brought_forward_to_the_review_item():
    committee = CommitteeFactory()
    StandardItem.objects.create(committee=committee, order=1, kind="minutes", title="Minutes")
    StandardItem.objects.create(
        committee=committee, order=2, kind="action_review", title="Action points: Review"
    )
    july = MeetingFactory(committee=committee, starts_at=JULY, minutes_published=True)
    still_open = ActionPointFactory(meeting=july, reference="07/01")
    ActionPointFactory(
        meeting=july,
        reference="07/02",
        status="closed",
        response="Done",
        closed_on=datetime.date(2022, 9, 1),
    )
    awaiting = WrittenQuestionFactory(meeting=july, number=1)
    WrittenQuestionFactory(meeting=july, number=2, status="answered", response="Yes.")
    elsewhere = ActionPointFactory(reference="07/03")  # another committee's

    meeting = services.create_meeting(committee=committee, starts_at=OCTOBER, by=None)

    review = meeting.agenda_items.get(kind=AgendaItem.Kind.ACTION_REVIEW)
    assert list(review.carried_action_points.all()) == [still_open]
    assert list(review.carried_questions.all()) == [awaiting]
    assert elsewhere.reviewed_under.count() == 0
    # Only the review item carries them.
    assert meeting.agenda_items.get(kind="minutes").carried_action_points.count() == 0


def test_members_substitutes_and_standing_officers_are_pre_filled_under_their_headings(
    cambridge,
):
    committee, groups, city, _police = cambridge
    chair = MembershipFactory(committee=committee, role="chair", group=groups["Board"], order=1)
    member = MembershipFactory(committee=committee, group=groups["Members"], order=2)
    substitute = MembershipFactory(committee=committee, role="substitute", order=3)
    officer = MembershipFactory(
        committee=committee,
        role=Membership.Role.OFFICER,
        person=PersonFactory(honorific="", name="Louise Walker", organisation=city),
        group=groups["Members"],
        department="Community Safety Team",
        order=4,
    )
    MembershipFactory(committee=committee, end_date=datetime.date(2021, 5, 1), order=5)

    meeting = services.create_meeting(committee=committee, starts_at=OCTOBER, by=None)

    rows = list(
        meeting.attendances.order_by("order").values_list(
            "person", "capacity", "status", "group", "department"
        )
    )
    assert rows == [
        (chair.person_id, "member", "expected", groups["Board"].pk, ""),
        (member.person_id, "member", "expected", groups["Members"].pk, ""),
        (substitute.person_id, "substitute", "expected", None, ""),
        (officer.person_id, "officer", "expected", groups["Members"].pk, "Community Safety Team"),
    ]


def test_the_committee_page_sets_standard_items_headings_and_standing_officers(admin_client):
    committee = CommitteeFactory()
    url = reverse("admin:meetings_committee_change", args=[committee.pk])
    data = change_form_data(admin_client.get(url))
    prefixes = {
        model: next(key for key in data if key.endswith("TOTAL_FORMS") and model in key).split(
            "-TOTAL_FORMS"
        )[0]
        for model in ("standard_items", "attendance_groups")
    }
    items, groups = prefixes["standard_items"], prefixes["attendance_groups"]
    data.update(
        {
            f"{items}-TOTAL_FORMS": "2",
            f"{items}-0-order": "1",
            f"{items}-0-kind": "apologies",
            f"{items}-0-title": "Welcome and apologies",
            f"{items}-1-order": "2",
            f"{items}-1-kind": "action_review",
            f"{items}-1-title": "Action points: Review",
            f"{groups}-TOTAL_FORMS": "2",
            f"{groups}-0-order": "1",
            f"{groups}-0-label": "Board",
            f"{groups}-1-order": "2",
            f"{groups}-1-label": "Board",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200  # the same label twice is refused
    assert not StandardItem.objects.filter(committee=committee).exists()

    data[f"{groups}-1-label"] = "Support officers"
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assert list(committee.standard_items.values_list("title", flat=True)) == [
        "Welcome and apologies",
        "Action points: Review",
    ]
    assert list(committee.attendance_groups.values_list("label", flat=True)) == [
        "Board",
        "Support officers",
    ]


def test_what_was_brought_forward_is_shown_by_each_records_own_rule(client, admin_client):
    committee = CommitteeFactory()
    StandardItem.objects.create(
        committee=committee, order=1, kind="action_review", title="Action points: Review"
    )
    july = MeetingFactory(committee=committee, starts_at=JULY, minutes_published=True)
    public_point = ActionPointFactory(
        meeting=july, reference="07/01", description="Share the cycle crime figures."
    )
    exempt_item = AgendaItemFactory(meeting=july, number="9", is_exempt=True)
    exempt_minute = MinuteFactory(meeting=july, agenda_item=exempt_item, number="9")
    ActionPointFactory(
        meeting=july,
        minute=exempt_minute,
        reference="07/02",
        description="Review the tenancy of the named family.",
    )
    WrittenQuestionFactory(meeting=july, number=1, question="How many bedspaces are there?")
    WrittenQuestionFactory(
        meeting=july, agenda_item=exempt_item, number=2, question="Who holds the lease?"
    )
    meeting = services.create_meeting(committee=committee, starts_at=OCTOBER, by=None)
    services.publish_agenda(meeting=meeting, by=None)

    text = page_text(client, meeting)

    assert "Action points brought forward for review Ref Action Owner Status 07/01" in text
    assert public_point.description in text
    assert "Written questions of this committee still awaiting a response" in text
    assert "07/02" not in text
    assert "named family" not in text
    assert "Who holds the lease?" not in text

    screen = admin_client.get(reverse("admin:meetings_meeting_minutes", args=[meeting.pk]))
    screen = text_of(screen.content.decode())
    assert "Action points brought forward" in screen
    assert "07/01" in screen
    assert "07/02" in screen
    assert "Who holds the lease?" in screen


def test_standing_officers_are_not_listed_as_members(client):
    committee = CommitteeFactory()
    MembershipFactory(committee=committee, person__name="Emma Corlett")
    MembershipFactory(
        committee=committee,
        role=Membership.Role.OFFICER,
        person=PersonFactory(honorific="", name="Timothy Shawcross"),
    )

    html = client.get(committee.get_absolute_url()).content.decode()

    assert "Cllr Emma Corlett" in html
    assert "Timothy Shawcross" not in html


def test_a_line_added_on_the_meetings_page_is_listed_after_those_there(admin_client, client):
    meeting = MeetingFactory(starts_at=JULY, minutes_published=True)
    officer = AttendanceFactory(
        meeting=meeting,
        person=PersonFactory(honorific="", name="Timothy Shawcross"),
        capacity=Attendance.Capacity.OFFICER,
        note="Committee Officer",
        order=4,
    )
    guest = PersonFactory(honorific="", name="Jemma Little")
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    data = change_form_data(admin_client.get(url))
    prefix = next(key for key in data if key.endswith("-TOTAL_FORMS") and "attend" in key)
    prefix = prefix.removesuffix("-TOTAL_FORMS")
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "2",
            f"{prefix}-1-order": "0",
            f"{prefix}-1-person": str(guest.pk),
            f"{prefix}-1-capacity": "guest",
            f"{prefix}-1-status": "present",
        }
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302
    added = meeting.attendances.get(person=guest)
    assert added.order == officer.order + 1
    text = page_text(client, meeting)
    assert text.index("Timothy Shawcross") < text.index("Jemma Little")
