"""The committee list's figures (meetings.queries.committees): one query for every committee,
and only public material counted."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings import queries
from tests.factories import (
    ActionPointFactory,
    AgendaItemFactory,
    CommitteeFactory,
    MeetingFactory,
    MinuteFactory,
)

pytestmark = pytest.mark.django_db


def days_from_now(days):
    return timezone.now().replace(microsecond=0) + datetime.timedelta(days=days)


def test_committee_figures_count_only_public_material():
    committee = CommitteeFactory(name="Cambridge CSP Board")
    held = MeetingFactory(committee=committee, minutes_published=True)
    MeetingFactory(committee=committee)  # agenda published, minutes not yet
    MeetingFactory(committee=committee, minutes_draft=True)
    MeetingFactory(committee=committee, draft=True)
    MeetingFactory(committee=committee, draft=True, starts_at=days_from_now(2))
    MeetingFactory(committee=committee, status="cancelled", starts_at=days_from_now(3))
    upcoming = MeetingFactory(committee=committee, starts_at=days_from_now(10))
    MeetingFactory(committee=committee, starts_at=days_from_now(20))

    # Counted: open, raised at a meeting whose minutes are published, on no exempt item.
    ActionPointFactory(meeting=held)
    ActionPointFactory(meeting=held, minute=MinuteFactory(meeting=held))
    # Not counted: closed; minutes in draft; raised on the minute of an exempt item.
    ActionPointFactory(meeting=held, status="closed", closed_on=timezone.localdate())
    ActionPointFactory(meeting=MeetingFactory(committee=committee, minutes_draft=True))
    exempt = AgendaItemFactory(meeting=held, is_exempt=True)
    ActionPointFactory(meeting=held, minute=MinuteFactory(meeting=held, agenda_item=exempt))
    ActionPointFactory(meeting=MeetingFactory(committee=committee, draft=True))

    quiet = CommitteeFactory(name="Quiet Panel")

    rows = {row.name: row for row in queries.committees()}

    # The held meeting, the one awaiting minutes, the one with draft minutes, the cancelled
    # one and two to come: cancelling keeps a meeting public; drafts are not.
    assert rows[committee.name].meeting_count == 7
    assert rows[committee.name].next_meeting_at == upcoming.starts_at
    assert rows[committee.name].open_action_count == 2
    assert rows[quiet.name].meeting_count == 0
    assert rows[quiet.name].next_meeting_at is None
    assert rows[quiet.name].open_action_count == 0


def test_committee_list_is_one_query_whatever_the_number_of_committees():
    parent = CommitteeFactory(name="Board")
    for n in range(6):
        committee = CommitteeFactory(name=f"Panel {n}", parent=parent)
        meeting = MeetingFactory(committee=committee, minutes_published=True)
        MeetingFactory(committee=committee, starts_at=days_from_now(n + 1))
        ActionPointFactory(meeting=meeting)

    with CaptureQueriesContext(connection) as captured:
        rows = [
            (
                row.get_absolute_url(),
                row.parent and row.parent.name,
                row.partnership and row.partnership.is_example,
                row.meeting_count,
                row.next_meeting_at,
                row.open_action_count,
            )
            for row in queries.committees()
        ]

    assert len(rows) == 7
    assert len(captured) == 1
