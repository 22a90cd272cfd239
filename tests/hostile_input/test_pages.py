"""Hostile input on the public pages: the XSS corpora inert on every page (suite 1a), the
longest and non-Latin text whole and escaped (suite 4), unknown addresses not found (suite 5)."""

import datetime
from html import escape

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.factories import (
    ActionFactory,
    CommitteeFactory,
    DocumentFactory,
    MeasureFactory,
    MeetingFactory,
    OutcomeFactory,
    OutcomeFrameworkFactory,
    PlanFactory,
    SectionFactory,
)
from tests.hostile_input.audit import (
    PageAudit,
    audit,
)
from tests.hostile_input.world import (
    ESCAPES,
    LONG_TEXT_LENGTH,
    MARKDOWN_FIELDS,
    MARKDOWN_PAYLOADS,
    NUMBER_FIELDS,
    PAGES,
    PAST,
    PLAIN_PAYLOADS,
    SAMPLES,
    SHORT_PAYLOADS,
    Filler,
    build_world,
    keep_marker,
    page_urls,
    tag_for,
)
from tests.http import read_body
from tests.pdfs import make_paper, paper_fields

pytestmark = pytest.mark.django_db


# --- 1a. XSS: public pages ---------------------------------------------------------------------


def test_the_audit_catches_what_it_looks_for():
    """The checker itself: each of these would run script in a browser."""
    hostile = [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<a href=" JaVa\tScRiPt:alert(1)">x</a>',
        '<a href="data:text/html,x">x</a>',
        "<iframe></iframe>",
        "<svg onload=alert(1)></svg>",
        "<style>x{}</style>",
        '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
        '<script type="application/ld+json"></script><script>alert(1)</script>',
    ]
    for html in hostile:
        assert PageAudit(html).problems, html
    safe = (
        '<script src="/static/app.js"></script><script type="application/ld+json">{"a": 1}</script>'
        '<a href="https://example.org/">ok</a> &lt;script&gt;'
    )
    page = PageAudit(safe)
    assert page.problems == []
    assert page.text == "ok <script>"


@pytest.mark.parametrize("payload", MARKDOWN_PAYLOADS.values(), ids=MARKDOWN_PAYLOADS.keys())
def test_markdown_payload_is_inert_on_every_page_and_its_text_survives(browser, payload):
    fill = Filler(markdown=lambda key: payload.replace("{keep}", keep_marker(key)))
    world = build_world(fill)
    # The pages that render Markdown, and the search page, whose snippets quote the source.
    urls = {
        name: url
        for name, url in page_urls(world).items()
        if MARKDOWN_FIELDS.intersection(PAGES[name])
    }
    urls["search"] = reverse("meetings:search") + "?q=" + keep_marker("Minute.body")
    assert set(urls) == {"committee", "meeting", "plan", "action", "framework", "outcome", "search"}

    for name, url in urls.items():
        page = audit(browser.get(url), f"The {name} page")
        shown = {"Minute.body"} if name == "search" else MARKDOWN_FIELDS.intersection(PAGES[name])
        for key in shown:
            assert keep_marker(key) in page.text, f"{key} lost its text on the {name} page"


@pytest.mark.parametrize("payload", PLAIN_PAYLOADS.values(), ids=PLAIN_PAYLOADS.keys())
def test_plain_text_payload_is_shown_escaped_and_whole_on_every_page(browser, payload):
    short = next(
        (text for text in [payload, *SHORT_PAYLOADS] if len(text) <= 20), SHORT_PAYLOADS[0]
    )
    fill = Filler(
        plain=lambda key, max_length: f"{payload} {tag_for(key)}", number=lambda key: short
    )
    world = build_world(fill)

    urls = {**page_urls(world), "search": reverse("meetings:search") + "?q=ztag"}
    for name, url in urls.items():
        page = audit(browser.get(url), f"The {name} page")
        for key in PAGES[name]:
            if key not in MARKDOWN_FIELDS:
                expected = " ".join(fill.values[key].split())
                assert expected in page.text, f"{key} is not shown as typed on the {name} page"


# The corpora as text in a partner's PDF: its web page shows the text the PDF holds, escaped.
# (A vertical tab is no text a PDF can hold: WeasyPrint draws a missing glyph for it.)
PAPER_PAYLOADS = {
    **{
        f"plain-{name}": payload
        for name, payload in PLAIN_PAYLOADS.items()
        if payload.isprintable()
    },
    **{
        f"markdown-{name}": payload.replace("{keep}", "KeepPaperText")
        for name, payload in MARKDOWN_PAYLOADS.items()
    },
}
PAPER_PROSE = "The panel noted the report and asked for the figures by district."


@pytest.mark.parametrize("payload", PAPER_PAYLOADS.values(), ids=PAPER_PAYLOADS.keys())
def test_a_payload_in_a_papers_text_is_inert_on_its_web_page_and_shown_as_written(browser, payload):
    shown = escape(payload)
    # A page wide enough that no line wraps: where a line broke, the PDF does not say
    # whether a space stood there ("[link]" / "(javascript:…)").
    wide = "<style>@page { size: 120cm 30cm }</style>"
    data = make_paper(f"{wide}<h1>{shown}</h1><p>{shown} {PAPER_PROSE}</p>")
    document = DocumentFactory(
        meeting=MeetingFactory(),
        title="Partner report",
        file=ContentFile(data, name="report.pdf"),
        **paper_fields(data),
    )

    page = audit(browser.get(document.get_text_url()), "The paper's web page")

    written = " ".join(payload.split())
    assert f"{written} {written} {PAPER_PROSE}" in page.text, "the paper's text is not as written"


REFLECTED = {
    "search-terms": ("meetings:search", "q"),
    "outstanding-raised-after": ("meetings:outstanding", "raised_after"),
    "outstanding-committee": ("meetings:outstanding", "committee"),
    "outstanding-kind": ("meetings:outstanding", "kind"),
    "outstanding-sort": ("meetings:outstanding", "sort"),
    "outstanding-page": ("meetings:outstanding", "page"),
    "questions-status": ("meetings:questions", "status"),
    "questions-page": ("meetings:questions", "page"),
    "plan-section": ("delivery_plans:plan", "section"),
    "plan-owner": ("delivery_plans:plan", "owner"),
    "plan-due-before": ("delivery_plans:plan", "due_before"),
}
QUERY_PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "attribute-breakout": '"><svg onload=alert(1)>',
    "nul": "\x00",
    "very-long": "x" * 10_000,
}
REFLECTIONS = {
    f"{page}-{payload}": (REFLECTED[page], QUERY_PAYLOADS[payload])
    for page in REFLECTED
    for payload in QUERY_PAYLOADS
}


@pytest.mark.parametrize(("where", "payload"), REFLECTIONS.values(), ids=REFLECTIONS.keys())
def test_hostile_query_parameters_are_never_reflected_as_markup(browser, where, payload):
    url_name, parameter = where
    plan = PlanFactory(slug="query-plan")
    ActionFactory(section=SectionFactory(plan=plan))
    url = reverse(url_name, args=[plan.slug] if url_name == "delivery_plans:plan" else [])

    page = audit(browser.get(url, {parameter: payload}), f"{url}?{parameter}=…")

    if parameter == "q" and payload != "\x00":
        assert f"“{payload}”" in page.text, "the search terms are not shown as typed"


# --- 4. Very long and non-Latin text on the public pages --------------------------------------

# Pages that shorten a long text on purpose (truncatewords): there its opening is looked for.
SHORTENED = {
    ("plan", "Action.title"),
    ("plan", "Action.success_measure"),
    ("distance", "Action.title"),
    ("outstanding", "ActionPoint.description"),
    ("outstanding", "Action.title"),
    ("questions", "WrittenQuestion.question"),
    ("action", "WrittenQuestion.question"),
    ("action", "ActionPoint.description"),
    ("outcome", "Action.title"),
}
LONG_SAMPLES = {**SAMPLES, "latin": "Safer Norfolk community safety partnership"}


def at_most(key, sample, max_length):
    """The field's name, then the sample repeated, to exactly the longest value the field
    holds (20,000 characters for a text field)."""
    unit = sample + ESCAPES + " "
    length = max_length or LONG_TEXT_LENGTH
    return (f"{tag_for(key)} " + unit * (length // len(unit) + 1))[:length]


@pytest.mark.parametrize("sample", LONG_SAMPLES.values(), ids=LONG_SAMPLES.keys())
def test_longest_and_non_latin_text_renders_whole_and_escaped_on_every_page(browser, sample):
    fill = Filler(
        markdown=lambda key: at_most(key, sample, None),
        plain=lambda key, max_length: at_most(key, sample, max_length),
    )
    world = build_world(fill)

    for name, url in page_urls(world).items():
        page = audit(browser.get(url), f"The {name} page")
        for key in PAGES[name]:
            if key in NUMBER_FIELDS:
                continue
            value = " ".join(fill.values[key].split())
            if (name, key) in SHORTENED:
                assert value[:60] in page.text, f"{key} does not start as typed on the {name} page"
            else:
                assert value in page.text, f"{key} is not shown whole on the {name} page"


# --- 5. Unknown addresses ------------------------------------------------------------------------


@pytest.fixture
def known():
    """One published thing of each kind, so each address below is wrong in one part only."""
    committee = CommitteeFactory(slug="known")
    meeting = MeetingFactory(committee=committee, starts_at=PAST)
    MeetingFactory(committee=committee, starts_at=PAST + datetime.timedelta(days=7), draft=True)
    DocumentFactory(meeting=meeting)
    private = DocumentFactory(meeting=meeting, is_public=False)
    plan = PlanFactory(slug="known-plan")
    ActionFactory(section=SectionFactory(plan=plan), number="1.1")
    PlanFactory(slug="draft-plan", status="draft")
    framework = OutcomeFrameworkFactory(slug="known-outcomes")
    MeasureFactory(outcome=OutcomeFactory(framework=framework, number="1"), number="1")
    OutcomeFrameworkFactory(slug="draft-outcomes", status="draft")
    return {"private_document": private.pk}


UNKNOWN_PAGES = {
    "committee": "/committees/no-such-committee/",
    "committee-calendar": "/committees/no-such-committee/meetings.ics",
    "committee-feed": "/committees/no-such-committee/feed.atom",
    "committee-action-points-csv": "/committees/no-such-committee/action-points.csv",
    "meeting-of-unknown-committee": "/committees/no-such-committee/2022-02-24/",
    "meeting-on-a-day-without-one": "/committees/known/2022-02-25/",
    "meeting-on-an-impossible-day": "/committees/known/2022-02-30/",
    "meeting-in-month-thirteen": "/committees/known/2022-13-01/",
    "meeting-in-year-zero": "/committees/known/0000-01-01/",
    "meeting-with-draft-agenda": "/committees/known/2022-03-03/",
    "agenda-pdf": "/committees/known/2022-02-25/agenda.pdf",
    "pack-pdf": "/committees/known/2022-02-25/pack.pdf",
    "minutes-pdf": "/committees/known/2022-02-25/minutes.pdf",
    "minutes-pdf-of-unpublished-minutes": "/committees/known/2022-02-24/minutes.pdf",
    "meeting-calendar": "/committees/known/2022-02-25/meeting.ics",
    "meeting-open-data": "/committees/known/2022-02-25/ocd.json",
    "document": "/documents/999999/",
    "document-beyond-any-integer": "/documents/99999999999999999999999/",
    "document-not-a-number": "/documents/abc/",
    "document-negative": "/documents/-1/",
    "document-not-public": "/documents/{private_document}/",
    "plan": "/plans/no-such-plan/",
    "plan-draft": "/plans/draft-plan/",
    "plan-distance": "/plans/no-such-plan/distance/",
    "plan-report-pdf": "/plans/no-such-plan/report.pdf",
    "plan-actions-csv": "/plans/no-such-plan/actions.csv",
    "action": "/plans/known-plan/actions/9.99/",
    "action-of-unknown-plan": "/plans/no-such-plan/actions/1.1/",
    "action-with-nul": "/plans/known-plan/actions/%00/",
    "action-with-markup": "/plans/known-plan/actions/%3Cscript%3E/",
    "framework": "/outcomes/no-such-framework/",
    "framework-draft": "/outcomes/draft-outcomes/",
    "framework-figures-csv": "/outcomes/no-such-framework/figures.csv",
    "outcome": "/outcomes/known-outcomes/99/",
    "outcome-with-nul": "/outcomes/known-outcomes/%00/",
    "measure": "/outcomes/known-outcomes/1/measures/99/",
    "measure-of-unknown-outcome": "/outcomes/known-outcomes/99/measures/1/",
    "measure-with-nul": "/outcomes/known-outcomes/1/measures/%00/",
}


@pytest.mark.parametrize("address", UNKNOWN_PAGES.values(), ids=UNKNOWN_PAGES.keys())
def test_an_unknown_public_address_is_not_found(browser, known, address):
    response = browser.get(address.format(**known))

    assert response.status_code == 404, f"{address} answered {response.status_code}"
    read_body(response)
