"""Calendars, Atom feeds and the action points, figures and outstanding CSVs are made once per content
version and served from storage (safer_norfolk.page_cache.stored_response): a file changes
as soon as what it shows is published, withdrawn or made exempt, a later request reads the
stored file without making it again, older versions are deleted and a lost file is made
again.

The page cache is off here (PAGE_CACHE_SECONDS = 0) unless a test says otherwise, so every
request reaches the view and what is counted is the stored files' own behaviour.
"""

import datetime
import gzip
import secrets

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from meetings import feeds, outstanding
from meetings import queries as meeting_queries
from meetings import views as meeting_views
from outcomes import queries as outcome_queries
from safer_norfolk.models import RenderedDocument
from tests.factories import (
    ActionPointFactory,
    AgendaItemFactory,
    CommitteeFactory,
    DocumentFactory,
    MeasureFactory,
    MeetingFactory,
    MinuteFactory,
    ObservationFactory,
    OutcomeFactory,
    OutcomeFrameworkFactory,
    ResolutionFactory,
)

pytestmark = pytest.mark.django_db

SECRET = "LEAK-MARKER-5e1f"
SOON = timezone.now() + datetime.timedelta(days=10)


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def builds(monkeypatch):
    """Each time a file's rows are read to make it, by kind."""
    made = []

    def counted(module, name, kind):
        original = getattr(module, name)

        def wrapper(*args, **kwargs):
            made.append(kind)
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)

    counted(feeds, "calendar", "calendar")
    counted(feeds, "latest_entries", "feed")
    counted(meeting_queries, "committee_action_points", "action points")
    counted(outcome_queries, "framework_observations", "figures")
    counted(outstanding, "outstanding", "outstanding")
    counted(meeting_views, "_decisions_csv", "decisions")
    return made


@pytest.fixture
def committee():
    committee = CommitteeFactory(name="Breckland CSP", slug="breckland-csp")
    meeting = MeetingFactory(committee=committee, starts_at=SOON, minutes_published=True)
    DocumentFactory(meeting=meeting, title="Serious violence duty paper")
    ActionPointFactory(meeting=meeting, description="Circulate the briefing note")
    return committee


@pytest.fixture
def framework():
    framework = OutcomeFrameworkFactory(slug="safer-outcomes")
    measure = MeasureFactory(outcome=OutcomeFactory(framework=framework, number="1"))
    ObservationFactory(measure=measure, value=42)
    return framework


def addresses(committee, framework):
    slug = committee.slug
    return [
        reverse("meetings:calendar"),
        reverse("meetings:committee_calendar", args=[slug]),
        reverse("meetings:feed"),
        reverse("meetings:committee_feed", args=[slug]),
        reverse("meetings:committee_action_points_csv", args=[slug]),
        reverse("meetings:committee_action_points_csv", args=[slug]) + "?status=open",
        reverse("meetings:committee_action_points_csv", args=[slug]) + "?status=closed",
        reverse("outcomes:observations_csv", args=[framework.slug]),
        reverse("outcomes:observations_csv", args=[framework.slug]) + "?area=norfolk",
    ]


HEADERS = ("Content-Type", "Content-Disposition", "Last-Modified")


def headers(response):
    return {name: response[name] for name in HEADERS if response.has_header(name)}


def test_each_file_is_made_once_then_served_from_storage_with_the_same_headers(
    client, builds, committee, framework
):
    urls = addresses(committee, framework)
    firsts = [client.get(url) for url in urls]
    made = len(builds)

    again = [client.get(url) for url in urls]

    assert [response.status_code for response in firsts] == [200] * len(urls)
    assert len(builds) == made  # nothing made again
    assert RenderedDocument.objects.count() == len(urls)  # one file per file and variant
    for first, second in zip(firsts, again, strict=True):
        assert second.content == first.content
        assert headers(second) == headers(first)
    assert headers(again[0]) == {
        "Content-Type": "text/calendar; charset=utf-8",
        "Content-Disposition": 'inline; filename="meetings.ics"',
    }
    assert headers(again[4])["Content-Disposition"] == (
        'attachment; filename="breckland-csp-action-points.csv"'
    )
    assert again[2]["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert again[2].has_header("Last-Modified")


def test_a_new_release_makes_each_file_again_and_deletes_the_old_releases_copy(
    client, builds, committee, monkeypatch, django_capture_on_commit_callbacks
):
    """A file made by the code a release replaced is not served after it, though the content
    and the day are the same: a fix to how a file is made takes effect at once."""
    from safer_norfolk import page_cache

    url = reverse("meetings:committee_feed", args=[committee.slug])
    first = client.get(url)
    client.get(url)
    assert builds == ["feed"]
    old = RenderedDocument.objects.get()

    monkeypatch.setattr(page_cache, "release", lambda: "next-release")
    with django_capture_on_commit_callbacks(execute=True):  # the old files' deletion
        again = client.get(url)
    client.get(url)

    assert builds == ["feed", "feed"]  # made once more, then served from storage
    assert again.content == first.content
    stored = RenderedDocument.objects.get()
    assert stored.release == "next-release"
    assert stored.pk != old.pk
    assert not default_storage.exists(old.file.name)


def test_a_second_request_reads_the_stored_file_in_three_queries(
    client, committee, django_assert_num_queries
):
    url = reverse("meetings:committee_calendar", args=[committee.slug])
    first = client.get(url)
    # The content generation, the committee, the stored file's row.
    with django_assert_num_queries(3):
        assert client.get(url).content == first.content


def test_a_status_nobody_filters_by_is_the_file_of_every_action_point(client, builds, committee):
    url = reverse("meetings:committee_action_points_csv", args=[committee.slug])
    every = client.get(url).content

    assert client.get(f"{url}?status={secrets.token_hex(4)}").content == every
    assert len(builds) == 1
    assert b"Circulate the briefing note" in client.get(f"{url}?status=open").content
    assert client.get(f"{url}?status=closed").content.count(b"\n") == 1  # the headings only


def test_a_file_is_made_per_host_its_addresses_name(client, settings, committee):
    settings.ALLOWED_HOSTS = ["testserver", "mirror.example.org"]
    url = reverse("meetings:committee_feed", args=[committee.slug])
    here = client.get(url).content
    there = client.get(url, HTTP_HOST="mirror.example.org").content

    assert b"http://testserver/" in here
    assert b"mirror.example.org" not in here
    assert b"http://mirror.example.org/" in there
    assert b"testserver" not in there


def test_a_meeting_appears_in_the_calendars_when_published_and_goes_when_withdrawn(client):
    committee = CommitteeFactory(slug="norwich-csp")
    MeetingFactory(committee=committee, starts_at=SOON, venue="Guildhall")
    hidden = MeetingFactory(committee=committee, starts_at=SOON, draft=True, venue=SECRET)
    urls = [
        reverse("meetings:calendar"),
        reverse("meetings:committee_calendar", args=["norwich-csp"]),
    ]
    assert all(SECRET.encode() not in client.get(url).content for url in urls)

    hidden.agenda_status = "published"
    hidden.agenda_published_at = timezone.now()
    hidden.save()
    assert all(SECRET.encode() in client.get(url).content for url in urls)

    hidden.agenda_status = "draft"
    hidden.save()
    assert all(SECRET.encode() not in client.get(url).content for url in urls)


def test_a_paper_withdrawn_or_made_exempt_leaves_the_feeds(client, committee):
    meeting = committee.meetings.get()
    item = AgendaItemFactory(meeting=meeting)
    paper = DocumentFactory(meeting=meeting, agenda_item=item, title=SECRET, is_public=False)
    urls = [reverse("meetings:feed"), reverse("meetings:committee_feed", args=[committee.slug])]
    assert all(SECRET.encode() not in client.get(url).content for url in urls)

    paper.is_public = True
    paper.save()
    assert all(SECRET.encode() in client.get(url).content for url in urls)

    item.is_exempt = True
    item.save()
    assert all(SECRET.encode() not in client.get(url).content for url in urls)

    item.is_exempt = False
    item.save()
    paper.is_public = False
    paper.save()
    assert all(SECRET.encode() not in client.get(url).content for url in urls)


def test_an_action_point_made_exempt_or_unpublished_leaves_the_csv(client, committee):
    meeting = committee.meetings.get()
    item = AgendaItemFactory(meeting=meeting, is_exempt=True)
    ActionPointFactory(
        meeting=meeting, minute=MinuteFactory(meeting=meeting, agenda_item=item), description=SECRET
    )
    url = reverse("meetings:committee_action_points_csv", args=[committee.slug])
    variants = [url, f"{url}?status=open"]
    assert all(SECRET.encode() not in client.get(each).content for each in variants)

    item.is_exempt = False
    item.save()
    assert all(SECRET.encode() in client.get(each).content for each in variants)

    meeting.minutes_status = "draft"
    meeting.save()
    assert all(SECRET.encode() not in client.get(each).content for each in variants)


@pytest.mark.parametrize(
    ("name", "narrowing", "kind"),
    [
        ("meetings:outstanding_csv", "?kind=action_point&sort=-due", "text/csv"),
        ("meetings:outstanding_feed", "?kind=action_point", "application/atom+xml"),
    ],
)
def test_the_outstanding_csv_and_feed_are_made_once_per_selection_and_follow_publication(
    client, builds, committee, name, narrowing, kind
):
    meeting = committee.meetings.get()
    item = AgendaItemFactory(meeting=meeting, is_exempt=True)
    ActionPointFactory(
        meeting=meeting, minute=MinuteFactory(meeting=meeting, agenda_item=item), description=SECRET
    )
    url = reverse(name)
    every, action_points = url, f"{url}{narrowing}"

    first = client.get(every)
    again = client.get(every)
    narrowed = client.get(action_points)

    assert first.status_code == again.status_code == narrowed.status_code == 200
    assert builds.count("outstanding") == 2  # one per selection; the repeat read storage
    assert again.content == first.content
    assert again["Content-Type"].startswith(kind)
    if name == "meetings:outstanding_csv":
        assert again["Content-Disposition"] == 'attachment; filename="outstanding.csv"'
    assert b"Circulate the briefing note" in first.content
    assert b"Circulate the briefing note" in narrowed.content
    assert all(SECRET.encode() not in response.content for response in (first, narrowed))

    item.is_exempt = False
    item.save()
    assert all(SECRET.encode() in client.get(each).content for each in (every, action_points))

    meeting.minutes_status = "draft"
    meeting.save()
    assert all(SECRET.encode() not in client.get(each).content for each in (every, action_points))


def test_the_decisions_csv_is_made_once_per_selection_and_follows_publication(
    client, builds, committee
):
    meeting = committee.meetings.get()
    item = AgendaItemFactory(meeting=meeting, is_exempt=True)
    ResolutionFactory(
        minute=MinuteFactory(meeting=meeting, agenda_item=item, number="9"), text=SECRET
    )
    ResolutionFactory(
        minute=MinuteFactory(meeting=meeting, number="4", heading="Knife crime"),
        verb="agreed",
        text="to fund two more weapons sweeps.",
    )
    url = reverse("meetings:decisions_csv")
    every, agreed = url, f"{url}?verb=agreed"

    first = client.get(every)
    again = client.get(every)
    narrowed = client.get(agreed)

    assert first.status_code == again.status_code == narrowed.status_code == 200
    assert builds.count("decisions") == 2  # one per selection; the repeat read storage
    assert again.content == first.content
    assert again["Content-Disposition"] == 'attachment; filename="decisions.csv"'
    row = first.content.decode().splitlines()[1].split(",")
    day = timezone.localdate(meeting.starts_at)
    assert row[:5] == [day.isoformat(), "Breckland CSP", "4", "Knife crime", "AGREED"]
    assert row[-1] == f"http://testserver/committees/breckland-csp/{day.isoformat()}/#minute-4"
    assert all(SECRET.encode() not in response.content for response in (first, narrowed))

    item.is_exempt = False
    item.save()
    assert SECRET.encode() in client.get(every).content
    assert SECRET.encode() not in client.get(agreed).content


def test_the_outstanding_csv_still_refuses_an_unknown_filter(client, builds):
    response = client.get(reverse("meetings:outstanding_csv") + "?committee=999")

    assert response.status_code == 400
    assert builds == []
    assert not RenderedDocument.objects.exists()


def test_figures_leave_the_csv_when_their_framework_is_withdrawn_and_new_ones_appear(
    client, framework
):
    url = reverse("outcomes:observations_csv", args=[framework.slug])
    measure = framework.outcomes.get().measures.get()
    assert b"1234" not in client.get(url).content

    ObservationFactory(
        measure=measure,
        value=1234,
        period_start=datetime.date(2022, 4, 1),
        period_end=datetime.date(2023, 3, 31),
    )
    assert b"1234" in client.get(url).content

    framework.status = "draft"
    framework.save()
    assert client.get(url).status_code == 404


def test_older_versions_are_deleted_with_their_files(
    client, committee, django_capture_on_commit_callbacks
):
    url = reverse("meetings:committee_calendar", args=[committee.slug])
    client.get(url)
    old = RenderedDocument.objects.get()
    MeetingFactory(committee=committee, starts_at=SOON + datetime.timedelta(days=30))

    with django_capture_on_commit_callbacks(execute=True):
        client.get(url)

    current = RenderedDocument.objects.get()
    assert current.generation > old.generation
    assert not default_storage.exists(old.file.name)
    assert default_storage.exists(current.file.name)
    assert current.file.name.endswith(".ics")


def test_a_lost_file_is_made_again(client, builds, committee):
    url = reverse("meetings:calendar")
    first = client.get(url).content
    default_storage.delete(RenderedDocument.objects.get().file.name)

    again = client.get(url).content

    assert again == first
    assert builds == ["calendar", "calendar"]
    assert default_storage.exists(RenderedDocument.objects.get().file.name)


def test_a_calendar_client_past_the_render_limit_is_still_served_the_stored_file(
    client, settings, committee
):
    settings.RENDER_LIMIT, settings.RENDER_LIMIT_SECONDS = 1, 86400
    calendar = reverse("meetings:calendar")
    first = client.get(calendar)
    other = client.get(reverse("meetings:committee_calendar", args=[committee.slug]))

    polls = [client.get(calendar) for _ in range(3)]

    assert first.status_code == 200
    assert other.status_code == 429  # a second file to make, past the limit
    assert [poll.status_code for poll in polls] == [200] * 3
    assert {poll.content for poll in polls} == {first.content}


def test_the_site_calendar_holds_every_meeting_of_the_day_two_years_back(client):
    committee = CommitteeFactory()
    first_day = timezone.localdate() - feeds.CALENDAR_HISTORY
    london = feeds.LONDON
    early = MeetingFactory(
        committee=committee,
        starts_at=datetime.datetime.combine(first_day, datetime.time(0, 30), london),
        venue="Early room",
    )
    MeetingFactory(
        committee=committee,
        starts_at=datetime.datetime.combine(first_day, datetime.time(0, 30), london)
        - datetime.timedelta(days=1),
        venue="Too old room",
    )

    content = client.get(reverse("meetings:calendar")).content

    assert early.venue.encode() in content
    assert b"Too old room" not in content


def test_a_file_larger_than_the_page_cache_keeps_is_sent_compressed_from_storage(
    client, settings, builds, committee
):
    settings.PAGE_CACHE_SECONDS = 300
    url = reverse("meetings:calendar")
    settings.PAGE_CACHE_MAX_BYTES = len(client.get(url).content) - 1
    MeetingFactory(committee=committee, starts_at=SOON, venue="Assembly House")  # a new version

    squeezed = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    again = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    whole = client.get(url)

    assert builds == ["calendar", "calendar"]  # once per version, whatever the encoding
    assert squeezed["Content-Encoding"] == "gzip"
    assert again.content == squeezed.content
    assert "Content-Encoding" not in whole  # no copy of the compressed body is kept
    assert b"Assembly House" in whole.content
    assert gzip.decompress(squeezed.content) == whole.content
    for response in (squeezed, whole):
        assert "Accept-Encoding" in response["Vary"]
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert response["Content-Disposition"] == 'inline; filename="meetings.ics"'
    stored = RenderedDocument.objects.get(
        generation=RenderedDocument.objects.latest("pk").generation
    )
    assert stored.compressed.name.endswith(".ics.gz")


def test_a_file_the_page_cache_keeps_is_stored_whole_only(client, committee):
    client.get(reverse("meetings:committee_calendar", args=[committee.slug]))
    response = client.get(
        reverse("meetings:committee_calendar", args=[committee.slug]), HTTP_ACCEPT_ENCODING="gzip"
    )

    assert not RenderedDocument.objects.get().compressed
    assert "Content-Encoding" not in response
