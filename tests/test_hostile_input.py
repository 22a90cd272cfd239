"""Hostile input, case by case.

1. Cross-site scripting: a corpus of script, event-handler, javascript:/data: URL, SVG, iframe,
   style and Markdown tricks, put through every Markdown field and every plain text field the
   public sees, then checked inert in the HTML pages, the PDFs and the API.
2. Uploads: files that are not PDFs, encrypted, damaged, empty or too large are refused with a
   clear message and nothing is stored.
3. Spreadsheet imports: unreadable files and files with any bad row are refused whole.
4. Very long and non-Latin text renders on every page that shows it and in the PDFs.
5. Unknown slugs, dates and ids are 404s, never 500s.
"""

import csv
import datetime
import functools
import io
import json
import re
import subprocess
import unicodedata
import zipfile
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from delivery_plans.models import Action, ActionUpdate, Plan, Section
from meetings.models import (
    ActionPoint,
    AgendaItem,
    Attendance,
    Committee,
    Declaration,
    Document,
    Meeting,
    Minute,
    Resolution,
    WorkProgrammeItem,
    WrittenQuestion,
)
from outcomes.models import Measure, Observation, Outcome, OutcomeFramework
from safer_norfolk.models import Organisation, Person
from tests.factories import (
    ActionFactory,
    ActionPointFactory,
    ActionUpdateFactory,
    AgendaItemFactory,
    AttendanceFactory,
    CommitteeFactory,
    DeclarationFactory,
    DocumentFactory,
    MeasureFactory,
    MeetingFactory,
    MembershipFactory,
    MinuteFactory,
    ObservationFactory,
    OrganisationFactory,
    OutcomeFactory,
    OutcomeFrameworkFactory,
    PersonFactory,
    PlanFactory,
    ResolutionFactory,
    SectionFactory,
    WorkProgrammeItemFactory,
    WrittenQuestionFactory,
    area,
)
from tests.http import read_body
from tests.pdfs import (
    ACTIVE_KINDS,
    WEB_LINK,
    make_active_pdf,
    make_encrypted_pdf,
    make_linked_pdf,
    make_pdf,
)

pytestmark = pytest.mark.django_db

# --- corpora --------------------------------------------------------------------------------

# Markdown payloads. "{keep}" is replaced by a marker naming the field: harmless text that must
# survive sanitising, so each check also proves the field really was rendered on that page.
MARKDOWN_PAYLOADS = {
    "script-tag": "<script>alert(1)</script>{keep}",
    "script-src-uppercase": "<SCRIPT SRC=//evil.example/x.js></SCRIPT>{keep}",
    "javascript-link": "[{keep}](javascript:alert(1))",
    "mixed-case-javascript-link": "[{keep}](JaVaScRiPt:alert(1))",
    "leading-space-javascript-link": "[{keep}]( javascript:alert(1))",
    "data-html-link": "[{keep}](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "vbscript-link": "[{keep}](vbscript:msgbox(1))",
    "entity-encoded-javascript-link": "[{keep}](&#106;avascript:alert(1))",
    "hex-entity-javascript-href": '<a href="&#x6A;avascript&#x3A;alert(1)">{keep}</a>',
    "tab-entity-javascript-href": '<a href="jav&#x09;ascript:alert(1)">{keep}</a>',
    "tab-in-markdown-scheme": "[{keep}](java&#9;script:alert(1))",
    "markdown-image-javascript": "![x](javascript:alert(1)) {keep}",
    "markdown-image-data-svg": "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+) {keep}",
    "reference-link": "[{keep}][evil]\n\n[evil]: javascript:alert(1)",
    "reference-link-same-paragraph": '[{keep}][evil]\n[evil]: javascript:alert(1) "title"',
    "autolink-javascript": "<javascript:alert(1)> {keep}",
    "autolink-data": "<data:text/html,alert(1)> {keep}",
    "svg-onload": "<svg onload=alert(1)><circle r=1 /></svg>{keep}",
    "svg-animate-href": '<svg><a><animate attributeName="href" values="javascript:alert(1)"/>'
    "<text>x</text></a></svg> {keep}",
    "img-onerror": "<img src=x onerror=alert(1)>{keep}",
    "event-attributes-on-allowed-link": '<a href="https://example.org/" onclick="alert(1)" '
    'onmouseover="alert(1)">{keep}</a>',
    "event-and-style-on-paragraph": '<p onclick="alert(1)" style="background:url(javascript:alert(1))">'
    "{keep}</p>",
    "iframe": '<iframe src="javascript:alert(1)"></iframe>{keep}',
    "iframe-srcdoc": '<iframe srcdoc="<script>alert(1)</script>"></iframe>{keep}',
    "style-tag": "<style>body{background:url(javascript:alert(1))}</style>{keep}",
    "object-and-embed": '<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)"> {keep}',
    "base-and-meta-refresh": '<base href="javascript:alert(1)//"><meta http-equiv="refresh" '
    'content="0;url=javascript:alert(1)"> {keep}',
    "form-action": '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">'
    "{keep}</button></form>",
    "math-xlink": '<math><maction xlink:href="javascript:alert(1)">x</maction></math> {keep}',
    "attribute-breaking-quotes": "\"><script>alert(1)</script>'><img src=x onerror=alert(1)>{keep}",
    "link-title-breaking-quotes": '[{keep}](https://example.org/ "a" onmouseover="alert(1)")',
    "comment-smuggling": "<!--<script>alert(1)</script>--> {keep}",
    "cdata-smuggling": "<![CDATA[<script>alert(1)</script>]]> {keep}",
    "nested-script": "<scr<script>ipt>alert(1)</scr</script>ipt> {keep}",
    "script-in-table-cell": "| a |\n|---|\n| <script>alert(1)</script>{keep} |",
    "template-syntax": "{{ request }} {% debug %} {keep}",
}

# Plain text payloads: shown escaped, exactly as typed. Each field gets "<payload> <tag>".
PLAIN_PAYLOADS = {
    "script-tag": "<script>alert(1)</script>",
    "img-onerror": "<img src=x onerror=alert(1)>",
    "double-quote-breakout": '"><svg onload=alert(1)>',
    "single-quote-breakout": "' onmouseover='alert(1)",
    "closing-tags": "</title></textarea></script><script>alert(1)</script>",
    "javascript-url": "javascript:alert(document.cookie)",
    "entities": "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#60;b&#62;",
    "template-syntax": "{{ request.user }} {% debug %}",
    "spreadsheet-formula": '=HYPERLINK("http://evil.example","x")',
    "word-vertical-tab": "Line pasted from Word\x0bsecond line",
}

# Fields holding a number or reference (at most 20 characters): short attribute breakers.
SHORT_PAYLOADS = ['"><b onclick=x>', "' onclick='x", "<svg onload=x>"]

MARKDOWN_FIELDS = {
    "Committee.description",
    "Committee.terms_of_reference",
    "Meeting.public_notice",
    "AgendaItem.description",
    "Minute.body",
    "WrittenQuestion.response",
    "WorkProgrammeItem.issues",
    "Plan.summary",
    "ActionUpdate.text",
    "OutcomeFramework.summary",
    "Outcome.description",
}
NUMBER_FIELDS = {
    "AgendaItem.number",
    "Minute.number",
    "ActionPoint.reference",
    "Action.number",
    "Section.number",
    "Outcome.number",
    "Measure.number",
}

# Where each field is shown. Plain fields are checked verbatim, Markdown fields by their marker.
PAGES = {
    "home": ["Committee.short_name"],
    "committees": ["Committee.name"],
    "committee": [
        "Committee.name",
        "Committee.description",
        "Committee.contact_phone",
        "Person.name",
        "Organisation.name",
        "Organisation.short_name",
        "ActionPoint.reference",
        "ActionPoint.description",
        "WorkProgrammeItem.title",
        "WorkProgrammeItem.target_text",
        "WorkProgrammeItem.issues",
        "WorkProgrammeItem.invited",
    ],
    "meeting": [
        "Committee.name",
        "Committee.short_name",
        "Meeting.venue",
        "Meeting.public_notice",
        "AgendaItem.number",
        "AgendaItem.title",
        "AgendaItem.description",
        "AgendaItem.lead_text",
        "Document.title",
        "Person.honorific",
        "Person.name",
        "Organisation.name",
        "Attendance.note",
        "Declaration.text",
        "Minute.number",
        "Minute.heading",
        "Minute.body",
        "Resolution.text",
        "ActionPoint.reference",
        "ActionPoint.description",
        "ActionPoint.response",
        "WrittenQuestion.question",
        "WrittenQuestion.response",
        "Plan.title",
        "Action.number",
    ],
    "questions": ["Committee.short_name", "WrittenQuestion.question", "Action.number"],
    "outstanding": [
        "Committee.name",
        "Organisation.name",
        "ActionPoint.description",
        "Action.title",
    ],
    "plans": ["Plan.title", "Plan.version_label", "Organisation.name"],
    "plan": [
        "Plan.title",
        "Plan.summary",
        "Plan.version_label",
        "Organisation.name",
        "Organisation.short_name",
        "OutcomeFramework.title",
        "Section.number",
        "Section.title",
        "Action.number",
        "Action.title",
        "Action.success_measure",
        "Action.due_text",
    ],
    "distance": ["Plan.title", "Section.title", "Action.number", "Action.title"],
    "action": [
        "Plan.title",
        "Section.title",
        "Action.number",
        "Action.title",
        "Action.success_measure",
        "Action.owner_note",
        "Action.due_text",
        "Action.method",
        "Action.indicators",
        "Action.cost_text",
        "Action.funding_source",
        "Action.external_ref",
        "ActionUpdate.period_label",
        "ActionUpdate.text",
        "Outcome.number",
        "Outcome.title",
        "OutcomeFramework.title",
        "WrittenQuestion.question",
        "ActionPoint.reference",
        "ActionPoint.description",
    ],
    "frameworks": ["OutcomeFramework.title", "Organisation.name"],
    "framework": [
        "OutcomeFramework.title",
        "OutcomeFramework.summary",
        "Organisation.name",
        "Outcome.number",
        "Outcome.title",
        "Measure.title",
        "Measure.direction_note",
    ],
    "outcome": [
        "OutcomeFramework.title",
        "Outcome.title",
        "Outcome.description",
        "Measure.title",
        "Measure.direction_note",
        "Action.number",
        "Action.title",
        "Plan.title",
    ],
    "measure": [
        "OutcomeFramework.title",
        "Outcome.number",
        "Outcome.title",
        "Measure.title",
        "Measure.direction_note",
        "Measure.source",
        "Observation.note",
    ],
    # Result titles name what was found (searched for "ztag", which every plain value holds).
    "search": [
        "Committee.name",
        "Committee.short_name",
        "AgendaItem.title",
        "Minute.heading",
        "Document.title",
        "Plan.title",
        "Measure.title",
        "OutcomeFramework.title",
    ],
}


def keep_marker(key):
    """Harmless text for a field: "Committee.description" -> "KeepCommitteeDescription"."""
    return "Keep" + "".join(part[:1].upper() + part[1:] for part in re.split(r"[._]", key))


def tag_for(key):
    """A word naming a field in plain values; "ztag" is what the search page looks for."""
    return f"ztag-{key.replace('.', '-').replace('_', '-')}"


def fit(text, max_length):
    return text if max_length is None else text[:max_length]


# --- the world: every public field, filled by a strategy ---------------------------------------

PAST = datetime.datetime(2022, 2, 24, 10, 0, tzinfo=datetime.UTC)


class Filler:
    """fill(Model, "field") -> the value a strategy gives that field, remembered by key."""

    def __init__(self, markdown=None, plain=None, number=None):
        self.markdown, self.plain, self.number = markdown, plain, number
        self.values = {}
        self._numbers = iter(range(1, 1000))

    def __call__(self, model, name):
        key = f"{model.__name__}.{name}"
        max_length = model._meta.get_field(name).max_length
        if key in MARKDOWN_FIELDS:
            value = self.markdown(key) if self.markdown else f"Ordinary text of {key}."
        elif key in NUMBER_FIELDS:
            value = self.number(key) if self.number else str(next(self._numbers))
        else:
            value = self.plain(key, max_length) if self.plain else f"Ordinary {key}"
        value = fit(value, max_length)
        self.values[key] = value
        return value


def build_world(fill):
    """A committee with a held meeting (agenda, paper, attendance, declaration, minute,
    resolution, action points, an answered question, work programme), a published plan with
    an action and its update, and an outcome framework with an outcome, a measure and figures —
    every public text field filled by `fill`."""
    organisation = OrganisationFactory(
        name=fill(Organisation, "name"), short_name=fill(Organisation, "short_name"), kind="police"
    )
    person = PersonFactory(
        honorific=fill(Person, "honorific"),
        name=fill(Person, "name"),
        job_title=fill(Person, "job_title"),
        organisation=organisation,
    )
    committee = CommitteeFactory(
        name=fill(Committee, "name"),
        short_name=fill(Committee, "short_name"),
        slug="hostile-committee",
        description=fill(Committee, "description"),
        terms_of_reference=fill(Committee, "terms_of_reference"),
        contact_phone=fill(Committee, "contact_phone"),
        contact_email="panel@example.org",
    )
    MembershipFactory(committee=committee, person=person, role="chair", representing=organisation)
    meeting = MeetingFactory(
        committee=committee,
        starts_at=PAST,
        venue=fill(Meeting, "venue"),
        public_notice=fill(Meeting, "public_notice"),
        livestream_url="https://example.org/live",
        minutes_published=True,
    )
    MeetingFactory(
        committee=committee,
        starts_at=timezone.now() + datetime.timedelta(days=60),
        venue=fill.values["Meeting.venue"],
    )
    item = AgendaItemFactory(
        meeting=meeting,
        number=fill(AgendaItem, "number"),
        title=fill(AgendaItem, "title"),
        description=fill(AgendaItem, "description"),
        lead_text=fill(AgendaItem, "lead_text"),
    )
    document = DocumentFactory(meeting=meeting, agenda_item=item, title=fill(Document, "title"))
    AttendanceFactory(meeting=meeting, person=person, note=fill(Attendance, "note"))
    DeclarationFactory(meeting=meeting, person=person, text=fill(Declaration, "text"))
    minute = MinuteFactory(
        meeting=meeting,
        agenda_item=item,
        number=fill(Minute, "number"),
        heading=fill(Minute, "heading"),
        body=fill(Minute, "body"),
    )
    resolution = ResolutionFactory(minute=minute, text=fill(Resolution, "text"))
    open_point = ActionPointFactory(
        meeting=meeting,
        minute=minute,
        reference=fill(ActionPoint, "reference"),
        description=fill(ActionPoint, "description"),
        owner_person=person,
        owner_organisation=organisation,
        due_date=datetime.date(2022, 6, 30),
    )
    closed_point = ActionPointFactory(
        meeting=meeting,
        reference="02/99",
        description="A closed action point",
        status="closed",
        response=fill(ActionPoint, "response"),
        closed_on=datetime.date(2022, 5, 1),
    )
    programme_item = WorkProgrammeItemFactory(
        committee=committee,
        title=fill(WorkProgrammeItem, "title"),
        target_text=fill(WorkProgrammeItem, "target_text"),
        issues=fill(WorkProgrammeItem, "issues"),
        invited=fill(WorkProgrammeItem, "invited"),
    )

    framework = OutcomeFrameworkFactory(
        title=fill(OutcomeFramework, "title"),
        slug="hostile-outcomes",
        organisation=organisation,
        summary=fill(OutcomeFramework, "summary"),
    )
    outcome = OutcomeFactory(
        framework=framework,
        number=fill(Outcome, "number"),
        title=fill(Outcome, "title"),
        description=fill(Outcome, "description"),
    )
    measure = MeasureFactory(
        outcome=outcome,
        number=fill(Measure, "number"),
        title=fill(Measure, "title"),
        direction="neutral",
        direction_note=fill(Measure, "direction_note"),
        source=fill(Measure, "source"),
    )
    observation = ObservationFactory(
        measure=measure,
        area=area("norfolk"),
        period_start=datetime.date(2021, 4, 1),
        period_end=datetime.date(2022, 3, 31),
        value=120,
        note=fill(Observation, "note"),
    )
    ObservationFactory(
        measure=measure,
        area=area("norfolk"),
        period_start=datetime.date(2020, 4, 1),
        period_end=datetime.date(2021, 3, 31),
        value=100,
    )

    plan = PlanFactory(
        title=fill(Plan, "title"),
        slug="hostile-plan",
        organisation=organisation,
        framework=framework,
        summary=fill(Plan, "summary"),
        version_label=fill(Plan, "version_label"),
    )
    section = SectionFactory(
        plan=plan, number=fill(Section, "number"), title=fill(Section, "title")
    )
    action = ActionFactory(
        section=section,
        number=fill(Action, "number"),
        title=fill(Action, "title"),
        success_measure=fill(Action, "success_measure"),
        owner_note=fill(Action, "owner_note"),
        due_text=fill(Action, "due_text"),
        method=fill(Action, "method"),
        indicators=fill(Action, "indicators"),
        cost_text=fill(Action, "cost_text"),
        funding_source=fill(Action, "funding_source"),
        external_ref=fill(Action, "external_ref"),
        owners=[organisation],
    )
    action.outcomes.add(outcome)
    update = ActionUpdateFactory(
        action=action,
        text=fill(ActionUpdate, "text"),
        period_label=fill(ActionUpdate, "period_label"),
        reported_on=datetime.date.today() - datetime.timedelta(days=10),
        rag="red",
    )
    question = WrittenQuestionFactory(
        meeting=meeting,
        agenda_item=item,
        number=1,
        question=fill(WrittenQuestion, "question"),
        asked_by=person,
        addressed_to=organisation,
        responded_by=organisation,
        response=fill(WrittenQuestion, "response"),
        status="answered",
        responded_on=datetime.date(2022, 3, 10),
    )
    question.plan_actions.add(action)
    open_point.plan_actions.add(action)

    objects = {
        "organisation": organisation,
        "person": person,
        "committee": committee,
        "meeting": meeting,
        "item": item,
        "document": document,
        "minute": minute,
        "resolution": resolution,
        "open_point": open_point,
        "closed_point": closed_point,
        "programme_item": programme_item,
        "framework": framework,
        "outcome": outcome,
        "measure": measure,
        "observation": observation,
        "plan": plan,
        "section": section,
        "action": action,
        "update": update,
        "question": question,
    }
    return objects


def page_urls(world):
    meeting, plan = world["meeting"], world["plan"]
    return {
        "home": reverse("home"),
        "committees": reverse("meetings:committees"),
        "committee": world["committee"].get_absolute_url(),
        "meeting": meeting.get_absolute_url(),
        "questions": reverse("meetings:questions"),
        "outstanding": reverse("meetings:outstanding"),
        "plans": reverse("delivery_plans:plans"),
        "plan": plan.get_absolute_url(),
        "distance": reverse("delivery_plans:distance", args=[plan.slug]),
        "action": world["action"].get_absolute_url(),
        "frameworks": reverse("outcomes:frameworks"),
        "framework": world["framework"].get_absolute_url(),
        "outcome": world["outcome"].get_absolute_url(),
        "measure": world["measure"].get_absolute_url(),
    }


# --- reading HTML as a browser would ----------------------------------------------------------

URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
    "srcset", "cite", "codebase", "dynsrc", "lowsrc", "ping", "longdesc", "srcdoc", "values",
}  # fmt: skip
FORBIDDEN_TAGS = {
    "iframe", "frame", "frameset", "object", "embed", "applet", "base", "math", "animate", "set",
    "handler", "foreignobject",
}  # fmt: skip
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
CONTROL_AND_SPACE = "".join(chr(code) for code in range(33))


def dangerous_url(value):
    """Whether a browser would run or render `value` as a script or document: URL parsers drop
    tabs and newlines anywhere and control characters and spaces at the ends."""
    cleaned = re.sub(r"[\t\n\r]", "", value).strip(CONTROL_AND_SPACE).lower()
    return cleaned.startswith(DANGEROUS_SCHEMES)


class PageAudit(HTMLParser):
    """Everything in a page that could run script, and its visible text. `own_styles` are the
    style sheets the page's own template holds (the site's pages hold none)."""

    def __init__(self, html, own_styles=()):
        super().__init__(convert_charrefs=True)
        self.problems, self.text_parts, self.json_blocks, self.styles = [], [], [], []
        self._script = None
        self.feed(html)
        self.close()
        self.text = " ".join("".join(self.text_parts).split())
        self.problems += [
            f"<style> element {css!r}" for css in self.styles if css not in own_styles
        ]

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)
        if tag in ("script", "style"):
            self._script = (tag, dict(attrs), [])

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)
        if tag == "script":
            self._check_script(dict(attrs), "")

    def handle_endtag(self, tag):
        if self._script and tag == self._script[0]:
            name, attrs, parts = self._script
            if name == "script":
                self._check_script(attrs, "".join(parts))
            else:
                self.styles.append("".join(parts))
            self._script = None

    def handle_data(self, data):
        if self._script:
            self._script[2].append(data)
        else:
            self.text_parts.append(data)

    def _check(self, tag, attrs):
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}> element")
        if (
            tag == "meta"
            and dict(attrs).get("http-equiv", "content-type").lower() != "content-type"
        ):
            self.problems.append(f"<meta http-equiv> element {attrs}")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> event handler")
            if name in URL_ATTRIBUTES and dangerous_url(value):
                self.problems.append(f"<{tag} {name}={value!r}> script or data URL")
            if name == "style" and re.search(r"expression|javascript|url\(", value, re.I):
                self.problems.append(f"<{tag} style={value!r}> scripted style")

    def _check_script(self, attrs, body):
        kind = (attrs.get("type") or "").lower()
        if kind in ("application/ld+json", "application/json"):
            try:
                json.loads(body)
            except ValueError:
                self.problems.append(f"<script type={kind}> whose content is not JSON: {body!r}")
            else:
                self.json_blocks.append(body)
        elif body.strip() or not (attrs.get("src") or "").startswith("/static/"):
            self.problems.append(f"<script> not from the site's static files: {attrs} {body!r}")


def audit(response, what, own_styles=()):
    assert response.status_code == 200, f"{what} answered {response.status_code}"
    assert response["Content-Type"].startswith("text/html"), what
    page = PageAudit(response.content.decode(), own_styles)
    assert page.problems == [], f"{what} would run script: {page.problems}"
    return page


@pytest.fixture
def browser():
    """A client that reports a server error as a 500 response, as a visitor would see it."""
    return Client(raise_request_exception=False)


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


CSV_FIELDS = {
    "committee-action-points": [
        "ActionPoint.reference",
        "ActionPoint.description",
        "Person.name",
        "Organisation.name",
        "ActionPoint.response",
    ],
    "outstanding": ["ActionPoint.description", "Committee.name", "Action.title"],
    "plan-actions": [
        "Action.number",
        "Action.title",
        "Action.success_measure",
        "Organisation.name",
        "Action.owner_note",
        "Action.due_text",
    ],
    "figures": ["Measure.title", "Observation.note"],
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def squeezed(text):
    """Text without whitespace, control or format characters (XML cannot carry control
    characters; PDF text extraction breaks lines anywhere and marks right-to-left runs)."""
    return "".join(
        character
        for character in text
        if not character.isspace() and unicodedata.category(character) not in ("Cc", "Cf")
    )


@pytest.mark.parametrize("payload", PLAIN_PAYLOADS.values(), ids=PLAIN_PAYLOADS.keys())
def test_plain_text_payload_in_feeds_calendars_csv_and_open_data(browser, payload):
    import xml.etree.ElementTree as ElementTree

    from icalendar import Calendar

    fill = Filler(plain=lambda key, max_length: f"{payload} {tag_for(key)}")
    world = build_world(fill)
    values = fill.values
    committee, meeting, plan = world["committee"], world["meeting"], world["plan"]

    atom = "{http://www.w3.org/2005/Atom}"
    for url in [
        reverse("meetings:feed"),
        reverse("meetings:committee_feed", args=[committee.slug]),
    ]:
        response = browser.get(url)
        assert response.status_code == 200, f"The feed {url} answered {response.status_code}"
        feed = ElementTree.fromstring(response.content)  # noqa: S314 -- the site's own feed
        titles = [squeezed(entry.findtext(f"{atom}title")) for entry in feed.iter(f"{atom}entry")]
        assert squeezed(f"New paper: {values['Document.title']}") in titles, url

    for url in [
        reverse("meetings:calendar"),
        reverse("meetings:committee_calendar", args=[committee.slug]),
        reverse("meetings:meeting_calendar", args=[committee.slug, meeting.local_date]),
    ]:
        response = browser.get(url)
        assert response.status_code == 200, f"The calendar {url} answered {response.status_code}"
        events = Calendar.from_ical(response.content).walk("VEVENT")
        assert squeezed(values["Committee.name"]) in [squeezed(str(e["SUMMARY"])) for e in events]
        assert squeezed(values["Meeting.venue"]) in [
            squeezed(str(e.get("LOCATION", ""))) for e in events
        ]

    csv_urls = {
        "committee-action-points": reverse(
            "meetings:committee_action_points_csv", args=[committee.slug]
        ),
        "outstanding": reverse("meetings:outstanding_csv"),
        "plan-actions": reverse("delivery_plans:actions_csv", args=[plan.slug]),
        "figures": reverse("outcomes:observations_csv", args=[world["framework"].slug]),
    }
    for name, url in csv_urls.items():
        response = browser.get(url)
        assert response.status_code == 200, f"The {name} CSV answered {response.status_code}"
        cells = {cell for row in csv.reader(io.StringIO(response.content.decode())) for cell in row}
        for key in CSV_FIELDS[name]:
            value = values[key]
            # A cell a spreadsheet would run as a formula starts with an apostrophe instead.
            expected = f"'{value}" if value.startswith(FORMULA_STARTS) else value
            assert expected in cells, f"{key} is not in the {name} CSV as a plain value"
        assert not any(cell.startswith(FORMULA_STARTS) for cell in cells), name

    response = browser.get(
        reverse("meetings:meeting_ocd", args=[committee.slug, meeting.local_date])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    event = json.loads(response.content)
    assert event["location"]["name"] == values["Meeting.venue"]
    assert (
        event["agenda"][0]["description"]
        == f"{values['AgendaItem.number']}. {values['AgendaItem.title']}"
    )


# --- 1b. XSS and other scripts: PDFs -------------------------------------------------------------

# Text in scripts the PDFs' font (DejaVu Sans) carries, and text it cannot (no CJK font is
# installed; emoji are not in DejaVu): those must not break a PDF but are not looked for in it.
SAMPLES = {
    "greek": "Ασφαλέστερο Νόρφολκ: πρακτικά της συνεδρίασης",
    "cyrillic": "Безопасный Норфолк: протокол заседания",
    "arabic-right-to-left": "نورفولك أكثر أمانا: محضر",
    "combining-accents": "Re\u0301sume\u0301 n\u0303 A\u030angstro\u0308m cafe\u0301",
    "zalgo": "Z\u0351\u0337a\u0308\u0332l\u0316g\u0315o\u0489 t\u0337e\u0336x\u0335t\u0334",
    "chinese": "更安全的诺福克：会议记录",
    "emoji": "Safer Norfolk 🚓🛡️👮🏽‍♀️🏳️‍🌈 meeting",
}
# Checked word by word: PDF text extraction gives right-to-left runs in visual order.
PDF_CARRIES = ["greek", "cyrillic", "arabic-right-to-left", "combining-accents"]
ESCAPES = " R&D: 5 < 6 > 4, “quoted” 'single' \"double\""
LONG_TEXT_LENGTH = 20_000
PLAIN_LIST = list(PLAIN_PAYLOADS.values())


def long_text(sample):
    unit = sample + ESCAPES + " "
    return (unit * (LONG_TEXT_LENGTH // len(unit) + 1))[:LONG_TEXT_LENGTH].strip()


def plain_label(index, what):
    return f"{PLAIN_LIST[index % len(PLAIN_LIST)]} {what} {index}"


def build_pdf_world():
    """One meeting whose minutes hold every Markdown payload (a minute and an answered
    question each), the next meeting whose agenda holds them all (with the open action log in
    its pack, and an uploaded paper), and a plan whose report holds them all in action
    updates — with plain payloads in the headings, titles and names, and the non-Latin and long
    texts."""
    expected = {"minutes": [], "report": [], "front_sheet": [], "action_log": [], "long": {}}
    organisation = OrganisationFactory(name=plain_label(0, "organisation"), short_name="Org")
    committee = CommitteeFactory(
        name=plain_label(1, "committee"), slug="pdf-committee", partnership=organisation
    )
    for index in range(len(PLAIN_LIST)):
        MembershipFactory(
            committee=committee,
            person=PersonFactory(name=plain_label(index, "member"), organisation=organisation),
        )
    previous = MeetingFactory(
        committee=committee,
        starts_at=datetime.datetime(2022, 1, 20, 10, tzinfo=datetime.UTC),
        venue=plain_label(2, "venue"),
        minutes_published=True,
    )
    for index in range(len(PLAIN_LIST)):
        person = PersonFactory(name=plain_label(index, "person"), organisation=organisation)
        AttendanceFactory(meeting=previous, person=person, note=plain_label(index, "note"))
        DeclarationFactory(meeting=previous, person=person, text=plain_label(index, "interest"))
        expected["minutes"] += [plain_label(index, "person"), plain_label(index, "interest")]
    for index, payload in enumerate(MARKDOWN_PAYLOADS.values()):
        minute = MinuteFactory(
            meeting=previous,
            number=str(index + 1),
            heading=plain_label(index, "heading"),
            body=payload.replace("{keep}", f"KeepMinute{index}"),
        )
        ResolutionFactory(minute=minute, text=plain_label(index, "resolution"))
        WrittenQuestionFactory(
            meeting=previous,
            number=index + 1,
            question=plain_label(index, "question"),
            response=payload.replace("{keep}", f"KeepAnswer{index}"),
            status="answered",
            responded_on=datetime.date(2022, 2, 1),
        )
        ActionPointFactory(
            meeting=previous,
            reference=f"01/{index + 1:02d}",
            description=plain_label(index, "action point"),
        )
        expected["action_log"].append(plain_label(index, "action point"))
        expected["minutes"] += [
            f"KeepMinute{index}",
            f"KeepAnswer{index}",
            plain_label(index, "heading"),
            plain_label(index, "resolution"),
            plain_label(index, "question"),
        ]
    for index, sample in enumerate(SAMPLES.values(), start=100):
        MinuteFactory(meeting=previous, number=str(index), heading=sample, body=sample)
    MinuteFactory(meeting=previous, number="200", heading="Long", body=long_text(SAMPLES["greek"]))
    expected["long"]["minutes"] = long_text(SAMPLES["greek"])

    meeting = MeetingFactory(
        committee=committee,
        starts_at=PAST,
        public_notice=MARKDOWN_PAYLOADS["event-attributes-on-allowed-link"].replace(
            "{keep}", "KeepNotice"
        ),
        livestream_url="https://example.org/live",
    )
    # The action review item brings the open action log (raised at the previous meeting) and
    # "since the last meeting" into the pack; the minutes PDF is checked on its own.
    AgendaItemFactory(meeting=meeting, number="2", kind="action_review", title="Action points")
    for index, payload in enumerate(MARKDOWN_PAYLOADS.values()):
        item = AgendaItemFactory(
            meeting=meeting,
            number=str(index + 3),
            title=plain_label(index, "item"),
            description=payload.replace("{keep}", f"KeepItem{index}"),
            lead_text=plain_label(index, "lead"),
        )
        expected["front_sheet"] += [f"KeepItem{index}", plain_label(index, "item")]
    for index, sample in enumerate(SAMPLES.values(), start=100):
        AgendaItemFactory(meeting=meeting, number=str(index), title=sample)
    DocumentFactory(
        meeting=meeting,
        agenda_item=item,
        title=plain_label(3, "paper"),
        file=SimpleUploadedFile("paper.pdf", paper()),
    )
    expected["front_sheet"] += ["KeepNotice", plain_label(1, "committee")]

    plan = PlanFactory(title=plain_label(4, "plan"), slug="pdf-plan", organisation=organisation)
    section = SectionFactory(plan=plan, number="1", title=plain_label(5, "section"))
    for index, payload in enumerate(MARKDOWN_PAYLOADS.values()):
        action = ActionFactory(
            section=section,
            number=f"1.{index + 1}",
            title=plain_label(index, "action"),
            success_measure=plain_label(index, "measure"),
        )
        ActionUpdateFactory(action=action, text=payload.replace("{keep}", f"KeepUpdate{index}"))
        expected["report"] += [f"KeepUpdate{index}", plain_label(index, "action")]
    for index, sample in enumerate(SAMPLES.values(), start=100):
        ActionFactory(section=section, number=f"1.{index}", title=sample, success_measure=sample)
    action = ActionFactory(section=section, number="1.200", title="Long")
    ActionUpdateFactory(action=action, text=long_text(SAMPLES["cyrillic"]))
    expected["long"]["report"] = long_text(SAMPLES["cyrillic"])
    return {"previous": previous, "meeting": meeting, "plan": plan}, expected


@pytest.fixture(scope="module")
def hostile_pdfs(django_db_setup, django_db_blocker, tmp_path_factory):
    """Each PDF rendered once, through its public address, from the world above; the database
    work is rolled back afterwards, so nothing outlives this module."""
    media = tmp_path_factory.mktemp("hostile-media")
    browser = Client(raise_request_exception=False)
    responses = {}
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        world, expected = build_pdf_world()
        previous, meeting = world["previous"], world["meeting"]
        slug = meeting.committee.slug
        responses["minutes"] = browser.get(
            reverse("meetings:minutes_pdf", args=[slug, previous.local_date])
        )
        responses["report"] = browser.get(
            reverse("delivery_plans:report_pdf", args=[world["plan"].slug])
        )
        responses["pack"] = browser.get(
            reverse("meetings:pack_pdf", args=[slug, meeting.local_date])
        )
        responses["front_sheet"] = browser.get(
            reverse("meetings:agenda_pdf", args=[slug, meeting.local_date])
        )
        pdfs = {
            name: (response.status_code, response.get("Content-Type"), read_body(response))
            for name, response in responses.items()
        }
        transaction.set_rollback(True)
    expected["pack"] = expected["front_sheet"] + expected["action_log"]
    return pdfs, expected


PDF_NAMES = ["minutes", "report", "front_sheet", "pack"]
PDF_ACTIONS = {
    "/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/Rendition", "/RichMediaExecute",
    "/GoToR", "/GoToE",
}  # fmt: skip
# Entries that carry script, attached files or a program of their own.
PDF_ACTIVE_ENTRIES = {"/JS", "/JavaScript", "/AA", "/EmbeddedFiles", "/EF", "/XFA"}


def pdf_scripts_and_links(data):
    """(scripts, URIs): every JavaScript or other active action, attached file or XFA form
    anywhere in the PDF's object graph, and every URI a link opens."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    reader = PdfReader(io.BytesIO(data))
    scripts, uris, seen, stack = [], [], set(), [reader.trailer]
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            if (
                obj.get("/S") in PDF_ACTIONS
                or PDF_ACTIVE_ENTRIES.intersection(obj)
                or obj.get("/Subtype") == "/FileAttachment"
            ):
                scripts.append({key: str(value)[:80] for key, value in obj.items()})
            if "/URI" in obj:
                uris.append(str(obj["/URI"]))
            stack.extend(obj.values())
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return scripts, uris


def pdf_text(data):
    """The text of a PDF, read by poppler's pdftotext (installed with pdftoppm, which the suite
    needs anyway): pypdf 7.1 cannot decode WeasyPrint's embedded-CMap fonts, so it reads every
    character outside ASCII as garbage."""
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    )
    return squeezed(unicodedata.normalize("NFC", result.stdout.decode()))


def rendered(hostile_pdfs, name):
    pdfs, expected = hostile_pdfs
    status, content_type, data = pdfs[name]
    assert status == 200, f"The {name} PDF answered {status}"
    assert content_type == "application/pdf"
    return data, expected


@pytest.mark.parametrize("name", PDF_NAMES)
def test_pdf_holds_no_script_and_links_only_to_web_addresses(hostile_pdfs, name):
    data, _ = rendered(hostile_pdfs, name)

    scripts, uris = pdf_scripts_and_links(data)

    assert scripts == [], f"The {name} PDF holds active content: {scripts}"
    # Each PDF has real links (the payloads' https link, the live stream): they were checked.
    assert uris, f"The {name} PDF has no link at all, so none was checked"
    unsafe = [uri for uri in uris if not re.match(r"(https?|mailto|tel):", uri, re.I)]
    assert unsafe == [], f"The {name} PDF links to {unsafe}"


@pytest.mark.parametrize("name", PDF_NAMES)
def test_pdf_keeps_the_harmless_text_and_prints_plain_payloads_as_text(hostile_pdfs, name):
    data, expected = rendered(hostile_pdfs, name)

    text = pdf_text(data)

    missing = [value for value in expected[name] if squeezed(value) not in text]
    assert missing == [], f"The {name} PDF lost text: {missing[:5]} (and {len(missing)} in all)"


@pytest.mark.parametrize("script", PDF_CARRIES)
@pytest.mark.parametrize("name", PDF_NAMES)
def test_pdf_carries_non_latin_text(hostile_pdfs, name, script):
    data, _ = rendered(hostile_pdfs, name)

    text = pdf_text(data)
    for word in re.findall(r"\w+", unicodedata.normalize("NFC", SAMPLES[script])):
        assert word in text, f"The {name} PDF lost “{word}” of the {script} text"


@pytest.mark.parametrize("name", ["minutes", "report"])
def test_pdf_carries_a_very_long_text_whole(hostile_pdfs, name):
    data, expected = rendered(hostile_pdfs, name)

    text = pdf_text(data)
    long = squeezed(unicodedata.normalize("NFC", expected["long"][name]))
    assert long[:500] in text, f"The start of the long text is not in the {name} PDF"
    assert long[-500:] in text, f"The end of the long text is not in the {name} PDF"


# --- 1c. XSS: the API returns the text as data -------------------------------------------------

API_FIELDS = {
    "organisations": ("organisation", ["name", "short_name"]),
    "people": ("person", ["honorific", "name", "job_title"]),
    "committees": (
        "committee",
        ["name", "short_name", "description", "terms_of_reference", "contact_phone"],
    ),
    "meetings": ("meeting", ["venue", "public_notice"]),
    "agenda-items": ("item", ["number", "title", "description", "lead_text"]),
    "minutes": ("minute", ["number", "heading", "body"]),
    "resolutions": ("resolution", ["text"]),
    "action-points": ("open_point", ["reference", "description"]),
    "written-questions": ("question", ["question", "response"]),
    "work-programme": ("programme_item", ["title", "target_text", "issues", "invited"]),
    "plans": ("plan", ["title", "summary", "version_label"]),
    "sections": ("section", ["number", "title"]),
    "plan-actions": (
        "action",
        [
            "number",
            "title",
            "success_measure",
            "owner_note",
            "due_text",
            "method",
            "indicators",
            "cost_text",
            "funding_source",
            "external_ref",
        ],
    ),
    "action-updates": ("update", ["period_label", "text"]),
    "outcome-frameworks": ("framework", ["title", "summary"]),
    "outcomes": ("outcome", ["number", "title", "description"]),
    "measures": ("measure", ["number", "title", "direction_note", "source"]),
    "observations": ("observation", ["note"]),
}
BROWSABLE = ["minutes", "written-questions"]
API_PAYLOADS = {
    **{f"markdown-{name}": ("markdown", payload) for name, payload in MARKDOWN_PAYLOADS.items()},
    **{f"plain-{name}": ("plain", payload) for name, payload in PLAIN_PAYLOADS.items()},
}


@pytest.mark.parametrize(("kind", "payload"), API_PAYLOADS.values(), ids=API_PAYLOADS.keys())
def test_api_returns_hostile_text_as_json_data_exactly_as_stored(browser, kind, payload):
    if kind == "markdown":
        fill = Filler(markdown=lambda key: payload.replace("{keep}", keep_marker(key)))
    else:
        fill = Filler(plain=lambda key, max_length: f"{payload} {tag_for(key)}")
    world = build_world(fill)

    for prefix, (name, fields) in API_FIELDS.items():
        obj = world[name]
        response = browser.get(f"/api/v1/{prefix}/{obj.pk}/")
        assert response.status_code == 200, f"{prefix} answered {response.status_code}"
        assert response["Content-Type"] == "application/json", prefix
        assert response["X-Content-Type-Options"] == "nosniff", prefix
        data = json.loads(response.content)
        for field in fields:
            key = f"{type(obj).__name__}.{field}"
            # Markdown comes back as its source, not as HTML: the API holds no rendered field.
            assert data[field] == fill.values[key], f"{prefix} {field} is not returned as stored"
    meeting = json.loads(browser.get(f"/api/v1/meetings/{world['meeting'].pk}/").content)
    assert meeting["agenda_items"][0]["documents"][0]["title"] == fill.values["Document.title"]

    # The browsable API shows the same data as an HTML page: it must be as inert as the site.
    framework_styles = PageAudit(browser.get("/api/v1/", HTTP_ACCEPT="text/html").content.decode())
    for prefix in BROWSABLE:
        obj = world[API_FIELDS[prefix][0]]
        page = audit(
            browser.get(f"/api/v1/{prefix}/{obj.pk}/", HTTP_ACCEPT="text/html"),
            f"The browsable API page of {prefix}",
            own_styles=framework_styles.styles,
        )
        for field in API_FIELDS[prefix][1]:
            shown = json.dumps(fill.values[f"{type(obj).__name__}.{field}"], ensure_ascii=False)
            assert " ".join(shown.split()) in page.text, f"{prefix} {field} is not shown as data"


# --- 2. Uploads ------------------------------------------------------------------------------


@functools.cache
def paper(pages=1):
    """A genuine PDF, rendered once per page count: rendering is the slow part of these tests."""
    return make_pdf("Community safety report", pages=pages)


def pdf_without_pages():
    from pypdf import PdfWriter

    buffer = io.BytesIO()
    PdfWriter().write(buffer)
    return buffer.getvalue()


def scripted_pdf(kind):
    """A genuine PDF made active in one of the ways a hostile paper could be."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import Link
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    def action(kind, **values):
        return DictionaryObject(
            {NameObject("/S"): NameObject(kind)}
            | {NameObject(f"/{key}"): TextStringObject(value) for key, value in values.items()}
        )

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(paper())))
    script = action("/JavaScript", JS="app.alert(1)")
    if kind == "open-action":
        writer.root_object[NameObject("/OpenAction")] = script
    elif kind == "named-script":
        writer.root_object[NameObject("/Names")] = DictionaryObject(
            {
                NameObject("/JavaScript"): DictionaryObject(
                    {NameObject("/Names"): ArrayObject([TextStringObject("x"), script])}
                )
            }
        )
    elif kind == "page-open":
        writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): script})
    elif kind == "launch-link":
        link = writer.add_annotation(0, Link(rect=(50, 50, 200, 80), url="https://example.org/"))
        link.get_object()[NameObject("/A")] = action("/Launch", F="calc.exe")
    elif kind == "chained-script":
        link = writer.add_annotation(0, Link(rect=(50, 50, 200, 80), url="https://example.org/"))
        link.get_object()["/A"][NameObject("/Next")] = script
    else:  # a link to the address given as kind
        writer.add_annotation(0, Link(rect=(50, 50, 200, 80), url=kind))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def word_document():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>Committee report</w:document>")
    return buffer.getvalue()


UPLOADS = {
    "word-document-named-pdf": ("report.pdf", word_document, "The file is not a PDF"),
    "html-with-script-named-pdf": (
        "report.pdf",
        lambda: b"<html><script>alert(document.cookie)</script></html>",
        "The file is not a PDF",
    ),
    "encrypted-pdf": (
        "report.pdf",
        make_encrypted_pdf,
        "The PDF is password-protected or encrypted",
    ),
    "truncated-pdf-half": (
        "report.pdf",
        lambda: paper()[: len(paper()) // 2],
        "could not be read",
    ),
    "truncated-pdf-without-trailer": ("report.pdf", lambda: paper()[:-40], "could not be read"),
    "pdf-signature-only": ("report.pdf", lambda: b"%PDF-1.7\n", "could not be read"),
    "pdf-signature-then-garbage": (
        "report.pdf",
        lambda: b"%PDF-1.4\n" + bytes(range(256)) * 8,
        "could not be read",
    ),
    "pdf-without-pages": ("report.pdf", pdf_without_pages, "The PDF has no pages."),
    "empty-file": ("report.pdf", lambda: b"", "The submitted file is empty."),
    "oversized-pdf": ("big.pdf", lambda: paper(pages=5), "documents may be at most 1.0\xa0KB"),
    **{
        f"pdf-with-{label}": ("report.pdf", lambda kind=kind: scripted_pdf(kind), message)
        for label, (kind, message) in {
            "javascript-on-opening": ("open-action", "The PDF contains JavaScript."),
            "named-javascript": ("named-script", "The PDF contains JavaScript."),
            "javascript-on-page-open": ("page-open", "The PDF contains JavaScript."),
            "launch-action-link": (
                "launch-link",
                "The PDF contains an action that starts a program.",
            ),
            "javascript-chained-after-a-link": ("chained-script", "The PDF contains JavaScript."),
            "javascript-link": (
                "javascript:app.alert(1)",
                "The PDF contains a link that runs a script (“javascript:app.alert(1)”).",
            ),
            "mixed-case-javascript-link": (
                " JavaScript:app.alert(1)",
                "The PDF contains a link that runs a script (“ JavaScript:app.alert(1)”).",
            ),
            "local-file-link": (
                "file:///C:/Windows/System32/calc.exe",
                "The PDF contains a link to a file on a computer or network drive",
            ),
        }.items()
    },
    "file-name-too-long": (
        "a" * 120 + ".pdf",
        paper,
        "Ensure this filename has at most 100 characters",
    ),
}


def upload_document(browser, meeting, upload):
    from tests.admin_forms import change_form_data

    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    data = change_form_data(browser.get(url))
    data.update(
        {
            "documents-TOTAL_FORMS": "1",
            "documents-0-title": "Delivery plan report",
            "documents-0-kind": "report",
            "documents-0-is_public": "on",
            "documents-0-order": "1",
            "documents-0-file": upload,
        }
    )
    return browser.post(url, data)


def stored_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


@pytest.mark.parametrize(("filename", "content", "message"), UPLOADS.values(), ids=UPLOADS.keys())
def test_a_bad_upload_gets_a_clear_form_error_and_nothing_is_stored(
    browser, officer, settings, filename, content, message
):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 1024 if filename == "big.pdf" else 5 * 1024 * 1024
    meeting = MeetingFactory()
    browser.force_login(officer)

    response = upload_document(
        browser, meeting, SimpleUploadedFile(filename, content(), "application/pdf")
    )

    assert response.status_code == 200, f"The upload answered {response.status_code}"
    assert message in response.content.decode()
    assert not Document.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    "address", ["https://www.norfolk.gov.uk/", "mailto:panel@example.org", "www.norfolk.gov.uk"]
)
def test_a_paper_with_ordinary_links_is_accepted(browser, officer, address):
    meeting = MeetingFactory()
    browser.force_login(officer)

    response = upload_document(
        browser, meeting, SimpleUploadedFile("linked.pdf", scripted_pdf(address), "application/pdf")
    )

    assert response.status_code == 302
    assert Document.objects.get().page_count == 1


def test_the_pdf_check_finds_scripts_and_script_links():
    """The checker the PDF tests rely on finds what it looks for."""
    for kind in ["open-action", "named-script", "page-open", "launch-link", "chained-script"]:
        scripts, _ = pdf_scripts_and_links(scripted_pdf(kind))
        assert scripts, kind
    for kind in ACTIVE_KINDS:
        scripts, _ = pdf_scripts_and_links(make_active_pdf(kind))
        assert scripts, kind
    scripts, uris = pdf_scripts_and_links(make_linked_pdf())
    assert (scripts, sorted(uris)) == ([], sorted([WEB_LINK, "mailto:panel@example.org"]))
    _, uris = pdf_scripts_and_links(scripted_pdf("javascript:app.alert(1)"))
    assert uris == ["javascript:app.alert(1)"]


def test_an_upload_named_to_climb_out_of_the_media_folder_is_stored_inside_it(
    browser, officer, settings
):
    meeting = MeetingFactory()
    browser.force_login(officer)

    response = upload_document(
        browser,
        meeting,
        SimpleUploadedFile("../../../etc/passwd.pdf", paper(), "application/pdf"),
    )

    assert response.status_code == 302
    document = Document.objects.get()
    assert document.file.name == f"meetings/{meeting.pk}/passwd.pdf"
    assert stored_files(settings) == [f"meetings/{meeting.pk}/passwd.pdf"]


def test_the_api_accepts_no_file_uploads():
    """Papers are uploaded only through the admin, which checks them: no API body has a file."""
    from drf_spectacular.generators import SchemaGenerator

    components = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]

    assert "Meeting" in components
    assert [name for name, schema in components.items() if "binary" in json.dumps(schema)] == []


# --- 3. Spreadsheet imports --------------------------------------------------------------------


def xlsx_bytes(rows):
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_replaced_sheet(content, replace):
    """The XLSX `content` with its first worksheet's XML passed through `replace`."""
    source, output = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename == "xl/worksheets/sheet1.xml":
                data = replace(data)
            archive.writestr(entry, data)
    return output.getvalue()


def zip_of_junk():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("junk.bin", bytes(range(256)) * 4)
    return buffer.getvalue()


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


class Importer:
    """One of the two imports, with a good file and the means to count what it wrote."""

    def __init__(self, kind, header, good_rows, bad_rows):
        self.kind, self.header, self.good_rows, self.bad_rows = kind, header, good_rows, bad_rows

    def csv(self, *rows):
        return ("\n".join([self.header, *rows]) + "\n").encode()


OBSERVATIONS = Importer(
    "observations",
    "framework,outcome,measure,area,period,value,provisional,note",
    [
        "safer-norfolk-plan,9,10,Norfolk,2020/21,480,,",
        "safer-norfolk-plan,9,10,Norwich,2021/22,51,,",
    ],
    {
        "one-bad-row-among-good": (
            "safer-norfolk-plan,9,10,Norfolk,2021/22,five,,",
            "“five” is not a number",
        ),
        "year-zero-period": ("safer-norfolk-plan,9,10,Norfolk,0000,5,,", "period"),
        "year-ten-thousand-period": ("safer-norfolk-plan,9,10,Norfolk,9999/00,5,,", "period"),
        "overlong-note": (
            "safer-norfolk-plan,9,10,Norfolk,2021/22,5,," + "n" * 501,
            "at most 500 characters",
        ),
    },
)
ACTIONS = Importer(
    "actions",
    "section,number,action,success measure,owner,date,stage,external ref",
    ["1,1.1,Run a scams awareness week,,,TBC,,", "1,1.2,Train call handlers,,,Year 2,,"],
    {
        "one-bad-row-among-good": ("9,1.3,Unknown section,,,TBC,,", "the plan has no section “9”"),
        "year-zero-date": ("1,1.3,Year nought,,,December 0000,,", "date"),
        "year-ten-thousand-date": ("1,1.3,Far future,,,9999/00,,", "date"),
        "overlong-number": ("1," + "9" * 30 + ",Long number,,,TBC,,", "number"),
        "overlong-external-ref": ("1,1.3,Long reference,,,TBC,," + "r" * 150, "external"),
    },
)
IMPORTERS = {"observations": OBSERVATIONS, "actions": ACTIONS}

# (file name, content maker, message): files the import cannot read at all.
UNREADABLE = {
    "binary-named-csv": ("figures.csv", lambda importer: PNG, "not UTF-8"),
    "xlsx-named-csv": (
        "figures.csv",
        lambda importer: xlsx_bytes([importer.header.split(",")]),
        "not UTF-8",
    ),
    "nul-bytes-in-csv": (
        "figures.csv",
        lambda importer: importer.csv(*importer.good_rows).replace(b",,", b",\x00,", 1),
        "binary data (NUL characters)",
    ),
    "utf-16-csv": (
        "figures.csv",
        lambda importer: importer.csv(*importer.good_rows).decode().encode("utf-16"),
        "not UTF-8",
    ),
    "latin-1-csv": (
        "figures.csv",
        lambda importer: (
            importer.csv(*importer.good_rows).decode().replace(",,", ",Café,", 1).encode("latin-1")
        ),
        "not UTF-8",
    ),
    "cell-too-long-for-csv": (
        "figures.csv",
        lambda importer: importer.csv(importer.good_rows[0] + "x" * 200_000),
        "could not be read",
    ),
    "empty-csv": ("figures.csv", lambda importer: b"", "file is empty"),
    "xlsx-that-is-a-zip-of-junk": (
        "figures.xlsx",
        lambda importer: zip_of_junk(),
        "could not be read",
    ),
    "xlsx-that-is-not-a-zip": (
        "figures.xlsx",
        lambda importer: b"not a spreadsheet",
        "could not be read",
    ),
    "xlsx-with-a-damaged-sheet": (
        "figures.xlsx",
        lambda importer: with_replaced_sheet(
            xlsx_bytes([importer.header.split(","), ["1", 2]]), lambda xml: xml[:-40]
        ),
        "could not be read",
    ),
    "xlsx-with-a-bad-number-cell": (
        "figures.xlsx",
        lambda importer: with_replaced_sheet(
            xlsx_bytes([importer.header.split(","), ["1", 2]]),
            lambda xml: xml.replace(b"<v>2</v>", b"<v>two</v>"),
        ),
        "could not be read",
    ),
    "word-document-named-xlsx": (
        "figures.xlsx",
        lambda importer: word_document(),
        "could not be read",
    ),
}
ROW_PROBLEMS = {
    "missing-header-columns": lambda importer: (
        b"framework,value\nsafer-norfolk-plan,5\n"
        if importer is OBSERVATIONS
        else b"number,action\n1.1,x\n",
        "missing column(s)",
    ),
}


@pytest.fixture
def import_targets(officer):
    """What both imports write into, with a figure and an action already held."""
    framework = OutcomeFrameworkFactory(slug="safer-norfolk-plan")
    measure = MeasureFactory(outcome=OutcomeFactory(framework=framework, number="9"), number="10")
    ObservationFactory(measure=measure, value=500)
    plan = PlanFactory(slug="import-plan")
    section = SectionFactory(plan=plan, number="1", title="Fraud")
    ActionFactory(section=section, number="1.1", title="Unchanged")
    officer.is_superuser = True
    officer.save()
    return {"plan": plan, "user": officer}


def held(kind):
    if kind == "observations":
        return sorted(
            Observation.objects.values_list("measure_id", "area_id", "period_start", "value")
        )
    return sorted(Action.objects.values_list("number", "title", "due_text"))


def run_import(kind, targets, name, content):
    """The service's answer as text: the file error, or the report with every problem."""
    from delivery_plans.services import import_actions
    from outcomes.services import import_observations
    from safer_norfolk.spreadsheets import ImportFileError

    try:
        if kind == "observations":
            report = import_observations(name=name, content=content, by=targets["user"])
        else:
            report = import_actions(
                plan=targets["plan"], name=name, content=content, by=targets["user"]
            )
    except ImportFileError as error:
        return str(error)
    except Exception as error:
        pytest.fail(f"The {kind} import crashed with {type(error).__name__}: {error}")
    assert not report.ok, f"The {kind} import accepted the file: {report.summary()}"
    return " ".join([report.summary(), *(str(problem) for problem in report.problems)])


def admin_import(browser, kind, targets, name, content):
    browser.force_login(targets["user"])
    url = (
        reverse("admin:outcomes_observation_import")
        if kind == "observations"
        else reverse("admin:delivery_plans_plan_import_actions", args=[targets["plan"].pk])
    )
    response = browser.post(url, {"file": SimpleUploadedFile(name, content)}, follow=True)
    assert response.status_code == 200, f"The {kind} import page answered {response.status_code}"
    return PageAudit(response.content.decode()).text


REFUSALS = {
    f"{kind}-{case}": (kind, case)
    for kind in IMPORTERS
    for case in [*UNREADABLE, *ROW_PROBLEMS, *IMPORTERS[kind].bad_rows]
}


def refused_file(kind, case):
    importer = IMPORTERS[kind]
    if case in UNREADABLE:
        name, content, message = UNREADABLE[case]
        return name, content(importer), message
    if case in ROW_PROBLEMS:
        content, message = ROW_PROBLEMS[case](importer)
        return "figures.csv", content, message
    row, message = importer.bad_rows[case]
    # The bad row sits between good rows: none of them may be written.
    return "figures.csv", importer.csv(importer.good_rows[0], row, importer.good_rows[1]), message


@pytest.mark.parametrize(("kind", "case"), REFUSALS.values(), ids=REFUSALS.keys())
def test_the_import_service_refuses_the_whole_file_with_a_clear_message(import_targets, kind, case):
    name, content, message = refused_file(kind, case)
    before = held(kind)

    answer = run_import(kind, import_targets, name, content)

    assert message in answer
    assert held(kind) == before, f"The {kind} import wrote part of a refused file"


@pytest.mark.parametrize(("kind", "case"), REFUSALS.values(), ids=REFUSALS.keys())
def test_the_admin_import_page_refuses_the_whole_file_with_a_clear_message(
    browser, import_targets, kind, case
):
    name, content, message = refused_file(kind, case)
    before = held(kind)

    page = admin_import(browser, kind, import_targets, name, content)

    assert message in page
    assert held(kind) == before, f"The {kind} import wrote part of a refused file"


def test_the_good_rows_alone_import(import_targets):
    """The control for the refusals above: the same good rows, without the bad one, import."""
    from delivery_plans.services import import_actions
    from outcomes.services import import_observations

    figures = import_observations(
        name="f.csv", content=OBSERVATIONS.csv(*OBSERVATIONS.good_rows), by=import_targets["user"]
    )
    actions = import_actions(
        plan=import_targets["plan"],
        name="a.csv",
        content=ACTIONS.csv(*ACTIONS.good_rows),
        by=import_targets["user"],
    )

    assert (figures.ok, figures.created) == (True, 2)
    assert (actions.ok, actions.created, actions.updated) == (True, 1, 1)


def test_an_action_number_that_cannot_be_part_of_an_address_does_not_break_the_plan_pages(
    browser, import_targets
):
    """ "1/2" is accepted by the import (and the admin), but the action's address cannot hold
    a slash: every page that links to the action must still work."""
    from delivery_plans.services import import_actions

    plan = import_targets["plan"]
    import_actions(
        plan=plan,
        name="a.csv",
        content=ACTIONS.csv("1,1/2,Split action,,,TBC,,"),
        by=import_targets["user"],
    )

    for url in [
        plan.get_absolute_url(),
        reverse("delivery_plans:distance", args=[plan.slug]),
        reverse("meetings:outstanding"),
    ]:
        status = browser.get(url).status_code
        assert status == 200, f"{url} answered {status} once an action is numbered “1/2”"


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
API_PREFIXES = [
    "organisations", "people", "committees", "memberships", "meetings", "agenda-items", "minutes",
    "resolutions", "action-points", "written-questions", "work-programme", "plans", "sections",
    "plan-actions", "action-updates", "outcome-frameworks", "outcomes", "measures", "areas",
    "observations",
]  # fmt: skip
UNKNOWN_IDS = {"unknown": "999999", "not-a-number": "abc", "beyond-any-integer": "9" * 25}
UNKNOWN_API = {
    f"{prefix}-{case}": f"/api/v1/{prefix}/{value}/"
    for prefix in API_PREFIXES
    for case, value in UNKNOWN_IDS.items()
}


@pytest.mark.parametrize("address", UNKNOWN_PAGES.values(), ids=UNKNOWN_PAGES.keys())
def test_an_unknown_public_address_is_not_found(browser, known, address):
    response = browser.get(address.format(**known))

    assert response.status_code == 404, f"{address} answered {response.status_code}"
    read_body(response)


@pytest.mark.parametrize("address", UNKNOWN_API.values(), ids=UNKNOWN_API.keys())
def test_an_unknown_api_record_is_not_found(browser, address):
    response = browser.get(address)

    assert response.status_code == 404, f"{address} answered {response.status_code}"
    assert response["Content-Type"] == "application/json"
