import datetime

import pytest
from django.contrib.auth.models import Group
from knox.models import AuthToken
from rest_framework.test import APIClient

from delivery_plans.models import ActionUpdate
from meetings.models import ActionPoint, AgendaItem, Meeting, WrittenQuestion
from outcomes.models import Observation
from safer_norfolk.roles import COMMITTEE_OFFICER, DATA_OFFICER, PARTNERSHIP_OFFICER
from tests.factories import (
    ActionFactory,
    ActionPointFactory,
    CommitteeFactory,
    MeasureFactory,
    MeetingFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
    WrittenQuestionFactory,
    area,
)

pytestmark = pytest.mark.django_db


def client_for(group=None, organisation=None):
    user = UserFactory()
    if group:
        user.groups.add(Group.objects.get(name=group))
    if organisation:
        PersonFactory(user=user, organisation=organisation)
    client = APIClient()
    _, token = AuthToken.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def committee_officer():
    return client_for(COMMITTEE_OFFICER)


def test_raise_and_close_an_action_point(committee_officer):
    meeting = MeetingFactory(starts_at=datetime.datetime(2022, 7, 19, 9, tzinfo=datetime.UTC))

    raised = committee_officer.post(
        "/api/v1/action-points/",
        {"meeting": meeting.pk, "description": "Share the figures"},
        format="json",
    )
    closed = committee_officer.post(
        f"/api/v1/action-points/{raised.json()['id']}/close/",
        {"response": "Closed: Agenda Item 10"},
        format="json",
    )

    assert raised.status_code == 201
    assert raised.json()["reference"] == "07/01"
    assert closed.status_code == 200
    assert ActionPoint.objects.get().status == "closed"


def test_validation_errors_come_back_as_400_with_fields(committee_officer):
    point = ActionPointFactory(status="closed", closed_on="2022-10-11", response="Done")

    missing = committee_officer.post("/api/v1/action-points/", {"description": ""}, format="json")
    twice = committee_officer.post(
        f"/api/v1/action-points/{point.pk}/close/", {"response": "Again"}, format="json"
    )

    assert missing.status_code == 400
    assert set(missing.json()) >= {"meeting", "description"}
    assert twice.status_code == 400
    assert "already closed" in str(twice.json())


def test_a_stale_write_is_refused_with_412(committee_officer):
    point = ActionPointFactory(description="Original")
    etag = APIClient().get(f"/api/v1/action-points/{point.pk}/")["ETag"]
    point.description = "Changed by someone else"
    point.save()

    stale = committee_officer.post(
        f"/api/v1/action-points/{point.pk}/close/",
        {"response": "Done"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    fresh_tag = APIClient().get(f"/api/v1/action-points/{point.pk}/")["ETag"]
    fresh = committee_officer.post(
        f"/api/v1/action-points/{point.pk}/close/",
        {"response": "Done"},
        format="json",
        HTTP_IF_MATCH=fresh_tag,
    )

    assert stale.status_code == 412
    assert fresh.status_code == 200


def test_create_meeting_and_agenda_items(committee_officer):
    committee = CommitteeFactory()

    created = committee_officer.post(
        "/api/v1/meetings/",
        {"committee": committee.pk, "starts_at": "2027-03-04T10:00:00Z"},
        format="json",
    )
    meeting = Meeting.objects.get(pk=created.json()["id"])
    item = committee_officer.post(
        "/api/v1/agenda-items/",
        {"meeting": meeting.pk, "number": "5", "title": "Delivery Plan", "kind": "report"},
        format="json",
    )
    duplicate = committee_officer.post(
        "/api/v1/agenda-items/",
        {"meeting": meeting.pk, "number": "5", "title": "Again", "kind": "report"},
        format="json",
    )

    assert created.status_code == 201
    assert meeting.agenda_items.count() == 5  # four standard items and the new one
    assert item.status_code == 201
    assert duplicate.status_code == 400
    assert AgendaItem.objects.filter(meeting=meeting, number="5").count() == 1


def test_partnership_officer_responds_only_for_their_organisation():
    police = OrganisationFactory(name="Norfolk Constabulary")
    mine = WrittenQuestionFactory(addressed_to=police)
    theirs = WrittenQuestionFactory(addressed_to=OrganisationFactory())
    officer = client_for(PARTNERSHIP_OFFICER, organisation=police)

    ok = officer.post(
        f"/api/v1/written-questions/{mine.pk}/respond/",
        {"response": "Twelve patrols."},
        format="json",
    )
    refused = officer.post(
        f"/api/v1/written-questions/{theirs.pk}/respond/", {"response": "Not mine."}, format="json"
    )

    assert ok.status_code == 200
    assert ok.json()["response"] == "Twelve patrols."
    assert refused.status_code == 403
    assert WrittenQuestion.objects.get(pk=theirs.pk).status == "awaiting"


def test_action_updates_by_owners_only():
    police = OrganisationFactory(name="Norfolk Constabulary")
    own = ActionFactory(owners=[police])
    other = ActionFactory(owners=[OrganisationFactory()])
    officer = client_for(PARTNERSHIP_OFFICER, organisation=police)

    ok = officer.post(
        "/api/v1/action-updates/",
        {"action": own.pk, "text": "Pathway live.", "rag": "green", "distance": "met"},
        format="json",
    )
    refused = officer.post(
        "/api/v1/action-updates/", {"action": other.pk, "text": "Not ours."}, format="json"
    )

    assert ok.status_code == 201
    assert refused.status_code == 403
    assert list(ActionUpdate.objects.values_list("action", "status")) == [(own.pk, "draft")]


def test_observations_in_bulk_all_or_nothing():
    measure = MeasureFactory()
    officer = client_for(DATA_OFFICER)
    row = {
        "measure": measure.pk,
        "area": area("norwich").pk,
        "period_start": "2022-04-01",
        "period_end": "2022-06-30",
        "value": "43",
    }

    created = officer.post("/api/v1/observations/bulk/", {"observations": [row]}, format="json")
    corrected = officer.post(
        "/api/v1/observations/bulk/", {"observations": [{**row, "value": "44"}]}, format="json"
    )
    bad = officer.post(
        "/api/v1/observations/bulk/",
        {"observations": [{**row, "period_start": "2023-01-01"}, {**row, "value": "x"}]},
        format="json",
    )
    repeated = officer.post(
        "/api/v1/observations/bulk/", {"observations": [row, row]}, format="json"
    )

    assert created.status_code == 201
    assert created.json()["created"] == 1
    assert corrected.json()["updated"] == 1
    assert bad.status_code == 400
    assert repeated.status_code == 400
    assert list(Observation.objects.values_list("value", flat=True)) == [44]


@pytest.mark.parametrize(
    ("method", "path", "payload"),
    [
        ("post", "/api/v1/action-points/", {"description": "x"}),
        ("post", "/api/v1/action-points/{point}/close/", {"response": "x"}),
        ("post", "/api/v1/written-questions/{question}/respond/", {"response": "x"}),
        ("post", "/api/v1/meetings/", {}),
        ("post", "/api/v1/agenda-items/", {}),
        ("post", "/api/v1/action-updates/", {"text": "x"}),
        ("post", "/api/v1/observations/bulk/", {"observations": []}),
    ],
)
def test_every_write_needs_the_model_permission(method, path, payload):
    point, question = ActionPointFactory(), WrittenQuestionFactory()
    address = path.format(point=point.pk, question=question.pk)
    anonymous = APIClient()
    without_permission = client_for()

    assert getattr(anonymous, method)(address, payload, format="json").status_code in (401, 403)
    assert getattr(without_permission, method)(address, payload, format="json").status_code == 403


def test_session_writes_need_the_csrf_token(django_user_model):
    user = django_user_model.objects.create_user(
        username="officer", password="officer-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name=COMMITTEE_OFFICER))
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    meeting = MeetingFactory()

    response = client.post(
        "/api/v1/action-points/", {"meeting": meeting.pk, "description": "x"}, format="json"
    )

    assert response.status_code == 403
    assert "CSRF" in str(response.json())
