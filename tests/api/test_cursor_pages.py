"""API lists paged by cursor: following `next` gives every published record once, in the
list's order, however many records are added or removed while a client reads; filters and
the page size carry over in the links; a cursor the API did not make is a 404, not an error;
and no list counts its rows."""

import base64
import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from tests.factories import (
    ActionPointFactory,
    CommitteeFactory,
    MeetingFactory,
    MembershipFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


def follow(client, url, params=None):
    """Every page of a list from `url`, following `next`; the pages' JSON in order."""
    pages = [client.get(url, params or {}).json()]
    while pages[-1]["next"]:
        next_url = pages[-1]["next"]
        assert next_url.startswith("http://testserver/api/v1/")
        pages.append(client.get(next_url).json())
    return pages


def ids(pages):
    return [record["id"] for page in pages for record in page["results"]]


def test_following_next_gives_every_record_once_in_order(client):
    meeting = MeetingFactory(minutes_published=True)
    points = [ActionPointFactory(meeting=meeting) for _ in range(7)]

    pages = follow(client, "/api/v1/action-points/", {"page_size": 3})

    assert [len(page["results"]) for page in pages] == [3, 3, 1]
    assert ids(pages) == sorted(point.pk for point in points)
    assert pages[0]["previous"] is None
    assert all("count" not in page for page in pages)
    # `previous` leads back to the page before.
    back = client.get(pages[2]["previous"]).json()
    assert [record["id"] for record in back["results"]] == ids(pages[1:2])


def test_records_added_while_reading_move_no_other_record(client):
    meeting = MeetingFactory(minutes_published=True)
    before = [ActionPointFactory(meeting=meeting) for _ in range(6)]

    first = client.get("/api/v1/action-points/", {"page_size": 2}).json()
    added = [ActionPointFactory(meeting=meeting) for _ in range(3)]
    expected = [point.pk for point in before + added]
    for gone in (before[0], before[3]):  # one on the page read, one on a page to come
        if gone is before[3]:
            expected.remove(gone.pk)
        gone.delete()
    rest = follow(client, first["next"])

    read = [record["id"] for record in first["results"]] + ids(rest)
    assert read == expected


def test_meetings_newest_first_with_ties_on_the_start_time(client):
    """Meetings at the same time are ordered by id within it, and a page boundary among
    them repeats and skips none."""
    same_time = timezone.make_aware(datetime.datetime(2024, 3, 5, 14, 0))
    committee = CommitteeFactory()
    tied = [MeetingFactory(committee=committee, starts_at=same_time) for _ in range(5)]
    earlier = MeetingFactory(committee=committee, starts_at=same_time - datetime.timedelta(days=1))
    later = MeetingFactory(committee=committee, starts_at=same_time + datetime.timedelta(days=1))

    pages = follow(client, "/api/v1/meetings/", {"page_size": 2})

    expected = [later.pk, *sorted((m.pk for m in tied), reverse=True), earlier.pk]
    assert ids(pages) == expected


def test_people_by_name_then_id(client):
    names = ["Beth Ames", "Ann Cole", "Ann Cole", "Carl Dunn", "Ann Cole"]
    people = [PersonFactory(name=name) for name in names]
    for person in people:
        MembershipFactory(person=person)

    pages = follow(client, "/api/v1/people/", {"page_size": 2})

    assert ids(pages) == [p.pk for p in sorted(people, key=lambda p: (p.name, p.pk))]


def test_filters_and_page_size_carry_over_in_the_links(client):
    panel = CommitteeFactory(slug="scrutiny-panel")
    other = CommitteeFactory(slug="other-panel")
    for committee in (panel, other, panel, other, panel):
        ActionPointFactory(meeting=MeetingFactory(committee=committee, minutes_published=True))

    pages = follow(client, "/api/v1/action-points/", {"committee": panel.slug, "page_size": 1})

    assert len(pages) == 3
    assert {record["committee"] for page in pages for record in page["results"]} == {panel.pk}
    query = parse_qs(urlsplit(pages[0]["next"]).query)
    assert query["committee"] == [panel.slug]
    assert query["page_size"] == ["1"]
    assert "cursor" in query


def encoded(text):
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize("endpoint", ["action-points", "meetings", "people"])
@pytest.mark.parametrize(
    "cursor",
    ["x", "%00", encoded("p=xyz"), encoded("r=1&p=2021-02-30"), encoded("o=-1"),
     encoded("r=x"), encoded("p=99999999999999999999999"), encoded("o=1&p=\x00")],
)  # fmt: skip
def test_a_cursor_not_made_here_is_not_found(client, endpoint, cursor):
    ActionPointFactory(meeting=MeetingFactory(minutes_published=True))
    MembershipFactory()

    response = client.get(f"/api/v1/{endpoint}/", {"cursor": cursor})

    assert response.status_code in (200, 404)
    if response.status_code == 404:
        assert response.json()["detail"] == "Invalid cursor"


def test_the_page_parameter_of_numbered_pages_is_ignored(client):
    meeting = MeetingFactory(minutes_published=True)
    points = [ActionPointFactory(meeting=meeting) for _ in range(3)]

    page = client.get("/api/v1/action-points/", {"page": 2, "page_size": 2}).json()

    assert [record["id"] for record in page["results"]] == [p.pk for p in points[:2]]


def test_the_schema_documents_cursor_pages_without_a_count(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    lists = [
        (path, operations["get"])
        for path, operations in schema["paths"].items()
        if path.startswith("/api/v1/") and path.count("/") == 4 and "get" in operations
    ]
    assert len(lists) == 22  # 21 kinds of record and the changes feed
    for path, operation in lists:
        names = {parameter["name"] for parameter in operation["parameters"]}
        assert {"cursor", "page_size"} <= names, path
        assert "page" not in names, path
        reference = operation["responses"]["200"]["content"]["application/json"]["schema"]
        page = schema["components"]["schemas"][reference["$ref"].rsplit("/", 1)[1]]
        assert set(page["properties"]) == {"next", "previous", "results"}, path
