"""Hostile input in emails: the XSS corpus, typed into every field that reaches a follower's
message or a reminder (a committee's, an organisation's, a plan's and an action's names, a
paper's title, a question, an action point), comes out inert in each message's HTML and as
typed in its text."""

import datetime

import pytest
from django.utils import timezone

from alerts import digests, reminders
from alerts.models import Message, Subscription
from meetings.services import publish_agenda
from tests.factories import (
    ActionFactory,
    ActionPointFactory,
    ActionUpdateFactory,
    AgendaItemFactory,
    CommitteeFactory,
    DocumentFactory,
    MeetingFactory,
    OrganisationFactory,
    PersonFactory,
    PlanFactory,
    WrittenQuestionFactory,
)
from tests.hostile_input.audit import PageAudit
from tests.hostile_input.world import PLAIN_PAYLOADS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("payload", PLAIN_PAYLOADS.values(), ids=PLAIN_PAYLOADS.keys())
def test_every_field_that_reaches_an_email_is_inert_in_it(payload, officer):
    def typed(what):
        return f"{payload} {what}"

    organisation = OrganisationFactory(name=typed("Council"), slug="council")
    # A line break in a name cannot end the subject line early.
    committee = CommitteeFactory(name=typed("Panel\nBcc: x@example.org"), slug="panel")
    meeting = MeetingFactory(
        committee=committee, starts_at=timezone.now() + datetime.timedelta(days=30), draft=True
    )
    AgendaItemFactory(meeting=meeting, title=typed("Item"))
    DocumentFactory(meeting=meeting, title=typed("Paper"))
    plan = PlanFactory(title=typed("Plan"), slug="plan")
    action = ActionFactory(plan=plan, number="1.1", title=typed("Action"), owners=[organisation])
    confirmed = timezone.now() - datetime.timedelta(hours=1)
    for kind, key in (
        ("committee", "panel"),
        ("plan", "plan"),
        ("action", "plan/1.1"),
        ("organisation", "council"),
    ):
        Subscription.objects.create(
            email=f"{kind}@example.org", kind=kind, key=key, confirmed_at=confirmed
        )
    publish_agenda(meeting=meeting, by=officer)
    ActionUpdateFactory(action=action, text=typed("Update"))
    owner = PersonFactory(email="owner@example.org", organisation=organisation)
    today = timezone.localdate()
    ActionPointFactory(
        owner_person=owner, description=typed("Point"), due_date=today, committee=committee
    )
    WrittenQuestionFactory(
        addressed_to=organisation,
        question=typed("Question"),
        response_due=today,
        meeting=MeetingFactory(committee=committee, minutes_published=True),
    )

    assert digests.write_messages() == 4
    assert reminders.write_reminders() >= 1
    expected = " ".join(payload.split())
    for message in Message.objects.all():
        page = PageAudit(message.html)
        assert page.problems == [], f"{message.reason} to {message.to}: {page.problems}"
        assert expected in page.text, f"{message.reason} to {message.to}"
        assert expected in " ".join(message.text.split())
        assert "\n" not in message.subject
