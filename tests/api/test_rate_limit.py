"""Anonymous clients of the API are limited to API_ANONYMOUS_RATE requests per address; past
it they are answered 429 with Retry-After. Officers, by token or signed in, are not limited
by it; the limit can be turned off."""

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.factories import MeetingFactory, MinuteFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def limited(settings):
    settings.API_ANONYMOUS_RATE = "3/minute"
    meeting = MeetingFactory(minutes_published=True)
    MinuteFactory(meeting=meeting)


def ask(client, times, start=1, **extra):
    # A different page size each time: no answer is one the page cache already holds (which
    # is served without counting).
    return [
        client.get("/api/v1/minutes/", {"page_size": size}, **extra)
        for size in range(start, start + times)
    ]


def test_an_anonymous_client_past_the_rate_is_told_when_to_come_back(client, limited):
    responses = ask(client, 4)

    assert [response.status_code for response in responses] == [200, 200, 200, 429]
    refused = responses[-1]
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "Request was throttled" in refused.json()["detail"]
    assert "results" not in refused.json()


def test_each_address_is_counted_on_its_own(client, limited):
    ask(client, 3, REMOTE_ADDR="192.0.2.1")
    assert ask(client, 1, start=4, REMOTE_ADDR="192.0.2.1")[0].status_code == 429
    assert ask(client, 1, start=5, REMOTE_ADDR="192.0.2.2")[0].status_code == 200


def test_an_officers_token_is_not_limited(limited):
    client = APIClient()
    _, token = AuthToken.objects.create(user=UserFactory(is_staff=True))
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert {response.status_code for response in ask(client, 8)} == {200}


def test_a_signed_in_officer_is_not_limited(client, limited, officer):
    client.force_login(officer)
    assert {response.status_code for response in ask(client, 8)} == {200}


def test_a_refusal_is_not_kept_for_others(client, limited, settings):
    ask(client, 3)
    assert ask(client, 1, start=4)[0].status_code == 429
    settings.API_ANONYMOUS_RATE = ""  # the same request is served, not the refusal again
    response = ask(client, 1, start=4)[0]
    assert response.status_code == 200
    assert len(response.json()["results"]) == 1


def test_the_limit_can_be_turned_off(client, limited, settings):
    settings.API_ANONYMOUS_RATE = ""
    assert {response.status_code for response in ask(client, 8)} == {200}
