"""Action points as the papers write them: an owner written as text ("All", "Town Clerk"), a
short title, dated progress notes published with the point, and each committee's own
reference scheme ("07/01", "OR 3", "3")."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meetings import services
from meetings.models import ActionPointNote, AgendaItem
from tests.factories import (
    ActionPointFactory,
    CommitteeFactory,
    MeetingFactory,
    MinuteFactory,
    OrganisationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

JULY = datetime.datetime(2022, 7, 19, 9, tzinfo=datetime.UTC)


def raise_point(meeting, **kwargs):
    return services.raise_action_point(
        meeting=meeting, description=kwargs.pop("description", "Report back"), by=None, **kwargs
    )


@pytest.mark.parametrize(
    ("scheme", "prefix", "expected"),
    [
        ("month", "", ["07/01", "07/02", "07/03"]),
        ("prefixed", "OR", ["OR 1", "OR 2", "OR 3"]),
        ("number", "", ["1", "2", "3"]),
    ],
)
def test_each_committee_numbers_its_action_points_in_its_own_scheme(scheme, prefix, expected):
    committee = CommitteeFactory(reference_scheme=scheme, reference_prefix=prefix)
    meeting = MeetingFactory(committee=committee, starts_at=JULY, minutes_published=True)

    references = [raise_point(meeting).reference for _ in expected]

    assert references == expected


def test_prefixed_and_plain_numbers_continue_after_the_highest():
    committee = CommitteeFactory(reference_scheme="prefixed", reference_prefix="OR")
    meeting = MeetingFactory(committee=committee, starts_at=JULY, minutes_published=True)
    for reference in ("OR 2", "OR 9", "ORB 40"):
        raise_point(meeting, reference=reference)

    assert raise_point(meeting).reference == "OR 10"


def test_a_prefixed_scheme_needs_its_prefix():
    committee = CommitteeFactory.build(reference_scheme="prefixed", reference_prefix="")

    with pytest.raises(ValidationError, match="Give the prefix"):
        committee.full_clean()


def test_the_owner_as_written_and_the_title_are_published_with_the_point(client):
    meeting = MeetingFactory(starts_at=JULY, minutes_published=True)
    clerk = PersonFactory(honorific="", name="Jane Harris")
    raise_point(meeting, description="Share the terms of reference.", owner_text="All")
    raise_point(
        meeting,
        title="Health & Wellbeing Update",
        description="Bring the update to the next meeting.",
        owner_text="Town Clerk",
        owner_person=clerk,
        owner_organisation=OrganisationFactory(name="Ely City Council", short_name=""),
    )

    html = client.get(meeting.get_absolute_url()).content.decode()

    assert ">All</td>" in html
    # The owner's name links to their page (people pages); the words read as written.
    assert (
        f'Town Clerk, <a class="govuk-link" href="{clerk.get_absolute_url()}">Jane Harris</a>,'
        " Ely City Council</td>"
    ) in html
    assert "<strong>Health &amp; Wellbeing Update</strong>" in html
    csv = client.get(
        reverse("meetings:committee_action_points_csv", args=[meeting.committee.slug])
    ).content.decode()
    header = csv.splitlines()[0]
    assert header.startswith("Reference,Title,Action,Raised at,Owner (as written),")
    assert (
        "07/02,Health & Wellbeing Update,Bring the update to the next meeting.,2022-07-19,Town Clerk,Jane Harris,"
        in csv
    )


def test_the_outstanding_page_names_an_owner_written_as_text(client):
    meeting = MeetingFactory(starts_at=JULY, minutes_published=True)
    raise_point(
        meeting,
        description="Circulate the structure chart.",
        owner_text="Health and Wellbeing Team",
    )

    html = client.get(reverse("meetings:outstanding")).content.decode()

    row = html[html.index("Circulate the structure chart.") :]
    row = row[: row.index("</tr>")]
    assert "Health and Wellbeing Team" in row
    assert "No owner named" not in row


def note_on(point, text):
    return ActionPointNote.objects.create(
        action_point=point, noted_on=datetime.date(2022, 8, 30), text=text
    )


def test_progress_notes_are_published_with_the_point(client):
    meeting = MeetingFactory(starts_at=JULY, minutes_published=True)
    point = raise_point(meeting, description="Update the structure chart.")
    note = note_on(point, "Draft chart circulated to the board.")
    note.author = PersonFactory(honorific="", name="Louise Walker")
    note.save()

    html = client.get(meeting.get_absolute_url()).content.decode()
    api = client.get(f"/api/v1/action-points/{point.pk}/").json()

    row = html[html.index(f'id="action-{point.reference}"') :]
    row = row[: row.index("</tr>")]
    # In the action's own cell, not between cells, whence a browser moves it out of the table.
    note = row.index(
        "Progress, 30 August 2022 (Louise Walker): Draft chart circulated to the board."
    )
    assert "</td>" not in row[row.index("Update the structure chart.") : note]
    assert api["notes"] == [
        {
            "noted_on": "2022-08-30",
            "text": "Draft chart circulated to the board.",
            "author": "Louise Walker",
        }
    ]
    assert (api["title"], api["owner_text"]) == ("", "")


def test_notes_of_unpublished_or_exempt_points_are_not_published(client):
    draft = MeetingFactory(starts_at=JULY, minutes_draft=True)
    hidden = ActionPointFactory(meeting=draft, committee=draft.committee)
    note_on(hidden, "NOTE-OF-DRAFT-MINUTES")
    meeting = MeetingFactory(starts_at=JULY + datetime.timedelta(days=1), minutes_published=True)
    exempt_item = AgendaItem.objects.create(
        meeting=meeting, number="9", title="Contract", is_exempt=True
    )
    minute = MinuteFactory(meeting=meeting, number="9", agenda_item=exempt_item)
    exempt = ActionPointFactory(meeting=meeting, committee=meeting.committee, minute=minute)
    note_on(exempt, "NOTE-OF-EXEMPT-ITEM")
    public = ActionPointFactory(meeting=meeting, committee=meeting.committee, reference="07/09")
    note_on(public, "NOTE-OF-PUBLIC-POINT")

    assert set(ActionPointNote.objects.public().values_list("text", flat=True)) == {
        "NOTE-OF-PUBLIC-POINT"
    }
    pages = [
        client.get(address).content.decode()
        for address in (
            draft.get_absolute_url(),
            meeting.get_absolute_url(),
            "/api/v1/action-points/",
            reverse("meetings:committee_action_points_csv", args=[meeting.committee.slug]),
        )
    ]
    every = "".join(pages)
    assert "NOTE-OF-PUBLIC-POINT" in every
    assert "NOTE-OF-DRAFT-MINUTES" not in every
    assert "NOTE-OF-EXEMPT-ITEM" not in every


def test_an_officer_adds_a_progress_note_on_the_action_points_page(client, officer):
    meeting = MeetingFactory(starts_at=JULY, minutes_published=True)
    point = raise_point(meeting, description="Update the structure chart.")
    client.force_login(officer)
    url = reverse("admin:meetings_actionpoint_change", args=[point.pk])
    from tests.admin_forms import change_form_data

    data = change_form_data(client.get(url))
    data.update(
        {
            "notes-TOTAL_FORMS": "1",
            "notes-0-noted_on": "2022-08-30",
            "notes-0-text": "Draft chart circulated to the board.",
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    note = point.notes.get()
    assert note.text == "Draft chart circulated to the board."
    assert note.history.get().history_user == officer


def test_a_reference_with_digits_int_refuses_does_not_stop_the_numbering():
    committee = CommitteeFactory(reference_scheme="prefixed", reference_prefix="OR")
    meeting = MeetingFactory(committee=committee, starts_at=JULY, minutes_published=True)
    for reference in ("OR 2", "OR ²"):
        raise_point(meeting, reference=reference)

    assert raise_point(meeting).reference == "OR 3"
