import json

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from meetings.models import ActionPoint, WrittenQuestion
from safer_norfolk.roles import COMMITTEE_OFFICER, DATA_OFFICER, PARTNERSHIP_OFFICER
from tests.api.test_write_api import client_for
from tests.factories import (
    ActionPointFactory,
    MeetingFactory,
    OrganisationFactory,
    UserFactory,
    WrittenQuestionFactory,
)

pytestmark = pytest.mark.django_db

# How a client may send back the ETag it was given: a proxy or a compressing server on the
# way may have weakened it, and RFC 9110 lets If-Match list several.
SENT_AS = {
    "as given": lambda tag: tag,
    "weakened on the way": lambda tag: f"W/{tag}",
    "in a list": lambda tag: f'"0123456789abcdef", {tag}',
    "weakened in a list": lambda tag: f'W/"0123456789abcdef" ,W/{tag}',
}


def etag_of(path):
    return APIClient().get(path)["ETag"]


@pytest.mark.parametrize("sent_as", SENT_AS.values(), ids=SENT_AS.keys())
def test_an_answer_naming_the_current_etag_in_any_form_is_saved(sent_as):
    police = OrganisationFactory(name="Norfolk Constabulary")
    question = WrittenQuestionFactory(addressed_to=police)
    officer = client_for(PARTNERSHIP_OFFICER, organisation=police)
    tag = etag_of(f"/api/v1/written-questions/{question.pk}/")

    answered = officer.post(
        f"/api/v1/written-questions/{question.pk}/respond/",
        {"response": "Twelve patrols."},
        format="json",
        HTTP_IF_MATCH=sent_as(tag),
    )

    assert answered.status_code == 200, answered.json()
    assert WrittenQuestion.objects.get(pk=question.pk).response == "Twelve patrols."


def test_the_weak_tag_of_a_compressed_read_names_the_record_for_a_write():
    police = OrganisationFactory(name="Norfolk Constabulary")
    question = WrittenQuestionFactory(addressed_to=police)
    officer = client_for(PARTNERSHIP_OFFICER, organisation=police)
    read = APIClient().get(f"/api/v1/written-questions/{question.pk}/", HTTP_ACCEPT_ENCODING="gzip")

    answered = officer.post(
        f"/api/v1/written-questions/{question.pk}/respond/",
        {"response": "Twelve patrols."},
        format="json",
        HTTP_IF_MATCH=read["ETag"],
    )

    assert read["Content-Encoding"] == "gzip"
    assert read["ETag"].startswith('W/"')
    assert answered.status_code == 200
    assert WrittenQuestion.objects.get(pk=question.pk).response == "Twelve patrols."


@pytest.mark.parametrize("sent_as", SENT_AS.values(), ids=SENT_AS.keys())
def test_a_close_naming_an_older_etag_in_any_form_is_refused(sent_as):
    point = ActionPointFactory(description="Share the figures")
    officer = client_for(COMMITTEE_OFFICER)
    old_tag = etag_of(f"/api/v1/action-points/{point.pk}/")
    point.description = "Share the figures with the districts"
    point.save()

    refused = officer.post(
        f"/api/v1/action-points/{point.pk}/close/",
        {"response": "Done"},
        format="json",
        HTTP_IF_MATCH=sent_as(old_tag),
    )

    assert refused.status_code == 412
    assert "changed since you read it" in refused.json()["detail"]
    assert ActionPoint.objects.get(pk=point.pk).status == "open"


@pytest.mark.parametrize("sent_as", SENT_AS.values(), ids=SENT_AS.keys())
def test_a_close_naming_the_current_etag_in_any_form_is_saved(sent_as):
    point = ActionPointFactory()
    officer = client_for(COMMITTEE_OFFICER)

    closed = officer.post(
        f"/api/v1/action-points/{point.pk}/close/",
        {"response": "Closed: Agenda Item 10"},
        format="json",
        HTTP_IF_MATCH=sent_as(etag_of(f"/api/v1/action-points/{point.pk}/")),
    )

    assert closed.status_code == 200
    assert ActionPoint.objects.get(pk=point.pk).status == "closed"


def test_if_match_star_or_a_tag_not_in_quotes():
    point, other = ActionPointFactory(), ActionPointFactory()
    officer = client_for(COMMITTEE_OFFICER)
    unquoted = etag_of(f"/api/v1/action-points/{other.pk}/").strip('"')

    star = officer.post(
        f"/api/v1/action-points/{point.pk}/close/",
        {"response": "Done"},
        format="json",
        HTTP_IF_MATCH="*",
    )
    malformed = officer.post(
        f"/api/v1/action-points/{other.pk}/close/",
        {"response": "Done"},
        format="json",
        HTTP_IF_MATCH=unquoted,
    )

    assert star.status_code == 200
    # Not an entity tag at all, so it names no version of the record: refused, not ignored.
    assert malformed.status_code == 412
    assert ActionPoint.objects.get(pk=other.pk).status == "open"


# --- hostile bodies -----------------------------------------------------------------------

DEEP = "[" * 100_000 + "]" * 100_000


def write_endpoints():
    """Every API write, with the role that may make it."""
    return {
        "raise an action point": (COMMITTEE_OFFICER, "/api/v1/action-points/"),
        "close an action point": (COMMITTEE_OFFICER, "/api/v1/action-points/{point}/close/"),
        "answer a question": (COMMITTEE_OFFICER, "/api/v1/written-questions/{question}/respond/"),
        "create a meeting": (COMMITTEE_OFFICER, "/api/v1/meetings/"),
        "add an agenda item": (COMMITTEE_OFFICER, "/api/v1/agenda-items/"),
        "record an action update": (PARTNERSHIP_OFFICER, "/api/v1/action-updates/"),
        "add figures in bulk": (DATA_OFFICER, "/api/v1/observations/bulk/"),
    }


def address(path):
    if "{point}" in path:
        return path.format(point=ActionPointFactory().pk)
    if "{question}" in path:
        return path.format(question=WrittenQuestionFactory().pk)
    return path


def test_every_api_write_is_listed_here():
    """The endpoints below are every write the API takes: a new one must be added here."""
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    writes = {
        path.replace("{id}", "{point}" if "action-points" in path else "{question}")
        for path, operations in paths.items()
        if {"post", "put", "patch", "delete"} & set(operations)
    }

    assert writes == {path for _, path in write_endpoints().values()}


@pytest.mark.parametrize(("role", "path"), write_endpoints().values(), ids=write_endpoints().keys())
def test_a_body_nested_too_deep_gets_400_with_a_json_error(role, path):
    officer = client_for(role, organisation=OrganisationFactory())
    officer.raise_request_exception = False

    answer = officer.post(address(path), DEEP, content_type="application/json")

    assert answer.status_code == 400
    assert "nested" in answer.json()["detail"]


@pytest.mark.parametrize("depth", [21, 900, 5000])
def test_nesting_beyond_the_limit_is_refused_wherever_the_parser_would_give_out(depth):
    officer = client_for(COMMITTEE_OFFICER)
    inner = depth - 1  # within the body's object
    body = '{"meeting": ' + "[" * inner + "]" * inner + "}"

    answer = officer.post("/api/v1/action-points/", body, content_type="application/json")

    assert answer.status_code == 400
    assert answer.json()["detail"] == (
        "The body is nested more than 20 levels deep; no request needs more than a few."
    )


def test_a_body_within_the_limits_is_read_as_before():
    officer = client_for(COMMITTEE_OFFICER)
    meeting = MeetingFactory()
    nested = "[" * 19 + "]" * 19  # 20 levels with the object holding it
    body = json.dumps({"meeting": meeting.pk, "description": "Share the figures"})
    body = body.replace("}", f', "x": {nested}}}')

    answer = officer.post("/api/v1/action-points/", body, content_type="application/json")

    assert answer.status_code == 201
    assert ActionPoint.objects.get().description == "Share the figures"


def test_a_body_larger_than_the_upload_limit_gets_400(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    officer = client_for(COMMITTEE_OFFICER)
    meeting = MeetingFactory()
    body = json.dumps({"meeting": meeting.pk, "description": "x" * 1000})

    answer = officer.post("/api/v1/action-points/", body, content_type="application/json")

    assert answer.status_code == 400
    assert answer.json()["detail"] == "The body is larger than 1000\xa0bytes."
    assert not ActionPoint.objects.exists()


def test_a_deep_body_from_a_signed_in_browser_gets_400(django_user_model):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=COMMITTEE_OFFICER))
    browser = APIClient(raise_request_exception=False)
    browser.force_login(user)

    answer = browser.post("/api/v1/meetings/", DEEP, content_type="application/json")

    assert answer.status_code == 400
    assert "nested" in answer.json()["detail"]


@pytest.mark.parametrize(("role", "path"), write_endpoints().values(), ids=write_endpoints().keys())
def test_a_deep_body_from_anyone_else_is_refused_without_being_read(role, path):
    anonymous = APIClient(raise_request_exception=False)

    answer = anonymous.post(address(path), DEEP, content_type="application/json")

    assert answer.status_code in (401, 403)
    assert "credentials" in answer.json()["detail"]
