"""Pages cost the same number of queries however much data they show."""

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
    ResolutionFactory,
    WorkProgrammeItemFactory,
    WrittenQuestionFactory,
)

pytestmark = pytest.mark.django_db

MAX_QUERIES_PER_PAGE = 15


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def grow_committee(committee, size):
    for n in range(size):
        main = MembershipFactory(committee=committee)
        MembershipFactory(committee=committee, role="substitute", substitute_for=main)
        meeting = MeetingFactory(committee=committee, minutes_published=True)
        MeetingFactory(
            committee=committee, starts_at=timezone.now() + datetime.timedelta(days=10 + n)
        )
        ActionPointFactory(committee=committee, meeting=meeting)
        WorkProgrammeItemFactory(committee=committee, meeting=meeting)


def grow_meeting(meeting, size):
    for _ in range(size):
        item = AgendaItemFactory(meeting=meeting)
        DocumentFactory(meeting=meeting, agenda_item=item)
        AttendanceFactory(meeting=meeting)
        AttendanceFactory(meeting=meeting, status="apologies")
        DeclarationFactory(meeting=meeting, agenda_item=item)
        minute = MinuteFactory(meeting=meeting, agenda_item=item)
        ResolutionFactory(minute=minute)
        ResolutionFactory(minute=minute)
        ActionPointFactory(meeting=meeting, committee=meeting.committee, minute=minute)
        WrittenQuestionFactory(meeting=meeting, agenda_item=item)


def test_committee_page_queries_do_not_grow_with_data(client):
    committee = CommitteeFactory()
    url = committee.get_absolute_url()
    grow_committee(committee, 2)
    small = queries_for(client, url)

    grow_committee(committee, 8)
    large = queries_for(client, url)

    assert small == large
    assert large <= MAX_QUERIES_PER_PAGE


def test_meeting_page_queries_do_not_grow_with_data(client):
    meeting = MeetingFactory(minutes_published=True)
    MeetingFactory(
        committee=meeting.committee,
        minutes_published=True,
        minutes_status="confirmed",
        minutes_confirmed_at_meeting=meeting,
    )
    url = meeting.get_absolute_url()
    grow_meeting(meeting, 2)
    small = queries_for(client, url)

    grow_meeting(meeting, 8)
    large = queries_for(client, url)

    assert small == large
    assert large <= MAX_QUERIES_PER_PAGE


@pytest.mark.parametrize("url_name", ["meetings:committees", "meetings:questions", "home"])
def test_list_pages_queries_do_not_grow_with_data(client, url_name):
    def grow(size):
        for _ in range(size):
            committee = CommitteeFactory()
            meeting = MeetingFactory(committee=committee, minutes_published=True)
            MeetingFactory(
                committee=committee, starts_at=timezone.now() + datetime.timedelta(days=3)
            )
            WrittenQuestionFactory(meeting=meeting)
            ActionPointFactory(meeting=meeting, committee=committee)

    url = reverse(url_name)
    grow(2)
    small = queries_for(client, url)

    grow(6)
    large = queries_for(client, url)

    assert small == large
    assert large <= MAX_QUERIES_PER_PAGE
