"""A deterministic data set at a named scale, for benchmarks and tests.

`generate(scale=..., seed=..., today=...)` fills the database with a partnership's directory,
committees and twenty years of their meetings (agendas, minutes, decisions, attendance, action
points, written questions), delivery plans with their updates, and outcome frameworks with
their figures. The same scale, seed and reference date always give the same rows. Rows are
written in bulk with their audit history, and carry what a save would have given them
(version 1, natural sort keys, due dates read from their text), so they look like rows made
through the site.

The data set is recognised by its partnership, the organisation named MARKER_PREFIX, which
records the scale, seed and reference date. Every generated organisation has a website and
every generated person an email address under GENERATED_DOMAIN.
"""

import calendar
import datetime
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify

from delivery_plans import status
from delivery_plans.dates import parse_due_text
from delivery_plans.models import Action, ActionUpdate, Plan, Section
from meetings import attendance_record, publication
from meetings.models import (
    ActionPoint,
    AgendaItem,
    AgendaPack,
    Attendance,
    Committee,
    Declaration,
    Document,
    Meeting,
    Membership,
    Minute,
    OrganisationAttendance,
    ReportTemplate,
    Resolution,
    WorkProgrammeItem,
    WrittenQuestion,
)
from meetings.models import Report as CommitteeReport
from outcomes.models import Area, Measure, Observation, Outcome, OutcomeFramework
from outcomes.periods import period_label
from safer_norfolk.audit import Versioned, erase_with_history, insert_with_history
from safer_norfolk.fields import natural_sort_key
from safer_norfolk.models import Organisation, Person, person_slug, taken_slugs

# The stages a generated action is given: each plan states its actions' progress.
STATED_STAGES = [stage for stage in Action.Stage.values if stage != Action.Stage.NOT_STATED]

DEFAULT_SEED = 1
BATCH_SIZE = 5000
CHANGE_REASON = "Generated scale data"
MARKER_PREFIX = "Scale data partnership"
GENERATED_DOMAIN = "scale-data.example"
# One published meeting whose agenda has exactly this many public items: benchmarks look for it.
FORTY_ITEMS = 40
# Full-text search finds many rows for the common term and few for the rare one.
COMMON_TERM = "domestic abuse"
RARE_TERM = "cuckooing"
# Distinct PDF files the uploaded papers share (each made with WeasyPrint and read as an upload).
PAPER_FILES = 12
LONDON = ZoneInfo("Europe/London")

_MARKER_NAME = re.compile(
    re.escape(MARKER_PREFIX)
    + r" \((?P<scale>\w+) scale, seed (?P<seed>-?\d+), as of (?P<today>[\d-]+)\)$"
)


@dataclass(frozen=True)
class Scale:
    """How much of each thing a data set holds. Counts are exact, except agenda items, which
    average `agenda_items_per_meeting` (and one meeting has exactly FORTY_ITEMS)."""

    organisations: int
    people: int
    committees: int
    years: int  # of meetings, ending a few months after the reference date
    meetings_per_year: int  # per committee
    agenda_items_per_meeting: int
    action_points: int
    written_questions: int
    plans: int
    draft_plans: int
    actions_per_plan: int
    updates_per_action: int
    frameworks: int
    draft_frameworks: int
    measures_per_framework: int
    measures_per_outcome: int
    areas: int
    periods: int  # figures per measure and area
    reports: int  # committee reports written here, on public report items
    papers: int  # uploaded papers (PDF files) on report items

    @property
    def meetings(self):
        return self.committees * self.years * self.meetings_per_year

    @property
    def observations(self):
        return self.frameworks * self.measures_per_framework * self.areas * self.periods


SCALES = {
    "tiny": Scale(
        organisations=8,
        people=40,
        committees=2,
        years=1,
        meetings_per_year=10,
        agenda_items_per_meeting=12,
        action_points=40,
        written_questions=15,
        plans=1,
        draft_plans=0,
        actions_per_plan=12,
        updates_per_action=5,
        frameworks=1,
        draft_frameworks=0,
        measures_per_framework=4,
        measures_per_outcome=2,
        areas=3,
        periods=8,
        reports=3,
        papers=3,
    ),
    "small": Scale(
        organisations=12,
        people=150,
        committees=5,
        years=4,
        meetings_per_year=10,
        agenda_items_per_meeting=15,
        action_points=1_000,
        written_questions=300,
        plans=2,
        draft_plans=1,
        actions_per_plan=200,
        updates_per_action=5,
        frameworks=2,
        draft_frameworks=1,
        measures_per_framework=10,
        measures_per_outcome=5,
        areas=9,
        periods=20,
        reports=20,
        papers=20,
    ),
    "county": Scale(
        organisations=60,
        people=2_000,
        committees=100,
        years=20,
        meetings_per_year=10,
        agenda_items_per_meeting=15,
        action_points=100_000,
        written_questions=30_000,
        plans=20,
        draft_plans=2,
        actions_per_plan=200,
        updates_per_action=5,
        frameworks=12,
        draft_frameworks=2,
        measures_per_framework=50,
        measures_per_outcome=5,
        areas=9,
        periods=80,
        reports=1_000,
        papers=2_000,
    ),
}


class ScaleDataConflict(Exception):
    """The database holds a different generated data set."""


@dataclass
class Report:
    created: bool
    description: str
    counts: dict = field(default_factory=dict)
    seconds: float = 0.0


# --- words ---------------------------------------------------------------------------------

TOWNS = [
    "Acle", "Attleborough", "Aylsham", "Blofield", "Brundall", "Caister-on-Sea", "Coltishall",
    "Costessey", "Cromer", "Dereham", "Diss", "Downham Market", "Drayton", "Fakenham",
    "Feltwell", "Gorleston", "Harleston", "Heacham", "Hellesdon", "Hethersett", "Hingham",
    "Holt", "Hoveton", "Hunstanton", "Loddon", "Long Stratton", "Mattishall", "Methwold",
    "Mundesley", "Necton", "North Walsham", "Poringland", "Reepham", "Sheringham", "Shipdham",
    "Snettisham", "Sprowston", "Stalham", "Swaffham", "Taverham", "Thetford", "Watton",
    "Wells-next-the-Sea", "Wroxham", "Wymondham",
]  # fmt: skip

# (name, short form): a committee is "<town> <body>".
BODIES = [
    ("Community Safety Partnership", "CSP"),
    ("Community Safety Partnership Scrutiny Sub-Committee", "CSP Scrutiny"),
    ("Crime and Disorder Scrutiny Panel", "Crime and Disorder Panel"),
    ("Domestic Abuse Partnership Board", "DA Board"),
    ("Serious Violence Delivery Group", "SV Group"),
]

# (kind, name pattern), cycled over the towns; the short name is the name's initials.
ORGANISATION_PATTERNS = [
    (Organisation.Kind.COUNCIL, "{town} Town Council"),
    (Organisation.Kind.POLICE, "{town} Safer Neighbourhood Team"),
    (Organisation.Kind.COUNCIL, "{town} Parish Council"),
    (Organisation.Kind.VOLUNTARY, "{town} Community Trust"),
    (Organisation.Kind.HEALTH, "{town} Primary Care Network"),
    (Organisation.Kind.PROBATION, "{town} Probation Delivery Unit"),
    (Organisation.Kind.FIRE, "{town} Fire Station"),
    (Organisation.Kind.VOLUNTARY, "{town} Women's Aid"),
    (Organisation.Kind.PARTNERSHIP_GROUP, "{town} Early Help Hub"),
    (Organisation.Kind.VOLUNTARY, "{town} Citizens Advice"),
]

FIRST_NAMES = [
    "Alison", "Andrew", "Anna", "Ben", "Carol", "Chris", "Claire", "Daniel", "David", "Debbie",
    "Emma", "Fiona", "Gavin", "Gemma", "Graham", "Hannah", "Helen", "Ian", "Jack", "James",
    "Jane", "Jenny", "John", "Karen", "Kate", "Kevin", "Laura", "Lisa", "Lynne", "Mark",
    "Martin", "Michael", "Nicola", "Nigel", "Paul", "Penny", "Peter", "Rachel", "Richard",
    "Robert", "Ruth", "Sally", "Sam", "Sarah", "Simon", "Sophie", "Stephen", "Steve", "Sue",
    "Tom", "Tony", "Tracy", "Trevor", "Vicky", "William", "Yvonne", "Zoe", "Amir", "Priya",
    "Tomasz",
]  # fmt: skip
SURNAMES = [
    "Adams", "Allen", "Baker", "Barnes", "Bell", "Brown", "Carpenter", "Carter", "Clarke",
    "Cole", "Cooper", "Davies", "Dawson", "Edwards", "Ellis", "Evans", "Fisher", "Ford",
    "Gray", "Green", "Hall", "Harris", "Hill", "Holmes", "Howard", "Hughes", "Jackson",
    "James", "Johnson", "Jones", "Kaye", "Kelly", "King", "Knight", "Lee", "Lewis", "Marsh",
    "Miles", "Mills", "Moore", "Morris", "Murray", "Nowak", "Palmer", "Parker", "Patel",
    "Pearce", "Reed", "Roberts", "Robinson", "Shah", "Smith", "Taylor", "Thompson", "Turner",
    "Walker", "Ward", "Webb", "White", "Wright",
]  # fmt: skip

OFFICER_TITLES = {
    Organisation.Kind.COUNCIL: ["Community Safety Officer", "Head of Community Services"],
    Organisation.Kind.POLICE: ["Neighbourhood Policing Inspector", "Partnership Sergeant"],
    Organisation.Kind.HEALTH: ["Safeguarding Lead", "Public Health Consultant"],
    Organisation.Kind.PROBATION: ["Head of Probation Delivery", "Senior Probation Officer"],
    Organisation.Kind.FIRE: ["Station Manager", "Prevention Manager"],
    Organisation.Kind.VOLUNTARY: ["Chief Executive", "Services Manager"],
    Organisation.Kind.PARTNERSHIP_GROUP: ["Partnership Manager", "Data Analyst"],
}
HONORIFICS = {
    Organisation.Kind.POLICE: ["Inspector", "Chief Inspector", "Sergeant", "Superintendent"],
    Organisation.Kind.HEALTH: ["Dr", ""],
}

# (phrase, weight): how often each subject comes up in papers, minutes and plans.
TOPICS = [
    (COMMON_TERM, 30),
    ("antisocial behaviour", 24),
    ("serious violence", 15),
    ("county lines", 12),
    ("neighbourhood crime", 10),
    ("hate crime", 8),
    ("road safety", 8),
    ("fraud", 8),
    ("reoffending", 7),
    ("violence against women and girls", 6),
    ("drug and alcohol harm", 6),
    ("modern slavery", 5),
    ("child criminal exploitation", 5),
    ("scams", 4),
    ("cyber crime", 4),
    ("rural crime", 3),
    ("radicalisation", 2),
    (RARE_TERM, 0.05),
]
_TOPIC_NAMES = [name for name, _ in TOPICS]
_TOPIC_WEIGHTS = list(accumulate(weight for _, weight in TOPICS))

REPORT_TITLES = [
    "{Topic}: quarterly performance report",
    "{Topic} update",
    "Partnership response to {topic}",
    "Strategic needs assessment: {topic}",
    "{Topic} in {town}",
    "Task and finish group on {topic}",
    "{Topic} and {topic2}: joint report",
    "Commissioned services for {topic}",
]
PRESENTATION_TITLES = [
    "Presentation: tackling {topic}",
    "{Topic}: the view from the front line",
    "Presentation on {topic} by {org}",
]
EXEMPT_TITLES = [
    "Exempt report: {topic} case review",
    "Exempt report: commissioning of {topic} services",
]
ITEM_DESCRIPTIONS = [
    "To consider the report on {topic} from {org}.",
    "To consider the links between {topic} and {topic2}.",
    "Members are asked to comment on the partnership's approach to {topic}.",
    "To scrutinise progress against the {topic} action plan.",
]
MINUTE_SENTENCES = [
    "The {role} introduced the report on {topic}, highlighting {number} incidents recorded in the last quarter.",
    "Members asked how {org} was working with partners to reduce {topic}, and whether resources were sufficient.",
    "In response, officers explained that referrals for {topic} had {moved} by {percent} per cent compared with the previous year.",
    "The Panel noted the links between {topic} and {topic2}, and asked for a briefing at a future meeting.",
    "A member asked about {topic} in {town}; the officer agreed to provide figures by ward.",
    "Members welcomed the work of {org} on {topic} and thanked officers for the report.",
]
RESOLUTIONS = [
    (Resolution.Verb.NOTED, "the report."),
    (Resolution.Verb.NOTED, "the update on {topic}."),
    (Resolution.Verb.AGREED, "to receive a further report on {topic} at the next meeting."),
    (Resolution.Verb.ENDORSED, "the {topic} action plan."),
    (Resolution.Verb.RECOMMENDED, "that the Partnership prioritise {topic} in the coming year."),
    (Resolution.Verb.RESOLVED, "to ask {org} to report back on {topic}."),
]
ACTION_POINT_TEXTS = [
    "{org} to circulate the {topic} briefing note to members.",
    "Officers to provide figures on {topic} by district.",
    "Invite {org} to present on {topic} at a future meeting.",
    "Add {topic} to the forward work programme.",
    "{org} to share the {topic} communications plan with partners.",
]
QUESTION_TEXTS = [
    "How many {topic} incidents were recorded in {town} in {year}, and how does this compare with the previous year?",
    "What is the partnership doing to tackle {topic} in rural areas?",
    "Will funding for {topic} services continue beyond {year}?",
    "How are victims of {topic} told about the support available to them?",
]
RESPONSE_TEXTS = [
    "{number} {topic} incidents were recorded in {town} in {year}, compared with {number2} the year before.",
    "The partnership funds specialist {topic} support across the county and reviews it each quarter.",
    "Funding for {topic} services is agreed until March {year2}; a bid for further funding has been made.",
]
PLAN_SUMMARY = (
    "How the partnership will reduce {topic} and {topic2} across {town} and the villages "
    "around it over three years, with each action owned by a partner and reported on every "
    "quarter."
)
FRAMEWORK_SUMMARY = (
    "The outcomes the partnership works towards, from fewer people harmed by {topic} to "
    "communities confident that {topic2} is being tackled, and the figures that show progress."
)
COMMITTEE_DESCRIPTION = (
    "The {body} brings partners together to reduce crime and disorder in {place}, with a "
    "focus on {topic} and {topic2}."
)
TERMS_OF_REFERENCE = (
    "The {body} scrutinises the work of the responsible authorities in {place} on crime and "
    "disorder, including {topic} and {topic2}.\n\nIt meets about ten times a year, in public, "
    "and may invite any partner to attend and answer questions."
)
OUTCOME_DESCRIPTION = (
    "Shown by recorded crime, victims' feedback and partners' own figures on {topic}."
)
ACTION_METHODS = [
    "Through the {topic} delivery group, led by {org} with partners.",
    "By pooling partners' data on {topic} and reviewing it every quarter.",
    "Using the Home Office toolkit on {topic}, adapted for {town}.",
]
THEMES = [
    "Safeguarding communities from the harm of {topic}",
    "Reducing the threat of {topic}",
    "Tackling {topic} and {topic2}",
    "Building resilient cohesive communities",
]
ACTION_TITLES = [
    "Deliver a {topic} awareness campaign in {town}",
    "Commission specialist {topic} support services",
    "Develop a multi-agency pathway for {topic} referrals",
    "Train frontline staff to recognise {topic}",
    "Map {topic} hotspots with partners to target patrols and outreach",
    "Review the partnership's response to {topic} with people who have lived experience",
]
SUCCESS_MEASURES = [
    "A {percent}% reduction in repeat {topic} incidents.",
    "Every district has a trained {topic} champion.",
    "More victims of {topic} report that they feel safer.",
]
FUNDING_SOURCES = ["Home Office", "OPCCN", "Serious Violence Duty grant", "Safer Streets Fund", ""]
UPDATE_TEXTS = [
    "{number} professionals trained on {topic} this quarter.",
    "The {topic} pathway has been agreed by partners and goes live next quarter.",
    "Recruitment to the {topic} post is delayed; interim cover is in place.",
    "Campaign on {topic} reached {number} residents across {town}.",
]
OUTCOME_TITLES = [
    "Fewer people are harmed by {topic}",
    "Communities feel safe from {topic}",
    "Victims of {topic} get the support they need",
    "Partners act early to prevent {topic}",
]
# (unit, direction, title, source, lowest, highest): a measure's kind and its usual values.
MEASURE_KINDS = [
    (Measure.Unit.COUNT, Measure.Direction.DOWN, "Number of {topic} crimes recorded", "Norfolk Constabulary", 50, 3000),
    (Measure.Unit.COUNT, Measure.Direction.NEUTRAL, "Number of {topic} incidents reported", "Norfolk Constabulary", 20, 1500),
    (Measure.Unit.PERCENT, Measure.Direction.UP, "Percentage of {topic} victims who feel safer after support", "Commissioned services", 40, 90),
    (Measure.Unit.RATE_PER_1000, Measure.Direction.DOWN, "Rate of {topic} offences per 1,000 people", "NODA", 1, 30),
    (Measure.Unit.DAYS, Measure.Direction.DOWN, "Average days from referral to support for {topic}", "Commissioned services", 5, 90),
    (Measure.Unit.GBP, Measure.Direction.DOWN, "Reported losses to {topic}", "Action Fraud", 10_000, 900_000),
    (Measure.Unit.SCORE, Measure.Direction.UP, "Residents' confidence score on {topic}", "Residents' survey", 3, 9),
    (Measure.Unit.PERCENT, Measure.Direction.DOWN, "Percentage of {topic} referrals that are repeats", "MASH", 10, 45),
]  # fmt: skip
NEUTRAL_NOTE = (
    "More reports can mean more confidence to report, not more harm: no direction is judged."
)
STANDARD_OPENING = [
    (AgendaItem.Kind.APOLOGIES, "Apologies for absence and substitutions"),
    (AgendaItem.Kind.MINUTES, "Minutes of the previous meeting"),
    (AgendaItem.Kind.DECLARATIONS, "Declarations of interest"),
    (AgendaItem.Kind.URGENT_BUSINESS, "Items of urgent business"),
    (AgendaItem.Kind.PUBLIC_QUESTIONS, "Public questions"),
    (AgendaItem.Kind.ACTION_REVIEW, "Action points: review"),
]
STANDARD_CLOSING = [
    (AgendaItem.Kind.FORWARD_WORK_PROGRAMME, "Forward work programme"),
    (AgendaItem.Kind.ANY_OTHER_BUSINESS, "Any other business"),
    (AgendaItem.Kind.DATE_OF_NEXT_MEETING, "Date of next meeting"),
]
FIXED_ITEMS = len(STANDARD_OPENING) + len(STANDARD_CLOSING)


RAGS = [ActionUpdate.Rag.GREEN] * 2 + [ActionUpdate.Rag.AMBER, ActionUpdate.Rag.RED]
# An owner's distance to the success measure, in step with the RAG they report.
DISTANCES_FOR_RAG = {
    ActionUpdate.Rag.GREEN: ["met", "nearly_met", "nearly_met", "not_assessed"],
    ActionUpdate.Rag.AMBER: ["nearly_met", "some_way", "some_way", "not_assessed"],
    ActionUpdate.Rag.RED: ["some_way", "far_off", "far_off", "not_assessed"],
    ActionUpdate.Rag.COMPLETE: ["met"],
}


def _capitalised(text):
    return text[:1].upper() + text[1:]


def _month_end(year, month):
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _months_later(day, months):
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _quarter_label(day):
    start_month = (day.month - 1) // 3 * 3 + 1
    return period_label(
        datetime.date(day.year, start_month, 1), _month_end(day.year, start_month + 2)
    )


def _local(day, hour=0, minute=0):
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def marker_name(scale, seed, today):
    return f"{MARKER_PREFIX} ({scale} scale, seed {seed}, as of {today.isoformat()})"


class DataSet(NamedTuple):
    scale: str
    seed: int | None
    today: datetime.date | None
    marker: Organisation

    def __str__(self):
        return f"{self.scale}-scale data (seed {self.seed}, as of {self.today})"


def present_data_set():
    """The generated data set in the database, read from its partnership's name, or None."""
    marker = Organisation.objects.filter(name__startswith=MARKER_PREFIX).order_by("pk").first()
    if marker is None:
        return None
    match = _MARKER_NAME.match(marker.name)
    if match is None:
        return DataSet("unknown", None, None, marker)
    return DataSet(
        match["scale"], int(match["seed"]), datetime.date.fromisoformat(match["today"]), marker
    )


# --- the generator ---------------------------------------------------------------------------


class _Words(dict):
    """Placeholder values, each drawn from the vocabulary only when a pattern uses it."""

    def __init__(self, generator, known):
        super().__init__(known)
        self.generator = generator

    def __missing__(self, key):
        value = self[key] = self.generator.word(key, self)
        return value


@dataclass
class Sitting:
    """A meeting being generated, with what the rest of its business needs to know."""

    meeting: Meeting
    confirmed_at: "Sitting | None" = None
    forty_items: bool = False
    items: list = field(default_factory=list)
    minutes: list = field(default_factory=list)
    present: list = field(default_factory=list)  # members present
    apologies: list = field(default_factory=list)  # members who sent apologies
    declarations: list = field(default_factory=list)

    @property
    def day(self):
        return self.meeting.starts_at.astimezone(LONDON).date()

    @property
    def has_minutes(self):
        return self.meeting.minutes_status != Meeting.MinutesStatus.NONE


class Generator:
    """Builds one data set: each make_* method writes one kind of row, in bulk."""

    def __init__(self, *, scale_name, seed, today, log=None):
        self.scale_name = scale_name
        self.scale = SCALES[scale_name]
        self.seed = seed
        self.today = today
        self.now = _local(today)
        self.rng = random.Random(seed)  # noqa: S311 -- reproducible sample data, not secrets
        self.log = log or (lambda message: None)
        self.counts = Counter()
        self.started = time.monotonic()

    # writing

    def insert(self, model, objects):
        """Write new rows with their "+" audit history (or plainly, for link tables)."""
        if not objects:
            return objects
        if issubclass(model, Versioned):
            for obj in objects:  # recorded as of the data set's day, not when it was built
                obj.created = obj.modified = self.now
        if hasattr(model, "history"):
            created = insert_with_history(
                model, objects, change_reason=CHANGE_REASON, batch_size=BATCH_SIZE
            )
        else:
            created = model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
        if not model._meta.auto_created:
            self.counts[model._meta.verbose_name_plural] += len(created)
        return created

    def link(self, model, field_name, pairs):
        """Rows of the many-to-many table behind model.field_name for (from pk, to pk) pairs."""
        relation = model._meta.get_field(field_name)
        through = relation.remote_field.through
        source, target = relation.m2m_field_name(), relation.m2m_reverse_field_name()
        self.insert(
            through,
            [through(**{f"{source}_id": a, f"{target}_id": b}) for a, b in pairs],
        )

    def progress(self, what):
        self.log(f"{what} ({time.monotonic() - self.started:.1f} s)")

    # words

    def topic(self):
        return self.rng.choices(_TOPIC_NAMES, cum_weights=_TOPIC_WEIGHTS)[0]

    def fill(self, pattern, **known):
        """`pattern` with its placeholders filled: from `known`, else from the vocabulary."""
        return pattern.format_map(
            _Words(self, {key: value for key, value in known.items() if value is not None})
        )

    def word(self, key, words):
        rng = self.rng
        match key:
            case "topic":
                return self.topic()
            case "topic2":
                return next(t for t in iter(self.topic, None) if t != words["topic"])
            case "Topic":
                return _capitalised(words["topic"])
            case "town":
                return rng.choice(TOWNS)
            case "org":
                return rng.choice(self.organisations).name
            case "role":
                return rng.choice(["Chair", "Head of Community Safety", "Partnership Manager"])
            case "number" | "number2":
                return rng.randint(12, 480)
            case "percent":
                return rng.randint(2, 35)
            case "moved":
                return rng.choice(["risen", "fallen"])
            case "year":
                return self.today.year - rng.randint(1, 5)
            case "year2":
                return self.today.year + rng.randint(1, 3)
        raise KeyError(key)

    def paragraphs(self, count, **known):
        """`count` different sentences of minutes, in their usual order, a paragraph each."""
        chosen = sorted(self.rng.sample(range(len(MINUTE_SENTENCES)), count))
        return "\n\n".join(self.fill(MINUTE_SENTENCES[n], **known) for n in chosen)

    # the whole data set

    def run(self):
        self.make_directory()
        self.make_outcomes()
        self.make_plans()
        self.make_committees()
        self.make_meetings()
        self.make_business()
        self.make_reports()
        self.make_papers()
        return self.counts

    # directory

    def make_directory(self):
        """The partnership that marks the data set, and its member organisations."""
        rng, scale = self.rng, self.scale
        self.marker = self.insert(
            Organisation,
            [
                Organisation(
                    name=marker_name(self.scale_name, self.seed, self.today),
                    slug=slugify(marker_name(self.scale_name, self.seed, self.today))[:80],
                    short_name="SDP",
                    kind=Organisation.Kind.PARTNERSHIP_GROUP,
                    website=f"https://{GENERATED_DOMAIN}/",
                )
            ],
        )[0]
        towns = rng.sample(TOWNS, len(TOWNS))
        if scale.organisations - 1 > len(towns) * len(ORGANISATION_PATTERNS):
            raise ValueError("More organisations than the word lists can name.")
        organisations = []
        for index in range(scale.organisations - 1):
            # Each (pattern, town) pair comes once: steps of 11 through 45 towns never repeat.
            round_, pattern = divmod(index, len(ORGANISATION_PATTERNS))
            kind, name = ORGANISATION_PATTERNS[pattern]
            town = towns[(round_ * 11 + pattern) % len(towns)]
            full_name = name.format(town=town)
            organisations.append(
                Organisation(
                    name=full_name,
                    slug=slugify(full_name)[:80],
                    short_name="".join(
                        word[0] for word in re.split(r"[\s-]+", full_name) if word[0].isupper()
                    ),
                    kind=kind,
                    website=f"https://{GENERATED_DOMAIN}/organisations/{slugify(full_name)}/",
                )
            )
        self.organisations = self.insert(Organisation, organisations)
        self.councils = [o for o in self.organisations if o.kind == Organisation.Kind.COUNCIL]
        self.make_people()
        self.progress(f"Directory: {scale.organisations} organisations, {scale.people} people")

    def make_people(self):
        """Councillors (two in five, of councils) and officers of every organisation."""
        rng, scale = self.rng, self.scale
        if scale.people > len(FIRST_NAMES) * len(SURNAMES):
            raise ValueError("More people than the word lists can name.")
        names = rng.sample(range(len(FIRST_NAMES) * len(SURNAMES)), scale.people)
        councillors = scale.people * 2 // 5
        slugs = taken_slugs()
        people = []
        for index, code in enumerate(names):
            first, last = FIRST_NAMES[code // len(SURNAMES)], SURNAMES[code % len(SURNAMES)]
            if index < councillors:
                organisation = rng.choice(self.councils)
                honorific, job_title = "Cllr", "Councillor"
            else:
                organisation = rng.choice(self.organisations)
                honorific = rng.choice(HONORIFICS.get(organisation.kind, [""]))
                job_title = rng.choice(OFFICER_TITLES[organisation.kind])
            people.append(
                Person(
                    honorific=honorific,
                    name=f"{first} {last}",
                    slug=person_slug(f"{first} {last}", slugs),
                    job_title=job_title,
                    organisation=organisation,
                    email=f"{first}.{last}.{index}@{GENERATED_DOMAIN}".lower(),
                    phone=f"01603 {rng.randint(200000, 899999)}",
                )
            )
        people = self.insert(Person, people)
        self.councillors, self.officers = people[:councillors], people[councillors:]

    # outcomes

    def make_outcomes(self):
        """Outcome frameworks with their outcomes, measures and figures."""
        self.areas = self.areas_to_report_on()
        self.frameworks = []
        self.outcomes_of = {}
        scale = self.scale
        for index in range(scale.frameworks):
            start = datetime.date(self.today.year - 1 - index % 6, 4, 1)
            town = TOWNS[index % len(TOWNS)]
            title = (
                f"{town} Community Safety Plan {start.year}-{(start.year + 3) % 100:02d} outcomes"
            )
            self.frameworks.append(
                OutcomeFramework(
                    title=title,
                    slug=slugify(title)[:80],
                    organisation=self.marker,
                    area=self.areas[0],
                    summary=self.fill(FRAMEWORK_SUMMARY),
                    period_start=start,
                    period_end=_months_later(start, 36) - datetime.timedelta(days=1),
                    status=OutcomeFramework.Status.DRAFT
                    if index >= scale.frameworks - scale.draft_frameworks
                    else OutcomeFramework.Status.PUBLISHED,
                )
            )
        self.insert(OutcomeFramework, self.frameworks)
        for framework in self.frameworks:
            outcomes = self.make_framework_outcomes(framework)
            self.outcomes_of[framework.pk] = outcomes
            self.make_observations(self.make_measures(framework, outcomes))
        self.progress(
            f"Outcomes: {scale.frameworks} frameworks, {scale.observations:,} observations"
        )

    def areas_to_report_on(self):
        """The first areas of the reference list, with generated ones added if it is short."""
        areas = list(Area.objects.order_by("order", "pk")[: self.scale.areas])
        missing = [
            Area(
                name=f"Scale data area {number}",
                slug=f"scale-data-area-{number}",
                kind=Area.Kind.OTHER,
                order=1000 + number,
            )
            for number in range(len(areas) + 1, self.scale.areas + 1)
        ]
        return areas + self.insert(Area, missing)

    def make_framework_outcomes(self, framework):
        """Long-term, intermediate and short-term outcomes, each leading to one a level up."""
        rng, scale = self.rng, self.scale
        count = max(1, scale.measures_per_framework // scale.measures_per_outcome)
        levels = [
            Outcome.Level.LONG_TERM if n < max(1, count // 3) else
            Outcome.Level.INTERMEDIATE if n < max(2, 2 * count // 3) else
            Outcome.Level.SHORT_TERM
            for n in range(count)
        ]  # fmt: skip
        outcomes = []
        for n, level in enumerate(levels):
            topic = self.topic()
            outcome = Outcome(
                framework=framework,
                number=str(n + 1),
                sort_key=natural_sort_key(str(n + 1)),
                title=self.fill(rng.choice(OUTCOME_TITLES), topic=topic),
                level=level,
                description=self.fill(OUTCOME_DESCRIPTION, topic=topic),
            )
            outcome.topic = topic
            outcomes.append(outcome)
        self.insert(Outcome, outcomes)
        higher = {
            Outcome.Level.INTERMEDIATE: Outcome.Level.LONG_TERM,
            Outcome.Level.SHORT_TERM: Outcome.Level.INTERMEDIATE,
        }
        self.link(
            Outcome,
            "contributes_to",
            [
                (outcome.pk, rng.choice(targets).pk)
                for outcome in outcomes
                if outcome.level in higher
                and (targets := [o for o in outcomes if o.level == higher[outcome.level]])
            ],
        )
        return outcomes

    def make_measures(self, framework, outcomes):
        """Measures of every unit and direction, monthly or quarterly."""
        rng, scale = self.rng, self.scale
        measures = []
        for index in range(scale.measures_per_framework):
            outcome = outcomes[min(index // scale.measures_per_outcome, len(outcomes) - 1)]
            unit, direction, title, source, low, high = rng.choice(MEASURE_KINDS)
            has_target = rng.random() < 0.3
            number = str(index % scale.measures_per_outcome + 1)
            measures.append(
                Measure(
                    outcome=outcome,
                    number=number,
                    sort_key=natural_sort_key(number),
                    title=self.fill(title, topic=outcome.topic),
                    unit=unit,
                    direction=direction,
                    direction_note=NEUTRAL_NOTE if direction == Measure.Direction.NEUTRAL else "",
                    source=source,
                    frequency=Measure.Frequency.QUARTERLY
                    if index % 3 == 2
                    else Measure.Frequency.MONTHLY,
                    target_value=Decimal(rng.randint(low, high)) if has_target else None,
                    target_date=framework.period_end if has_target else None,
                )
            )
            measures[-1].value_range = (low, high)
        return self.insert(Measure, measures)

    def periods(self, frequency):
        """The last `periods` complete months or quarters before the reference date, oldest first."""
        step = 3 if frequency == Measure.Frequency.QUARTERLY else 1
        start = datetime.date(self.today.year, self.today.month, 1)
        if step == 3:
            start = datetime.date(start.year, (start.month - 1) // 3 * 3 + 1, 1)
        periods = []
        for n in range(self.scale.periods, 0, -1):
            first = _months_later(start, -step * n)
            last = _months_later(first, step) - datetime.timedelta(days=1)
            periods.append((first, last))
        return periods

    def make_observations(self, measures):
        """A figure per measure, area and period: a drifting, noisy series."""
        rng = self.rng
        batch = []
        for measure in measures:
            low, high = measure.value_range
            periods = self.periods(measure.frequency)
            whole = measure.unit in (Measure.Unit.COUNT, Measure.Unit.GBP)
            for area in self.areas:
                share = (
                    1.0 if area.kind == Area.Kind.COUNTY or not whole else rng.uniform(0.05, 0.3)
                )
                value = rng.uniform(low, high) * share
                trend = rng.uniform(-0.01, 0.01)
                for position, (first, last) in enumerate(periods):
                    value = max(0.0, value * (1 + trend + rng.uniform(-0.06, 0.06)))
                    if measure.unit == Measure.Unit.PERCENT:
                        value = min(value, 100.0)
                    latest = position == len(periods) - 1
                    batch.append(
                        Observation(
                            measure=measure,
                            area=area,
                            period_start=first,
                            period_end=last,
                            value=Decimal(round(value)) if whole else Decimal(f"{value:.1f}"),
                            is_provisional=latest,
                            note="Provisional: subject to revision." if latest else "",
                        )
                    )
            if len(batch) >= BATCH_SIZE:
                self.insert(Observation, batch)
                batch = []
        self.insert(Observation, batch)

    # delivery plans

    def make_plans(self):
        """Delivery plans, each with its sections, actions and their updates."""
        rng, scale = self.rng, self.scale
        plans = []
        for index in range(scale.plans):
            start = datetime.date(self.today.year - 2 - index, 4, 1)
            town = TOWNS[(index * 7) % len(TOWNS)]
            title = (
                f"{town} Community Safety Delivery Plan {start.year}-{(start.year + 3) % 100:02d}"
            )
            plans.append(
                Plan(
                    title=title,
                    slug=slugify(title)[:80],
                    organisation=self.marker,
                    framework=self.frameworks[index % len(self.frameworks)]
                    if self.frameworks
                    else None,
                    period_start=start,
                    period_end=_months_later(start, 36) - datetime.timedelta(days=1),
                    status=Plan.Status.DRAFT
                    if index >= scale.plans - scale.draft_plans
                    else Plan.Status.PUBLISHED,
                    summary=self.fill(PLAN_SUMMARY, town=town),
                    version_label=rng.choice(["", "Year 2 refresh", "Final"]),
                )
            )
        self.plans = self.insert(Plan, plans)
        self.published_actions = []
        for plan in self.plans:
            sections = self.make_sections(plan)
            actions = self.make_actions(plan, sections)
            self.make_updates(plan, actions)
            if plan.status == Plan.Status.PUBLISHED:
                self.published_actions.append((plan, actions))
        self.progress(
            f"Delivery plans: {scale.plans} plans, {scale.plans * scale.actions_per_plan:,} actions"
        )

    def make_sections(self, plan):
        """Themes, numbered, each with unnumbered priorities: [(theme, [priorities])]."""
        rng = self.rng
        outcomes = self.outcomes_of.get(plan.framework_id, [])
        themes = []
        for n, pattern in enumerate(THEMES[: min(len(THEMES), self.scale.actions_per_plan)]):
            theme = Section(
                plan=plan, number=str(n + 1), sort_key=natural_sort_key(str(n + 1)), order=n + 1
            )
            theme.topic = self.topic()
            theme.title = self.fill(pattern, topic=theme.topic)
            themes.append(theme)
        self.insert(Section, themes)
        priorities = []
        for theme in themes:
            topics = [theme.topic] + [self.topic() for _ in range(rng.randint(1, 2))]
            for n, topic in enumerate(dict.fromkeys(topics)):
                priority = Section(plan=plan, parent=theme, title=_capitalised(topic), order=n + 1)
                priority.topic = topic
                priorities.append(priority)
        self.insert(Section, priorities)
        if outcomes:
            self.link(
                Section,
                "outcomes",
                [
                    (section.pk, outcome.pk)
                    for section in themes + priorities
                    for outcome in rng.sample(outcomes, min(len(outcomes), rng.randint(1, 3)))
                ],
            )
        return [(theme, [p for p in priorities if p.parent is theme]) for theme in themes]

    def make_actions(self, plan, sections):
        """Numbered actions under each theme, with owners, dates as plans write them and costs."""
        rng = self.rng
        owners = [o for o in self.organisations if o.kind != Organisation.Kind.COUNCIL]
        actions, owned = [], []
        per_theme = -(-self.scale.actions_per_plan // len(sections))
        for position in range(self.scale.actions_per_plan):
            theme, priorities = sections[position // per_theme]
            number = f"{theme.number}.{position % per_theme + 1}"
            due_text = self.due_text(plan)
            due_date, precision = parse_due_text(due_text, plan_start=plan.period_start)
            cost = rng.choice([None, None, rng.randint(2, 250) * 1000])
            organisations = rng.sample(owners or self.organisations, rng.randint(1, 2))
            section = rng.choice(priorities)
            topic = section.topic
            actions.append(
                Action(
                    plan=plan,
                    section=section,
                    number=number,
                    sort_key=natural_sort_key(number),
                    title=self.fill(rng.choice(ACTION_TITLES), topic=topic),
                    success_measure=self.fill(rng.choice(SUCCESS_MEASURES), topic=topic),
                    owner_note="/".join(o.display_name for o in organisations),
                    lead=rng.choice(self.officers),
                    due_text=due_text,
                    due_date=due_date,
                    due_precision=precision,
                    method=self.fill(rng.choice(ACTION_METHODS), topic=topic),
                    indicators=self.fill("Quarterly figures on {topic} from {org}.", topic=topic),
                    cost_text=f"£{cost:,}" if cost else rng.choice(["", "Within existing budgets"]),
                    cost_amount=Decimal(cost) if cost else None,
                    funding_source=rng.choice(FUNDING_SOURCES) if cost else "",
                    external_ref=f"CLSG Action {rng.randint(1, 20)}" if rng.random() < 0.05 else "",
                    stage=rng.choice(STATED_STAGES),
                )
            )
            actions[-1].topic = topic
            owned.append(organisations)
        actions = self.insert(Action, actions)
        self.link(
            Action,
            "owners",
            [(a.pk, o.pk) for a, orgs in zip(actions, owned, strict=True) for o in orgs],
        )
        outcomes = self.outcomes_of.get(plan.framework_id, [])
        if outcomes:
            self.link(
                Action,
                "outcomes",
                [
                    (a.pk, o.pk)
                    for a in actions
                    for o in rng.sample(outcomes, min(2, len(outcomes)))
                ],
            )
        related = [(a, rng.choice(actions)) for a in actions if rng.random() < 0.05]
        self.link(
            Action,
            "related_actions",
            [pair for a, b in related if a is not b for pair in ((a.pk, b.pk), (b.pk, a.pk))],
        )
        return actions

    def plans_by(self, day):
        """[(plan, actions)] of the published plans that had started by `day`."""
        return [
            (plan, actions) for plan, actions in self.published_actions if plan.period_start <= day
        ]

    def due_text(self, plan):
        """A due date as plans write it: exact, a month, a quarter, a plan year, or none."""
        rng = self.rng
        day = plan.period_start + datetime.timedelta(days=rng.randint(30, 1000))
        financial = day.year if day.month >= 4 else day.year - 1
        return rng.choice(
            [
                "TBC",
                "Ongoing",
                f"{calendar.month_name[day.month]} {day.year}",
                f"{day.day} {calendar.month_name[day.month]} {day.year}",
                f"Year {rng.randint(1, 3)}",
                f"Q{(day.month - 4) % 12 // 3 + 1} {financial}/{(financial + 1) % 100:02d}",
                f"{financial}/{(financial + 1) % 100:02d}",
            ]
        )

    def make_updates(self, plan, actions):
        """Quarterly updates on every action, the latest now and then a draft."""
        rng, count = self.rng, self.scale.updates_per_action
        last = min(plan.period_end, self.today - datetime.timedelta(days=20))
        updates = []
        for action in actions:
            finish = last - datetime.timedelta(days=rng.randint(0, 40))
            rags = [rng.choice(RAGS) for _ in range(count)]
            if action.stage == Action.Stage.COMPLETE:
                rags[-1] = ActionUpdate.Rag.COMPLETE
            for n, rag in enumerate(rags):
                reported_on = finish - datetime.timedelta(days=91 * (count - 1 - n))
                latest = n == count - 1
                updates.append(
                    ActionUpdate(
                        action=action,
                        reported_on=reported_on,
                        period_label=_quarter_label(reported_on),
                        kind=ActionUpdate.Kind.NEXT_STEPS
                        if rng.random() < 0.15
                        else ActionUpdate.Kind.PROGRESS,
                        text=self.fill(rng.choice(UPDATE_TEXTS), topic=action.topic),
                        rag=rag,
                        distance=rng.choice(DISTANCES_FOR_RAG[rag]),
                        author=action.lead,
                        status=ActionUpdate.Status.DRAFT
                        if latest and rng.random() < 0.1
                        else ActionUpdate.Status.PUBLISHED,
                    )
                )
        for start in range(0, len(updates), BATCH_SIZE):
            self.insert(ActionUpdate, updates[start : start + BATCH_SIZE])
        # Written past save(): the actions' stored status is refreshed here.
        status.refresh([action.pk for action in actions])

    # committees

    def make_committees(self):
        """Committees, a town's partnership first and its other bodies reporting to it."""
        rng, scale = self.rng, self.scale
        if scale.committees > len(TOWNS) * len(BODIES):
            raise ValueError("More committees than the word lists can name.")
        towns = rng.sample(TOWNS, len(TOWNS))
        committees = []
        for index in range(scale.committees):
            town = towns[index // len(BODIES)]
            body, short = BODIES[index % len(BODIES)]
            name = f"{town} {body}"
            contact = rng.choice(self.officers)
            committees.append(
                Committee(
                    name=name,
                    short_name=f"{town} {short}",
                    slug=slugify(name)[:80],
                    partnership=self.marker,
                    description=self.fill(COMMITTEE_DESCRIPTION, body=body, place=town),
                    terms_of_reference=self.fill(TERMS_OF_REFERENCE, body=body, place=town),
                    contact=contact,
                    contact_email=f"{slugify(name)[:40]}@{GENERATED_DOMAIN}",
                    contact_phone=contact.phone,
                    default_venue=rng.choice(
                        [
                            f"Council Chamber, {town}",
                            f"{town} Community Centre",
                            f"{town} Town Hall",
                        ]
                    ),
                )
            )
            committees[-1].town = town
        boards = {}
        for committee in committees:
            boards.setdefault(committee.town, committee)
        self.insert(Committee, [c for c in committees if boards[c.town] is c])
        for committee in committees:
            if boards[committee.town] is not committee:
                committee.parent = boards[committee.town]
        self.insert(Committee, [c for c in committees if boards[c.town] is not c])
        self.committees = committees
        self.make_memberships()
        self.progress(f"Committees: {scale.committees}")

    def make_memberships(self):
        """A chair, a vice-chair, members (one an officer) and two substitutes per committee."""
        rng = self.rng
        first_day = self.today - datetime.timedelta(days=365 * self.scale.years + 120)
        members, substitutes, wanted_substitutes = [], [], []
        for committee in self.committees:
            size = min(rng.randint(8, 14), len(self.councillors))
            people = rng.sample(self.councillors, size) + rng.sample(self.officers, 1)
            roles = [Membership.Role.CHAIR, Membership.Role.VICE_CHAIR]
            roles += [Membership.Role.MEMBER] * (len(people) - 2)
            committee.members = people
            for order, (person, role) in enumerate(zip(people, roles, strict=True)):
                members.append(
                    Membership(
                        committee=committee,
                        person=person,
                        role=role,
                        representing=person.organisation,
                        start_date=first_day + datetime.timedelta(days=rng.randint(0, 400)),
                        order=order,
                    )
                )
            others = [p for p in self.councillors if p not in people]
            committee.substitutes = {}
            for person in rng.sample(others, min(2, len(others))):
                wanted_substitutes.append((committee, person, members[-rng.randint(1, size)]))
        self.insert(Membership, members)
        for order, (committee, person, stands_in_for) in enumerate(wanted_substitutes):
            committee.substitutes[stands_in_for.person.pk] = person
            substitutes.append(
                Membership(
                    committee=committee,
                    person=person,
                    role=Membership.Role.SUBSTITUTE,
                    representing=person.organisation,
                    substitute_for=stands_in_for,
                    start_date=stands_in_for.start_date,
                    order=100 + order,
                )
            )
        self.insert(Membership, substitutes)

    # meetings

    def make_meetings(self):
        """Every committee's meetings, each minuted and confirmed at a later one."""
        schedules = [self.schedule(committee) for committee in self.committees]
        self.choose_forty_item_meeting(schedules)
        # A meeting names the later one that confirmed its minutes, so later meetings go first.
        for depth in range(max(len(s) for s in schedules)):
            sittings = [s[-1 - depth] for s in schedules if depth < len(s)]
            for sitting in sittings:
                if sitting.confirmed_at is not None:
                    sitting.meeting.minutes_confirmed_at_meeting = sitting.confirmed_at.meeting
            self.insert(Meeting, [sitting.meeting for sitting in sittings])
        self.schedules = schedules
        self.progress(f"Meetings: {sum(len(s) for s in schedules):,}")

    def schedule(self, committee):
        """About ten meetings a year on weekdays, the last few in the coming months."""
        rng, scale = self.rng, self.scale
        count = scale.years * scale.meetings_per_year
        gap = 365.25 / scale.meetings_per_year
        last = self.today + datetime.timedelta(days=rng.randint(20, 110))
        days = []
        for n in range(count):
            day = last - datetime.timedelta(days=round(n * gap) + rng.randint(-2, 2))
            day -= datetime.timedelta(days=max(0, day.weekday() - 4))
            days.append(day)
        sittings = [self.sitting(committee, day) for day in reversed(days)]
        self.minute_sittings(committee, sittings)
        return sittings

    def sitting(self, committee, day):
        """A meeting on `day`: upcoming, held, cancelled or postponed, its agenda published or not."""
        rng = self.rng
        starts_at = _local(day, rng.choice([10, 10, 14, 18]))
        mode = rng.choice(
            [Meeting.Mode.IN_PERSON] * 7 + [Meeting.Mode.HYBRID] * 2 + [Meeting.Mode.ONLINE]
        )
        meeting = Meeting(
            committee=committee,
            starts_at=starts_at,
            venue="Online" if mode == Meeting.Mode.ONLINE else committee.default_venue,
            mode=mode,
            livestream_url=f"https://video.{GENERATED_DOMAIN}/{committee.slug}/{day.isoformat()}"
            if mode != Meeting.Mode.IN_PERSON
            else "",
        )
        roll = rng.random()
        if starts_at >= self.now - datetime.timedelta(days=3):
            # Upcoming, or held in the last few days and not yet recorded as held.
            published = day <= self.today + datetime.timedelta(days=6)
        elif roll < 0.03:
            published = False
            meeting.status = Meeting.Status.POSTPONED
        else:
            published = True
            meeting.status = Meeting.Status.CANCELLED if roll < 0.05 else Meeting.Status.HELD
        if published:
            meeting.agenda_status = Meeting.AgendaStatus.PUBLISHED
            meeting.agenda_published_at = starts_at - datetime.timedelta(days=7, hours=1)
            meeting.public_questions_deadline = starts_at - datetime.timedelta(days=3)
            if rng.random() < 0.1:
                meeting.public_notice = (
                    "Members of the public may attend. Questions must reach the clerk by noon "
                    "three working days before the meeting."
                )
        return Sitting(meeting=meeting)

    def minute_sittings(self, committee, sittings):
        """Minutes: confirmed at the next meeting held, published for the latest, a few drafts."""
        rng = self.rng
        held = [s for s in sittings if s.meeting.status == Meeting.Status.HELD]
        chair = committee.members[0]
        for position, sitting in enumerate(held):
            meeting = sitting.meeting
            meeting.ends_at = meeting.starts_at + datetime.timedelta(minutes=rng.randint(60, 180))
            following = held[position + 1] if position + 1 < len(held) else None
            age = (self.today - sitting.day).days
            if following is not None and rng.random() < 0.97:
                meeting.minutes_status = Meeting.MinutesStatus.CONFIRMED
                meeting.signed_by = chair
                sitting.confirmed_at = following
            elif age > 21:
                meeting.minutes_status = rng.choice(
                    [Meeting.MinutesStatus.PUBLISHED] * 2 + [Meeting.MinutesStatus.DRAFT]
                )
            else:
                meeting.minutes_status = Meeting.MinutesStatus.DRAFT
            if meeting.minutes_status in (
                Meeting.MinutesStatus.PUBLISHED,
                Meeting.MinutesStatus.CONFIRMED,
            ):
                meeting.minutes_published_at = meeting.starts_at + datetime.timedelta(
                    days=rng.randint(7, 18)
                )

    def choose_forty_item_meeting(self, schedules):
        """The latest meeting of the first committee with confirmed minutes gets FORTY_ITEMS
        public items."""
        for sittings in schedules:
            confirmed = [
                s for s in sittings if s.meeting.minutes_status == Meeting.MinutesStatus.CONFIRMED
            ]
            if confirmed:
                confirmed[-1].forty_items = True
                return
        published = [
            s
            for sittings in schedules
            for s in sittings
            if s.meeting.agenda_status == Meeting.AgendaStatus.PUBLISHED
        ]
        published[-1].forty_items = True

    # what happens at meetings

    def make_business(self):
        """Agendas, minutes, attendance, action points, questions: committee by committee."""
        rng, scale = self.rng, self.scale
        minuted = [s for sittings in self.schedules for s in sittings if s.has_minutes]
        self.action_points_at = Counter(
            rng.choices(range(len(minuted)), k=scale.action_points) if minuted else []
        )
        self.questions_at = Counter(
            rng.choices(range(len(minuted)), k=scale.written_questions) if minuted else []
        )
        self.minuted_index = {id(s): n for n, s in enumerate(minuted)}
        for number, (committee, sittings) in enumerate(
            zip(self.committees, self.schedules, strict=True), start=1
        ):
            self.make_agendas(sittings)
            self.make_attendance(committee, sittings)
            self.make_minutes(committee, sittings)
            self.make_action_points(committee, sittings)
            self.make_written_questions(sittings)
            self.make_work_programme(committee, sittings)
            for sitting in sittings:
                sitting.items, sitting.minutes = [], []
            if number % 10 == 0 or number == len(self.committees):
                self.progress(f"Business of {number} of {len(self.committees)} committees")

    def make_agendas(self, sittings):
        """Every meeting's agenda, with the plan actions and outcomes its items concern."""
        items = []
        for sitting in sittings:
            sitting.items = self.agenda(sitting)
            items.extend(sitting.items)
        self.insert(AgendaItem, items)
        self.link(
            AgendaItem,
            "plan_actions",
            [(item.pk, action.pk) for item in items for action in item.cited],
        )
        self.link(
            AgendaItem,
            "outcomes",
            [
                (item.pk, outcome.pk)
                for item in items
                if item.plan is not None
                for outcome in self.outcomes_of.get(item.plan.framework_id, [])[:2]
            ],
        )

    def agenda(self, sitting):
        """The standard opening items, reports and presentations, the standard closing items,
        each with the page its papers start on in the pack."""
        rng = self.rng
        meeting = sitting.meeting
        if sitting.forty_items:
            reports = FORTY_ITEMS - FIXED_ITEMS
        else:
            reports = rng.randint(1, 2 * (self.scale.agenda_items_per_meeting - FIXED_ITEMS) - 1)
        items = []

        def add(kind, title, cited=(), **details):
            number = str(len(items) + 1)
            item = AgendaItem(
                meeting=meeting,
                number=number,
                sort_key=natural_sort_key(number),
                title=title[:400],
                kind=kind,
                duration_minutes=details.pop("duration_minutes", 5),
                **details,
            )
            item.cited = cited
            items.append(item)

        for kind, title in STANDARD_OPENING:
            add(kind, title)
        for position in range(reports):
            add(**self.report_item(sitting, position))
        for kind, title in STANDARD_CLOSING:
            add(kind, title)
        page = 3
        for item in items:
            item.pack_page = page
            page += rng.randint(5, 30) if item.kind == AgendaItem.Kind.REPORT else 1
        return items

    def report_item(self, sitting, position):
        """A report or presentation: now and then exempt, or about a delivery plan."""
        rng = self.rng
        lead = rng.choice(self.officers)
        topic = RARE_TERM if sitting.forty_items and position == 0 else self.topic()
        details = {
            "kind": AgendaItem.Kind.REPORT,
            "lead": lead,
            "lead_text": f"{lead.name}, {lead.organisation.display_name}",
            "duration_minutes": rng.choice([15, 20, 30, 45]),
            "description": self.fill(rng.choice(ITEM_DESCRIPTIONS), topic=topic),
        }
        if sitting.forty_items and position == 0:
            details["title"] = f"{_capitalised(RARE_TERM)}: protecting vulnerable tenants"
        elif not sitting.forty_items and rng.random() < 0.05:
            details["title"] = self.fill(rng.choice(EXEMPT_TITLES), topic=topic)
            details["is_exempt"] = True
            details["description"] = ""
        elif (plans := self.plans_by(sitting.day)) and rng.random() < 0.04:
            plan, actions = rng.choice(plans)
            details["title"] = f"{plan.title}: progress report"
            details["plan"] = plan
            details["cited"] = rng.sample(actions, min(3, len(actions)))
        elif rng.random() < 0.2:
            details["kind"] = AgendaItem.Kind.PRESENTATION
            details["title"] = self.fill(rng.choice(PRESENTATION_TITLES), topic=topic)
        else:
            details["title"] = self.fill(rng.choice(REPORT_TITLES), topic=topic)
        return details

    def make_reports(self):
        """Reports written here in the council's template on some public report items,
        published, with the plan, actions and outcomes their item concerns. Made last, so
        the rest of the data set is as it would be without them."""
        rng = self.rng
        template = ReportTemplate.objects.get(committee__isnull=True)
        items = list(
            AgendaItem.objects.filter(
                meeting__committee__partnership=self.marker,
                kind=AgendaItem.Kind.REPORT,
                is_exempt=False,
            )
            .order_by("pk")
            .only("pk", "title", "plan_id")
        )
        chosen = sorted(rng.sample(items, min(self.scale.reports, len(items))), key=lambda i: i.pk)
        reports = []
        for item in chosen:
            topic = self.topic()
            start = self.today.year - rng.randint(1, 15)
            costs = "\n".join(
                f"| {year}-{year + 1} | £{rng.randint(5, 300) * 1000:,} |"
                for year in range(start, start + 3)
            )
            report = CommitteeReport(
                agenda_item=item,
                title=item.title,
                template=template,
                sections={
                    "strategic_impact": self.paragraphs(2, topic=topic),
                    "executive_summary": self.paragraphs(2, topic=topic),
                    "recommendations": f"To note the report on {topic} and agree its proposals.",
                    "proposal": self.paragraphs(4, topic=topic),
                    "financial": f"| Year | Cost |\n|---|---|\n{costs}",
                    "risk": self.paragraphs(2, topic=topic),
                    "officer_contact": rng.choice(self.officers).name,
                },
                status=CommitteeReport.Status.PUBLISHED,
                published_at=self.now,
            )
            report.refresh_text()
            reports.append(report)
        self.insert(CommitteeReport, reports)
        self.link(
            CommitteeReport,
            "plans",
            [
                (report.pk, report.agenda_item.plan_id)
                for report in reports
                if report.agenda_item.plan_id
            ],
        )
        self.progress(f"{len(reports)} reports")

    def make_papers(self):
        """Papers uploaded to report items, as an officer uploads them: each a PDF file with
        what is read from it on upload (its text, pages and accessibility facts). A few
        distinct files are made (PAPER_FILES) and stored once each; the papers share them."""
        rng = self.rng
        items = list(
            AgendaItem.objects.filter(
                meeting__committee__partnership=self.marker, kind=AgendaItem.Kind.REPORT
            )
            .order_by("pk")
            .only("pk", "meeting_id", "title")
        )
        chosen = sorted(rng.sample(items, min(self.scale.papers, len(items))), key=lambda i: i.pk)
        files = [self.paper_file(n) for n in range(min(PAPER_FILES, len(chosen)))]
        papers = []
        for item in chosen:
            name, facts = rng.choice(files)
            paper = Document(
                meeting_id=item.meeting_id,
                agenda_item=item,
                title=f"{item.title}: report",
                kind=Document.Kind.REPORT,
                file=name,
            )
            paper.take_facts(facts)
            papers.append(paper)
        self.insert(Document, papers)
        # Uploaded with the agenda: a week before the meeting, not when the data set was made.
        Document.objects.filter(pk__in=[paper.pk for paper in papers]).update(
            uploaded_at=Subquery(
                Meeting.objects.filter(pk=OuterRef("meeting_id")).values("starts_at")[:1]
            )
            - datetime.timedelta(days=7)
        )
        self.progress(f"{len(papers)} papers")

    def paper_file(self, number):
        """(stored name, facts read from it) of a paper's PDF: a page or two of a report."""
        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage
        from weasyprint import HTML

        from safer_norfolk.validators import inspect_pdf

        topic = self.topic()
        title = _capitalised(f"{topic}: report to the partnership")
        body = "".join(
            f"<p>{escape(paragraph)}</p>"
            for paragraph in self.paragraphs(6, topic=topic).split("\n\n")
        )
        pdf = HTML(
            string=f'<html lang="en-GB"><head><title>{escape(title)}</title></head>'
            f"<body><h1>{escape(title)}</h1>{body}</body></html>"
        ).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
        content = ContentFile(pdf, name=f"paper-{number}.pdf")
        facts = inspect_pdf(content)
        # Named by the data set (its scale, seed and day), the same each time it is made.
        name = f"scale-data/{self.marker.slug}/paper-{number}.pdf"
        default_storage.delete(name)
        return default_storage.save(name, content), facts

    def make_minutes(self, committee, sittings):
        """A minute for every agenda item of each minuted meeting, with its decisions."""
        rng = self.rng
        minutes, resolutions = [], []
        previous = None
        for sitting in sittings:
            if sitting.has_minutes:
                for item in sitting.items:
                    minute = Minute(
                        meeting=sitting.meeting,
                        agenda_item=item,
                        number=item.number,
                        sort_key=item.sort_key,
                        heading=item.title,
                    )
                    minute.topic = next((t for t in _TOPIC_NAMES if t in item.title.lower()), None)
                    minute.body = self.minute_body(item, sitting, previous, minute.topic)
                    sitting.minutes.append(minute)
                    minutes.append(minute)
            if sitting.meeting.status == Meeting.Status.HELD:
                previous = sitting
        self.insert(Minute, minutes)
        for minute in minutes:
            kind = minute.agenda_item.kind
            if kind == AgendaItem.Kind.MINUTES:
                chosen = [(Resolution.Verb.AGREED, "the minutes as an accurate record.")]
            elif kind in (AgendaItem.Kind.REPORT, AgendaItem.Kind.PRESENTATION):
                chosen = rng.sample(RESOLUTIONS, rng.choice([0, 1, 1, 2]))
            elif kind == AgendaItem.Kind.FORWARD_WORK_PROGRAMME and rng.random() < 0.5:
                chosen = [(Resolution.Verb.AGREED, "the forward work programme.")]
            else:
                chosen = []
            resolutions.extend(
                Resolution(
                    minute=minute, order=order, verb=verb, text=self.fill(text, topic=minute.topic)
                )
                for order, (verb, text) in enumerate(chosen, start=1)
            )
        self.insert(Resolution, resolutions)

    def minute_body(self, item, sitting, previous, topic):
        """What the minutes say about an item."""
        match item.kind:
            case AgendaItem.Kind.APOLOGIES if sitting.apologies:
                return f"Apologies were received from {', '.join(map(str, sitting.apologies))}."
            case AgendaItem.Kind.APOLOGIES:
                return "There were no apologies."
            case AgendaItem.Kind.MINUTES:
                day = f"{previous.day.day} {previous.day:%B %Y}" if previous else "the last meeting"
                return f"The minutes of the meeting held on {day} were agreed as an accurate record and signed by the Chair."
            case AgendaItem.Kind.DECLARATIONS if sitting.declarations:
                return " ".join(
                    f"{d.person} declared an interest in item {d.agenda_item.number}: {d.text}"
                    for d in sitting.declarations
                )
            case AgendaItem.Kind.DECLARATIONS:
                return "No declarations of interest were made."
            case AgendaItem.Kind.URGENT_BUSINESS:
                return "There was no urgent business."
            case AgendaItem.Kind.PUBLIC_QUESTIONS:
                return "The questions received and the responses given are set out below."
            case AgendaItem.Kind.ACTION_REVIEW:
                return (
                    "The Panel reviewed its action log and agreed to close the actions completed."
                )
            case AgendaItem.Kind.FORWARD_WORK_PROGRAMME:
                return self.fill(
                    "The Panel considered its forward work programme and agreed to add {topic}."
                )
            case AgendaItem.Kind.ANY_OTHER_BUSINESS:
                return "There was no other business."
            case AgendaItem.Kind.DATE_OF_NEXT_MEETING:
                return "The date of the next meeting was noted."
        if item.is_exempt:
            return "The Panel considered the exempt report in private session."
        return self.paragraphs(self.rng.randint(2, 3), topic=topic)

    def make_attendance(self, committee, sittings):
        """Who came to each minuted meeting, and the odd declaration of interest."""
        rng = self.rng
        rows, declarations = [], []
        for sitting in sittings:
            if not sitting.has_minutes:
                continue
            rows.extend(self.attendance(committee, sitting))
            reports = [i for i in sitting.items if i.kind == AgendaItem.Kind.REPORT]
            if sitting.present and reports and rng.random() < 0.05:
                declaration = Declaration(
                    meeting=sitting.meeting,
                    person=rng.choice(sitting.present),
                    agenda_item=rng.choice(reports),
                    text=self.fill("A member of the board of {org}."),
                )
                sitting.declarations.append(declaration)
                declarations.append(declaration)
        self.insert(Attendance, rows)
        self.insert(Declaration, declarations)

    def attendance(self, committee, sitting):
        """Members present or sending apologies (a substitute standing in for some), the
        first member present in the chair, and two officers."""
        rng = self.rng
        rows = []

        def attend(person, **details):
            rows.append(
                Attendance(meeting=sitting.meeting, person=person, order=len(rows), **details)
            )

        for member in committee.members:
            if rng.random() < 0.85:
                attend(member, status=Attendance.Status.PRESENT, in_chair=not sitting.present)
                sitting.present.append(member)
                continue
            attend(member, status=Attendance.Status.APOLOGIES)
            sitting.apologies.append(member)
            substitute = committee.substitutes.get(member.pk)
            if substitute is not None:
                attend(
                    substitute,
                    capacity=Attendance.Capacity.SUBSTITUTE,
                    status=Attendance.Status.PRESENT,
                    substitute_for=member,
                )
        for officer in rng.sample(self.officers, 2):
            if officer not in committee.members:
                attend(
                    officer, capacity=Attendance.Capacity.OFFICER, status=Attendance.Status.PRESENT
                )
        return rows

    def make_action_points(self, committee, sittings):
        """Action points raised at minuted meetings: "MM/NN" references, most closed by now."""
        held = [
            s for s in sittings if s.meeting.status == Meeting.Status.HELD and s.day < self.today
        ]
        series = Counter()
        points = []
        for sitting in sittings:
            count = self.action_points_at.get(self.minuted_index.get(id(sitting)), 0)
            if not count:
                continue
            later = [s for s in held if s.day > sitting.day]
            upcoming = [s for s in sittings if s.day > sitting.day]
            minutes = [m for m in sitting.minutes if not m.agenda_item.is_exempt]
            for _ in range(count):
                series[sitting.day.month] += 1
                reference = f"{sitting.day.month:02d}/{series[sitting.day.month]:02d}"
                points.append(
                    self.action_point(committee, sitting, reference, minutes, later, upcoming)
                )
        self.insert(ActionPoint, points)
        self.link(
            ActionPoint,
            "plan_actions",
            [(point.pk, action.pk) for point in points for action in point.cited],
        )

    def action_point(self, committee, sitting, reference, minutes, later, upcoming):
        """An action point, closed at a later meeting (or by now) in most cases."""
        rng = self.rng
        owner = rng.random()
        minute = rng.choice(minutes) if minutes else None
        point = ActionPoint(
            committee=committee,
            meeting=sitting.meeting,
            minute=minute,
            reference=reference,
            sort_key=natural_sort_key(reference),
            description=self.fill(
                rng.choice(ACTION_POINT_TEXTS), topic=getattr(minute, "topic", None)
            ),
            owner_person=rng.choice(self.officers) if owner < 0.7 else None,
            owner_organisation=rng.choice(self.organisations) if owner > 0.55 else None,
            due_date=sitting.day + datetime.timedelta(days=rng.randint(28, 120))
            if rng.random() < 0.9
            else None,
            due_meeting=upcoming[0].meeting if upcoming and rng.random() < 0.5 else None,
        )
        plans = self.plans_by(sitting.day)
        point.cited = [rng.choice(rng.choice(plans)[1])] if plans and rng.random() < 0.03 else []
        age = (self.today - sitting.day).days
        closing = 0.97 if age > 365 else 0.8 if age > 120 else 0.35
        if rng.random() < closing:
            point.status = ActionPoint.Status.CLOSED
            if later:
                closed_at = later[min(len(later) - 1, rng.choice([0, 0, 1]))]
                point.closed_at_meeting = closed_at.meeting
                point.closed_on = closed_at.day
                number = next(
                    (i.number for i in closed_at.items if i.kind == AgendaItem.Kind.ACTION_REVIEW),
                    "6",
                )
                point.response = f"Closed: Agenda Item {number}"
            else:
                point.closed_on = min(
                    self.today, sitting.day + datetime.timedelta(days=rng.randint(7, 60))
                )
                point.response = self.fill("Closed: briefing on {topic} circulated to members.")
        elif rng.random() < 0.3:
            point.response = self.fill("Update: awaiting figures on {topic} from {org}.")
        return point

    def make_written_questions(self, sittings):
        """Written questions to minuted meetings, some citing plan actions."""
        rng = self.rng
        questions, citations = [], []
        for sitting in sittings:
            count = self.questions_at.get(self.minuted_index.get(id(sitting)), 0)
            item = next(
                (i for i in sitting.items if i.kind == AgendaItem.Kind.PUBLIC_QUESTIONS), None
            )
            for number in range(1, count + 1):
                question = self.written_question(sitting, item, number)
                questions.append(question)
                if (plans := self.plans_by(sitting.day)) and rng.random() < 0.2:
                    _, actions = rng.choice(plans)
                    question.cited = rng.sample(actions, rng.randint(1, 2))
        self.insert(WrittenQuestion, questions)
        for question in questions:
            citations.extend((question.pk, a.pk) for a in getattr(question, "cited", []))
        self.link(WrittenQuestion, "plan_actions", citations)

    def written_question(self, sitting, item, number):
        """A question asked at the meeting: answered, awaiting a response or withdrawn."""
        rng = self.rng
        addressed_to = rng.choice(self.organisations)
        question = WrittenQuestion(
            meeting=sitting.meeting,
            agenda_item=item,
            number=number,
            question=self.fill(rng.choice(QUESTION_TEXTS)),
            asked_by=rng.choice(self.councillors),
            addressed_to=addressed_to,
            response_due=sitting.day + datetime.timedelta(days=rng.randint(14, 28)),
        )
        age = (self.today - sitting.day).days
        roll = rng.random()
        if roll < 0.01:
            question.status = WrittenQuestion.Status.WITHDRAWN
        elif roll < (0.96 if age > 60 else 0.5) and age > 1:
            question.status = WrittenQuestion.Status.ANSWERED
            question.response = self.fill(rng.choice(RESPONSE_TEXTS))
            question.responded_by = addressed_to
            question.responded_on = min(
                self.today, sitting.day + datetime.timedelta(days=rng.randint(1, 40))
            )
        return question

    def make_work_programme(self, committee, sittings):
        """A committee's forward work programme: items scheduled and proposed."""
        rng = self.rng
        upcoming = [s for s in sittings if s.day >= self.today]
        requested = [
            s
            for s in sittings
            if s.meeting.minutes_status
            in (Meeting.MinutesStatus.PUBLISHED, Meeting.MinutesStatus.CONFIRMED)
        ]
        items = []
        for order in range(4):
            target = upcoming[order % len(upcoming)] if upcoming and order < 2 else None
            items.append(
                WorkProgrammeItem(
                    committee=committee,
                    meeting=target.meeting if target else None,
                    target_text="" if target else f"Summer {self.today.year + 1} (to be confirmed)",
                    title=self.fill("{Topic}: annual report"),
                    issues=self.fill("How partners are working together on {topic} and {topic2}."),
                    invited=rng.choice(self.organisations).name,
                    requested_at=requested[-1 - order].meeting if len(requested) > order else None,
                    status=WorkProgrammeItem.Status.SCHEDULED
                    if target
                    else WorkProgrammeItem.Status.PROPOSED,
                    order=order,
                )
            )
        self.insert(WorkProgrammeItem, items)


# --- removing a data set ---------------------------------------------------------------------


def erase_data_set(marker):
    """Remove the generated data set of `marker`, with its audit history: the rows that refer
    to others first, many-to-many links with their rows."""
    meetings = Meeting.objects.filter(committee__partnership=marker)
    actions = Action.objects.filter(plan__organisation=marker)
    outcomes = Outcome.objects.filter(framework__organisation=marker)
    generated = [
        AgendaPack.objects.filter(meeting__in=meetings),
        Document.objects.filter(meeting__in=meetings),
        WrittenQuestion.objects.filter(meeting__in=meetings),
        ActionPoint.objects.filter(meeting__in=meetings),
        WorkProgrammeItem.objects.filter(committee__partnership=marker),
        CommitteeReport.objects.filter(agenda_item__meeting__in=meetings),
        Resolution.objects.filter(minute__meeting__in=meetings),
        Declaration.objects.filter(meeting__in=meetings),
        Attendance.objects.filter(meeting__in=meetings),
        OrganisationAttendance.objects.filter(meeting__in=meetings),
        Minute.objects.filter(meeting__in=meetings),
        AgendaItem.objects.filter(meeting__in=meetings),
        meetings,
        Membership.objects.filter(committee__partnership=marker),
        Committee.objects.filter(partnership=marker),
        ActionUpdate.objects.filter(action__in=actions),
        actions,
        Section.objects.filter(plan__organisation=marker),
        Plan.objects.filter(organisation=marker),
        Observation.objects.filter(measure__outcome__in=outcomes),
        Measure.objects.filter(outcome__in=outcomes),
        outcomes,
        OutcomeFramework.objects.filter(organisation=marker),
        Person.objects.filter(email__endswith=f"@{GENERATED_DOMAIN}"),
        Organisation.objects.filter(website__startswith=f"https://{GENERATED_DOMAIN}/"),
    ]
    for queryset in generated:
        for relation in queryset.model._meta.local_many_to_many:
            through = relation.remote_field.through
            through.objects.filter(**{f"{relation.m2m_field_name()}__in": queryset}).delete()
        if hasattr(queryset.model, "history"):
            erase_with_history(queryset)
        else:
            queryset.delete()


# --- entry point -----------------------------------------------------------------------------


def generate(*, scale, seed=DEFAULT_SEED, today=None, replace=False, log=None):
    """Generate the data set unless it is already there. Raises ScaleDataConflict when a
    different generated data set is present, unless `replace`, which removes it first."""
    if scale not in SCALES:
        raise ValueError(f"No scale “{scale}”: choose from {', '.join(SCALES)}.")
    today = today or timezone.localdate()
    present = present_data_set()
    if present and not replace:
        if (present.scale, present.seed) == (scale, seed):
            return Report(created=False, description=str(present))
        raise ScaleDataConflict(
            f"The database already holds {present}; it does not match the {scale} scale with "
            f"seed {seed}. Run with --replace to remove it and generate the new data set."
        )
    started = time.monotonic()
    with transaction.atomic():
        if present:
            erase_data_set(present.marker)
        counts = Generator(scale_name=scale, seed=seed, today=today, log=log).run()
        if connection.vendor == "postgresql":
            # Statistics for the planner after a bulk load, as autovacuum would gather later:
            # without them PostgreSQL plans for empty tables (a search of the small data set
            # then took minutes, not milliseconds). Inside the transaction it counts the rows
            # the transaction wrote.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        # Written past the models' save(), so the answers kept at write time are stored here:
        # the publication rule's for every action point and question (meetings.publication),
        # with statistics to plan by, and each organisation's record at each meeting
        # (meetings.attendance_record).
        publication.refresh()
        attendance_record.refresh()
    return Report(
        created=True,
        description=f"{scale}-scale data (seed {seed}, as of {today})",
        counts=dict(counts),
        seconds=time.monotonic() - started,
    )
