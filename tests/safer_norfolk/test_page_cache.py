"""The public page cache (safer_norfolk.page_cache): a copy is served only while no content has
changed since it was made, whatever the way the change was made, and only to anonymous
visitors."""

import pytest
from django.db import transaction
from django.test.utils import CaptureQueriesContext

from meetings import services
from meetings.models import AgendaItem
from outcomes.services import import_observations
from safer_norfolk.models import ContentGeneration
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    MeetingFactory,
    ObservationFactory,
    UserFactory,
    WrittenQuestionFactory,
    area,
)

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

MARKER = "CACHE-MARKER-51c2"


def queries_for(client, url, **headers):
    from django.db import connection

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    return response, len(queries)


def generation():
    return ContentGeneration.objects.get(pk=1).number


def test_a_second_visit_is_served_from_the_cache_with_one_query(client):
    item = AgendaItemFactory(title=f"Item {MARKER}")
    url = item.meeting.get_absolute_url()

    first, first_queries = queries_for(client, url)
    second, second_queries = queries_for(client, url)

    assert first.status_code == second.status_code == 200
    assert MARKER in second.content.decode()
    assert second.content == first.content
    assert first_queries > 3
    assert second_queries == 1  # the content generation
    # The headers added outside the cache are on the copy as well.
    assert "Content-Security-Policy" in second.headers
    assert second.headers["X-Frame-Options"] == "DENY"


def test_a_conditional_request_answers_304_with_at_most_two_queries(client):
    item = AgendaItemFactory(title=f"Item {MARKER}")
    url = item.meeting.get_absolute_url()
    etag = client.get(url).headers["ETag"]

    response, queries = queries_for(client, url, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert queries <= 2


def test_a_copy_carries_the_etag_of_its_body_worked_out_when_it_was_stored(client, monkeypatch):
    import hashlib

    from django.middleware import http

    from safer_norfolk import page_cache

    item = AgendaItemFactory(title=f"Item {MARKER}")
    url = item.meeting.get_absolute_url()
    first = client.get(url)
    expected = f'"{hashlib.md5(first.content, usedforsecurity=False).hexdigest()}"'
    assert first.headers["ETag"] == expected

    def no_hashing(response):
        raise AssertionError("a cached copy's body was hashed again")

    monkeypatch.setattr(http, "set_response_etag", no_hashing)
    monkeypatch.setattr(page_cache, "set_response_etag", no_hashing)
    second = client.get(url)
    assert second.content == first.content
    assert second.headers["ETag"] == expected
    assert client.get(url, HTTP_IF_NONE_MATCH=expected).status_code == 304


def test_browsers_that_accept_gzip_get_the_copy_compressed_once(client, monkeypatch):
    import gzip

    from safer_norfolk import page_cache

    item = AgendaItemFactory(title=f"Item {MARKER}")
    url = item.meeting.get_absolute_url()
    plain = client.get(url)
    assert "Accept-Encoding" in plain.headers["Vary"]
    assert "Content-Encoding" not in plain.headers

    compressions = []
    original = page_cache.compress_string
    monkeypatch.setattr(
        page_cache, "compress_string", lambda body: compressions.append(1) or original(body)
    )
    # A hit, asked for twice by a browser, then by a client without gzip.
    first, queries = queries_for(client, url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    second = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    again_plain = client.get(url)

    assert queries == 1
    assert compressions == []  # compressed when the copy was stored, not on a hit
    for response in (first, second):
        assert response.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(response.content) == plain.content
        assert int(response.headers["Content-Length"]) == len(response.content)
        assert len(response.content) < len(plain.content) / 2
        assert response.headers["ETag"] == "W/" + plain.headers["ETag"]
        assert "Accept-Encoding" in response.headers["Vary"]
    assert again_plain.content == plain.content
    assert "Content-Encoding" not in again_plain.headers
    # Either representation's tag answers 304 for the page.
    for etag in (plain.headers["ETag"], first.headers["ETag"]):
        assert (
            client.get(url, HTTP_IF_NONE_MATCH=etag, HTTP_ACCEPT_ENCODING="gzip").status_code == 304
        )


def test_a_change_reaches_browsers_that_accept_gzip_at_once(client):
    import gzip

    item = AgendaItemFactory(title=f"Item {MARKER}")
    url = item.meeting.get_absolute_url()
    client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    item.title = "Renamed item"
    item.save()

    page = gzip.decompress(client.get(url, HTTP_ACCEPT_ENCODING="gzip").content).decode()
    assert "Renamed item" in page
    assert MARKER not in page


def test_a_copy_keeps_the_content_security_policy_its_view_set(client):
    # The API docs page allows inline styles (its viewer needs them); other pages do not.
    url = "/api/docs/"
    for encoding in ("", "", "gzip", "gzip"):  # a miss and a hit, plain and compressed
        response = client.get(url, HTTP_ACCEPT_ENCODING=encoding)
        assert response.status_code == 200
        policy = response.headers["Content-Security-Policy"]
        assert "style-src 'self' 'unsafe-inline'" in policy, (encoding, policy)
        assert "worker-src blob:" in policy
    home = client.get("/").headers["Content-Security-Policy"]
    assert "unsafe-inline" not in home


def test_unpublishing_an_agenda_takes_effect_at_once(client):
    item = AgendaItemFactory(title=f"Item {MARKER}")
    meeting = item.meeting
    url = meeting.get_absolute_url()
    assert MARKER in client.get(url).content.decode()

    meeting.agenda_status = "draft"
    meeting.save()

    assert client.get(url).status_code == 404
    assert MARKER not in client.get(meeting.committee.get_absolute_url()).content.decode()


def test_an_item_made_exempt_disappears_from_the_cached_page(client):
    item = AgendaItemFactory(title=f"Item {MARKER}")
    url = item.meeting.get_absolute_url()
    assert MARKER in client.get(url).content.decode()

    item.is_exempt = True
    item.save()

    assert MARKER not in client.get(url).content.decode()


def test_a_deleted_item_disappears_from_the_cached_page(client):
    item = AgendaItemFactory(title=f"Item {MARKER}")
    url = item.meeting.get_absolute_url()
    assert MARKER in client.get(url).content.decode()

    AgendaItem.objects.get(pk=item.pk).delete()

    assert MARKER not in client.get(url).content.decode()


def test_a_link_removed_between_records_takes_effect_at_once(client):
    action = ActionFactory()
    question = WrittenQuestionFactory(question=f"Question {MARKER}")
    question.plan_actions.add(action)
    url = action.get_absolute_url()
    assert MARKER in client.get(url).content.decode()

    question.plan_actions.remove(action)

    assert MARKER not in client.get(url).content.decode()


def test_figures_imported_in_bulk_replace_the_cached_measure_page(client):
    observation = ObservationFactory(value=111)
    measure = observation.measure
    url = measure.get_absolute_url()
    before = client.get(url).content.decode()
    assert "987,654" not in before

    content = (
        "framework,outcome,measure,area,period,value\n"
        f"{measure.outcome.framework.slug},{measure.outcome.number},{measure.number},"
        "Norfolk,2021/22,987654\n"
    ).encode()
    report = import_observations(name="figures.csv", content=content)

    assert report.ok, report.problems
    assert report.updated == 1
    assert "987,654" in client.get(url).content.decode()


def test_a_change_rolled_back_leaves_the_generation_and_the_copy(client):
    item = AgendaItemFactory(title=f"Item {MARKER}")
    url = item.meeting.get_absolute_url()
    client.get(url)
    before = generation()

    def change_then_fail():
        with transaction.atomic():
            item.title = "Changed"
            item.save()
            raise RuntimeError

    with pytest.raises(RuntimeError):
        change_then_fail()

    assert generation() == before
    response, queries = queries_for(client, url)
    assert MARKER in response.content.decode()
    assert queries == 1


def test_a_service_change_takes_effect_at_once(client):
    meeting = MeetingFactory(draft=True)
    AgendaItemFactory(meeting=meeting, title=f"Item {MARKER}")
    url = meeting.get_absolute_url()
    assert client.get(url).status_code == 404

    services.publish_agenda(meeting=meeting, by=UserFactory())

    assert client.get(meeting.get_absolute_url()).status_code == 200
    assert MARKER in client.get(meeting.get_absolute_url()).content.decode()


def test_visitors_with_a_session_or_credentials_are_never_served_a_copy(client, settings):
    item = AgendaItemFactory(title=f"Item {MARKER}")
    url = item.meeting.get_absolute_url()
    client.get(url)

    client.cookies[settings.SESSION_COOKIE_NAME] = "any"
    _, with_session = queries_for(client, url)
    del client.cookies[settings.SESSION_COOKIE_NAME]
    _, with_token = queries_for(client, url, HTTP_AUTHORIZATION="Token abc")

    assert with_session > 1
    assert with_token > 1


def test_the_api_keeps_a_copy_per_format(client):
    item = AgendaItemFactory(title=f"Item {MARKER}")
    url = f"/api/v1/agenda-items/{item.pk}/"

    as_json = client.get(url, HTTP_ACCEPT="application/json")
    as_html = client.get(url, HTTP_ACCEPT="text/html")
    json_again = client.get(url, HTTP_ACCEPT="application/json")

    assert as_json["Content-Type"] == json_again["Content-Type"] == "application/json"
    assert as_html["Content-Type"].startswith("text/html")
    assert json_again.content == as_json.content


def test_the_cache_can_be_turned_off(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    item = AgendaItemFactory(title=f"Item {MARKER}")
    url = item.meeting.get_absolute_url()
    client.get(url)

    _, queries = queries_for(client, url)

    assert queries > 1


def test_the_health_check_reads_nothing(client):
    response, queries = queries_for(client, "/health/")

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert queries == 0


def test_every_content_model_counts_its_changes():
    from safer_norfolk.page_cache import watched_models

    names = {model.__name__ for model in watched_models()}

    assert {"Meeting", "AgendaItem", "Document", "Action", "Observation", "Plan"} <= names
    assert "ContentGeneration" not in names
    assert "RenderedDocument" not in names  # storing a document changes no page
    assert not any(name.startswith("Historical") for name in names)
    # Areas are used by the figures test above.
    assert area("norfolk").slug == "norfolk"


def test_a_new_release_never_serves_the_copies_of_the_code_it_replaced(client, monkeypatch):
    """With a cache every process shares, a copy made before a release is not served after
    it, though the content is unchanged: a fix to a page takes effect on the next request."""
    from safer_norfolk import page_cache

    item = AgendaItemFactory(title=f"Item {MARKER}")
    url = item.meeting.get_absolute_url()
    client.get(url)
    _, cached = queries_for(client, url)
    assert cached == 1

    monkeypatch.setattr(page_cache, "release", lambda: "the next release")
    response, made_again = queries_for(client, url)
    _, cached_again = queries_for(client, url)

    assert response.status_code == 200
    assert MARKER in response.content.decode()
    assert made_again > 1
    assert cached_again == 1


def test_the_release_fingerprint_follows_the_templates_not_where_they_are(tmp_path, settings):
    from safer_norfolk import page_cache

    def fingerprint(directory):
        settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [directory]}]
        page_cache.release.cache_clear()
        try:
            return page_cache.release()
        finally:
            page_cache.release.cache_clear()

    here, there = tmp_path / "here" / "jinja2", tmp_path / "there" / "jinja2"
    for directory in (here, there):
        directory.mkdir(parents=True)
        (directory / "page.html").write_text("<p>{{ item.title }}</p>")

    assert fingerprint(here) == fingerprint(there)
    before = fingerprint(here)
    (here / "page.html").write_text("<p>{{ item.title }} (corrected)</p>")
    assert fingerprint(here) != before
