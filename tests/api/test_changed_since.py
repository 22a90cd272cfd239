"""Keeping a copy in step: every API record carries when it was first recorded (`created`)
and last changed (`modified`), and every list takes `modified_since` and `created_since`.
A record counts as changed when whether it is published changes with another record (a
meeting's minutes published, a plan withdrawn), and bulk writes keep the stamp too."""

import datetime

import pytest
from django.apps import apps
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from delivery_plans.models import Action
from meetings import services
from meetings.models import AgendaItem, Minute
from safer_norfolk.api import PublicReadViewSet
from safer_norfolk.audit import Versioned, VersionedQuerySet
from safer_norfolk.urls import router
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    MeetingFactory,
    MinuteFactory,
    PlanFactory,
    ResolutionFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)


def age(*records):
    """Set the records' timestamps back to LONG_AGO, as if nothing had changed since."""
    for record in records:
        type(record)._default_manager.filter(pk=record.pk).update(
            created=LONG_AGO, modified=LONG_AGO
        )


def listed(client, kind, **params):
    response = client.get(f"/api/v1/{kind}/", params)
    assert response.status_code == 200, response.content
    return [record["id"] for record in response.json()["results"]]


def test_every_list_record_carries_its_timestamps():
    for prefix, viewset, _ in router.registry:
        if not issubclass(viewset, PublicReadViewSet):
            continue  # the changes feed: records that left, not records
        fields = viewset.serializer_class.Meta.fields
        assert {"created", "modified"} <= set(fields), prefix


def test_every_versioned_model_keeps_modified_in_bulk_writes():
    for model in apps.get_models():
        if issubclass(model, Versioned):
            assert isinstance(model._default_manager.all(), VersionedQuerySet), model


def test_a_record_shows_when_it_was_recorded_and_changed(client):
    before = timezone.now()
    meeting = MeetingFactory(minutes_published=True)
    minute = MinuteFactory(meeting=meeting)
    (record,) = client.get("/api/v1/minutes/").json()["results"]
    created, modified = parse_datetime(record["created"]), parse_datetime(record["modified"])
    assert before <= created <= modified <= timezone.now()

    age(minute)
    minute.refresh_from_db()
    minute.heading = "Corrected heading"
    minute.save(update_fields=["heading"])
    minute.refresh_from_db()
    assert minute.created == LONG_AGO
    assert minute.modified > before


def test_modified_since_lists_only_what_changed(client):
    meeting = MeetingFactory(minutes_published=True)
    old, new = MinuteFactory(meeting=meeting), MinuteFactory(meeting=meeting)
    age(old, new)
    since = timezone.now()
    new.refresh_from_db()
    new.body = "Amended by the officer."
    new.save()

    assert listed(client, "minutes", modified_since=since.isoformat()) == [new.pk]
    assert listed(client, "minutes", modified_since="2019-12-31") == [old.pk, new.pk]
    assert listed(client, "minutes", created_since=since.isoformat()) == []
    assert listed(client, "minutes", created_since="2019-12-31T23:00:00Z") == [old.pk, new.pk]


def test_a_time_without_an_offset_is_uk_time(client):
    meeting = MeetingFactory(minutes_published=True)
    minute = MinuteFactory(meeting=meeting)
    # 12:30 on a summer's day in London is 11:30 UTC.
    Minute.objects.filter(pk=minute.pk).update(
        modified=datetime.datetime(2024, 7, 1, 11, 30, tzinfo=datetime.UTC)
    )
    assert listed(client, "minutes", modified_since="2024-07-01T12:30:00") == [minute.pk]
    assert listed(client, "minutes", modified_since="2024-07-01T12:30:01") == []


@pytest.mark.parametrize(
    "value",
    [
        "yesterday",
        "2026-13-01",
        "2026-02-30T10:00",
        "1",
        "9999-12-31T23:59:59-23:59",
        "0001-01-01T00:00+01:00",
    ],
)
def test_a_moment_that_is_not_one_is_refused_naming_the_parameter(client, value):
    response = client.get("/api/v1/minutes/", {"modified_since": value})
    assert response.status_code == 400
    assert "modified_since" in response.json()
    response = client.get("/api/v1/plans/", {"created_since": value})
    assert response.status_code == 400
    assert "created_since" in response.json()


def test_publishing_minutes_marks_them_changed(client, officer):
    meeting = MeetingFactory(minutes_draft=True)
    item = AgendaItemFactory(meeting=meeting)
    minute = MinuteFactory(meeting=meeting, agenda_item=item)
    resolution = ResolutionFactory(minute=minute)
    age(meeting, item, minute, resolution)
    since = timezone.now()
    assert listed(client, "minutes", modified_since=since.isoformat()) == []

    services.publish_minutes(meeting=meeting, by=officer)

    assert listed(client, "minutes", modified_since=since.isoformat()) == [minute.pk]
    assert listed(client, "resolutions", modified_since=since.isoformat()) == [resolution.pk]


def test_an_item_made_exempt_marks_what_it_withdraws(client):
    meeting = MeetingFactory(minutes_published=True)
    item = AgendaItemFactory(meeting=meeting)
    minute = MinuteFactory(meeting=meeting, agenda_item=item)
    age(meeting, item, minute)
    since = timezone.now()

    item.refresh_from_db()
    item.is_exempt = True
    item.save()

    assert Minute.objects.get(pk=minute.pk).modified >= since
    # Withdrawn, so no longer listed; its withdrawal is what a copy must learn.
    assert listed(client, "minutes", modified_since=since.isoformat()) == []


def test_an_edit_that_publishes_nothing_marks_nothing_else():
    meeting = MeetingFactory(minutes_published=True)
    minute = MinuteFactory(meeting=meeting)
    age(meeting, minute)
    meeting.refresh_from_db()
    meeting.venue = "Edwards Room, County Hall"
    meeting.save()
    assert Minute.objects.get(pk=minute.pk).modified == LONG_AGO


def test_withdrawing_a_plan_marks_its_actions():
    plan = PlanFactory(status="published")
    action = ActionFactory(section=SectionFactory(plan=plan))
    age(plan, action)
    since = timezone.now()
    plan.refresh_from_db()
    plan.status = "archived"
    plan.save()
    assert Action.objects.get(pk=action.pk).modified >= since


def test_a_meeting_counts_as_changed_when_its_agenda_does(client):
    changed, unchanged = MeetingFactory(), MeetingFactory()
    item = AgendaItemFactory(meeting=changed)
    AgendaItemFactory(meeting=unchanged)
    age(changed, unchanged, item, *AgendaItem.objects.all())
    since = timezone.now()
    item.refresh_from_db()
    item.title = "Domestic abuse: update from the police"
    item.save()

    assert listed(client, "meetings", modified_since=since.isoformat()) == [changed.pk]


def test_bulk_writes_keep_modified():
    meeting = MeetingFactory(minutes_published=True)
    first, second = MinuteFactory(meeting=meeting), MinuteFactory(meeting=meeting)
    age(first, second)
    since = timezone.now()

    first.heading, second.heading = "First", "Second"
    Minute.objects.bulk_update([first, second], ["heading"])
    assert all(minute.modified >= since for minute in Minute.objects.all())

    age(first, second)
    since = timezone.now()
    Minute.objects.filter(pk=first.pk).update(heading="Third")
    assert Minute.objects.get(pk=first.pk).modified >= since
    assert Minute.objects.get(pk=second.pk).modified == LONG_AGO


def test_the_parameters_are_in_the_schema(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    parameters = {
        parameter["name"]
        for parameter in schema["paths"]["/api/v1/observations/"]["get"]["parameters"]
    }
    assert {"modified_since", "created_since"} <= parameters


def test_linking_records_marks_both_changed(client):
    item = AgendaItemFactory(meeting=MeetingFactory())
    action = ActionFactory(section=SectionFactory(plan=PlanFactory(status="published")))
    age(item, action)
    since = timezone.now()

    item.plan_actions.add(action)

    assert listed(client, "agenda-items", modified_since=since.isoformat()) == [item.pk]
    assert listed(client, "plan-actions", modified_since=since.isoformat()) == [action.pk]
    age(item, action)
    action.agenda_items.remove(item)
    assert listed(client, "agenda-items", modified_since=since.isoformat()) == [item.pk]


def test_clearing_links_marks_the_records_on_both_sides_changed(client):
    """clear() names no records to its signal: the records linked until then are read first,
    from either side, and stamped with the record it was called on."""
    plan = PlanFactory(status="published")
    item = AgendaItemFactory(meeting=MeetingFactory())
    linked = [ActionFactory(section=SectionFactory(plan=plan), number=f"1.{n}") for n in (1, 2)]
    unlinked = ActionFactory(section=SectionFactory(plan=plan), number="2.1")
    item.plan_actions.add(*linked)
    age(item, *linked, unlinked)
    since = timezone.now()

    item.plan_actions.clear()

    assert listed(client, "agenda-items", modified_since=since.isoformat()) == [item.pk]
    assert sorted(listed(client, "plan-actions", modified_since=since.isoformat())) == sorted(
        action.pk for action in linked
    )

    other = AgendaItemFactory(meeting=item.meeting)
    linked[0].agenda_items.add(item, other)
    age(item, other, *linked, unlinked)
    since = timezone.now()

    linked[0].agenda_items.clear()

    assert listed(client, "plan-actions", modified_since=since.isoformat()) == [linked[0].pk]
    assert sorted(listed(client, "agenda-items", modified_since=since.isoformat())) == sorted(
        [item.pk, other.pk]
    )
