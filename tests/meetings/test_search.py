import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.forms import DocumentForm
from tests.factories import (
    ActionFactory,
    ActionPointFactory,
    ActionUpdateFactory,
    AgendaItemFactory,
    MeasureFactory,
    MeetingFactory,
    MinuteFactory,
    OutcomeFrameworkFactory,
    PlanFactory,
    ResolutionFactory,
    SectionFactory,
    WrittenQuestionFactory,
)
from tests.pdfs import make_pdf

pytestmark = pytest.mark.django_db

SECRET = "zanzibarquokka"  # one made-up word, so full-text stemming leaves it whole


def search(client, terms):
    response = client.get(reverse("meetings:search"), {"q": terms})
    assert response.status_code == 200
    return response.content.decode()


def upload(meeting, text):
    form = DocumentForm(
        data={
            "title": "Safe accommodation needs assessment",
            "kind": "report",
            "is_public": "on",
            "order": 1,
        },
        files={"file": SimpleUploadedFile("needs.pdf", make_pdf(text, pages=2), "application/pdf")},
        instance=meeting.documents.model(meeting=meeting),
    )
    assert form.is_valid(), form.errors
    return form.save()


def test_search_finds_a_phrase_that_only_appears_inside_an_uploaded_pdf(client):
    meeting = MeetingFactory()
    upload(meeting, "Dispersed accommodation utilisation reached ninety one percent")

    html = search(client, "dispersed accommodation utilisation")

    assert "Papers" in html
    assert "Safe accommodation needs assessment" in html
    assert "<mark>" in html


def test_search_groups_results_by_kind(client):
    meeting = MeetingFactory(minutes_published=True)
    AgendaItemFactory(meeting=meeting, title="Hate crime reporting")
    minute = MinuteFactory(
        meeting=meeting,
        heading="Hate crime",
        body="The panel discussed hate crime reporting in Norwich.",
    )
    ResolutionFactory(minute=minute, verb="agreed", text="to review hate crime reporting.")
    WrittenQuestionFactory(meeting=meeting, question="How is hate crime reporting encouraged?")
    ActionFactory(
        section=SectionFactory(plan=PlanFactory()),
        title="Promote third-party hate crime reporting centres",
    )
    MeasureFactory(
        title="Hate crime reported to the police",
        direction="neutral",
        direction_note="Under-reported.",
    )

    html = search(client, "hate crime")

    for label in [
        "Agenda items",
        "Minutes",
        "Decisions",
        "Written questions",
        "Delivery-plan actions",
        "Outcome measures",
    ]:
        assert f'">{label}</h2>' in html or f">{label} (" in html, label


def test_search_never_finds_unpublished_material(client):
    draft = MeetingFactory(draft=True)
    AgendaItemFactory(meeting=draft, title=f"Item {SECRET}")
    upload(draft, f"Paper {SECRET}")
    unpublished_minutes = MeetingFactory(minutes_draft=True)
    MinuteFactory(meeting=unpublished_minutes, body=f"Minute {SECRET}")
    WrittenQuestionFactory(meeting=unpublished_minutes, question=f"Question {SECRET}")
    exempt = AgendaItemFactory(meeting=MeetingFactory(), title=f"Exempt {SECRET}", is_exempt=True)
    MinuteFactory(
        meeting=MeetingFactory(minutes_published=True), agenda_item=None, body="Public minute"
    )
    unanswered = WrittenQuestionFactory(
        question="Public question", response=f"Draft answer {SECRET}"
    )
    draft_plan_action = ActionFactory(
        section=SectionFactory(plan=PlanFactory(status="draft")), title=f"Action {SECRET}"
    )
    ActionUpdateFactory(action=ActionFactory(), status="draft", text=f"Update {SECRET}")
    ActionUpdateFactory(action=draft_plan_action, text=f"Update {SECRET}")
    MeasureFactory(
        outcome__framework=OutcomeFrameworkFactory(status="draft"), title=f"Measure {SECRET}"
    )

    html = search(client, SECRET)

    assert exempt.pk
    assert unanswered.status == "awaiting"
    assert SECRET not in html.replace(f"“{SECRET}”", "").replace(f'value="{SECRET}"', "").replace(
        f"Search: {SECRET}", ""
    )
    assert "Nothing published matches" in html


def test_search_escapes_stored_text_in_snippets(client):
    meeting = MeetingFactory(minutes_published=True)
    MinuteFactory(
        meeting=meeting, heading="Scripted", body="Beware <script>alert('x')</script> scams today"
    )

    html = search(client, "scams")

    assert "<script>alert" not in html
    # SQLite shows the tag escaped; PostgreSQL's headline drops tags: either way it is inert.
    assert "<mark>scams</mark> today" in html


def test_an_empty_search_and_nothing_found_are_helpful(client):
    assert "Nothing published matches" not in search(client, "")
    html = search(client, "nothingatallmatchesthis")
    assert "Nothing published matches “nothingatallmatchesthis”." in html
    assert "check the spelling" in html


def test_search_queries_do_not_grow_with_data(client):
    def grow(count):
        for n in range(count):
            meeting = MeetingFactory(minutes_published=True)
            AgendaItemFactory(meeting=meeting, title=f"Scams update {n}")
            MinuteFactory(meeting=meeting, heading="Scams", body=f"Scams discussion {n}")
            WrittenQuestionFactory(meeting=meeting, question=f"Scams question {n}")

    def count():
        with CaptureQueriesContext(connection) as captured:
            search(client, "scams")
        return len(captured)

    grow(2)
    small = count()
    grow(10)
    large = count()

    assert small == large
    assert large <= 15


def test_stored_search_vectors_equal_the_ones_the_search_would_compute():
    """On PostgreSQL triggers keep each row's vector; elsewhere the column stays empty and the
    search computes its own."""
    from django.contrib.postgres.search import SearchVector

    from meetings.search import _has_stored_vector, _kinds, _public

    meeting = MeetingFactory(minutes_published=True)
    item = AgendaItemFactory(
        meeting=meeting, title="Hate crime", description="Reporting centres", lead_text="Police"
    )
    upload(meeting, "Safe accommodation for victims of domestic abuse")
    minute = MinuteFactory(meeting=meeting, agenda_item=item, heading="Hate crime", body="Noted.")
    ResolutionFactory(minute=minute, text="to review reporting")
    WrittenQuestionFactory(
        meeting=meeting,
        question="How many?",
        response="Twelve.",
        status="answered",
        responded_on="2022-03-18",
    )
    WrittenQuestionFactory(meeting=meeting, question="When?", response="Draft reply.")
    ActionPointFactory(meeting=meeting, committee=meeting.committee, description="Write to PCC")
    action = ActionFactory(
        title="Promote centres", success_measure="More reports", method="Leaflets"
    )
    ActionUpdateFactory(action=action, text="Leaflets printed")
    MeasureFactory(
        title="Repeat victims", direction="neutral", direction_note="Under-reported", source="NODA"
    )
    # A later change is reflected too.
    item.description = "Reporting centres in Norwich and King's Lynn"
    item.save()
    # So is a committee's new name, in its meetings' vectors.
    meeting.committee.name = "Police and Crime Panel"
    meeting.committee.save()

    stored_kinds = [kind for kind in _kinds() if _has_stored_vector(kind.queryset().model)]
    assert {kind.key for kind in stored_kinds} == {
        "meetings",
        "agenda_items",
        "minutes",
        "decisions",
        "documents",
        "questions",
        "action_points",
        "plan_actions",
        "updates",
        "measures",
    }
    if connection.vendor != "postgresql":
        for kind in stored_kinds:
            model = kind.queryset().model
            assert model.objects.exists(), kind.key
            assert not model.objects.filter(search_vector__isnull=False).exists(), kind.key
        return
    for kind in stored_kinds:
        computed = None
        for path, weight in kind.fields:
            part = SearchVector(path, weight=weight, config="english")
            computed = part if computed is None else computed + part
        rows = list(
            _public(kind).annotate(computed=computed).values_list("search_vector", "computed")
        )
        assert rows, kind.key
        for stored, expected in rows:
            assert stored == expected, kind.key


def test_a_phrase_matching_many_records_is_ranked_among_the_newest(client, monkeypatch, settings):
    from meetings import search as site_search

    settings.PAGE_CACHE_SECONDS = 0  # the same address is asked for twice

    meeting = MeetingFactory(agenda_status="published")
    # The oldest item matches best (in its title); the two newer ones only in passing.
    best = AgendaItemFactory(meeting=meeting, number="1", title=f"{SECRET} review")
    newer = [
        AgendaItemFactory(
            meeting=meeting, number=str(n), title=f"Report {n}", description=f"Mentions {SECRET}."
        )
        for n in (2, 3)
    ]

    page = search(client, SECRET)
    assert f"1. {best.title}" in page
    if connection.vendor != "postgresql":
        return  # SQLite's simple search lists the newest matches and ranks nothing.
    assert page.index(f"1. {best.title}") < page.index(f"2. {newer[0].title}")

    monkeypatch.setattr(site_search, "CANDIDATES", 2)
    page = search(client, SECRET)
    assert f"1. {best.title}" not in page
    assert f"2. {newer[0].title}" in page
    assert f"3. {newer[1].title}" in page
