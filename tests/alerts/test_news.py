"""What followers are told: each change about what they follow since their last message,
only while its record is published, once, as it happens or once a week, in batches whatever
the number of followers; sent over a real SMTP connection and read back."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alerts import delivery, digests
from alerts.models import Change, Message, Subscription
from meetings.models import Meeting
from meetings.services import publish_agenda, publish_minutes
from tests.factories import (
    ActionFactory,
    ActionPointFactory,
    ActionUpdateFactory,
    AgendaItemFactory,
    CommitteeFactory,
    DocumentFactory,
    MeasureFactory,
    MeetingFactory,
    MinuteFactory,
    ObservationFactory,
    OrganisationFactory,
    OutcomeFrameworkFactory,
    PlanFactory,
    WrittenQuestionFactory,
)

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def follower(kind, key, email="reader@example.org", frequency="immediate", confirmed=None):
    return Subscription.objects.create(
        email=email,
        kind=kind,
        key=key,
        frequency=frequency,
        confirmed_at=confirmed or timezone.now() - HOUR,
    )


def text_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def panel():
    committee = CommitteeFactory(name="Safer Breckland Panel", slug="safer-breckland-panel")
    draft = MeetingFactory(
        committee=committee, starts_at=datetime.datetime(2026, 12, 1, 10, tzinfo=datetime.UTC),
        draft=True,
    )  # fmt: skip
    AgendaItemFactory(meeting=draft, title="Hate crime")
    return committee, draft


def test_a_committee_follower_hears_of_an_agenda_once(panel, officer, smtp_server):
    committee, meeting = panel
    follower("committee", committee.slug)
    publish_agenda(meeting=meeting, by=officer)

    assert digests.write_messages() == 1
    assert digests.write_messages() == 0  # nothing new since
    delivery.send_queued_now()
    [message] = smtp_server.to("reader@example.org")
    assert message["Subject"] == "New: Safer Breckland Panel"
    assert "List-Unsubscribe" in message
    text = text_of(message)
    assert "Agenda published: Safer Breckland Panel, 1 December 2026" in text
    assert "http://localhost:8000/committees/safer-breckland-panel/2026-12-01/" in text


def test_news_from_before_confirming_is_not_sent(panel, officer):
    committee, meeting = panel
    publish_agenda(meeting=meeting, by=officer)
    Change.objects.update(at=timezone.now() - 2 * HOUR)
    follower("committee", committee.slug)
    assert digests.write_messages() == 0


def test_only_what_is_still_published_is_told(panel, officer, smtp_server):
    committee, meeting = panel
    publish_agenda(meeting=meeting, by=officer)
    meeting.refresh_from_db()
    meeting.status = Meeting.Status.HELD
    meeting.save()
    exempt = AgendaItemFactory(meeting=meeting, is_exempt=True)
    DocumentFactory(meeting=meeting, agenda_item=exempt, title="LEAK exempt paper")
    DocumentFactory(meeting=meeting, title="LEAK not public paper", is_public=False)
    DocumentFactory(meeting=meeting, title="Hate crime figures")
    WrittenQuestionFactory(
        meeting=meeting, agenda_item=exempt, status="answered", response="LEAK", number="9"
    )
    MinuteFactory(meeting=meeting, agenda_item=meeting.agenda_items.first())
    publish_minutes(meeting=meeting, by=officer)
    # Withdrawn before the run: the minutes are news no more.
    meeting.refresh_from_db()
    meeting.minutes_status = Meeting.MinutesStatus.DRAFT
    meeting.save()
    follower("committee", committee.slug, confirmed=timezone.now() - 2 * HOUR)

    assert digests.write_messages() == 1
    message = Message.objects.get()
    assert "Agenda published" in message.text
    assert "Paper added: Hate crime figures" in message.text
    assert "LEAK" not in message.text + message.html + message.subject
    assert "Minutes published" not in message.text
    assert "Written answer recorded" not in message.text


def test_plan_action_and_organisation_followers_hear_of_published_updates():
    owner = OrganisationFactory(name="Breckland Council", slug="breckland-council")
    plan = PlanFactory(title="Safer Norfolk Plan", slug="safer-norfolk-plan")
    action = ActionFactory(plan=plan, number="1.14", owners=[owner])
    for kind, key in (
        ("plan", plan.slug),
        ("action", "safer-norfolk-plan/1.14"),
        ("organisation", owner.slug),
    ):
        follower(kind, key, email=f"{kind}@example.org")
    ActionUpdateFactory(action=action, rag="green", text="Campaign launched.")
    ActionUpdateFactory(action=action, rag="red", status="draft", text="LEAK draft")

    assert digests.write_messages() == 3
    for message in Message.objects.all():
        assert "Progress update published: Safer Norfolk Plan: action 1.14, Green" in message.text
        assert "Red" not in message.text


def test_an_organisation_hears_of_answers_it_gave(officer):
    council = OrganisationFactory(name="Breckland Council", slug="breckland-council")
    follower("organisation", council.slug)
    question = WrittenQuestionFactory(addressed_to=council, number="3")
    # The minutes that asked it the question are news to it.
    assert digests.write_messages() == 1
    assert "Minutes published" in Message.objects.get().text
    Message.objects.all().delete()
    question.status, question.response = "answered", "Forty reports."
    question.responded_on = timezone.localdate()
    question.save()
    assert digests.write_messages() == 1
    assert (
        "Written answer recorded: Question 3 from Breckland Council" in Message.objects.get().text
    )


def test_a_weekly_follower_hears_once_a_week(panel, officer):
    committee, meeting = panel
    weekly = follower("committee", committee.slug, frequency="weekly")
    weekly.last_sent_at = timezone.now() - datetime.timedelta(days=2)
    weekly.save()
    publish_agenda(meeting=meeting, by=officer)
    assert digests.write_messages() == 0  # its last message is two days old

    in_six_days = timezone.now() + datetime.timedelta(days=6)
    assert digests.write_messages(now=in_six_days) == 1
    assert "Agenda published" in Message.objects.get().text


def test_writing_costs_the_same_queries_for_ten_followers_or_a_hundred(panel, officer):
    committee, meeting = panel
    publish_agenda(meeting=meeting, by=officer)

    def queries_for(count, start):
        for n in range(start, start + count):
            follower("committee", committee.slug, email=f"reader{n}@example.org")
        with CaptureQueriesContext(connection) as captured:
            assert digests.write_messages() == count
        return len(captured)

    assert queries_for(10, 0) == queries_for(100, 10)


def test_a_search_follower_hears_of_new_published_results_only():
    follower("search", "q=scams")
    older = MeetingFactory(minutes_published=True)
    MinuteFactory(meeting=older, agenda_item=None, heading="Scams", body="Doorstep scams.")
    assert digests.write_messages() == 0  # the first run notes what the search finds

    newer = MeetingFactory(minutes_published=True)
    MinuteFactory(meeting=newer, agenda_item=None, heading="Scams again", body="Phone scams.")
    draft = MeetingFactory(minutes_draft=True)
    MinuteFactory(meeting=draft, agenda_item=None, heading="Scams LEAK", body="Draft scams.")
    assert digests.write_messages() == 1
    message = Message.objects.get()
    assert message.subject == "New: Search results for “scams”"
    assert "New result: Minutes: Minute" in message.text
    assert "Scams again" in message.text
    assert "Doorstep" not in message.text
    assert "LEAK" not in message.text + message.html
    assert digests.write_messages() == 0  # nothing new since


def test_an_outstanding_filter_follower_hears_of_newly_outstanding_items():
    council = OrganisationFactory(name="Breckland Council")
    ActionPointFactory(owner_organisation=council, reference="11/1", description="Earlier")
    follower("outstanding", f"owner_organisation={council.pk}")
    assert digests.write_messages() == 0  # the first run notes what the filter finds
    ActionPointFactory(
        owner_organisation=council, reference="12/3", description="Circulate the figures",
        due_date=timezone.localdate(),
    )  # fmt: skip
    ActionPointFactory(reference="12/4", description="Someone else's")
    assert digests.write_messages() == 1
    text = Message.objects.get().text
    assert "Newly outstanding: Action point 12/3: Circulate the figures" in text
    assert "Someone else" not in text
    assert "Earlier" not in text


def test_plan_followers_hear_of_figures_added_to_the_measures_their_plan_serves():
    plan = PlanFactory(title="Safer Norfolk Plan", slug="safer-norfolk-plan")
    measure = MeasureFactory(title="Repeat victims of domestic abuse", number="2")
    ActionFactory(plan=plan, number="1.1").outcomes.add(measure.outcome)
    hidden = MeasureFactory(
        outcome__framework=OutcomeFrameworkFactory(status="draft"), title="LEAK draft measure"
    )
    ActionFactory(plan=plan, number="1.2").outcomes.add(hidden.outcome)
    follower("plan", plan.slug)
    follower("action", "safer-norfolk-plan/1.1", email="action@example.org")

    for year in (2021, 2022):
        ObservationFactory(
            measure=measure,
            period_start=datetime.date(year, 4, 1),
            period_end=datetime.date(year + 1, 3, 31),
        )
    ObservationFactory(measure=hidden)
    assert digests.write_messages() == 2
    for message in Message.objects.all():
        assert "Figures added" in message.text
        assert "Repeat victims of domestic abuse (2 new figures)" in message.text
        assert "LEAK" not in message.text + message.html
