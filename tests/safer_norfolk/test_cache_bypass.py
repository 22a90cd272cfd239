"""Query strings cannot get round the page cache, documents are made once per content version,
and anonymous visitors are limited in how many documents they can have made
(safer_norfolk.page_cache).

Renders are counted as they pass through WeasyPrint, copies of pages as entries of the pages
cache, and stored documents as rows and files: the project's own code runs as it does in
production.
"""

import datetime
import secrets
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safer_norfolk import page_cache
from safer_norfolk.models import RenderedDocument
from tests import crawl
from tests.factories import (
    ActionFactory,
    ActionUpdateFactory,
    AgendaItemFactory,
    CommitteeFactory,
    MeetingFactory,
    MinuteFactory,
    PlanFactory,
    ResolutionFactory,
    SectionFactory,
)
from tests.http import read_body
from tests.pdfs import pdf_pages_text

pytestmark = pytest.mark.django_db

# Parameters a view reads for officers only; anonymous visitors' requests lose them.
OFFICERS_ONLY = {"preview"}


@pytest.fixture
def renders(monkeypatch):
    """Every PDF WeasyPrint writes, counted on its way through."""
    import weasyprint

    made = []
    original = weasyprint.HTML.write_pdf

    def counted(self, *args, **kwargs):
        made.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", counted)
    return made


@pytest.fixture
def limit(settings):
    """Two documents a day for each anonymous address. The windows are fixed (counted from
    the epoch), so a test as long as a short window could straddle two and be let through:
    a day's window is one a test never crosses but at midnight."""
    settings.RENDER_LIMIT, settings.RENDER_LIMIT_SECONDS = 2, 86400
    return 2


def copy_keys():
    # The local-memory cache's own table, whose keys carry the cache's prefix and version:
    # the render limit's counts live beside the copies.
    return [key.split(":", 2)[2] for key in caches["pages"]._cache if ":page:" in key]


def page_copies():
    return len(copy_keys())


def forget_copies():
    """As a web process that has not served the page yet: no copies, no counts."""
    caches["pages"].clear()


def random_query():
    return f"{secrets.token_hex(4)}={secrets.token_hex(8)}&utm_source={secrets.token_hex(3)}"


def minutes_url(meeting, query=""):
    address = reverse("meetings:minutes_pdf", args=[meeting.committee.slug, meeting.local_date])
    return f"{address}?{query}" if query else address


def report_url(plan, query=""):
    address = reverse("delivery_plans:report_pdf", args=[plan.slug])
    return f"{address}?{query}" if query else address


def pdf_of(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    return read_body(response)


def pdf_text(data):
    return " ".join("\n".join(pdf_pages_text(data)).split())


def meeting_with_minutes(body="The panel received the report.", **traits):
    meeting = MeetingFactory(minutes_published=True, **traits)
    minute = MinuteFactory(meeting=meeting, number="1", heading="Delivery plan", body=body)
    ResolutionFactory(minute=minute, text="the report.")
    return meeting, minute


def plan_with_two_actions():
    plan = PlanFactory(title="Safer Norfolk delivery plan")
    section = SectionFactory(plan=plan, title="Fraud")
    red = ActionFactory(section=section, number="1.1", title="Red campaign action")
    green = ActionFactory(section=section, number="1.2", title="Green campaign action")
    ActionUpdateFactory(action=red, rag="red")
    ActionUpdateFactory(action=green, rag="green")
    return plan


# --- unused query parameters ----------------------------------------------------------------


def test_random_parameters_on_a_pdf_make_no_render_and_no_copy_and_give_the_same_bytes(
    client, renders
):
    plan = plan_with_two_actions()
    first = pdf_of(client.get(report_url(plan)))

    again = [pdf_of(client.get(report_url(plan, random_query()))) for _ in range(5)]
    forget_copies()  # another web process: the stored document, not a copy, serves it
    elsewhere = [pdf_of(client.get(report_url(plan, random_query()))) for _ in range(3)]

    assert len(renders) == 1
    assert all(data == first for data in again + elsewhere)
    assert page_copies() == 1
    assert RenderedDocument.objects.filter(kind="plan_report", object_key=str(plan.pk)).count() == 1


def test_random_parameters_on_a_page_make_no_new_copy_and_give_the_same_bytes(client):
    plan = plan_with_two_actions()
    plain = client.get(plan.get_absolute_url()).content

    again = [client.get(f"{plan.get_absolute_url()}?{random_query()}").content for _ in range(5)]
    with CaptureQueriesContext(connection) as hit:
        client.get(f"{plan.get_absolute_url()}?{random_query()}")

    assert all(page == plain for page in again)
    assert page_copies() == 1
    assert len(hit) == 1  # the content generation, as for any copy


@pytest.mark.parametrize(
    "address",
    [
        lambda plan: plan.get_absolute_url(),  # writes its own query into the CSV link
        lambda plan: reverse("meetings:outstanding"),  # and into its paging links
    ],
    ids=["plan page", "outstanding page"],
)
def test_an_unread_parameter_cannot_change_a_page_even_made_afresh(client, address):
    plan = plan_with_two_actions()
    url = address(plan)
    plain = client.get(url).content
    forget_copies()

    with_unread = client.get(f"{url}?tracking=campaign-7&page_size=1000").content

    assert with_unread == plain
    assert b"campaign-7" not in with_unread


def test_an_unread_parameter_is_not_written_into_the_api_s_next_page(client):
    committee = CommitteeFactory()
    for _ in range(21):  # a page and one more
        MeetingFactory(committee=committee)
    url = f"/api/v1/meetings/?committee={committee.pk}"
    plain = client.get(url).content
    forget_copies()

    with_unread = client.get(f"{url}&tracking=campaign-7&limit=1000")

    assert with_unread.content == plain
    next_page = urlsplit(with_unread.json()["next"])
    assert next_page.path == "/api/v1/meetings/"
    assert sorted(parse_qs(next_page.query)) == ["committee", "cursor"]
    assert parse_qs(next_page.query)["committee"] == [str(committee.pk)]


def test_filter_parameters_still_give_different_pages_and_their_order_does_not_matter(client):
    plan = plan_with_two_actions()
    url = plan.get_absolute_url()

    everything = client.get(url).content.decode()
    red = client.get(f"{url}?rag=red&stage=in_progress").content.decode()
    red_again = client.get(f"{url}?x=1&stage=in_progress&rag=red").content.decode()

    assert "Red campaign action" in everything
    assert "Green campaign action" in everything
    assert "Red campaign action" in red
    assert "Green campaign action" not in red
    assert red_again == red
    assert page_copies() == 2


def test_the_api_keeps_its_filters_and_paging_and_drops_other_parameters(client):
    first, second = CommitteeFactory(), CommitteeFactory()
    MeetingFactory(committee=first)
    MeetingFactory(committee=second)

    of_first = client.get(f"/api/v1/meetings/?committee={first.pk}").json()
    of_second = client.get(f"/api/v1/meetings/?committee={second.pk}&x=1").json()
    everything = client.get("/api/v1/meetings/?x=2").json()

    assert [meeting["committee"] for meeting in of_first["results"]] == [first.pk]
    assert [meeting["committee"] for meeting in of_second["results"]] == [second.pk]
    assert len(everything["results"]) == 2
    assert page_copies() == 3


def test_an_address_without_its_slash_is_sent_on_with_the_parameters_its_page_reads(client):
    response = client.get("/outstanding?kind=action_point&x=1")

    assert response.status_code == 301
    assert response["Location"] == "/outstanding/?kind=action_point"


def test_every_parameter_a_view_reads_is_declared_for_the_page_cache():
    """A parameter a view reads but the cache does not know of would be taken out of
    anonymous visitors' requests: the page would ignore it for them."""
    undeclared = {
        route.route: sorted(missing)
        for route in crawl.routes()
        if (
            missing := crawl.parameters_read_by_view(route)
            - OFFICERS_ONLY
            - page_cache.parameters_of(route.name, route.callback)
        )
    }

    assert undeclared == {}


def test_a_page_that_reads_no_parameter_is_filed_under_its_path_alone():
    assert page_cache.parameters_read_at("/") == frozenset()
    assert page_cache.parameters_read_at("/plans/any-plan/report.pdf") == frozenset()
    assert page_cache.parameters_read_at("/no/such/page/") == frozenset()
    assert {"rag", "owner", "section"} <= page_cache.parameters_read_at("/plans/any-plan/")
    assert {
        "format",
        "cursor",
        "page_size",
        "ordering",
        "committee",
    } <= page_cache.parameters_read_at("/api/v1/meetings/")
    assert page_cache.parameters_read_at("/api/v1/meetings/1/") == {"format"}


# --- documents made once per content version --------------------------------------------------


def test_minutes_are_rendered_once_per_content_version_and_again_after_a_change(
    client, renders, django_capture_on_commit_callbacks
):
    meeting, minute = meeting_with_minutes(body="Members noted the original figures.")
    first = pdf_of(client.get(minutes_url(meeting)))
    forget_copies()
    second = pdf_of(client.get(minutes_url(meeting, random_query())))
    old = RenderedDocument.objects.get(kind="minutes", object_key=str(meeting.pk))
    assert len(renders) == 1
    assert second == first
    assert "original figures" in pdf_text(first)

    minute.body = "Members noted the corrected figures."
    minute.save()
    with django_capture_on_commit_callbacks(execute=True):  # files go once the rows have
        corrected = pdf_of(client.get(minutes_url(meeting)))

    assert len(renders) == 2
    assert "corrected figures" in pdf_text(corrected)
    assert "original figures" not in pdf_text(corrected)
    # The older version's row and file are gone; the new one serves every later request.
    current = RenderedDocument.objects.get(kind="minutes", object_key=str(meeting.pk))
    assert current.pk != old.pk
    assert not default_storage.exists(old.file.name)
    assert default_storage.exists(current.file.name)
    forget_copies()
    assert pdf_of(client.get(minutes_url(meeting))) == corrected
    assert len(renders) == 2


def test_a_change_anywhere_is_never_answered_with_the_stored_pdf_of_before(client, renders):
    meeting, _ = meeting_with_minutes()
    pdf_of(client.get(minutes_url(meeting)))
    resolution = meeting.minutes.get().resolutions.get()

    resolution.text = "to write to the Police and Crime Commissioner."
    resolution.save()

    assert "Police and Crime Commissioner" in pdf_text(pdf_of(client.get(minutes_url(meeting))))
    assert len(renders) == 2


def test_a_document_stored_on_an_earlier_day_is_not_served_and_is_deleted(
    client, renders, django_capture_on_commit_callbacks
):
    meeting, _ = meeting_with_minutes()
    other, _ = meeting_with_minutes()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    stale = [
        RenderedDocument(
            kind="minutes",
            object_key=str(each.pk),
            generation=page_cache.current_generation(),
            day=yesterday,
            filename="minutes.pdf",
        )
        for each in (meeting, other)
    ]
    for document in stale:
        document.file.save("stale.pdf", ContentFile(b"%PDF-1.7 yesterday's minutes"))

    with django_capture_on_commit_callbacks(execute=True):
        data = pdf_of(client.get(minutes_url(meeting)))

    assert b"yesterday" not in data
    assert len(renders) == 1
    # Yesterday's files go, the other meeting's too: no version of an earlier day is served.
    assert not RenderedDocument.objects.filter(day=yesterday).exists()
    assert not any(default_storage.exists(document.file.name) for document in stale)


def test_a_stored_document_whose_file_is_lost_is_made_again(client, renders):
    meeting, _ = meeting_with_minutes()
    first = pdf_of(client.get(minutes_url(meeting)))
    stored = RenderedDocument.objects.get()
    default_storage.delete(stored.file.name)
    forget_copies()

    again = pdf_of(client.get(minutes_url(meeting)))

    assert len(renders) == 2
    assert pdf_text(again) == pdf_text(first)
    assert default_storage.exists(RenderedDocument.objects.get().file.name)


def test_the_public_agenda_is_kept_per_version_and_the_restricted_one_stays_for_officers(
    client, renders
):
    meeting = MeetingFactory()
    AgendaItemFactory(meeting=meeting, title="Serious violence duty")
    address = reverse("meetings:agenda_pdf", args=[meeting.committee.slug, meeting.local_date])
    first = pdf_of(client.get(address))
    made = len(renders)
    forget_copies()

    again = pdf_of(client.get(f"{address}?{random_query()}"))
    refused = client.get(f"{address}?restricted=1")

    assert again == first
    assert len(renders) == made
    assert "Serious violence duty" in pdf_text(first)
    assert refused.status_code == 403


def test_the_pdf_of_unpublished_minutes_is_not_found_even_once_stored(client):
    meeting, _ = meeting_with_minutes()
    draft, _ = meeting_with_minutes()
    draft.minutes_status = "draft"
    draft.save()
    pdf_of(client.get(minutes_url(meeting)))

    meeting.minutes_status = "draft"
    meeting.save()

    assert client.get(minutes_url(meeting)).status_code == 404
    assert client.get(minutes_url(meeting, random_query())).status_code == 404
    assert client.get(minutes_url(draft, random_query())).status_code == 404
    assert not RenderedDocument.objects.filter(object_key=str(draft.pk)).exists()


# --- the render limit -----------------------------------------------------------------------


def test_past_the_limit_an_anonymous_address_is_answered_429_with_retry_after(client, limit):
    meetings = [meeting_with_minutes()[0] for _ in range(limit + 1)]

    answers = [client.get(minutes_url(meeting)) for meeting in meetings]
    from_elsewhere = client.get(minutes_url(meetings[-1]), REMOTE_ADDR="192.0.2.44")

    assert [answer.status_code for answer in answers] == [200] * limit + [429]
    assert 1 <= int(answers[-1]["Retry-After"]) <= 86400
    assert "try again" in answers[-1].content.decode()
    assert from_elsewhere.status_code == 200
    assert RenderedDocument.objects.count() == limit + 1


def test_the_limit_never_applies_to_copies_or_stored_documents(client, limit, renders):
    *meetings, one_too_many = [meeting_with_minutes()[0] for _ in range(limit + 1)]
    firsts = [pdf_of(client.get(minutes_url(meeting))) for meeting in meetings]
    assert client.get(minutes_url(one_too_many)).status_code == 429

    copies = [pdf_of(client.get(minutes_url(meeting, random_query()))) for meeting in meetings]
    caches["pages"].delete_many(copy_keys())  # the copies go, the address's count stays
    stored = [pdf_of(client.get(minutes_url(meeting, random_query()))) for meeting in meetings]
    still_limited = client.get(minutes_url(one_too_many))

    assert copies == firsts
    assert stored == firsts
    assert still_limited.status_code == 429
    assert len(renders) == limit


def test_officers_are_never_limited(client, limit, officer):
    client.force_login(officer)
    meetings = [meeting_with_minutes()[0] for _ in range(limit + 2)]

    answers = [client.get(minutes_url(meeting)).status_code for meeting in meetings]

    assert answers == [200] * (limit + 2)


def test_a_made_up_session_cookie_does_not_escape_the_limit(client, limit, settings):
    client.cookies[settings.SESSION_COOKIE_NAME] = "made-up"
    meetings = [meeting_with_minutes()[0] for _ in range(limit + 1)]

    answers = [client.get(minutes_url(meeting)).status_code for meeting in meetings]

    assert answers == [200] * limit + [429]


def test_behind_a_proxy_each_visitor_s_address_is_counted(client, limit, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    plans = [plan_with_two_actions() for _ in range(limit + 1)]

    first_visitor = [
        client.get(report_url(plan), HTTP_X_FORWARDED_FOR="198.51.100.7").status_code
        for plan in plans
    ]
    second_visitor = client.get(report_url(plans[-1]), HTTP_X_FORWARDED_FOR="198.51.100.8")

    assert first_visitor == [200] * limit + [429]
    assert second_visitor.status_code == 200


def test_the_limit_can_be_turned_off(client, settings):
    settings.RENDER_LIMIT = 0
    meetings = [meeting_with_minutes()[0] for _ in range(3)]

    assert [client.get(minutes_url(meeting)).status_code for meeting in meetings] == [200] * 3
