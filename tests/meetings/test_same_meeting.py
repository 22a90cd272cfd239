"""Records filed under an agenda item or a minute belong to that item's meeting (the minute
inline once offered every item in the database), and an agenda's items can be renumbered in
one save."""

import os

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from meetings.models import AgendaItem, Minute
from tests.admin_forms import change_form_data
from tests.factories import (
    ActionPointFactory,
    AgendaItemFactory,
    DeclarationFactory,
    DocumentFactory,
    MeetingFactory,
    MinuteFactory,
    WrittenQuestionFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


@pytest.fixture
def two_meetings():
    this = MeetingFactory()
    other = MeetingFactory(committee=this.committee)
    return this, other


def misfiled(factory, field, this, other):
    """A record of `this` meeting whose `field` is `other` meeting's item or minute (not
    saved)."""
    linked = (
        MinuteFactory(meeting=other, number="4")
        if field == "minute"
        else AgendaItemFactory(meeting=other, number="4", title="Budget monitoring")
    )
    return factory.build(meeting=this, **{field: linked})


RECORDS = [
    (MinuteFactory, "agenda_item"),
    (DocumentFactory, "agenda_item"),
    (DeclarationFactory, "agenda_item"),
    (WrittenQuestionFactory, "agenda_item"),
    (ActionPointFactory, "minute"),
]


@pytest.mark.parametrize(("factory", "field"), RECORDS)
def test_a_record_cannot_be_filed_under_another_meetings_item(two_meetings, factory, field):
    this, other = two_meetings
    record = misfiled(factory, field, this, other)

    with pytest.raises(ValidationError) as refused:
        record.clean()

    message = " ".join(refused.value.message_dict[field])
    assert "from another meeting" in message
    assert str(other) in message


@pytest.mark.parametrize(("factory", "field"), RECORDS)
def test_a_record_of_the_same_meetings_item_is_accepted(two_meetings, factory, field):
    this, _ = two_meetings
    linked = (
        MinuteFactory(meeting=this, number="4")
        if field == "minute"
        else AgendaItemFactory(meeting=this, number="4")
    )
    record = factory(meeting=this, **{field: linked})

    record.clean()
    connection.check_constraints()  # PostgreSQL's keys on (item, meeting) let it be
    assert getattr(type(record).objects.get(pk=record.pk), field) == linked


@pytest.mark.postgres
@pytest.mark.parametrize(("factory", "field"), RECORDS)
def test_postgresql_refuses_a_misfiled_record_whatever_writes_it(two_meetings, factory, field):
    if connection.vendor != "postgresql":
        reason = "the foreign keys on (item, meeting) are PostgreSQL's"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    this, other = two_meetings
    record = factory(meeting=this)
    setattr(record, field, getattr(misfiled(factory, field, this, other), field))

    with pytest.raises(IntegrityError, match="same_meeting"):
        save_and_check(record)


def save_and_check(record):
    """Save without clean(), as a bulk import or a script would, and check the keys now
    rather than at commit (they are deferred, as Django's own are)."""
    with transaction.atomic():
        record.save()
        connection.check_constraints()


def test_the_meetings_minute_inline_offers_only_its_own_items(client, officer, two_meetings):
    this, other = two_meetings
    own = AgendaItemFactory(meeting=this, number="5", title="Serious violence duty")
    foreign = AgendaItemFactory(meeting=other, number="5", title="Budget monitoring")
    minute = MinuteFactory(meeting=this, number="5", agenda_item=own)
    client.force_login(officer)
    url = reverse("admin:meetings_meeting_change", args=[this.pk])

    page = client.get(url)
    choices = page.context["inline_admin_formsets"]
    minute_formset = next(inline.formset for inline in choices if inline.formset.model is Minute)
    offered = set(minute_formset.forms[0].fields["agenda_item"].queryset)
    assert offered == {own}

    data = change_form_data(page)
    data["minutes-0-agenda_item"] = str(foreign.pk)
    response = client.post(url, data)

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    minute.refresh_from_db()
    assert minute.agenda_item == own


def test_the_minute_page_refuses_another_meetings_item(client, officer, two_meetings):
    this, other = two_meetings
    own = AgendaItemFactory(meeting=this, number="5")
    foreign = AgendaItemFactory(meeting=other, number="5", title="Budget monitoring")
    minute = MinuteFactory(meeting=this, number="5", agenda_item=own)
    client.force_login(officer)
    url = reverse("admin:meetings_minute_change", args=[minute.pk])
    data = change_form_data(client.get(url))
    data["agenda_item"] = str(foreign.pk)

    response = client.post(url, data)

    assert response.status_code == 200
    assert "from another meeting" in response.content.decode()
    minute.refresh_from_db()
    assert minute.agenda_item == own


def test_two_agenda_items_swap_numbers_in_one_save(client, officer):
    meeting = MeetingFactory()
    first = AgendaItemFactory(meeting=meeting, number="5", title="Serious violence duty")
    second = AgendaItemFactory(meeting=meeting, number="6", title="Domestic abuse update")
    AgendaItemFactory(meeting=meeting, number="7", title="Any other business")
    client.force_login(officer)
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    data = change_form_data(client.get(url))
    forms = {str(data[f"agenda_items-{i}-id"]): i for i in range(3)}
    data[f"agenda_items-{forms[str(first.pk)]}-number"] = "6"
    data[f"agenda_items-{forms[str(second.pk)]}-number"] = "5"

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    numbered = list(
        AgendaItem.objects.filter(meeting=meeting)
        .order_by("sort_key")
        .values_list("number", "title")
    )
    assert numbered == [
        ("5", "Domestic abuse update"),
        ("6", "Serious violence duty"),
        ("7", "Any other business"),
    ]
    first.refresh_from_db()
    assert first.history.first().number == "6"
    assert not AgendaItem.history.filter(number__startswith="~").exists()


def test_minutes_shift_down_one_in_one_save(client, officer):
    meeting = MeetingFactory(minutes_published=True)
    first = MinuteFactory(meeting=meeting, number="5", heading="Apologies")
    second = MinuteFactory(meeting=meeting, number="6", heading="Declarations of interest")
    client.force_login(officer)
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    data = change_form_data(client.get(url))
    forms = {str(data[f"minutes-{i}-id"]): i for i in range(2)}
    data[f"minutes-{forms[str(first.pk)]}-number"] = "6"
    data[f"minutes-{forms[str(second.pk)]}-number"] = "7"

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    numbered = list(
        Minute.objects.filter(meeting=meeting).order_by("sort_key").values_list("number", "heading")
    )
    assert numbered == [("6", "Apologies"), ("7", "Declarations of interest")]
    assert not Minute.history.filter(number__startswith="~").exists()
