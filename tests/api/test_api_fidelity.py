"""The API as a client reads it: committees named by slug or id, full addresses that work on
the host asked, a page size the client chooses up to a documented limit, and the Open Civic
Data event of a meeting with its live stream and every public paper."""

import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from safer_norfolk.pagination import NestedListPagination, PublicPagination
from tests.factories import (
    ActionPointFactory,
    AgendaItemFactory,
    CommitteeFactory,
    DocumentFactory,
    MeetingFactory,
    MembershipFactory,
    MinuteFactory,
    PlanFactory,
    ResolutionFactory,
    WorkProgrammeItemFactory,
    WrittenQuestionFactory,
)

pytestmark = pytest.mark.django_db

SECRET = "FIDELITYHIDDENMARKER"
OCD_EVENT_ID = re.compile(r"ocd-event/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def committee_with_records(slug):
    """A committee with a record of each kind the API filters by committee, and its id."""
    committee = CommitteeFactory(slug=slug)
    meeting = MeetingFactory(committee=committee, minutes_published=True)
    item = AgendaItemFactory(meeting=meeting)
    ResolutionFactory(minute=MinuteFactory(meeting=meeting, agenda_item=item))
    ActionPointFactory(meeting=meeting)
    WrittenQuestionFactory(meeting=meeting)
    WorkProgrammeItemFactory(committee=committee)
    MembershipFactory(committee=committee)
    return committee


def committee_of(client, endpoint, record):
    """The committee key of a record of `endpoint` as the API gives it, read back through
    the API itself where the record names only its meeting or minute."""
    if "committee" in record:
        return record["committee"]
    if endpoint == "resolutions":
        minute = client.get(f"/api/v1/minutes/{record['minute']}/").json()
        return committee_of(client, "minutes", minute)
    return client.get(f"/api/v1/meetings/{record['meeting']}/").json()["committee"]


COMMITTEE_FILTERED = [
    "meetings", "agenda-items", "minutes", "resolutions", "action-points", "written-questions",
    "work-programme", "memberships",
]  # fmt: skip


@pytest.mark.parametrize("endpoint", COMMITTEE_FILTERED)
def test_committee_filter_takes_the_slug_or_the_id(client, endpoint):
    panel = committee_with_records("community-safety-scrutiny-panel")
    other = committee_with_records("cambridgeshire-peterborough-csp")

    by_slug = client.get(f"/api/v1/{endpoint}/", {"committee": panel.slug}).json()["results"]
    by_id = client.get(f"/api/v1/{endpoint}/", {"committee": panel.pk}).json()["results"]
    everything = client.get(f"/api/v1/{endpoint}/").json()["results"]

    assert by_slug, "the committee's records are found by its slug"
    assert {committee_of(client, endpoint, record) for record in by_slug} == {panel.pk}
    assert [record["id"] for record in by_id] == [record["id"] for record in by_slug]
    assert {committee_of(client, endpoint, record) for record in everything} == {panel.pk, other.pk}


@pytest.mark.parametrize("endpoint", COMMITTEE_FILTERED)
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("no-such-panel", "No committee has the id or slug “no-such-panel”."),
        ("999999", "No committee has the id or slug “999999”."),
        ("panel one", "No committee has the id or slug “panel one”."),
        ("panel\x00one", "Null characters are not allowed."),
        ("x" * 81, "Ensure this value has at most 80 characters (it has 81)."),
    ],
)
def test_an_unknown_committee_is_refused_not_answered_with_an_empty_list(
    client, endpoint, value, message
):
    committee_with_records("community-safety-scrutiny-panel")

    response = client.get(f"/api/v1/{endpoint}/", {"committee": value})

    assert response.status_code == 400
    assert response.json() == {"committee": [message]}


def test_a_committee_whose_slug_is_digits_is_found_by_its_id_first(client):
    first = committee_with_records("first-panel")
    numbered = committee_with_records(str(first.pk))  # a slug that reads as the other's id

    by_key = client.get("/api/v1/meetings/", {"committee": str(first.pk)}).json()["results"]

    assert {meeting["committee"] for meeting in by_key} == {first.pk}
    assert numbered.pk != first.pk


def test_sub_committees_are_found_by_their_parent_s_slug(client):
    parent = CommitteeFactory(slug="norfolk-community-safety-partnership")
    child = CommitteeFactory(parent=parent)
    CommitteeFactory()

    children = client.get("/api/v1/committees/", {"parent": parent.slug}).json()["results"]

    assert [committee["id"] for committee in children] == [child.pk]
    assert client.get("/api/v1/committees/", {"parent": "nobody"}).status_code == 400


def test_the_schema_documents_the_committee_parameter_and_the_page_size(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    for endpoint in COMMITTEE_FILTERED:
        parameters = {
            p["name"]: p for p in schema["paths"][f"/api/v1/{endpoint}/"]["get"]["parameters"]
        }
        committee = parameters["committee"]
        assert committee["schema"]["type"] == "string"
        assert "slug" in committee["description"]
        assert "400" in committee["description"]
        size = parameters["page_size"]
        expected = (
            NestedListPagination if endpoint == "meetings" else PublicPagination
        ).max_page_size
        assert size["schema"]["maximum"] == expected
        assert f"at most {expected}" in size["description"]


# --- page size --------------------------------------------------------------------------------


def test_page_size_is_honoured_up_to_the_maximum(client, monkeypatch):
    committee = CommitteeFactory()
    meeting = MeetingFactory(committee=committee, minutes_published=True)
    for _ in range(5):
        ActionPointFactory(meeting=meeting)

    two = client.get("/api/v1/action-points/", {"page_size": 2}).json()
    default = client.get("/api/v1/action-points/").json()
    monkeypatch.setattr(PublicPagination, "max_page_size", 3)
    capped = client.get("/api/v1/action-points/", {"page_size": 500}).json()

    assert len(two["results"]) == 2
    assert "page_size=2" in two["next"]
    assert len(default["results"]) == 5
    assert len(capped["results"]) == 3
    assert capped["next"].startswith("http://testserver/api/v1/action-points/")


def test_meetings_come_ten_to_a_page_unless_asked_for_more(client):
    committee = CommitteeFactory()
    for _ in range(12):
        MeetingFactory(committee=committee)

    default = client.get("/api/v1/meetings/").json()
    more = client.get("/api/v1/meetings/", {"page_size": 12}).json()

    assert len(default["results"]) == 10
    assert "count" not in default
    assert len(more["results"]) == 12
    assert more["next"] is None


# --- full addresses -----------------------------------------------------------------------------


def test_url_fields_are_full_addresses_on_the_host_asked(client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "data.example.org"]
    meeting = MeetingFactory()
    item = AgendaItemFactory(meeting=meeting)
    document = DocumentFactory(meeting=meeting, agenda_item=item)
    plan = PlanFactory()

    here = client.get(f"/api/v1/meetings/{meeting.pk}/").json()
    # The page cache holds the first answer: the second host must not be given it.
    there = client.get(f"/api/v1/meetings/{meeting.pk}/", HTTP_HOST="data.example.org").json()
    secure = client.get(f"/api/v1/meetings/{meeting.pk}/", secure=True).json()
    committee = client.get(f"/api/v1/committees/{meeting.committee.pk}/").json()
    plan_data = client.get(f"/api/v1/plans/{plan.pk}/").json()

    assert here["url"] == f"http://testserver{meeting.get_absolute_url()}"
    assert there["url"] == f"http://data.example.org{meeting.get_absolute_url()}"
    assert secure["url"] == f"https://testserver{meeting.get_absolute_url()}"
    assert (
        there["agenda_items"][0]["documents"][0]["url"]
        == f"http://data.example.org{document.get_absolute_url()}"
    )
    assert committee["url"] == f"http://testserver{meeting.committee.get_absolute_url()}"
    assert plan_data["url"] == f"http://testserver{plan.get_absolute_url()}"


def test_a_host_not_allowed_gets_no_cached_copy(client, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    meeting = MeetingFactory()
    assert client.get(f"/api/v1/meetings/{meeting.pk}/").status_code == 200

    response = client.get(f"/api/v1/meetings/{meeting.pk}/", HTTP_HOST="evil.example.com")

    assert response.status_code == 400
    assert b"evil.example.com/committees" not in response.content


# --- the Open Civic Data event ------------------------------------------------------------------


def ocd(client, meeting, **headers):
    response = client.get(
        reverse("meetings:meeting_ocd", args=[meeting.committee.slug, meeting.local_date]),
        **headers,
    )
    assert response.status_code == 200
    return response.json()


def test_the_event_id_is_an_ocd_uuid_that_stays_with_the_meeting(client):
    meeting = MeetingFactory()
    other = MeetingFactory(committee=meeting.committee)

    first = ocd(client, meeting)["id"]
    AgendaItemFactory(meeting=meeting, title="Added later")  # new content, new page copy
    again = ocd(client, meeting)["id"]

    assert OCD_EVENT_ID.fullmatch(first)
    assert uuid.UUID(first.removeprefix("ocd-event/")).version == 5
    assert again == first
    assert ocd(client, other)["id"] != first


def test_the_livestream_is_a_media_object_not_the_location(client):
    streamed = MeetingFactory(
        venue="Edwards Room, County Hall",
        livestream_url="https://www.youtube.com/@NorfolkCC/streams",
    )
    silent = MeetingFactory(committee=streamed.committee)

    event = ocd(client, streamed)

    assert event["location"]["name"] == "Edwards Room, County Hall"
    assert "youtube" not in str(event["location"])
    [media] = event["media"]
    assert media["links"] == [
        {"media_type": "text/html", "url": "https://www.youtube.com/@NorfolkCC/streams", "text": ""}
    ]
    assert media["note"]
    assert ocd(client, silent)["media"] == []


def test_documents_list_every_public_paper_and_the_generated_pdfs(client):
    meeting = MeetingFactory(minutes_published=True)
    item = AgendaItemFactory(meeting=meeting, number="5", title="Delivery Plan")
    report = DocumentFactory(meeting=meeting, agenda_item=item, title="Delivery plan report")
    appendix = DocumentFactory(meeting=meeting, agenda_item=item, title="Appendix A", order=1)
    supplement = DocumentFactory(meeting=meeting, title="Supplementary agenda")
    exempt = AgendaItemFactory(meeting=meeting, number="9", is_exempt=True)
    DocumentFactory(meeting=meeting, agenda_item=exempt, title=f"{SECRET} exempt report")
    DocumentFactory(meeting=meeting, agenda_item=item, title=f"{SECRET} withheld", is_public=False)
    base = "http://testserver"
    slug, date = meeting.committee.slug, meeting.local_date

    response = client.get(reverse("meetings:meeting_ocd", args=[slug, date]))
    event = response.json()

    documents = {
        document["note"]: [link["url"] for link in document["links"]]
        for document in event["documents"]
    }
    assert documents == {
        "Agenda front sheet": [base + reverse("meetings:agenda_pdf", args=[slug, date])],
        "Agenda pack": [base + reverse("meetings:pack_pdf", args=[slug, date])],
        "Delivery plan report": [base + report.get_absolute_url()],
        "Appendix A": [base + appendix.get_absolute_url()],
        "Supplementary agenda": [base + supplement.get_absolute_url()],
        "Minutes (draft, to be confirmed)": [
            base + reverse("meetings:minutes_pdf", args=[slug, date])
        ],
    }
    assert all(
        link["media_type"] == "application/pdf"
        for document in event["documents"]
        for link in document["links"]
    )
    minutes = event["documents"][-1]
    assert minutes["date"] == timezone.localdate(meeting.minutes_published_at).isoformat()
    assert SECRET not in response.content.decode()
    assert event["sources"][0]["url"] == base + meeting.get_absolute_url()


def test_documents_leave_out_minutes_not_yet_published(client):
    meeting = MeetingFactory(minutes_draft=True)
    MinuteFactory(meeting=meeting, heading=SECRET)

    response = client.get(
        reverse("meetings:meeting_ocd", args=[meeting.committee.slug, meeting.local_date])
    )

    notes = [document["note"] for document in response.json()["documents"]]
    assert notes == ["Agenda front sheet", "Agenda pack"]
    assert SECRET not in response.content.decode()
    assert "minutes.pdf" not in response.content.decode()
