import datetime
import re
from html import unescape as html_unescape
from xml.etree import ElementTree

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from markupsafe import escape

from meetings.forms import DocumentForm
from meetings.models import Report, ReportTemplate
from tests.factories import (
    ActionFactory,
    ActionPointFactory,
    ActionUpdateFactory,
    AgendaItemFactory,
    MeasureFactory,
    MeetingFactory,
    MinuteFactory,
    OrganisationFactory,
    OutcomeFrameworkFactory,
    PlanFactory,
    ResolutionFactory,
    SectionFactory,
    WrittenQuestionFactory,
)
from tests.pdfs import make_pdf

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

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


def test_every_result_links_to_its_record_and_names_the_local_day(client):
    """Titles and addresses are made from a few columns of each row, not from its records:
    each must be what the record itself gives. The meeting starts at half past midnight,
    London summer time, so its day in UTC is the day before."""
    meeting = MeetingFactory(
        minutes_published=True,
        starts_at=datetime.datetime(2026, 7, 1, 23, 30, tzinfo=datetime.UTC),
        venue=f"{SECRET} Hall",
        committee__short_name="Safety panel",
    )
    item = AgendaItemFactory(meeting=meeting, number="4", title=f"{SECRET} report")
    minute = MinuteFactory(meeting=meeting, agenda_item=item, number="12", heading=f"{SECRET}")
    resolution = ResolutionFactory(minute=minute, verb="agreed", text=f"to note the {SECRET}")
    document = upload(meeting, f"Paper about {SECRET}")
    question = WrittenQuestionFactory(meeting=meeting, question=f"What of {SECRET}?")
    point = ActionPointFactory(meeting=meeting, description=f"Circulate the {SECRET} note")
    action = ActionFactory(title=f"Run {SECRET} sessions")
    update = ActionUpdateFactory(action=action, text=f"{SECRET} sessions began")
    measure = MeasureFactory(title=f"{SECRET} rate")

    html = search(client, SECRET)

    day = "2 July 2026"
    committee = meeting.committee
    expected = [
        (meeting.get_absolute_url(), f"{committee.name}, {day}"),
        (item.get_absolute_url(), f"4. {item.title} (Safety panel, {day})"),
        (minute.get_absolute_url(), f"Minute 12: {minute.heading} (Safety panel, {day})"),
        (resolution.minute.get_absolute_url(), f"AGREED {resolution.text} (minute 12, {day})"),
        (document.get_absolute_url(), f"{document.title} (Safety panel, {day})"),
        (question.get_absolute_url(), f"Question {question.number} (Safety panel, {day})"),
        (point.get_absolute_url(), f"Action point {point.reference} (Safety panel)"),
        (action.get_absolute_url(), f"Action {action.number} ({action.plan.title})"),
        (
            update.get_absolute_url(),
            f"Update on action {action.number}, {update.reported_on.day} {update.reported_on:%B %Y} "
            f"({action.plan.title})",
        ),
        (measure.get_absolute_url(), f"{measure.title} ({measure.outcome.framework.title})"),
    ]
    for url, title in expected:
        assert f'<a class="govuk-link" href="{escape(url)}">{escape(title)}</a>' in html, title
    assert "1 July 2026" not in html
    assert "02 July 2026" not in html  # days are written without a leading zero


def test_each_result_is_addressed_by_its_records_own_get_absolute_url():
    """Results are listed from a few columns of each row; the address is still the one the
    model's get_absolute_url gives, called with those values (a decision's is its minute's)."""
    from meetings import search as site_search

    meeting = MeetingFactory(
        minutes_published=True,
        starts_at=datetime.datetime(2026, 7, 1, 23, 30, tzinfo=datetime.UTC),
        venue=f"{SECRET} Hall",
    )
    item = AgendaItemFactory(meeting=meeting, number="4", title=f"{SECRET} report")
    minute = MinuteFactory(meeting=meeting, agenda_item=item, number="12", heading=f"{SECRET}")
    resolution = ResolutionFactory(minute=minute, verb="agreed", text=f"to note the {SECRET}")
    document = upload(meeting, f"Paper about {SECRET}")
    question = WrittenQuestionFactory(meeting=meeting, question=f"What of {SECRET}?")
    point = ActionPointFactory(meeting=meeting, description=f"Circulate the {SECRET} note")
    action = ActionFactory(title=f"Run {SECRET} sessions")
    update = ActionUpdateFactory(action=action, text=f"{SECRET} sessions began")
    measure = MeasureFactory(title=f"{SECRET} rate")

    found = {
        group.key: [result.url for result in group.results] for group in site_search.search(SECRET)
    }

    assert found == {
        "meetings": [meeting.get_absolute_url()],
        "agenda_items": [item.get_absolute_url()],
        "minutes": [minute.get_absolute_url()],
        "decisions": [resolution.minute.get_absolute_url()],
        "documents": [document.get_absolute_url()],
        "questions": [question.get_absolute_url()],
        "action_points": [point.get_absolute_url()],
        "plan_actions": [action.get_absolute_url()],
        "updates": [update.get_absolute_url()],
        "measures": [measure.get_absolute_url()],
    }
    assert meeting.get_absolute_url().endswith("/2026-07-02/")


def test_search_terms_are_parameters_whatever_they_hold(client):
    """Each kind's statement is built once and the terms passed to it as a parameter:
    quotes, percent signs and backslashes are searched for, not run."""
    MinuteFactory(
        meeting=MeetingFactory(minutes_published=True),
        heading="Refuge",
        body=f"The {SECRET} refuge opened.",
    )

    for terms in [
        f"{SECRET} %s refuge",
        f"{SECRET}% refuge",
        f"'{SECRET}'; refuge --",
        f'"{SECRET} refuge"',
        f"{SECRET} \\ refuge",
    ]:
        html = search(client, terms)
        assert f"<mark>{SECRET}</mark> <mark>refuge</mark> opened" in html, terms
        assert f"“{escape(terms)}”" in html, terms


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
    assert SECRET not in (
        html.replace(f"“{SECRET}”", "")
        .replace(f'value="{SECRET}"', "")
        .replace(f"Search: {SECRET}", "")
        .replace(f"?q={SECRET}", "")  # the address of the same search without filters
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
    Report.objects.create(
        agenda_item=item,
        title="Working with SafeLives",
        template=ReportTemplate.objects.get(committee__isnull=True),
        sections={"proposal": "A beacon site.", "risk": "Referrals may rise."},
        status="published",
    )
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
        "reports",
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

    # The newest CANDIDATES and one more are ranked: here the two newer items.
    monkeypatch.setattr(site_search, "CANDIDATES", 1)
    page = search(client, SECRET)
    assert f"1. {best.title}" not in page
    assert f"2. {newer[0].title}" in page
    assert f"3. {newer[1].title}" in page


def titles(html):
    """The result titles, in order (not the index of kinds above them)."""
    import re

    lists = re.findall(r'<ol class="govuk-list app-search-results">(.*?)</ol>', html, re.DOTALL)
    return re.findall(r'<li><a class="govuk-link" href="[^"]*">([^<]*)</a>', "".join(lists))


def test_an_action_number_finds_that_action_first_and_not_dates_or_sums(client):
    plan = PlanFactory(title="Safer Norfolk Plan")
    wanted = ActionFactory(section=SectionFactory(plan=plan), number="1.14", title="Fraud pilot")
    ActionFactory(section=SectionFactory(plan=plan), number="1.1", title="Scam marshals")
    ActionFactory(section=SectionFactory(plan=plan), number="1.141", title="Other work")
    meeting = MeetingFactory(minutes_published=True)
    MinuteFactory(
        meeting=meeting, heading="Budget", body="Agreed on 14 March 2023: £471,314.00 in total."
    )
    question = WrittenQuestionFactory(
        meeting=meeting, question="Reference Delivery Plan action 1.14: when will it start?"
    )

    for terms in ["1.14", "Action 1.14", "action 1.14"]:
        html = search(client, terms)
        found = titles(html)

        assert found[0] == "Action 1.14 (Safer Norfolk Plan)", terms
        assert html.index('id="plan_actions"') < html.index('id="questions"'), terms
        assert "Action 1.1 (Safer Norfolk Plan)" not in found, terms
        assert "Action 1.141 (Safer Norfolk Plan)" not in found, terms
        assert not any(title.startswith("Minute") for title in found), terms
        assert f"Question {question.number} " in html, terms
    assert wanted.get_absolute_url() in html


def test_english_stemming_finds_the_same_for_a_word_and_its_plural(client):
    meeting = MeetingFactory(minutes_published=True)
    MinuteFactory(meeting=meeting, number="3", heading="Scam awareness", body="Talks given.")
    MinuteFactory(meeting=meeting, number="4", heading="Doorstep", body="Scams were reported.")
    MinuteFactory(meeting=meeting, number="5", heading="Scampton", body="A place name.")

    for terms in ["scam", "scams", "Scams"]:
        found = titles(search(client, terms))
        assert any(title.startswith("Minute 3: Scam awareness") for title in found), terms
        assert any(title.startswith("Minute 4: Doorstep") for title in found), terms
        assert not any("Scampton" in title for title in found), terms


def test_search_can_be_narrowed_by_committee_kind_and_dates(client):
    partnership = OrganisationFactory(name="Norfolk Countywide CSP")
    panel = MeetingFactory(
        minutes_published=True,
        committee__name="Scrutiny Sub Panel",
        committee__slug="scrutiny-sub-panel",
        committee__partnership=partnership,
        starts_at=datetime.datetime(2022, 2, 24, 10, tzinfo=datetime.UTC),
    )
    board = MeetingFactory(
        minutes_published=True,
        committee__name="Cambridge Board",
        starts_at=datetime.datetime(2022, 10, 11, 10, tzinfo=datetime.UTC),
    )
    MinuteFactory(meeting=panel, number="5", heading="Refuge places", body="Refuge report.")
    MinuteFactory(meeting=board, number="6", heading="Refuge funding", body="Refuge bid.")
    AgendaItemFactory(meeting=board, number="7", title="Refuge update")
    ActionFactory(
        section=SectionFactory(plan=PlanFactory(organisation=partnership, title="Panel plan")),
        number="2.3",
        title="Refuge capacity",
    )
    ActionFactory(
        section=SectionFactory(plan=PlanFactory(title="Other plan")), number="4", title="Refuge"
    )

    def found(**filters):
        response = client.get(reverse("meetings:search"), {"q": "refuge", **filters})
        assert response.status_code == 200
        return titles(response.content.decode())

    by_panel = found(committee="scrutiny-sub-panel")
    assert any(title.startswith("Minute 5: Refuge places") for title in by_panel)
    assert "Action 2.3 (Panel plan)" in by_panel  # the plans of the panel's partnership
    assert not any("Cambridge" in title or "Other plan" in title for title in by_panel)
    assert not any(title.startswith("Minute 6") for title in by_panel)

    only_minutes = found(kind="minutes")
    assert len(only_minutes) == 2
    assert all(title.startswith("Minute ") for title in only_minutes)
    assert len(found(kind=["minutes", "agenda_items"])) == 3

    autumn = found(date_from="2022-06-01", date_to="2022-12-31")
    assert any(title.startswith("Minute 6: Refuge funding") for title in autumn)
    assert any(title.startswith("7. Refuge update") for title in autumn)
    assert not any(title.startswith("Minute 5") for title in autumn)
    assert not any(title.startswith("Action ") for title in autumn)  # undated: left out


def test_bad_filter_values_are_reported_not_ignored(client):
    MinuteFactory(meeting=MeetingFactory(minutes_published=True), heading="Refuge")

    for filters, message in [
        ({"committee": "no-such-committee"}, "Choose a committee from the list."),
        ({"kind": "gossip"}, "Choose kinds of record from the list."),
        ({"date_from": "2022-02-30"}, "Enter the date as a real date"),
        ({"date_from": "0001-01-01"}, "Enter a date between"),
        (
            {"date_from": "2022-03-01", "date_to": "2022-02-01"},
            "The end of the date range must not be before its start.",
        ),
    ]:
        response = client.get(reverse("meetings:search"), {"q": "refuge", **filters})
        html = response.content.decode()
        assert response.status_code == 200
        assert "There is a problem with the search" in html, filters
        assert escape(message) in html or message in html, filters
        assert "Minute " not in "".join(titles(html)), filters  # nothing shown as if filtered


def test_the_count_of_results_is_every_match_not_those_listed(client):
    from meetings.search import PER_KIND

    meeting = MeetingFactory(minutes_published=True)
    for n in range(PER_KIND + 5):
        MinuteFactory(meeting=meeting, number=str(n + 1), heading=f"Refuge {n}", body="Noted.")
    AgendaItemFactory(meeting=meeting, title="Refuge report")

    html = search(client, "refuge")

    assert f"{PER_KIND + 6} results for “refuge”" in html
    assert f"Minutes ({PER_KIND + 5})" in html
    assert f"Showing {PER_KIND} of {PER_KIND + 5}." in html
    assert len([title for title in titles(html) if title.startswith("Minute ")]) == PER_KIND


def test_each_kind_links_to_a_search_of_that_kind_alone_which_lists_more(client):
    from meetings.search import PER_KIND, PER_KIND_ALONE

    committee = MeetingFactory(committee__slug="the-panel").committee
    meeting = MeetingFactory(committee=committee, minutes_published=True)
    for n in range(PER_KIND_ALONE + 5):
        MinuteFactory(meeting=meeting, number=str(n + 1), heading=f"Refuge {n}", body="Noted.")
    for n in range(3):
        AgendaItemFactory(meeting=meeting, number=str(n + 1), title=f"Refuge report {n}")

    response = client.get(reverse("meetings:search"), {"q": "refuge", "committee": "the-panel"})
    html = response.content.decode()

    assert len([title for title in titles(html) if title.startswith("Minute ")]) == PER_KIND
    assert f"Showing {PER_KIND} of {PER_KIND_ALONE + 5}." in html
    # Every result of a kind is listed: no link to more of it.
    assert len([title for title in titles(html) if not title.startswith("Minute ")]) == 3
    links = re.findall(r'<a class="govuk-link" href="([^"]*)">See up to (\d+) ([^<]*)<', html)
    assert [(int(n), label) for _, n, label in links] == [(PER_KIND_ALONE, "minutes")]
    more = client.get(html_unescape(links[0][0]))
    alone = more.content.decode()
    assert f"Showing {PER_KIND_ALONE} of {PER_KIND_ALONE + 5}." in alone
    assert len([t for t in titles(alone) if t.startswith("Minute ")]) == PER_KIND_ALONE
    assert not [t for t in titles(alone) if not t.startswith("Minute ")]
    assert 'value="the-panel" selected' in alone  # the other filters are kept
    assert "See up to" not in alone


def test_past_the_count_limit_a_kind_says_more_than_the_limit(client, monkeypatch, settings):
    from meetings import search as site_search

    settings.PAGE_CACHE_SECONDS = 0  # the same address is asked for twice
    monkeypatch.setattr(site_search, "COUNT_LIMIT", 4)
    meeting = MeetingFactory(minutes_published=True)
    for n in range(6):
        MinuteFactory(meeting=meeting, number=str(n + 1), heading=f"Refuge {n}", body="Noted.")
    # At the limit exactly the count is still exact.
    for n in range(4):
        AgendaItemFactory(meeting=meeting, number=str(n + 1), title=f"Refuge plan {n}")

    html = search(client, "refuge")

    assert "Minutes (more than 4)" in html
    assert "Showing 6 of more than 4." not in html  # six shown: fewer than PER_KIND
    assert "Agenda items (4)" in html
    assert "More than 8 results for “refuge”" in html
    assert len([title for title in titles(html) if title.startswith("Minute ")]) == 6

    monkeypatch.setattr(site_search, "PER_KIND", 3)
    html = search(client, "refuge")
    assert "Showing 3 of more than 4." in html
    assert "Showing 3 of 4." in html


def test_a_filtered_search_queries_do_not_grow_with_data(client):
    committee = MeetingFactory(committee__slug="the-panel").committee

    def grow(count):
        for n in range(count):
            meeting = MeetingFactory(minutes_published=True, committee=committee)
            MinuteFactory(meeting=meeting, heading="Scams", body=f"Scams discussion {n}")
            ActionFactory(title=f"Scams campaign {n}")

    def count():
        with CaptureQueriesContext(connection) as captured:
            client.get(
                reverse("meetings:search"),
                {"q": "scams", "committee": "the-panel", "date_from": "2000-01-01"},
            )
        return len(captured)

    grow(2)
    small = count()
    grow(10)
    large = count()

    assert small == large
    assert large <= 15


def test_the_search_feed_carries_dated_results_newest_first_and_nothing_unpublished(client):
    older = MeetingFactory(
        minutes_published=True, starts_at=datetime.datetime(2022, 3, 1, 10, tzinfo=datetime.UTC)
    )
    newer = MeetingFactory(
        minutes_published=True, starts_at=datetime.datetime(2023, 5, 2, 10, tzinfo=datetime.UTC)
    )
    MinuteFactory(meeting=older, agenda_item=None, heading="Scams", body="Doorstep scams rose.")
    MinuteFactory(
        meeting=newer,
        agenda_item=None,
        heading="Scams again",
        body="Scams fell: Children's Services & partners say so.",
    )
    MinuteFactory(
        meeting=MeetingFactory(minutes_draft=True), agenda_item=None, body=f"Scams {SECRET}"
    )

    response = client.get(reverse("meetings:search_feed"), {"q": "scams"})
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert SECRET not in body
    feed = ElementTree.fromstring(response.content)  # noqa: S314 -- the site's own feed
    atom = "{http://www.w3.org/2005/Atom}"
    entries = list(feed.iter(f"{atom}entry"))
    assert [entry.findtext(f"{atom}updated")[:10] for entry in entries] == [
        "2023-05-02",
        "2022-03-01",
    ]
    title = entries[0].findtext(f"{atom}title")
    assert title.startswith("Minutes: Minute ")
    assert "Scams again" in title
    # The summary is HTML (type="html") holding the snippet's text, escaped once.
    summary = entries[0].find(f"{atom}summary")
    assert summary.get("type") == "html"
    assert "Children&#x27;s Services &amp; partners say so." in summary.text
    assert html_unescape(summary.text).endswith(
        "Scams fell: Children's Services & partners say so."
    )
    assert client.get(reverse("meetings:search_feed"), {"q": ""}).status_code == 400
    # The search page links the feed of the same search.
    assert 'href="/search/feed.atom?q=scams"' in search(client, "scams")
