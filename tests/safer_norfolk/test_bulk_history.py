"""Generated records written and erased in bulk with their audit history (safer_norfolk.audit)."""

import datetime
from decimal import Decimal

import pytest

from meetings.models import Meeting
from outcomes.models import Observation
from safer_norfolk.audit import erase_with_history, insert_with_history
from safer_norfolk.models import Person
from safer_norfolk.page_cache import current_generation
from tests.factories import (
    CommitteeFactory,
    MeasureFactory,
    OrganisationFactory,
    PersonFactory,
    area,
)

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

AWKWARD_TEXT = "Tab\there, line\nbreak, Windows\r\nbreak, back\\slash and \\N as written"


def test_inserted_records_get_keys_and_their_creation_in_the_history(officer):
    organisation = OrganisationFactory()
    people = [
        # Bulk writes skip save(), so the caller gives each person the slug save() would.
        Person(
            name="Alison Webb",
            slug="alison-webb",
            job_title=AWKWARD_TEXT,
            organisation=organisation,
        ),
        Person(name="Trevor Carter", slug="trevor-carter", job_title=""),
    ]

    insert_with_history(Person, people, change_reason="Imported", by=officer)

    assert all(person.pk for person in people)
    assert list(
        Person.objects.filter(pk__in=[p.pk for p in people])
        .order_by("pk")
        .values_list("name", "job_title", "organisation")
    ) == [("Alison Webb", AWKWARD_TEXT, organisation.pk), ("Trevor Carter", "", None)]
    assert list(
        Person.history.filter(id__in=[p.pk for p in people])
        .order_by("id")
        .values_list("history_type", "history_change_reason", "history_user", "job_title")
    ) == [("+", "Imported", officer.pk, AWKWARD_TEXT), ("+", "Imported", officer.pk, "")]


def test_inserted_dates_times_numbers_and_flags_read_back_as_written():
    committee = CommitteeFactory()
    starts_at = datetime.datetime(2023, 7, 13, 10, 30, tzinfo=datetime.UTC)
    meeting = Meeting(
        committee=committee,
        starts_at=starts_at,
        agenda_status="published",
        agenda_published_at=starts_at - datetime.timedelta(days=7),
    )
    observation = Observation(
        measure=MeasureFactory(),
        area=area("norfolk"),
        period_start=datetime.date(2022, 4, 1),
        period_end=datetime.date(2023, 3, 31),
        value=Decimal("1234.5"),
        is_provisional=True,
    )

    insert_with_history(Meeting, [meeting])
    insert_with_history(Observation, [observation])

    stored = Meeting.objects.get(pk=meeting.pk)
    figure = Observation.objects.get(pk=observation.pk)
    assert (stored.starts_at, stored.version, stored.minutes_status) == (starts_at, 1, "none")
    assert (figure.value, figure.is_provisional, figure.period_label) == (
        Decimal("1234.5"),
        True,
        "2022/23",
    )
    assert figure.history.get().value == Decimal("1234.5")


def test_inserting_makes_cached_pages_stale():
    before = current_generation()

    insert_with_history(Person, [Person(name="Penny Carpenter")])

    assert current_generation() > before


def test_erasing_removes_the_rows_and_their_history_and_nothing_else():
    kept = PersonFactory(name="Mark Kiddle-Morris")
    generated = [Person(name=f"Generated person {n}", slug=f"generated-{n}") for n in range(3)]
    insert_with_history(Person, generated)

    erase_with_history(Person.objects.filter(name__startswith="Generated person"))

    assert list(Person.objects.values_list("name", flat=True)) == ["Mark Kiddle-Morris"]
    assert list(Person.history.values_list("id", "history_type")) == [(kept.pk, "+")]
