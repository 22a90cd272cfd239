"""Each organisation's record at each meeting is stored (OrganisationAttendance) and follows
every write that can change it: the meeting (published, its minutes published or withdrawn,
cancelled, moved to another day or committee), attendance lines (marked, moved, deleted),
memberships (added, ended, moved, deleted), a person moving to another organisation,
fixtures in any order, and rows written past save(). After each step the stored rows are
compared with the rule worked out afresh for every meeting, and with the record a reader
would expect."""

import datetime
import io
import json

import pytest
from django.core.management import call_command

from meetings import attendance_record
from meetings.models import Attendance, Meeting, Membership, OrganisationAttendance
from tests.factories import (
    AttendanceFactory,
    CommitteeFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


def at(year, month, day):
    return datetime.datetime(year, month, day, 10, tzinfo=datetime.UTC)


def stored():
    return {
        (organisation, meeting): (committee, starts_at, record)
        for organisation, meeting, committee, starts_at, record in (
            OrganisationAttendance.objects.values_list(
                "organisation_id", "meeting_id", "committee_id", "starts_at", "record"
            )
        )
    }


def assert_stored_is_the_rule():
    assert stored() == attendance_record.rule(Meeting.objects.values_list("pk", flat=True))


def records_of(organisation):
    """{meeting: record} stored for the organisation."""
    return dict(
        OrganisationAttendance.objects.filter(organisation=organisation).values_list(
            "meeting_id", "record"
        )
    )


@pytest.fixture
def panel():
    """A panel with a member from Breckland since 2023 and one from the police; three
    meetings with published minutes (Breckland's member present, with apologies, absent) and
    one whose minutes are not published."""
    breckland = OrganisationFactory(name="Breckland Council")
    police = OrganisationFactory(name="Norfolk Constabulary")
    member = PersonFactory(organisation=breckland, name="Ann Member")
    inspector = PersonFactory(organisation=police, name="Ian Inspector")
    committee = CommitteeFactory(name="Scrutiny Panel")
    membership = MembershipFactory(
        committee=committee, person=member, start_date=datetime.date(2023, 1, 1)
    )
    MembershipFactory(committee=committee, person=inspector)
    meetings = {
        name: MeetingFactory(committee=committee, starts_at=at(2023, month, 10), **traits)
        for name, month, traits in (
            ("present", 1, {"minutes_published": True}),
            ("apologies", 3, {"minutes_published": True}),
            ("absent", 5, {"minutes_published": True}),
            ("unpublished", 7, {"minutes_draft": True}),
        )
    }
    lines = {
        name: AttendanceFactory(meeting=meetings[name], person=member, status=status)
        for name, status in (
            ("present", "present"),
            ("apologies", "apologies"),
            ("absent", "absent"),
            ("unpublished", "present"),
        )
    }
    return {
        "breckland": breckland,
        "police": police,
        "member": member,
        "committee": committee,
        "membership": membership,
        "meetings": meetings,
        "lines": lines,
    }


def test_created_rows_store_each_record(panel):
    meetings = panel["meetings"]
    assert records_of(panel["breckland"]) == {
        meetings["present"].pk: "represented",
        meetings["apologies"].pk: "apologies",
        meetings["absent"].pk: "absent",
        meetings["unpublished"].pk: "not_recorded",  # its lines are not yet published
    }
    # Expected as a member, with no line: not recorded, never absent.
    assert set(records_of(panel["police"]).values()) == {"not_recorded"}
    assert_stored_is_the_rule()


def test_minutes_published_and_withdrawn(panel):
    meeting = panel["meetings"]["unpublished"]
    meeting.minutes_status = Meeting.MinutesStatus.PUBLISHED
    meeting.save()
    assert records_of(panel["breckland"])[meeting.pk] == "represented"
    assert_stored_is_the_rule()

    meeting.minutes_status = Meeting.MinutesStatus.DRAFT
    meeting.save()
    assert records_of(panel["breckland"])[meeting.pk] == "not_recorded"
    assert_stored_is_the_rule()


def test_a_meeting_cancelled_unpublished_or_moved(panel):
    breckland, meetings = panel["breckland"], panel["meetings"]
    cancelled = meetings["absent"]
    cancelled.status = Meeting.Status.CANCELLED
    cancelled.save()
    assert cancelled.pk not in records_of(breckland)

    withdrawn = meetings["unpublished"]
    withdrawn.agenda_status = Meeting.AgendaStatus.DRAFT
    withdrawn.save()
    assert withdrawn.pk not in records_of(breckland)
    assert withdrawn.pk not in records_of(panel["police"])
    assert_stored_is_the_rule()

    # Moved to a day before the member joined: expected no longer, though named there.
    moved = meetings["present"]
    other = CommitteeFactory(name="Other Panel")
    moved.committee = other
    moved.save()
    row = OrganisationAttendance.objects.get(organisation=breckland, meeting=moved)
    assert (row.committee_id, row.record) == (other.pk, "represented")  # named in the lines
    assert moved.pk not in records_of(panel["police"])  # not a member of the other panel
    moved.starts_at = at(2022, 6, 1)
    moved.save()
    assert OrganisationAttendance.objects.get(meeting=moved).starts_at == at(2022, 6, 1)
    assert_stored_is_the_rule()


def test_lines_marked_moved_and_deleted(panel):
    breckland, meetings, lines = panel["breckland"], panel["meetings"], panel["lines"]
    line = lines["absent"]
    line.status = Attendance.Status.PRESENT
    line.save()
    assert records_of(breckland)[meetings["absent"].pk] == "represented"

    # A colleague present as an officer where the member sent apologies.
    colleague = PersonFactory(organisation=breckland, name="Ben Officer")
    officer_line = AttendanceFactory(
        meeting=meetings["apologies"], person=colleague, status="present", capacity="officer"
    )
    assert records_of(breckland)[meetings["apologies"].pk] == "represented"
    assert_stored_is_the_rule()

    officer_line.delete()
    assert records_of(breckland)[meetings["apologies"].pk] == "apologies"

    # A line moved to a meeting of a committee the organisation does not sit on.
    elsewhere = MeetingFactory(starts_at=at(2023, 2, 1), minutes_published=True)
    line = Attendance.objects.get(pk=lines["present"].pk)
    line.meeting = elsewhere
    line.save()
    assert records_of(breckland)[meetings["present"].pk] == "not_recorded"
    assert records_of(breckland)[elsewhere.pk] == "represented"
    assert_stored_is_the_rule()

    line.delete()
    assert elsewhere.pk not in records_of(breckland)
    assert_stored_is_the_rule()


def test_memberships_added_ended_moved_and_deleted(panel):
    police, committee = panel["police"], panel["committee"]
    meetings = panel["meetings"]
    membership = Membership.objects.get(committee=committee, person__organisation=police)
    membership.end_date = datetime.date(2023, 4, 1)
    membership.save()
    assert set(records_of(police)) == {meetings["present"].pk, meetings["apologies"].pk}
    assert_stored_is_the_rule()

    other = CommitteeFactory(name="Other Panel")
    later = MeetingFactory(committee=other, starts_at=at(2023, 9, 1), minutes_published=True)
    membership.committee = other
    membership.end_date = None
    membership.save()
    assert set(records_of(police)) == {later.pk}
    assert_stored_is_the_rule()

    membership.delete()
    assert records_of(police) == {}

    MembershipFactory(committee=committee, person=PersonFactory(organisation=police))
    assert set(records_of(police)) == set(meetings[name].pk for name in meetings)
    assert_stored_is_the_rule()


def test_a_person_moving_to_another_organisation(panel):
    breckland, police, member = panel["breckland"], panel["police"], panel["member"]
    member.organisation = police
    member.save()
    assert records_of(breckland) == {}
    assert records_of(police)[panel["meetings"]["present"].pk] == "represented"
    assert_stored_is_the_rule()

    member.organisation = None
    member.save()
    assert set(records_of(police).values()) == {"not_recorded"}  # its own member, no line
    assert_stored_is_the_rule()


def test_fixtures_store_the_rule_whatever_order_their_rows_come_in(panel, tmp_path):
    apologies_line = panel["lines"]["apologies"]
    out = io.StringIO()
    call_command(
        "dumpdata", "meetings.attendance", "meetings.membership", "meetings.meeting", stdout=out
    )
    rows = [
        row
        for row in json.loads(out.getvalue())
        if row["pk"] != apologies_line.pk or row["model"] != "meetings.attendance"
    ]
    for row in rows:
        if row["model"] == "meetings.meeting" and row["pk"] == panel["meetings"]["absent"].pk:
            row["fields"]["status"] = "cancelled"
        if row["model"] == "meetings.attendance" and row["pk"] == panel["lines"]["unpublished"].pk:
            row["fields"]["meeting"] = panel["meetings"]["apologies"].pk
    apologies_line.delete()
    OrganisationAttendance.objects.all().delete()
    fixture = tmp_path / "panel.json"
    # The lines and memberships first, their meetings last.
    fixture.write_text(json.dumps(sorted(rows, key=lambda row: row["model"] == "meetings.meeting")))
    call_command("loaddata", str(fixture), verbosity=0)
    meetings = panel["meetings"]
    assert records_of(panel["breckland"]) == {
        meetings["present"].pk: "represented",
        meetings["apologies"].pk: "represented",
        meetings["unpublished"].pk: "not_recorded",
    }
    assert_stored_is_the_rule()


def test_refresh_mends_rows_written_past_save(panel):
    OrganisationAttendance.objects.filter(record="represented").update(record="absent")
    OrganisationAttendance.objects.filter(organisation=panel["police"]).delete()
    OrganisationAttendance.objects.create(
        organisation=OrganisationFactory(name="Stray"),
        meeting=panel["meetings"]["present"],
        committee=panel["committee"],
        starts_at=panel["meetings"]["present"].starts_at,
        record="represented",
    )
    attendance_record.refresh()
    assert records_of(panel["breckland"])[panel["meetings"]["present"].pk] == "represented"
    assert len(records_of(panel["police"])) == 4
    assert_stored_is_the_rule()


def test_deleting_a_meeting_or_its_committee_takes_its_rows_and_leaves_the_rest(panel):
    meetings = panel["meetings"]
    meetings["present"].delete()  # its lines go first, then the meeting with its rows
    assert meetings["present"].pk not in records_of(panel["breckland"])
    assert_stored_is_the_rule()

    other = CommitteeFactory(name="Other Panel")
    kept = MeetingFactory(committee=other, starts_at=at(2023, 2, 1), minutes_published=True)
    AttendanceFactory(meeting=kept, person=panel["member"], status="present")
    panel["committee"].attendance_groups.all().delete()
    Membership.objects.filter(committee=panel["committee"]).delete()
    for meeting in Meeting.objects.filter(committee=panel["committee"]).order_by("starts_at"):
        meeting.delete()
    assert records_of(panel["breckland"]) == {kept.pk: "represented"}
    assert_stored_is_the_rule()
