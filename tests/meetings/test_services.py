import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from meetings import services
from meetings.models import ActionPoint, AgendaItem, Attendance, Meeting, WrittenQuestion
from tests.factories import (
    ActionPointFactory,
    AgendaItemFactory,
    CommitteeFactory,
    MeetingFactory,
    MembershipFactory,
    MinuteFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
    WrittenQuestionFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def at(year, month, day, hour=10):
    return datetime.datetime(year, month, day, hour, tzinfo=datetime.UTC)


# --- create_meeting ---------------------------------------------------------------------


def test_create_meeting_adds_standard_items_and_members_as_expected(officer):
    committee = CommitteeFactory(default_venue="Edwards Room, County Hall")
    chair = MembershipFactory(committee=committee, role="chair", order=1)
    member = MembershipFactory(committee=committee, order=2)
    substitute = MembershipFactory(
        committee=committee, role="substitute", substitute_for=member, order=3
    )
    MembershipFactory(
        committee=committee, end_date=datetime.date(2020, 1, 1)
    )  # left before the meeting

    meeting = services.create_meeting(committee=committee, starts_at=at(2027, 3, 4), by=officer)

    assert meeting.venue == "Edwards Room, County Hall"
    assert (meeting.agenda_status, meeting.minutes_status) == ("draft", "none")
    items = list(meeting.agenda_items.order_by("sort_key").values_list("number", "kind"))
    assert items == [
        ("1", "apologies"),
        ("2", "minutes"),
        ("3", "declarations"),
        ("4", "urgent_business"),
    ]
    expected = list(
        meeting.attendances.order_by("order").values_list("person", "capacity", "status")
    )
    assert expected == [
        (chair.person_id, "member", "expected"),
        (member.person_id, "member", "expected"),
        (substitute.person_id, "substitute", "expected"),
    ]


def test_create_meeting_refuses_a_second_meeting_on_the_same_day(officer):
    committee = CommitteeFactory()
    services.create_meeting(committee=committee, starts_at=at(2027, 3, 4, 10), by=officer)

    with pytest.raises(ValidationError, match="already has a meeting on 4 March 2027"):
        services.create_meeting(committee=committee, starts_at=at(2027, 3, 4, 14), by=officer)
    assert Meeting.objects.filter(committee=committee).count() == 1


def test_create_meeting_refuses_a_time_without_a_zone(officer):
    with pytest.raises(ValidationError, match="time zone"):
        services.create_meeting(
            committee=CommitteeFactory(), starts_at=datetime.datetime(2027, 3, 4, 10), by=officer
        )


# --- agenda and minutes -----------------------------------------------------------------


def test_publish_agenda_stamps_the_time(officer):
    meeting = MeetingFactory(draft=True)
    AgendaItemFactory(meeting=meeting)

    published = services.publish_agenda(meeting=meeting, by=officer)

    assert published.agenda_status == "published"
    assert timezone.now() - published.agenda_published_at < datetime.timedelta(minutes=1)


def test_publish_agenda_refuses_twice_and_empty_agendas(officer):
    with pytest.raises(ValidationError, match="already published"):
        services.publish_agenda(meeting=MeetingFactory(), by=officer)
    with pytest.raises(ValidationError, match="has no items yet"):
        services.publish_agenda(meeting=MeetingFactory(draft=True), by=officer)


def test_publish_minutes_marks_the_meeting_held(officer):
    meeting = MeetingFactory()
    MinuteFactory(meeting=meeting)

    published = services.publish_minutes(meeting=meeting, by=officer)

    assert (published.minutes_status, published.status) == ("published", "held")
    assert published.minutes_published_at is not None


def test_publish_minutes_before_the_agenda_is_refused(officer):
    meeting = MeetingFactory(draft=True, starts_at=at(2022, 2, 24))
    MinuteFactory(meeting=meeting)

    with pytest.raises(
        ValidationError, match="Publish the agenda for 24 February 2022 before its minutes"
    ):
        services.publish_minutes(meeting=meeting, by=officer)
    meeting.refresh_from_db()
    assert meeting.minutes_status == "none"


def test_publish_minutes_refuses_future_cancelled_empty_and_repeated(officer):
    future = MeetingFactory(starts_at=timezone.now() + datetime.timedelta(days=30))
    MinuteFactory(meeting=future)
    cancelled = MeetingFactory(status="cancelled")
    MinuteFactory(meeting=cancelled)
    already = MeetingFactory(minutes_published=True)

    with pytest.raises(ValidationError, match="has not taken place yet"):
        services.publish_minutes(meeting=future, by=officer)
    with pytest.raises(ValidationError, match="was cancelled"):
        services.publish_minutes(meeting=cancelled, by=officer)
    with pytest.raises(ValidationError, match="no minutes written yet"):
        services.publish_minutes(meeting=MeetingFactory(), by=officer)
    with pytest.raises(ValidationError, match="already published"):
        services.publish_minutes(meeting=already, by=officer)


def test_confirm_minutes_links_the_two_meetings(officer):
    committee = CommitteeFactory()
    july = MeetingFactory(committee=committee, starts_at=at(2021, 7, 20), minutes_published=True)
    september = MeetingFactory(committee=committee, starts_at=at(2021, 9, 16))

    services.confirm_minutes(meeting=july, at_meeting=september, by=officer)

    july.refresh_from_db()
    assert july.minutes_status == "confirmed"
    assert july.minutes_confirmed_at_meeting == september
    assert list(september.minutes_confirmed.all()) == [july]


def test_confirm_minutes_at_an_earlier_meeting_is_refused(officer):
    committee = CommitteeFactory()
    july = MeetingFactory(committee=committee, starts_at=at(2021, 7, 20))
    september = MeetingFactory(
        committee=committee, starts_at=at(2021, 9, 16), minutes_published=True
    )

    with pytest.raises(
        ValidationError,
        match="only be confirmed at a later meeting, not at the meeting of 20 July 2021",
    ):
        services.confirm_minutes(meeting=september, at_meeting=july, by=officer)
    with pytest.raises(ValidationError, match="later meeting"):
        services.confirm_minutes(meeting=september, at_meeting=september, by=officer)
    september.refresh_from_db()
    assert september.minutes_status == "published"


def test_confirm_minutes_refuses_unpublished_confirmed_and_other_committees(officer):
    committee = CommitteeFactory()
    unpublished = MeetingFactory(committee=committee, starts_at=at(2021, 7, 20))
    later = MeetingFactory(committee=committee, starts_at=at(2021, 9, 16))
    other_committee_meeting = MeetingFactory(starts_at=at(2021, 10, 1))
    published = MeetingFactory(
        committee=committee, starts_at=at(2021, 8, 1), minutes_published=True
    )

    with pytest.raises(ValidationError, match="Publish the minutes of 20 July 2021 before"):
        services.confirm_minutes(meeting=unpublished, at_meeting=later, by=officer)
    with pytest.raises(ValidationError, match="same committee"):
        services.confirm_minutes(meeting=published, at_meeting=other_committee_meeting, by=officer)
    services.confirm_minutes(meeting=published, at_meeting=later, by=officer)
    with pytest.raises(ValidationError, match="already confirmed"):
        services.confirm_minutes(meeting=published, at_meeting=later, by=officer)


def test_cancel_meeting_keeps_a_published_meeting_public(officer):
    meeting = MeetingFactory(starts_at=timezone.now() + datetime.timedelta(days=10))

    services.cancel_meeting(meeting=meeting, by=officer)

    assert Meeting.objects.public().get(pk=meeting.pk).status == "cancelled"


def test_cancel_meeting_refuses_twice_and_after_it_was_held(officer):
    cancelled = MeetingFactory(status="cancelled")
    held = MeetingFactory(minutes_published=True)

    with pytest.raises(ValidationError, match="already cancelled"):
        services.cancel_meeting(meeting=cancelled, by=officer)
    with pytest.raises(ValidationError, match="has been held"):
        services.cancel_meeting(meeting=held, by=officer)


# --- action points ----------------------------------------------------------------------


def test_raise_action_point_numbers_by_month_and_sequence(officer):
    committee = CommitteeFactory()
    july = MeetingFactory(committee=committee, starts_at=at(2022, 7, 19))
    october = MeetingFactory(committee=committee, starts_at=at(2022, 10, 11))

    first = services.raise_action_point(
        meeting=july, description="Circulate the DASV report", by=officer
    )
    second = services.raise_action_point(
        meeting=july, description="Invite the Vision Zero lead", by=officer
    )
    autumn = services.raise_action_point(
        meeting=october, description="Report back on hate crime", by=officer
    )

    assert [first.reference, second.reference, autumn.reference] == ["07/01", "07/02", "10/01"]
    assert first.committee == committee
    assert first.status == "open"


def test_raise_action_point_continues_the_month_series_next_year(officer):
    committee = CommitteeFactory()
    ActionPointFactory(
        committee=committee, meeting=MeetingFactory(committee=committee), reference="07/07"
    )
    next_july = MeetingFactory(committee=committee, starts_at=at(2023, 7, 18))

    raised = services.raise_action_point(meeting=next_july, description="Follow up", by=officer)

    assert raised.reference == "07/08"


def test_raise_action_point_refuses_a_duplicate_reference_and_a_foreign_minute(officer):
    meeting = MeetingFactory(starts_at=at(2022, 7, 19))
    services.raise_action_point(meeting=meeting, description="First", by=officer, reference="07/01")

    with pytest.raises(ValidationError, match="already has an action point 07/01"):
        services.raise_action_point(
            meeting=meeting, description="Again", by=officer, reference="07/01"
        )
    with pytest.raises(ValidationError, match="must belong to the meeting"):
        services.raise_action_point(
            meeting=meeting, description="Wrong", minute=MinuteFactory(), by=officer
        )
    with pytest.raises(ValidationError, match="Say what has to be done"):
        services.raise_action_point(meeting=meeting, description="  ", by=officer)
    assert ActionPoint.objects.count() == 1


def test_close_action_point_records_response_and_meeting(officer):
    action_point = ActionPointFactory(meeting__starts_at=at(2022, 7, 19))
    october = MeetingFactory(committee=action_point.committee, starts_at=at(2022, 10, 11))

    closed = services.close_action_point(
        action_point=action_point,
        response="Closed: Agenda Item 10",
        closed_at_meeting=october,
        by=officer,
    )

    assert (closed.status, closed.response) == ("closed", "Closed: Agenda Item 10")
    assert closed.closed_on == datetime.date(2022, 10, 11)
    assert closed.closed_at_meeting == october


def test_closing_a_closed_action_point_is_refused(officer):
    action_point = ActionPointFactory(reference="07/03")
    services.close_action_point(
        action_point=action_point,
        response="Done",
        closed_on=datetime.date(2022, 10, 11),
        by=officer,
    )

    with pytest.raises(
        ValidationError, match="Action point 07/03 is already closed \\(closed 11 October 2022\\)"
    ):
        services.close_action_point(action_point=action_point, response="Again", by=officer)


def test_close_action_point_needs_a_response_and_a_later_meeting(officer):
    action_point = ActionPointFactory(meeting__starts_at=at(2022, 7, 19))
    earlier = MeetingFactory(committee=action_point.committee, starts_at=at(2022, 4, 1))

    with pytest.raises(ValidationError, match="Say how action point"):
        services.close_action_point(action_point=action_point, response=" ", by=officer)
    with pytest.raises(ValidationError, match="before the one that raised it"):
        services.close_action_point(
            action_point=action_point, response="Done", closed_at_meeting=earlier, by=officer
        )
    action_point.refresh_from_db()
    assert action_point.status == "open"


# --- written questions ------------------------------------------------------------------


def partnership_officer(organisation):
    from django.contrib.auth.models import Group

    from safer_norfolk.roles import PARTNERSHIP_OFFICER

    user = UserFactory()
    user.groups.add(Group.objects.get(name=PARTNERSHIP_OFFICER))
    PersonFactory(organisation=organisation, user=user)
    return user


def test_record_written_response_answers_the_question(officer):
    question = WrittenQuestionFactory()
    opccn = OrganisationFactory(short_name="OPCCN")

    answered = services.record_written_response(
        question=question,
        response="The Partnership will report in May.",
        responded_by=opccn,
        by=officer,
    )

    assert answered.status == "answered"
    assert answered.responded_by == opccn
    assert answered.responded_on == timezone.localdate()


def test_answering_a_withdrawn_question_is_refused(officer):
    question = WrittenQuestionFactory(status="withdrawn")

    with pytest.raises(
        ValidationError, match=r"Question \d+ was withdrawn, so it cannot be answered"
    ):
        services.record_written_response(
            question=question, response="Answer", responded_by=None, by=officer
        )
    question.refresh_from_db()
    assert (question.status, question.response) == ("withdrawn", "")


def test_partnership_officer_answers_only_questions_addressed_to_their_organisation():
    police = OrganisationFactory(name="Norfolk Constabulary")
    council = OrganisationFactory(name="Norfolk County Council")
    to_police = WrittenQuestionFactory(addressed_to=police)
    to_council = WrittenQuestionFactory(addressed_to=council)
    police_officer = partnership_officer(police)

    services.record_written_response(
        question=to_police, response="Answered by police.", responded_by=police, by=police_officer
    )
    with pytest.raises(PermissionDenied):
        services.record_written_response(
            question=to_council, response="Not mine.", responded_by=police, by=police_officer
        )

    assert WrittenQuestion.objects.get(pk=to_police.pk).status == "answered"
    assert WrittenQuestion.objects.get(pk=to_council.pk).status == "awaiting"


def test_partnership_officer_cannot_record_a_response_as_another_organisation(client):
    police = OrganisationFactory(name="Norfolk Constabulary")
    council = OrganisationFactory(name="Norfolk County Council")
    question = WrittenQuestionFactory(addressed_to=police)
    police_officer = partnership_officer(police)

    with pytest.raises(ValidationError, match="only as your own organisation"):
        services.record_written_response(
            question=question,
            response="Signed as the council.",
            responded_by=council,
            by=police_officer,
        )
    question.refresh_from_db()
    assert (question.status, question.responded_by) == ("awaiting", None)
    client.force_login(police_officer)
    refused = client.post(
        f"/api/v1/written-questions/{question.pk}/respond/",
        {"response": "Signed as the council.", "responded_by": council.pk},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert "responded_by" in refused.json()
    answered = services.record_written_response(
        question=question,
        response="Answered by the police.",
        responded_by=None,
        by=police_officer,
    )
    assert answered.responded_by == police


def test_partnership_officer_sees_responded_by_as_fixed_in_the_admin(client):
    police = OrganisationFactory(name="Norfolk Constabulary")
    question = WrittenQuestionFactory(addressed_to=police)
    client.force_login(partnership_officer(police))

    page = client.get(f"/admin/meetings/writtenquestion/{question.pk}/change/")

    assert page.status_code == 200
    assert "responded_by" in page.context["adminform"].readonly_fields
    assert 'name="responded_by"' not in page.content.decode()


def test_number_ordering_is_natural_everywhere():
    meeting = MeetingFactory()
    for number in ["10", "6.1", "9", "6", "1", "6.10", "6.2"]:
        AgendaItemFactory(meeting=meeting, number=number)
        MinuteFactory(meeting=meeting, number=number)
    committee = meeting.committee
    for reference in ["07/10", "07/02", "10/01", "07/01"]:
        ActionPointFactory(committee=committee, meeting=meeting, reference=reference)

    expected = ["1", "6", "6.1", "6.2", "6.10", "9", "10"]
    assert (
        list(AgendaItem.objects.filter(meeting=meeting).values_list("number", flat=True))
        == expected
    )
    assert list(meeting.minutes.order_by("sort_key").values_list("number", flat=True)) == expected
    assert list(
        ActionPoint.objects.filter(committee=committee).values_list("reference", flat=True)
    ) == [
        "07/01",
        "07/02",
        "07/10",
        "10/01",
    ]


def test_attendance_is_once_per_person_per_meeting():
    from django.db import IntegrityError

    attendance = Attendance.objects.create(meeting=MeetingFactory(), person=PersonFactory())

    with pytest.raises(IntegrityError):
        Attendance.objects.create(meeting=attendance.meeting, person=attendance.person)


def test_agenda_item_number_is_unique_per_meeting():
    from django.db import IntegrityError

    item = AgendaItemFactory(number="5")

    with pytest.raises(IntegrityError):
        AgendaItemFactory(meeting=item.meeting, number="5")
