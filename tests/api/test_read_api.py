import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    ActionFactory,
    ActionPointFactory,
    ActionUpdateFactory,
    AgendaItemFactory,
    DocumentFactory,
    MeasureFactory,
    MeetingFactory,
    MembershipFactory,
    MinuteFactory,
    ObservationFactory,
    OutcomeFactory,
    OutcomeFrameworkFactory,
    PersonFactory,
    PlanFactory,
    ResolutionFactory,
    SectionFactory,
    WorkProgrammeItemFactory,
    WrittenQuestionFactory,
)

pytestmark = pytest.mark.django_db

SECRET = "APIHIDDENMARKER"
ENDPOINTS = [
    "organisations", "people", "committees", "memberships", "meetings", "agenda-items", "minutes", "resolutions",
    "action-points", "written-questions", "work-programme", "plans", "sections", "plan-actions", "action-updates",
    "outcome-frameworks", "outcomes", "measures", "areas", "observations",
]  # fmt: skip


def world(tag=""):
    """Published material, and beside it an unpublished twin of each kind carrying SECRET."""
    meeting = MeetingFactory(minutes_published=True)
    item = AgendaItemFactory(meeting=meeting, title=f"Public item {tag}")
    DocumentFactory(meeting=meeting, agenda_item=item)
    minute = MinuteFactory(meeting=meeting)
    ResolutionFactory(minute=minute)
    ActionPointFactory(meeting=meeting, committee=meeting.committee)
    WrittenQuestionFactory(meeting=meeting)
    MembershipFactory(committee=meeting.committee)
    WorkProgrammeItemFactory(committee=meeting.committee)
    plan = PlanFactory()
    action = ActionFactory(section=SectionFactory(plan=plan))
    ActionUpdateFactory(action=action)
    framework = OutcomeFrameworkFactory()
    measure = MeasureFactory(outcome=OutcomeFactory(framework=framework))
    ObservationFactory(measure=measure)

    draft = MeetingFactory(draft=True, venue=SECRET)
    AgendaItemFactory(meeting=draft, title=SECRET)
    exempt = AgendaItemFactory(meeting=meeting, title=SECRET, is_exempt=True)
    DocumentFactory(meeting=meeting, agenda_item=item, title=SECRET, is_public=False)
    DocumentFactory(meeting=meeting, agenda_item=exempt, title=f"{SECRET} exempt paper")
    unpublished = MeetingFactory(minutes_draft=True)
    hidden_minute = MinuteFactory(meeting=unpublished, heading=SECRET, body=SECRET)
    ResolutionFactory(minute=hidden_minute, text=SECRET)
    MinuteFactory(meeting=meeting, agenda_item=exempt, heading=SECRET)
    ActionPointFactory(meeting=unpublished, committee=unpublished.committee, description=SECRET)
    WrittenQuestionFactory(meeting=unpublished, question=SECRET)
    WrittenQuestionFactory(
        meeting=meeting, number=9999, question="Awaiting", response=f"{SECRET} draft answer"
    )
    WorkProgrammeItemFactory(committee=meeting.committee, title=SECRET, status="dropped")
    draft_plan = PlanFactory(status="draft", title=SECRET, summary=SECRET)
    draft_action = ActionFactory(
        section=SectionFactory(plan=draft_plan, title=SECRET), title=SECRET
    )
    ActionUpdateFactory(action=draft_action, text=SECRET)
    ActionUpdateFactory(action=action, status="draft", text=SECRET)
    draft_framework = OutcomeFrameworkFactory(status="draft", title=SECRET)
    hidden_measure = MeasureFactory(
        outcome=OutcomeFactory(framework=draft_framework, title=SECRET), title=SECRET
    )
    ObservationFactory(measure=hidden_measure, note=SECRET)
    PersonFactory(email=f"{SECRET}@example.org", phone=SECRET)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_anonymous_users_see_published_material_only(client, endpoint):
    world()

    response = client.get(f"/api/v1/{endpoint}/", {"page_size": 500})

    assert response.status_code == 200
    body = response.content.decode()
    assert len(response.json()["results"]) >= 1
    assert SECRET not in body


def test_unpublished_details_are_not_found(client):
    draft = MeetingFactory(draft=True)
    plan = PlanFactory(status="draft")
    framework = OutcomeFrameworkFactory(status="draft")

    assert client.get(f"/api/v1/meetings/{draft.pk}/").status_code == 404
    assert client.get(f"/api/v1/plans/{plan.pk}/").status_code == 404
    assert client.get(f"/api/v1/outcome-frameworks/{framework.pk}/").status_code == 404


def test_people_carry_no_contact_details(client):
    tim = PersonFactory(name="Tim Shaw", email="tim.shaw@example.org", phone="01603 222948")
    MembershipFactory(person=tim)  # a committee member: listed publicly

    people = client.get("/api/v1/people/").json()["results"]
    person = next(person for person in people if person["id"] == tim.pk)

    assert person["name"] == "Tim Shaw"
    assert "email" not in person
    assert "phone" not in person


def test_meeting_has_public_agenda_items_and_document_links(client):
    meeting = MeetingFactory()
    item = AgendaItemFactory(meeting=meeting, number="5", title="Delivery Plan")
    document = DocumentFactory(meeting=meeting, agenda_item=item, title="Plan report")
    AgendaItemFactory(meeting=meeting, number="6", title="Exempt", is_exempt=True)

    data = client.get(f"/api/v1/meetings/{meeting.pk}/").json()

    assert [i["title"] for i in data["agenda_items"]] == ["Delivery Plan"]
    assert data["agenda_items"][0]["documents"][0]["url"] == (
        f"http://testserver{document.get_absolute_url()}"
    )


def test_plan_actions_use_the_plan_page_filters_and_carry_status(client):
    plan = PlanFactory()
    red = ActionFactory(section=SectionFactory(plan=plan), number="1.1")
    ActionUpdateFactory(action=red, rag="red", distance="far_off")
    ActionFactory(section=SectionFactory(plan=plan), number="1.2")

    data = client.get("/api/v1/plan-actions/", {"plan": plan.pk, "rag": "red"}).json()

    assert [a["number"] for a in data["results"]] == ["1.1"]
    assert (data["results"][0]["current_rag"], data["results"][0]["current_distance"]) == (
        "red",
        "far_off",
    )


def test_ordering_and_pagination(client):
    for _ in range(3):
        MeetingFactory()

    first = client.get("/api/v1/meetings/", {"ordering": "starts_at"}).json()["results"]
    last = client.get("/api/v1/meetings/", {"ordering": "-starts_at"}).json()["results"]

    assert [m["id"] for m in first] == [m["id"] for m in reversed(last)]
    page = client.get("/api/v1/meetings/").json()
    assert len(page["results"]) == 3
    assert (page["next"], page["previous"]) == (None, None)
    assert "count" not in page


def test_conditional_get_answers_not_modified(client):
    MeetingFactory()
    first = client.get("/api/v1/meetings/")
    etag = first["ETag"]

    again = client.get("/api/v1/meetings/", HTTP_IF_NONE_MATCH=etag)

    assert again.status_code == 304
    assert again.content == b""


def test_the_read_api_refuses_writes(client):
    assert client.post("/api/v1/meetings/", {}).status_code in (401, 403, 405)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_list_queries_do_not_grow_with_data(client, endpoint):
    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/api/v1/{endpoint}/").status_code == 200
        return len(captured)

    world("small")
    small = count()
    for n in range(4):
        world(f"large {n}")
    large = count()

    assert small == large
    assert large <= 8
