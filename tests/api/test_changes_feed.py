"""The changes feed (/api/v1/changes/): every published record that left the public record,
withdrawn or deleted, with when; never one that was not public. With it and the lists'
`modified_since`, a copy of the record kept elsewhere stays exactly in step."""

import datetime

import pytest
from django.utils import timezone

from meetings import services
from meetings.models import Meeting, Minute
from safer_norfolk.models import Removal
from tests.factories import (
    ActionFactory,
    ActionPointFactory,
    ActionUpdateFactory,
    AgendaItemFactory,
    AttendanceFactory,
    MeetingFactory,
    MembershipFactory,
    MinuteFactory,
    OrganisationFactory,
    PersonFactory,
    PlanFactory,
    ResolutionFactory,
    SectionFactory,
    WrittenQuestionFactory,
)

pytestmark = pytest.mark.django_db


def changes(client, **params):
    response = client.get("/api/v1/changes/", params)
    assert response.status_code == 200, response.content
    return [
        (change["kind"], change["id"], change["change"]) for change in response.json()["results"]
    ]


def exempt_business():
    """A meeting with published minutes and an item carrying a minute, a decision, an action
    point and a written question."""
    meeting = MeetingFactory(minutes_published=True)
    item = AgendaItemFactory(meeting=meeting)
    minute = MinuteFactory(meeting=meeting, agenda_item=item)
    return {
        "meeting": meeting,
        "item": item,
        "minute": minute,
        "resolution": ResolutionFactory(minute=minute),
        "action_point": ActionPointFactory(meeting=meeting, minute=minute),
        "question": WrittenQuestionFactory(meeting=meeting, agenda_item=item),
    }


def test_an_item_made_exempt_withdraws_what_hangs_on_it(client):
    business = exempt_business()
    item = business["item"]
    item.is_exempt = True
    item.save()

    assert sorted(changes(client)) == sorted(
        [
            ("agenda-items", item.pk, "withdrawn"),
            ("minutes", business["minute"].pk, "withdrawn"),
            ("resolutions", business["resolution"].pk, "withdrawn"),
            ("action-points", business["action_point"].pk, "withdrawn"),
            ("written-questions", business["question"].pk, "withdrawn"),
            # The question was the only published record naming the partner it was put to.
            ("organisations", business["question"].addressed_to_id, "withdrawn"),
        ]
    )


def test_deleting_published_records_lists_them_and_nothing_unpublished(client):
    published = MeetingFactory(minutes_published=True)
    public_minute = MinuteFactory(meeting=published)
    exempt_item = AgendaItemFactory(meeting=published, is_exempt=True)
    draft = MeetingFactory(draft=True)
    AgendaItemFactory(meeting=draft)  # deleted with its meeting, never published

    keys = {"minute": public_minute.pk}
    public_minute.delete()
    exempt_item.delete()
    draft.delete()

    assert changes(client) == [("minutes", keys["minute"], "deleted")]
    assert list(Removal.objects.values_list("model", "record_id")) == [
        ("meetings.minute", keys["minute"])
    ]


def test_deleting_a_meeting_lists_its_published_parts(client):
    # A meeting with action points or questions cannot be deleted (they are protected).
    meeting = MeetingFactory(minutes_published=True)
    item = AgendaItemFactory(meeting=meeting)
    minute = MinuteFactory(meeting=meeting, agenda_item=item)
    resolution = ResolutionFactory(minute=minute)
    hidden = AgendaItemFactory(meeting=meeting, is_exempt=True)
    hidden_minute = MinuteFactory(meeting=meeting, agenda_item=hidden)
    keys = [meeting.pk, item.pk, minute.pk, resolution.pk, hidden.pk, hidden_minute.pk]
    Meeting.objects.get(pk=meeting.pk).delete()

    assert sorted(changes(client)) == sorted(
        [
            ("meetings", keys[0], "deleted"),
            ("agenda-items", keys[1], "deleted"),
            ("minutes", keys[2], "deleted"),
            ("resolutions", keys[3], "deleted"),
        ]
    )


def test_archiving_a_plan_withdraws_its_parts(client):
    plan = PlanFactory(status="published")
    section = SectionFactory(plan=plan)
    action = ActionFactory(section=section)
    update = ActionUpdateFactory(action=action)
    plan.status = "archived"
    plan.save()

    assert sorted(changes(client)) == sorted(
        [
            ("plans", plan.pk, "withdrawn"),
            ("sections", section.pk, "withdrawn"),
            ("plan-actions", action.pk, "withdrawn"),
            ("action-updates", update.pk, "withdrawn"),
            # The partnership behind the plan is named by nothing else published.
            ("organisations", plan.organisation_id, "withdrawn"),
        ]
    )


def test_since_and_kind_narrow_the_feed(client):
    first = MinuteFactory(meeting=MeetingFactory(minutes_published=True))
    Minute.objects.get(pk=first.pk).delete()
    Removal.objects.update(at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC))
    meeting = MeetingFactory(minutes_published=True)
    second = MinuteFactory(meeting=meeting)
    item = AgendaItemFactory(meeting=meeting)
    Minute.objects.get(pk=second.pk).delete()
    type(item).objects.get(pk=item.pk).delete()

    assert changes(client, since="2024-06-01") == [
        ("minutes", second.pk, "deleted"),
        ("agenda-items", item.pk, "deleted"),
    ]
    assert changes(client, kind="minutes") == [
        ("minutes", first.pk, "deleted"),
        ("minutes", second.pk, "deleted"),
    ]
    assert client.get("/api/v1/changes/", {"since": "last week"}).status_code == 400
    refused = client.get("/api/v1/changes/", {"kind": "papers"})
    assert refused.status_code == 400
    assert "minutes" in refused.json()["kind"][0]


def walk(client, kind, **params):
    """{id: record} of a whole list, following `next`."""
    records, url, query = {}, f"/api/v1/{kind}/", {"page_size": 2, **params}
    while url:
        page = client.get(url, query).json()
        records.update({record["id"]: record for record in page["results"]})
        url, query = page["next"], None
    return records


KINDS = ("meetings", "agenda-items", "minutes", "resolutions", "action-points", "written-questions")


def test_a_copy_kept_with_the_feed_and_modified_since_stays_exact(client, officer):
    business = exempt_business()
    later = MeetingFactory(minutes_draft=True)
    later_minute = MinuteFactory(meeting=later)
    copy = {kind: walk(client, kind) for kind in KINDS}
    began = timezone.now()

    # Between two copies: minutes published, an item made exempt, a record corrected, one
    # deleted, and one made exempt and published again.
    services.publish_minutes(meeting=later, by=officer)
    item = business["item"]
    item.is_exempt = True
    item.save()
    corrected = MinuteFactory(meeting=business["meeting"])
    corrected.heading = "Corrected heading"
    corrected.save()
    gone = MinuteFactory(meeting=business["meeting"])
    Minute.objects.get(pk=gone.pk).delete()
    item.is_exempt = False
    item.save()
    item.is_exempt = True
    item.save()
    item.is_exempt = False
    item.save()

    # The next copy: remove what left, then take what changed.
    for kind, key, _ in changes(client, since=began.isoformat(), page_size=200):
        copy.get(kind, {}).pop(key, None)
    for kind in KINDS:
        copy[kind].update(walk(client, kind, modified_since=began.isoformat()))

    assert copy == {kind: walk(client, kind) for kind in KINDS}
    assert later_minute.pk in copy["minutes"]
    assert item.pk in copy["agenda-items"]
    assert gone.pk not in copy["minutes"]
    assert copy["minutes"][corrected.pk]["heading"] == "Corrected heading"


def test_people_and_organisations_leave_with_the_last_published_record_naming_them(client):
    # Ann's and her council's only place in published material is one meeting's attendance;
    # Bob sits on a committee as well, so he stays.
    meeting = MeetingFactory(minutes_published=True)
    ann = AttendanceFactory(meeting=meeting).person
    bob = AttendanceFactory(meeting=meeting).person
    MembershipFactory(person=bob)
    council = ann.organisation
    kept = walk(client, "people")
    assert {ann.pk, bob.pk} <= set(kept)
    assert council.pk in walk(client, "organisations")

    Meeting.objects.get(pk=meeting.pk).delete()

    assert ("people", ann.pk, "withdrawn") in changes(client)
    assert ("organisations", council.pk, "withdrawn") in changes(client)
    assert ann.pk not in walk(client, "people")
    assert council.pk not in walk(client, "organisations")
    assert bob.pk in walk(client, "people")
    gone = [(kind, key) for kind, key, _ in changes(client) if kind in ("people", "organisations")]
    assert len(gone) == len(set(gone)) == 2


def test_a_person_no_longer_named_by_a_corrected_line_leaves_the_record(client):
    meeting = MeetingFactory(minutes_published=True)
    line = AttendanceFactory(meeting=meeting)
    wrong = line.person
    right = PersonFactory()
    line.person = right
    line.save()

    assert ("people", wrong.pk, "withdrawn") in changes(client)
    assert ("people", right.pk, "withdrawn") not in changes(client)
    assert wrong.pk not in walk(client, "people")


def test_nothing_is_listed_for_someone_still_published_or_never_published(client):
    meeting = MeetingFactory(minutes_published=True)
    draft = MeetingFactory(minutes_draft=True)
    twice = AttendanceFactory(meeting=meeting).person
    AttendanceFactory(meeting=MeetingFactory(minutes_published=True), person=twice)
    unseen = AttendanceFactory(meeting=draft).person
    Meeting.objects.get(pk=meeting.pk).delete()
    Meeting.objects.get(pk=draft.pk).delete()

    people = [key for kind, key, _ in changes(client) if kind == "people"]
    assert twice.pk not in people
    assert unseen.pk not in people


def test_an_organisation_named_only_through_someone_who_moves_leaves_the_record(client):
    line = AttendanceFactory(meeting=MeetingFactory(minutes_published=True))
    person = line.person
    old = person.organisation
    assert old.pk in walk(client, "organisations")
    person.organisation = OrganisationFactory()
    person.save()

    assert ("organisations", old.pk, "withdrawn") in changes(client)
    assert ("people", person.pk, "withdrawn") not in changes(client)


def test_an_organisation_taken_off_its_only_action_leaves_the_record(client):
    plan = PlanFactory(status="published")
    action = ActionFactory(section=SectionFactory(plan=plan))
    owner, other = OrganisationFactory(), OrganisationFactory()
    action.owners.add(owner, other)
    assert owner.pk in walk(client, "organisations")

    action.owners.remove(owner)
    assert ("organisations", owner.pk, "withdrawn") in changes(client)
    assert ("organisations", other.pk, "withdrawn") not in changes(client)

    other.plan_actions.clear()
    assert ("organisations", other.pk, "withdrawn") in changes(client)
    assert owner.pk not in walk(client, "organisations")


def test_someone_named_only_by_an_update_taken_back_to_draft_leaves_the_record(client):
    plan = PlanFactory(status="published")
    action = ActionFactory(section=SectionFactory(plan=plan))
    reporter, steady = PersonFactory(), PersonFactory()
    update = ActionUpdateFactory(action=action, author=reporter)
    ActionUpdateFactory(action=action, author=steady)
    ActionUpdateFactory(action=ActionFactory(section=action.section), author=steady)
    assert {reporter.pk, steady.pk} <= set(walk(client, "people"))

    update.status = "draft"
    update.save()

    assert ("action-updates", update.pk, "withdrawn") in changes(client)
    assert ("people", reporter.pk, "withdrawn") in changes(client)
    assert reporter.pk not in walk(client, "people")
    assert ("people", steady.pk, "withdrawn") not in changes(client)


def test_people_and_partners_named_only_by_withdrawn_minutes_leave_the_record(client):
    # The asker, the partner the question was put to and the officer who led the item appear
    # only in the minutes' business; the chair also sits on the committee.
    meeting = MeetingFactory(minutes_published=True)
    lead, asker, chair = PersonFactory(), PersonFactory(), PersonFactory()
    item = AgendaItemFactory(meeting=meeting, lead=lead)
    question = WrittenQuestionFactory(meeting=meeting, agenda_item=item, asked_by=asker)
    AttendanceFactory(meeting=meeting, person=chair)
    MembershipFactory(person=chair, committee=meeting.committee)
    people = walk(client, "people")
    assert {lead.pk, asker.pk, chair.pk} <= set(people)

    meeting = Meeting.objects.get(pk=meeting.pk)
    meeting.minutes_status = "draft"
    meeting.save()

    listed = changes(client)
    assert ("written-questions", question.pk, "withdrawn") in listed
    assert ("people", asker.pk, "withdrawn") in listed
    assert ("organisations", question.addressed_to_id, "withdrawn") in listed
    assert ("people", chair.pk, "withdrawn") not in listed
    # The agenda is still published, and with it the item its officer leads.
    assert ("people", lead.pk, "withdrawn") not in listed
    assert lead.pk in walk(client, "people")
    assert asker.pk not in walk(client, "people")
    gone = [(kind, key) for kind, key, _ in listed]
    assert len(gone) == len(set(gone))
