"""Reminders to owners and officers: before an action point, a question's response or a plan
update is due and once it is late, and to the committee officer when an agenda is not out
five clear working days before its meeting (England and Wales bank holidays counted); each
once, to the right person, published records only, and stoppable from the link in each."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from alerts import delivery, links, reminders
from alerts.models import Message, Reminder, ReminderOptOut
from safer_norfolk.roles import PARTNERSHIP_OFFICER
from tests.factories import (
    ActionFactory,
    ActionPointFactory,
    ActionUpdateFactory,
    CommitteeFactory,
    MeetingFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
    WrittenQuestionFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n):
    return TODAY + datetime.timedelta(days=n)


@pytest.mark.parametrize(
    ("meeting_day", "deadline"),
    [
        # Five clear working days between: Thursday 10 December's agenda by Wednesday 2nd.
        (datetime.date(2026, 12, 10), datetime.date(2026, 12, 2)),
        # Christmas Day and the Boxing Day substitute on Monday 28th are not working days.
        (datetime.date(2026, 12, 31), datetime.date(2026, 12, 21)),
        # Nor are Good Friday and Easter Monday.
        (datetime.date(2026, 4, 9), datetime.date(2026, 3, 30)),
    ],
)
def test_the_agenda_deadline_counts_clear_working_days(meeting_day, deadline):
    assert reminders.agenda_deadline(meeting_day) == deadline


@pytest.fixture
def breckland():
    """Breckland Council with a partnership officer; a committee with a contact address."""
    council = OrganisationFactory(name="Breckland Council")
    user = UserFactory(username="breckland-officer", email="")
    user.groups.add(Group.objects.get(name=PARTNERSHIP_OFFICER))
    PersonFactory(organisation=council, user=user, email="officer@breckland.example")
    committee = CommitteeFactory(name="Scrutiny Panel", contact_email="clerk@norfolk.example")
    return council, committee


def reminded():
    return {(r.kind, r.about.split(":")[0], r.to) for r in Reminder.objects.all()}


def test_an_action_point_is_reminded_before_it_is_due_and_once_late(breckland):
    council, committee = breckland
    owner = PersonFactory(name="Ann Owner", email="ann@breckland.example", organisation=council)
    point = ActionPointFactory(
        committee=committee, owner_person=owner, due_date=days(3), description="Circulate figures"
    )
    assert reminders.write_reminders() == 1
    assert reminders.write_reminders() == 0  # once
    assert reminded() == {("due_soon", "action_point", "ann@breckland.example")}

    later = point.due_date + datetime.timedelta(days=1)
    assert reminders.write_reminders(today=later) == 1
    assert reminders.write_reminders(today=later) == 0
    assert ("overdue", "action_point", "ann@breckland.example") in reminded()


def test_without_an_owner_the_organisation_s_officers_then_the_committee_officer(breckland):
    council, committee = breckland
    ActionPointFactory(committee=committee, owner_organisation=council, due_date=days(1))
    ActionPointFactory(
        committee=committee, owner_organisation=OrganisationFactory(), due_date=days(2)
    )
    WrittenQuestionFactory(addressed_to=council, response_due=days(-2))
    assert reminders.write_reminders() == 3
    assert reminded() == {
        ("due_soon", "action_point", "officer@breckland.example"),
        ("due_soon", "action_point", "clerk@norfolk.example"),
        ("overdue", "question", "officer@breckland.example"),
    }
    # One message to each address, listing all of its reminders.
    message = Message.objects.get(to="officer@breckland.example")
    assert message.subject == "Reminder: 2 things due, 1 late"
    assert "Overdue" in message.text
    assert "Due soon" in message.text


def test_unpublished_records_are_not_reminded_of(breckland):
    council, committee = breckland
    draft = MeetingFactory(committee=committee, minutes_draft=True)
    ActionPointFactory(
        meeting=draft, committee=committee, owner_organisation=council, due_date=days(1)
    )
    WrittenQuestionFactory(meeting=draft, addressed_to=council, response_due=days(1))
    assert reminders.write_reminders() == 0


def test_plan_action_owners_hear_when_an_update_falls_due_and_when_stale(breckland):
    council, _ = breckland
    lead = PersonFactory(email="lead@breckland.example", organisation=council)
    due = ActionFactory(number="1.1", lead=lead, owners=[council])
    due.plan.reporting_interval_days = 92
    due.plan.save()
    ActionUpdateFactory(action=due, reported_on=days(-88))
    stale = ActionFactory(plan=due.plan, number="1.2", owners=[council])
    ActionUpdateFactory(action=stale, reported_on=days(-100))
    never = ActionFactory(plan=due.plan, number="1.3", owners=[council])
    fresh = ActionFactory(plan=due.plan, number="1.4", lead=lead)
    ActionUpdateFactory(action=fresh, reported_on=days(-10))

    assert reminders.write_reminders() == 3
    assert {(r.kind, r.about, r.to) for r in Reminder.objects.all()} == {
        ("update_due", f"plan_action:{due.pk}", "lead@breckland.example"),
        ("stale", f"plan_action:{stale.pk}", "officer@breckland.example"),
        ("stale", f"plan_action:{never.pk}", "officer@breckland.example"),
    }


def test_the_committee_officer_hears_when_an_agenda_is_late(breckland):
    _, committee = breckland
    soon = timezone.now() + datetime.timedelta(days=3)
    MeetingFactory(committee=committee, starts_at=soon, draft=True, status="scheduled")
    later = timezone.now() + datetime.timedelta(days=18)
    MeetingFactory(committee=committee, starts_at=later, draft=True, status="scheduled")
    assert reminders.write_reminders() == 1
    message = Message.objects.get()
    assert message.to == "clerk@norfolk.example"
    assert "Agenda not yet published" in message.text
    assert "Scrutiny Panel" in message.text


def test_an_address_can_stop_its_reminders(client, breckland, smtp_server):
    council, committee = breckland
    ActionPointFactory(committee=committee, owner_organisation=council, due_date=days(1))
    reminders.write_reminders()
    delivery.send_queued_now()
    [message] = smtp_server.to("officer@breckland.example")
    # The link is signed with the second it was written in, so read it from the message.
    text = message.get_body(preferencelist=("plain",)).get_content()
    [stop] = re.findall(r"http://localhost:8000/reminders/stop/\S+/", text)
    assert links.address_for(stop.split("/")[-2]) == "officer@breckland.example"

    path = stop.removeprefix("http://localhost:8000")
    assert "Stop reminders to officer@breckland.example?" in client.get(path).content.decode()
    assert not ReminderOptOut.objects.exists()
    assert "Reminders stopped" in client.post(path).content.decode()
    assert client.get(path[:-4] + "xx/").status_code == 404

    ActionPointFactory(committee=committee, owner_organisation=council, due_date=days(2))
    assert reminders.write_reminders() == 0
