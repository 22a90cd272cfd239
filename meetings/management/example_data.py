"""The example partnership: a fictional Community Safety Partnership, "Example Vale", made in
code so that the demo shows what the site is for. The seed papers give one meeting here and
one there, and no progress ratings or figures; this gives a full year of a partnership's
work: meetings with agendas and minutes, action points open and closed, questions awaiting
and answered, a delivery plan with progress across every RAG and distance value (some
actions overdue, some stale), and outcome figures by area over several years.

Everything here is invented and says so: the partnership's organisations are flagged
`is_example`, and every page, list row and PDF that shows them carries "Example data". No
seed partnership's rows are read or changed.

Dates are relative to the day it runs (`today`), not fixed: the demo must always have
upcoming meetings, overdue actions and stale updates whenever `make run` is run. For a given
day the result is the same on every run. Loading again updates the directory, plan and
framework rows in place (found by name, slug or number) and rebuilds the dated rows
(meetings and everything recorded at them, progress updates, figures no longer in the
window), so a second run never duplicates anything.

Writes go through the services where they exist (creating and publishing meetings,
minutes, action points, written responses, progress updates, figures), so publication
stamps, audit history and the page cache's content generation are kept as for an
officer's work; publication dates are then set to when the fictional officer published.
"""

import calendar
import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from delivery_plans import services as plan_services
from delivery_plans.dates import parse_due_text
from delivery_plans.models import Action, ActionUpdate, Plan, Section
from meetings import services
from meetings.models import (
    ActionPoint,
    AgendaItem,
    Attendance,
    Committee,
    Declaration,
    Meeting,
    Membership,
    Minute,
    Resolution,
    WorkProgrammeItem,
    WrittenQuestion,
)
from outcomes.models import Area, Measure, Observation, Outcome, OutcomeFramework
from outcomes.services import ImportReport, save_observations
from safer_norfolk.audit import save_as
from safer_norfolk.models import Organisation, Person

LONDON = ZoneInfo("Europe/London")
PARTNERSHIP = "Example Vale Community Safety Partnership"
PLAN_SLUG = "example-vale-community-safety-plan"
FRAMEWORK_SLUG = "example-vale-outcomes"
SCRUTINY_SLUG = "example-vale-scrutiny-panel"
BOARD_SLUG = "example-vale-partnership-board"
VENUE = "Council Chamber, Example Vale County Hall"


class ExampleOfficer:
    """Who the loader acts as when a service asks: a committee officer and plan manager of
    the example partnership, with no login, so the audit history names no user."""

    is_active = True
    is_superuser = True
    is_authenticated = False

    def __init__(self, person=None):
        self.person = person

    def has_perm(self, perm, obj=None):
        return True


# --- the directory --------------------------------------------------------------------------

# name -> (short name, kind)
ORGANISATIONS = {
    PARTNERSHIP: ("EVCSP", Organisation.Kind.PARTNERSHIP_GROUP),
    "Example Vale County Council": ("EVCC", Organisation.Kind.COUNCIL),
    "Example Vale North District Council": ("EV North", Organisation.Kind.COUNCIL),
    "Example Vale South District Council": ("EV South", Organisation.Kind.COUNCIL),
    "Example Vale Coast District Council": ("EV Coast", Organisation.Kind.COUNCIL),
    "Example Vale City Council": ("EV City", Organisation.Kind.COUNCIL),
    "Example Vale Police": ("EVP", Organisation.Kind.POLICE),
    "Office of the Example Vale Police and Crime Commissioner": (
        "OEVPCC",
        Organisation.Kind.PCC_OFFICE,
    ),
    "Example Vale Fire and Rescue Service": ("EVFRS", Organisation.Kind.FIRE),
    "Example Vale Probation Service": ("EV Probation", Organisation.Kind.PROBATION),
    "Example Vale Integrated Care Board": ("EVICB", Organisation.Kind.HEALTH),
    "Example Vale Victim Support Hub": ("EV Victim Support", Organisation.Kind.VOLUNTARY),
    "Example Vale Domestic Abuse Group": ("EVDAG", Organisation.Kind.PARTNERSHIP_GROUP),
}

# key -> (honorific, name, job title, organisation short name)
PEOPLE = {
    "marsh": ("Cllr", "Helen Marsh", "", "EVCC"),
    "okafor": ("Cllr", "David Okafor", "", "EV North"),
    "lindqvist": ("Cllr", "Sarah Lindqvist", "", "EVCC"),
    "brennan": ("Cllr", "Tom Brennan", "", "EV Coast"),
    "rahman": ("Cllr", "Aisha Rahman", "", "EV City"),
    "gallagher": ("Cllr", "Peter Gallagher", "", "EV South"),
    "hollis": ("", "Gwen Hollis", "Co-opted member", "EV Victim Support"),
    "ellison": ("Cllr", "Mark Ellison", "", "EVCC"),
    "kowalski": ("Cllr", "Nadia Kowalski", "", "EV Coast"),
    "whitfield": ("", "Jane Whitfield", "Chief Executive", "OEVPCC"),
    "price": ("Chief Superintendent", "Owen Price", "Local Policing Commander", "EVP"),
    "hughes": ("Inspector", "Daniel Hughes", "Partnerships Inspector", "EVP"),
    "donovan": ("", "Claire Donovan", "Head of Community Safety", "EVCC"),
    "adeyemi": ("Dr", "Samuel Adeyemi", "Director of Public Health", "EVICB"),
    "fenwick": ("", "Lucy Fenwick", "Group Manager, Prevention", "EVFRS"),
    "cole": ("", "Martin Cole", "Head of Service", "EV Probation"),
    "walsh": ("", "Kieran Walsh", "Partnership Manager", "EVCSP"),
    "carter": ("", "Emily Carter", "Committee Officer", "EVCC"),
    "moss": ("", "Hannah Moss", "Senior Data Analyst", "EVCC"),
    "ng": ("", "Ruth Ng", "Domestic Abuse Co-ordinator", "EVDAG"),
}

# Committee -> [(person key, role, representing short name, substitute for person key)]
SCRUTINY_MEMBERS = [
    ("marsh", Membership.Role.CHAIR, "EVCC", None),
    ("okafor", Membership.Role.VICE_CHAIR, "EV North", None),
    ("lindqvist", Membership.Role.MEMBER, "EVCC", None),
    ("brennan", Membership.Role.MEMBER, "EV Coast", None),
    ("rahman", Membership.Role.MEMBER, "EV City", None),
    ("gallagher", Membership.Role.MEMBER, "EV South", None),
    ("hollis", Membership.Role.MEMBER, "EV Victim Support", None),
    ("ellison", Membership.Role.SUBSTITUTE, "EVCC", "lindqvist"),
    ("kowalski", Membership.Role.SUBSTITUTE, "EV Coast", "brennan"),
]
BOARD_MEMBERS = [
    ("whitfield", Membership.Role.CHAIR, "OEVPCC", None),
    ("price", Membership.Role.VICE_CHAIR, "EVP", None),
    ("donovan", Membership.Role.MEMBER, "EVCC", None),
    ("adeyemi", Membership.Role.MEMBER, "EVICB", None),
    ("fenwick", Membership.Role.MEMBER, "EVFRS", None),
    ("cole", Membership.Role.MEMBER, "EV Probation", None),
    ("hughes", Membership.Role.SUBSTITUTE, "EVP", "price"),
]


# --- dates ------------------------------------------------------------------------------------


def _on_weekday(day, weekday):
    """The first `weekday` (0 = Monday) on or after `day`."""
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def _at(day, hour, minute=0):
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def _months_later(day, months):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _financial_year_start(day):
    return datetime.date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def _quarter_start(day):
    """The first day of the financial quarter (April–June is Q1) holding `day`."""
    return datetime.date(day.year, ((day.month - 1) // 3) * 3 + 1, 1)


def _quarter_label(day):
    start = _financial_year_start(day)
    quarter = (day.month - 4) % 12 // 3 + 1
    return f"Q{quarter} {start.year}/{(start.year + 1) % 100:02d}"


def _long(day):
    return f"{day.day} {day:%B %Y}"


# --- the generator ----------------------------------------------------------------------------


class ExampleData:
    def __init__(self, *, today=None):
        self.today = today or timezone.localdate()
        self.officer = ExampleOfficer()
        self.orgs = {}
        self.people = {}

    @transaction.atomic
    def load(self):
        self.directory()
        self.framework()
        self.plan()
        self.committees()
        if self.meetings_as_planned():
            # Loaded already today: the meetings and all recorded at them stay as they are.
            self.scrutiny_meetings = list(self.scrutiny.meetings.all())
            self.board_meetings = list(self.board.meetings.all())
        else:
            self.clear_meetings()
            self.meetings()
        return self

    # Rows found by a natural key are updated only where they differ, so a second run on the
    # same day writes nothing to them.
    def put(self, model, keys, **values):
        instance = model.objects.filter(**keys).first()
        if instance is None:
            instance = model(**keys, **values)
            instance.full_clean()
            save_as(instance, None)
            return instance
        changed = []
        for name, value in values.items():
            field = model._meta.get_field(name)
            current = getattr(instance, field.attname)
            wanted = value.pk if field.is_relation and value is not None else value
            if current != wanted:
                setattr(instance, name, value)
                changed.append(name)
        if changed:
            instance.full_clean()
            save_as(instance, None, update_fields=changed)
        return instance

    def directory(self):
        for name, (short_name, kind) in ORGANISATIONS.items():
            self.orgs[short_name] = self.put(
                Organisation,
                {"name": name},
                short_name=short_name,
                kind=kind,
                is_example=True,
            )
        for key, (honorific, name, job_title, org) in PEOPLE.items():
            self.people[key] = self.put(
                Person,
                {"name": name, "organisation": self.orgs[org]},
                honorific=honorific,
                job_title=job_title,
            )

    # --- outcomes -------------------------------------------------------------------------

    AREAS = [
        # slug, name, kind, scale of its share of the county
        ("example-vale", "Example Vale", Area.Kind.COUNTY, None),
        ("example-vale-north", "Example Vale North", Area.Kind.DISTRICT, Decimal("0.22")),
        ("example-vale-south", "Example Vale South", Area.Kind.DISTRICT, Decimal("0.19")),
        ("example-vale-coast", "Example Vale Coast", Area.Kind.DISTRICT, Decimal("0.24")),
        ("example-vale-city", "Example Vale City", Area.Kind.DISTRICT, Decimal("0.35")),
    ]

    OUTCOMES = [
        ("1", "People feel safe in their neighbourhoods"),
        ("2", "Fewer people are victims of neighbourhood crime"),
        ("3", "Fewer people are harmed by domestic abuse"),
        ("4", "Fewer young people are drawn into exploitation and serious violence"),
        ("5", "Fewer people lose money to fraud and scams"),
    ]

    # outcome, number, title, unit, direction, direction note, source, frequency,
    # county figure of the first year, yearly change (share), target
    MEASURES = [
        ("1", "1", "Residents who feel safe outside after dark", Measure.Unit.PERCENT, "up", "",
         "Example Vale residents' survey", Measure.Frequency.ANNUAL, "61.5", "0.015", "70"),
        ("1", "2", "Anti-social behaviour incidents reported to police", Measure.Unit.COUNT,
         "down", "", "Example Vale Police", Measure.Frequency.QUARTERLY, "2450", "-0.06", None),
        ("2", "1", "Residential burglaries recorded by police", Measure.Unit.COUNT, "down", "",
         "Example Vale Police", Measure.Frequency.QUARTERLY, "610", "0.04", "500"),
        ("2", "2", "Vehicle crime, rate per 1,000 people", Measure.Unit.RATE_PER_1000, "down",
         "", "Example Vale Police", Measure.Frequency.ANNUAL, "6.8", "-0.01", None),
        ("3", "1", "Domestic abuse incidents reported to police", Measure.Unit.COUNT, "neutral",
         "More reports may mean more confidence in reporting rather than more abuse, so no "
         "direction is judged.", "Example Vale Police", Measure.Frequency.QUARTERLY, "1320",
         "0.07", None),
        ("3", "2", "Repeat referrals to the domestic abuse risk conference",
         Measure.Unit.PERCENT, "down", "", "Example Vale Domestic Abuse Group",
         Measure.Frequency.ANNUAL, "31.0", "-0.05", "25"),
        ("4", "1", "Hospital admissions for assault with a sharp object, people under 25",
         Measure.Unit.COUNT, "down", "", "Example Vale Integrated Care Board",
         Measure.Frequency.ANNUAL, "84", "0.09", None),
        ("4", "2", "First-time entrants to the youth justice system, rate per 1,000 aged 10-17",
         Measure.Unit.RATE_PER_1000, "down", "", "Example Vale County Council",
         Measure.Frequency.ANNUAL, "2.4", "-0.08", "1.8"),
        ("5", "1", "Scam victims referred for support", Measure.Unit.COUNT, "up", "",
         "Example Vale Victim Support Hub", Measure.Frequency.QUARTERLY, "380", "0.12", None),
    ]  # fmt: skip

    def framework(self):
        today = self.today
        self.areas = {}
        county = None
        for order, (slug, name, kind, _share) in enumerate(self.AREAS, start=100):
            self.areas[slug] = self.put(
                Area, {"slug": slug}, name=name, kind=kind, parent=county, order=order
            )
            county = county or self.areas[slug]
        self.county = county
        start = _financial_year_start(today)
        plan_start = datetime.date(start.year - 1, 4, 1)
        self.plan_start = plan_start
        self.plan_end = datetime.date(plan_start.year + 3, 3, 31)
        years = f"{plan_start.year}-{self.plan_end.year % 100:02d}"
        self.years = years
        self.frame = self.put(
            OutcomeFramework,
            {"slug": FRAMEWORK_SLUG},
            title=f"Example Vale Community Safety Plan {years} outcomes",
            organisation=self.orgs["EVCSP"],
            area=county,
            summary=(
                "**Example data.** Example Vale is a fictional partnership: its outcomes, "
                "measures and figures are invented to show how the site presents a "
                "partnership's progress. Five long-term outcomes, each judged by one or two "
                "measures, with figures for the county and its four districts."
            ),
            period_start=plan_start,
            period_end=self.plan_end,
            status=OutcomeFramework.Status.PUBLISHED,
        )
        self.outcomes = {
            number: self.put(
                Outcome,
                {"framework": self.frame, "number": number},
                title=title,
                level=Outcome.Level.LONG_TERM,
            )
            for number, title in self.OUTCOMES
        }
        self.measures = []
        for (
            outcome,
            number,
            title,
            unit,
            direction,
            note,
            source,
            frequency,
            first,
            change,
            target,
        ) in self.MEASURES:
            measure = self.put(
                Measure,
                {"outcome": self.outcomes[outcome], "number": number},
                title=title,
                unit=unit,
                direction=direction,
                direction_note=note,
                source=source,
                frequency=frequency,
                target_value=Decimal(target) if target else None,
                target_date=self.plan_end if target else None,
            )
            self.measures.append((measure, Decimal(first), Decimal(change)))
        self.figures()

    def figures(self):
        """Five financial years of annual figures, twelve quarters of quarterly ones, for the
        county and each district; the latest quarter is provisional."""
        today = self.today
        last_year_start = datetime.date(_financial_year_start(today).year - 1, 4, 1)
        years = [datetime.date(last_year_start.year - back, 4, 1) for back in range(4, -1, -1)]
        latest_quarter = _months_later(_quarter_start(today), -3)
        quarters = [_months_later(latest_quarter, -3 * back) for back in range(11, -1, -1)]
        rows = []
        for measure, first, change in self.measures:
            is_count = measure.unit == Measure.Unit.COUNT
            quarterly = measure.frequency == Measure.Frequency.QUARTERLY
            periods = (
                [(q, _months_later(q, 3) - datetime.timedelta(days=1)) for q in quarters]
                if quarterly
                else [(y, datetime.date(y.year + 1, 3, 31)) for y in years]
            )
            for index, (start, end) in enumerate(periods):
                steps = Decimal(index) / (4 if quarterly else 1)
                base = first / (4 if quarterly else 1) if is_count else first
                # A steady trend, a summer peak for quarterly counts, a wobble so lines differ.
                seasonal = Decimal("1.08") if quarterly and start.month == 7 else Decimal(1)
                wobble = Decimal(1) + Decimal((index * 7) % 5 - 2) / 100
                county_value = base * (1 + change * steps) * seasonal * wobble
                for slug, _name, _kind, share in self.AREAS:
                    if share is None:
                        value = county_value
                    elif is_count:
                        value = county_value * share
                    else:
                        # Rates and shares vary round the county's figure by district.
                        value = county_value * (Decimal("0.8") + share)
                    rows.append(
                        {
                            "measure_id": measure.pk,
                            "area_id": self.areas[slug].pk,
                            "period_start": start,
                            "period_end": end,
                            "value": value.quantize(Decimal(1) if is_count else Decimal("0.1")),
                            "is_provisional": quarterly and index == len(periods) - 1,
                            "note": "",
                        }
                    )
        save_observations(rows, ImportReport(rows=len(rows)))
        wanted = {(r["measure_id"], r["area_id"], r["period_start"]) for r in rows}
        for observation in Observation.objects.filter(measure__outcome__framework=self.frame):
            key = (observation.measure_id, observation.area_id, observation.period_start)
            if key not in wanted:
                observation.delete()
        self.observation_count = len(rows)

    # --- the delivery plan ------------------------------------------------------------------

    SECTIONS = [
        ("1", "Safer neighbourhoods", ["1", "2"]),
        ("2", "Safeguarding from domestic abuse and exploitation", ["3", "4"]),
        ("3", "Protecting people from fraud and scams", ["5"]),
    ]

    # number, action, success measure, owners, lead, due (months from today, or text),
    # stage, current (RAG, distance), months since its latest update (None: no update),
    # outcomes
    ACTIONS = [
        ("1.1", "Run a neighbourhood policing surgery in every ward each quarter",
         "A surgery held in every ward each quarter, with residents' concerns logged",
         ["EVP"], "price", "Ongoing", "ongoing", ("green", "nearly_met"), 0, ["1"]),
        ("1.2", "Map anti-social behaviour hotspots with district councils and agree joint "
         "patrol plans", "Joint patrol plans agreed for the ten busiest hotspots",
         ["EVP", "EV North", "EV City"], "donovan", -2, "in_progress", ("amber", "some_way"),
         0, ["1"]),
        ("1.3", "Publish a single way for residents to report anti-social behaviour online",
         "Online reporting live in all four districts", ["EVCC"], "donovan", -5, "complete",
         ("complete", "met"), 0, ["1"]),
        ("1.4", "Fit target-hardening kits for repeat burglary victims",
         "Every repeat victim offered a kit within 14 days", ["EVP", "EV Victim Support"],
         "hughes", -3, "in_progress", ("red", "far_off"), 0, ["2"]),
        ("1.5", "Run a vehicle crime awareness campaign in car parks",
         "Campaign in the twenty car parks with most vehicle crime", ["EVP", "EV City"],
         "hughes", 4, "in_progress", ("green", "some_way"), 0, ["2"]),
        ("1.6", "Review street lighting in the places residents say feel least safe",
         "Review reported to the Board with costed changes", ["EVCC"], None, "TBC",
         "not_started", None, None, ["1"]),
        ("1.7", "Train licensed premises staff to spot and report vulnerability at night",
         "Staff at 80% of late-night premises trained", ["EV City", "EVP"], "donovan", 7,
         "in_progress", ("amber", "nearly_met"), 6, ["1"]),
        ("2.1", "Commission safe accommodation for victim-survivors with complex needs",
         "Twelve dispersed units open, including units for men", ["OEVPCC", "EVDAG"], "ng",
         "Year 2", "complete", ("green", "met"), 0, ["3"]),
        ("2.2", "Train frontline staff in every partner to ask about domestic abuse",
         "1,500 staff trained across partners", ["EVDAG"], "ng", 5, "in_progress",
         ("red", "some_way"), 0, ["3"]),
        ("2.3", "Set up a domestic abuse perpetrator programme",
         "Programme running with 40 places a year", ["EV Probation", "OEVPCC"], "cole", -1,
         "in_progress", ("amber", "far_off"), 0, ["3"]),
        ("2.4", "Give every high-risk victim an independent adviser within two days",
         "95% contacted within two working days", ["EVDAG", "EV Victim Support"], "ng", -8,
         "complete", ("complete", "met"), 0, ["3"]),
        ("2.5", "Map county lines activity with children's services and schools",
         "A shared map reviewed monthly by the exploitation group", ["EVP", "EVCC"], "price",
         3, "in_progress", ("green", "nearly_met"), 0, ["4"]),
        ("2.6", "Offer diversionary activity in the school holidays in the four districts",
         "Activity offered in every district in every holiday", ["EVCC", "EVFRS"], "fenwick",
         "Ongoing", "ongoing", ("amber", "some_way"), 5, ["4"]),
        ("2.7", "Put youth workers in the emergency department at weekends",
         "Youth workers in the department every weekend", ["EVICB"], "adeyemi", 2,
         "in_progress", ("red", "far_off"), 0, ["4"]),
        ("3.1", "Send scam awareness messages through every partner's newsletters",
         "Messages in every partner's newsletter each quarter", ["EVCSP"], "walsh", "Ongoing",
         "ongoing", ("green", "nearly_met"), 0, ["5"]),
        ("3.2", "Install call blockers for residents targeted by scam callers",
         "300 call blockers installed", ["EVCC", "EV Victim Support"], "walsh", 6,
         "in_progress", ("amber", "some_way"), 0, ["5"]),
        ("3.3", "Train bank and post office staff in the banking protocol",
         "Staff in every branch trained", ["EVP"], "hughes", -10, "complete",
         ("complete", "met"), 0, ["5"]),
        ("3.4", "Set up a volunteer scam champions network",
         "Forty champions recruited and trained", ["EV Victim Support"], "walsh", 10,
         "not_started", ("not_assessed", "not_assessed"), 0, ["5"]),
        ("3.5", "Follow up every scam victim reported by police within a week",
         "90% of victims contacted within seven days", ["EV Victim Support", "EVP"], "walsh",
         -4, "in_progress", ("red", "some_way"), 0, ["5"]),
        ("3.6", "Report scams data to the Board each quarter",
         "A scams dashboard at every Board meeting", ["EVCSP"], "moss", "Ongoing", "ongoing",
         ("green", "nearly_met"), 0, ["5"]),
    ]  # fmt: skip

    LADDER_RAG = ["red", "amber", "green", "complete"]
    LADDER_DISTANCE = ["far_off", "some_way", "nearly_met", "met"]
    TEXTS = {
        "red": "Progress has stalled: {reason} The owner has set out a recovery plan for the "
        "next quarter.",
        "amber": "Work is under way but behind the plan: {reason} The owner expects to catch "
        "up by the next report.",
        "green": "On track. {reason}",
        "complete": "Completed. {reason} The success measure has been met and the action "
        "will be closed at the next review.",
        "not_assessed": "The action has started; a baseline is being set, so no rating is "
        "given yet. {reason}",
    }
    REASONS = [
        "Recruitment to two posts took longer than planned.",
        "Partners agreed the approach at the last Board meeting.",
        "Figures for the quarter are in the partnership's dashboard.",
        "Funding for the second year has been confirmed.",
        "Feedback from residents has been built into the next phase.",
    ]

    def plan(self):
        self.plan_row = self.put(
            Plan,
            {"slug": PLAN_SLUG},
            title=f"Example Vale Community Safety Plan {self.years}",
            organisation=self.orgs["EVCSP"],
            framework=self.frame,
            period_start=self.plan_start,
            period_end=self.plan_end,
            status=Plan.Status.PUBLISHED,
            summary=(
                "**Example data.** A fictional partnership's three-year delivery plan, made to "
                "show how owners report progress and how far each action is from its success "
                "measure."
            ),
            version_label="Year 2",
            reporting_interval_days=92,
        )
        sections = {}
        for order, (number, title, outcomes) in enumerate(self.SECTIONS, start=1):
            section = self.put(
                Section, {"plan": self.plan_row, "number": number}, title=title, order=order
            )
            section.outcomes.set([self.outcomes[n] for n in outcomes])
            sections[number] = section
        self.actions = {}
        for number, title, measure, owners, lead, due, stage, *_rest in self.ACTIONS:
            outcomes = _rest[-1]
            due_text = due if isinstance(due, str) else f"{_months_later(self.today, due):%B %Y}"
            due_date, precision = parse_due_text(due_text, plan_start=self.plan_start)
            action = self.put(
                Action,
                {"plan": self.plan_row, "number": number},
                section=sections[number.split(".")[0]],
                title=title,
                success_measure=measure,
                owner_note="",
                lead=self.people[lead] if lead else None,
                due_text=due_text,
                due_date=due_date,
                due_precision=precision,
                stage=stage,
            )
            action.owners.set([self.orgs[o] for o in owners])
            action.outcomes.set([self.outcomes[n] for n in outcomes])
            self.actions[number] = action
        self.progress_updates()

    def progress_updates(self):
        """Quarterly updates over the last year, each a step towards the action's current
        rating; a stale action's last update is months old; 3.6 has a draft not yet
        published."""
        planned = []
        for index, (number, *_fields) in enumerate(self.ACTIONS):
            current, months_since = _fields[6], _fields[7]
            if current is None:
                continue
            action = self.actions[number]
            rag, distance = current
            officer = ExampleOfficer(self.people[_fields[3]] if _fields[3] else None)
            latest = _months_later(self.today, -months_since) - datetime.timedelta(days=9)
            count = 1 if rag == "not_assessed" else 3
            for step in range(count - 1, -1, -1):
                on = _months_later(latest, -3 * step)
                if on < self.plan_start:
                    continue
                step_rag, step_distance = self.earlier(rag, distance, step)
                text = self.TEXTS[step_rag].format(
                    reason=self.REASONS[(index + step) % len(self.REASONS)]
                )
                planned.append(
                    {
                        "action": action,
                        "text": text,
                        "by": officer,
                        "rag": step_rag,
                        "distance": step_distance,
                        "reported_on": on,
                        "period_label": _quarter_label(_months_later(on, -1)),
                        "publish": True,
                    }
                )
        planned.append(
            {
                "action": self.actions["3.6"],
                "text": "Draft: the dashboard's new layout is being tested with Board members.",
                "by": ExampleOfficer(self.people["moss"]),
                "rag": "green",
                "distance": "met",
                "reported_on": self.today,
                "period_label": _quarter_label(self.today),
            }
        )
        held = ActionUpdate.objects.filter(action__plan=self.plan_row)
        wanted = sorted((u["action"].pk, u["reported_on"], u["rag"]) for u in planned)
        if sorted(held.values_list("action", "reported_on", "rag")) == wanted:
            return  # loaded already today
        held.delete()
        for update in planned:
            plan_services.record_update(**update)

    def earlier(self, rag, distance, steps_back):
        """The rating `steps_back` reports ago: one rung lower on each ladder per report, a
        red action having slipped from amber."""
        if steps_back == 0 or rag == "not_assessed":
            return rag, distance
        if rag == "red":
            return "amber", "some_way"
        r = self.LADDER_RAG.index(rag)
        d = self.LADDER_DISTANCE.index(distance)
        return (
            self.LADDER_RAG[max(1, r - steps_back)],
            self.LADDER_DISTANCE[max(1, d - steps_back)],
        )

    # --- committees -----------------------------------------------------------------------

    def committees(self):
        carter = self.people["carter"]
        self.scrutiny = self.put(
            Committee,
            {"slug": SCRUTINY_SLUG},
            name="Example Vale Community Safety Scrutiny Panel",
            short_name="Example Vale Scrutiny Panel",
            partnership=self.orgs["EVCSP"],
            description=(
                "**Example data.** The councillors who scrutinise the fictional Example Vale "
                "Community Safety Partnership: they review its delivery plan, ask for written "
                "answers and follow up the actions they set."
            ),
            contact=carter,
            contact_email="committees@example.org",
            contact_phone="01234 567890",
            default_venue=VENUE,
        )
        self.board = self.put(
            Committee,
            {"slug": BOARD_SLUG},
            name="Example Vale Community Safety Partnership Board",
            short_name="Example Vale Partnership Board",
            partnership=self.orgs["EVCSP"],
            description=(
                "**Example data.** The board of the fictional Example Vale Community Safety "
                "Partnership: the responsible authorities that own the delivery plan."
            ),
            contact=carter,
            contact_email="committees@example.org",
            default_venue="Meeting Room 2, Example Vale Police Headquarters",
        )
        start = self.today - datetime.timedelta(days=400)
        for committee, members in ((self.scrutiny, SCRUTINY_MEMBERS), (self.board, BOARD_MEMBERS)):
            by_person = {}
            for order, (key, role, org, substitute_for) in enumerate(members, start=1):
                by_person[key] = self.put(
                    Membership,
                    {"committee": committee, "person": self.people[key]},
                    role=role,
                    representing=self.orgs[org],
                    substitute_for=by_person.get(substitute_for),
                    start_date=start,
                    order=order,
                )

    def clear_meetings(self):
        """Remove the meetings of an earlier run and everything recorded at them: their dates
        follow the day the data is loaded."""
        committees = [self.scrutiny, self.board]
        WorkProgrammeItem.objects.filter(committee__in=committees).delete()
        WrittenQuestion.objects.filter(meeting__committee__in=committees).delete()
        ActionPoint.objects.filter(committee__in=committees).delete()
        # Oldest first: a meeting is protected while an earlier one names it as the meeting
        # that confirmed its minutes.
        for meeting in Meeting.objects.filter(committee__in=committees).order_by("starts_at"):
            meeting.delete()

    # --- meetings ---------------------------------------------------------------------------

    SCRUTINY_TOPICS = [
        ("Domestic abuse: support in safe accommodation", ["3"], ["2.1", "2.2"]),
        ("Neighbourhood crime and burglary", ["2"], ["1.4", "1.5"]),
        ("Exploitation and serious violence", ["4"], ["2.5", "2.7"]),
        ("Fraud and scams", ["5"], ["3.2", "3.5"]),
        ("Anti-social behaviour and feeling safe", ["1"], ["1.2", "1.6"]),
        ("The partnership's annual outcomes report", ["1", "2", "3", "4", "5"], []),
    ]
    BOARD_TOPICS = [
        ("Fire and rescue prevention update", "fenwick"),
        ("Probation: managing high-risk offenders in the community", "cole"),
        ("Public health approach to serious violence", "adeyemi"),
        ("Police neighbourhood policing review", "price"),
        ("Victim support: demand and waiting times", "walsh"),
        ("Delivery plan refresh for the coming year", "walsh"),
    ]

    def schedule(self):
        """The days the panel (Thursdays) and the board (Tuesdays) meet: four or five in the
        year to today, and the next ones."""
        today = self.today
        scrutiny_days = [
            _on_weekday(today + datetime.timedelta(days=offset), 3)
            for offset in (-320, -229, -138, -47, 32, 123)
        ]
        board_days = [
            _on_weekday(today + datetime.timedelta(days=offset), 1)
            for offset in (-335, -244, -153, -61, -6, 68)
        ]
        return scrutiny_days, board_days

    def meetings_as_planned(self):
        scrutiny_days, board_days = self.schedule()
        for committee, days, hour in (
            (self.scrutiny, scrutiny_days, 10),
            (self.board, board_days, 14),
        ):
            held = sorted(committee.meetings.values_list("starts_at", flat=True))
            if held != [_at(day, hour) for day in days]:
                return False
        return True

    def meetings(self):
        scrutiny_days, board_days = self.schedule()
        self.scrutiny_meetings = self.sittings(
            self.scrutiny, scrutiny_days, self.scrutiny_agenda, SCRUTINY_MEMBERS
        )
        self.board_meetings = self.sittings(
            self.board, board_days, self.board_agenda, BOARD_MEMBERS
        )
        self.work_programme()

    def sittings(self, committee, days, agenda, members):
        is_scrutiny = committee == self.scrutiny
        meetings = []
        for index, day in enumerate(days):
            past = day < self.today
            starts = _at(day, 10) if is_scrutiny else _at(day, 14)
            meeting = services.create_meeting(
                committee=committee,
                starts_at=starts,
                by=None,
                ends_at=(starts + datetime.timedelta(hours=2, minutes=15 + 10 * index))
                if past
                else None,
                mode=Meeting.Mode.HYBRID if is_scrutiny else Meeting.Mode.IN_PERSON,
                livestream_url="https://video.example.org/example-vale/"
                f"{committee.slug}-{day.isoformat()}"
                if is_scrutiny
                else "",
                public_notice=(
                    "This is an example meeting of a fictional partnership. Members of the "
                    "public may attend in person or watch the live stream."
                    if is_scrutiny
                    else "This is an example meeting of a fictional partnership. Members of "
                    "the public may attend in person."
                ),
            )
            meeting.previous = meetings[-1] if meetings else None
            items = agenda(meeting, index)
            services.publish_agenda(meeting=meeting, by=None)
            self.backdate(meeting, agenda_published_at=_at(day - datetime.timedelta(days=8), 9))
            # The last board meeting was days ago: its minutes are not written yet.
            if past and day < self.today - datetime.timedelta(days=10):
                self.minutes(meeting, items, index, members)
                services.publish_minutes(meeting=meeting, by=None)
                self.backdate(
                    meeting, minutes_published_at=_at(day + datetime.timedelta(days=9), 16)
                )
            if meetings and past and meetings[-1].minutes_status == Meeting.MinutesStatus.PUBLISHED:
                services.confirm_minutes(meeting=meetings[-1], at_meeting=meeting, by=None)
                meetings[-1].refresh_from_db()
                meetings[-1].signed_by = self.people[members[0][0]]
                save_as(meetings[-1], None, update_fields=["signed_by"])
            meetings.append(meeting)
            meeting.items = items
        for index, meeting in enumerate(meetings):
            if meeting.minutes_status in (
                Meeting.MinutesStatus.PUBLISHED,
                Meeting.MinutesStatus.CONFIRMED,
            ):
                self.actions_raised(committee, meetings, index)
                if is_scrutiny:
                    self.questions(meetings, index)
        return meetings

    def backdate(self, meeting, **stamps):
        """When the fictional officer published: the services stamp the moment of loading."""
        meeting.refresh_from_db()
        for name, value in stamps.items():
            setattr(meeting, name, value)
        save_as(meeting, None, update_fields=list(stamps))

    def item(self, meeting, number, kind, title, **fields):
        plan_actions = fields.pop("plan_actions", [])
        outcomes = fields.pop("outcomes", [])
        item = AgendaItem(meeting=meeting, number=str(number), kind=kind, title=title, **fields)
        item.full_clean()
        save_as(item, None)
        if plan_actions:
            item.plan_actions.set([self.actions[n] for n in plan_actions])
        if outcomes:
            item.outcomes.set([self.outcomes[n] for n in outcomes])
        return item

    def standard_items(self, meeting):
        return {item.kind: item for item in meeting.agenda_items.all()}

    def scrutiny_agenda(self, meeting, index):
        items = self.standard_items(meeting)
        topic, outcomes, plan_actions = self.SCRUTINY_TOPICS[index]
        walsh = self.people["walsh"]
        items["action_review"] = self.item(
            meeting,
            5,
            AgendaItem.Kind.ACTION_REVIEW,
            "Action points: review",
            description="To review the action points of earlier meetings.",
        )
        items["plan"] = self.item(
            meeting,
            6,
            AgendaItem.Kind.REPORT,
            "Delivery plan progress",
            description="To scrutinise the owners' latest progress updates on the delivery plan.",
            lead_text="Kieran Walsh, Example Vale Community Safety Partnership",
            lead=walsh,
            duration_minutes=30,
            plan=self.plan_row,
            plan_actions=["1.4", "2.3", "3.5"],
        )
        items["topic"] = self.item(
            meeting,
            7,
            AgendaItem.Kind.REPORT,
            topic,
            description="A themed review of the partnership's work on this priority.",
            lead_text="Claire Donovan, Example Vale County Council",
            lead=self.people["donovan"],
            duration_minutes=40,
            plan=self.plan_row if plan_actions else None,
            plan_actions=plan_actions,
            outcomes=outcomes,
        )
        items["programme"] = self.item(
            meeting, 8, AgendaItem.Kind.FORWARD_WORK_PROGRAMME, "Forward work programme"
        )
        items["next"] = self.item(
            meeting, 9, AgendaItem.Kind.DATE_OF_NEXT_MEETING, "Date of next meeting"
        )
        return items

    def board_agenda(self, meeting, index):
        items = self.standard_items(meeting)
        topic, lead = self.BOARD_TOPICS[index]
        items["action_review"] = self.item(meeting, 5, AgendaItem.Kind.ACTION_REVIEW, "Action log")
        items["plan"] = self.item(
            meeting,
            6,
            AgendaItem.Kind.REPORT,
            "Performance: the delivery plan and outcome measures",
            description="To receive the quarter's progress ratings and outcome figures.",
            lead_text="Hannah Moss, Example Vale County Council",
            lead=self.people["moss"],
            duration_minutes=30,
            plan=self.plan_row,
            outcomes=["1", "2", "3"],
        )
        items["topic"] = self.item(
            meeting,
            7,
            AgendaItem.Kind.PRESENTATION,
            topic,
            lead=self.people[lead],
            duration_minutes=20,
        )
        items["messages"] = self.item(meeting, 8, AgendaItem.Kind.KEY_MESSAGES, "Key messages")
        items["other"] = self.item(
            meeting, 9, AgendaItem.Kind.ANY_OTHER_BUSINESS, "Any other business"
        )
        return items

    def minutes(self, meeting, items, index, members):
        """Attendance, declarations and numbered minutes with resolutions."""
        people = self.people
        mains = [key for key, role, _org, _sub in members if role != Membership.Role.SUBSTITUTE]
        substitutes = {sub: key for key, role, _org, sub in members if sub}
        # Each meeting two different members send apologies; at alternate meetings one of
        # them is covered by their substitute, and once a substitute sends apologies too.
        away = {mains[(index * 2 + 2) % len(mains)], mains[(index * 2 + 3) % len(mains)]}
        attendance = {a.person_id: a for a in meeting.attendances.all()}
        chair_key = mains[0] if mains[0] not in away else mains[1]
        for key in mains:
            row = attendance[people[key].pk]
            row.status = Attendance.Status.APOLOGIES if key in away else Attendance.Status.PRESENT
            row.in_chair = key == chair_key
            save_as(row, None, update_fields=["status", "in_chair"])
        substituted = []
        for principal, substitute in substitutes.items():
            row = attendance[people[substitute].pk]
            if principal in away and index % 2 == 0:
                row.status = Attendance.Status.PRESENT
                row.substitute_for = people[principal]
                substituted.append((principal, substitute))
                save_as(row, None, update_fields=["status", "substitute_for"])
            elif principal in away:
                row.status = Attendance.Status.APOLOGIES
                save_as(row, None, update_fields=["status"])
            else:
                row.delete()
        officers = ["walsh", "carter"] + (["moss"] if meeting.committee == self.board else [])
        for order, key in enumerate(officers, start=50):
            Attendance(
                meeting=meeting,
                person=people[key],
                capacity=Attendance.Capacity.OFFICER,
                status=Attendance.Status.PRESENT,
                order=order,
            ).save()

        def name(key):
            return str(people[key])

        def minute(kind_key, body, *resolutions):
            item = items[kind_key]
            row = Minute(
                meeting=meeting, agenda_item=item, number=item.number, heading=item.title, body=body
            )
            row.full_clean()
            save_as(row, None)
            for order, (verb, text) in enumerate(resolutions, start=1):
                save_as(Resolution(minute=row, order=order, verb=verb, text=text), None)
            return row

        apologies = ", ".join(name(key) for key in sorted(away))
        covering = " ".join(
            f"{name(sub)} attended as substitute for {name(principal)}."
            for principal, sub in substituted
        )
        minute("apologies", f"Apologies were received from {apologies}. {covering}".strip())
        previous = meeting.previous
        minute(
            "minutes",
            f"The minutes of the meeting held on {_long(previous.local_date)} were agreed as an "
            "accurate record and signed by the Chair."
            if previous
            else "The minutes of the previous meeting were agreed as an accurate record and "
            "signed by the Chair.",
            (Resolution.Verb.AGREED, "the minutes as an accurate record."),
        )
        if index % 3 == 1:
            declarer = mains[(index + 4) % len(mains)]
            declarer = declarer if declarer not in away else mains[2]
            text = (
                f"{name(declarer)} declared an other interest in item "
                f"{items['topic'].number} as a trustee of a local charity that receives "
                "partnership funding."
            )
            Declaration(
                meeting=meeting,
                person=people[declarer],
                agenda_item=items["topic"],
                kind=Declaration.Kind.OTHER,
                text=text,
            ).save()
            minute("declarations", text)
        else:
            minute("declarations", "No interests were declared.")
        minute("urgent_business", "There was no urgent business.")
        self.minute_rows = {
            "action_review": minute(
                "action_review",
                "The meeting reviewed the open action points and the responses recorded "
                "since the last meeting.\n\nPoints that were complete were closed; the others "
                "stay on the log with their owners.",
                (Resolution.Verb.NOTED, "the action log and the responses received."),
            ),
            "plan": minute(
                "plan",
                "The Partnership Manager presented the latest progress updates. Most actions "
                "were on track, but some were rated red or were past their due date.\n\n"
                "Members asked why several overdue actions had no recovery date, and asked "
                "for the owners of red actions to attend the next meeting.",
                (Resolution.Verb.NOTED, "the progress report."),
                (
                    Resolution.Verb.AGREED,
                    "to ask the owners of actions rated red to set out a recovery plan.",
                ),
            ),
            "topic": minute(
                "topic",
                f"Members received the report on {items['topic'].title.lower()}.\n\n"
                "Members welcomed the progress described and asked how success would be "
                "measured, and how residents would be told of it.",
                (Resolution.Verb.NOTED, "the report."),
                (Resolution.Verb.RECOMMENDED, "that the Board receive the findings."),
            ),
        }
        if "programme" in items:
            minute(
                "programme",
                "The Panel considered its forward work programme.",
                (Resolution.Verb.AGREED, "the forward work programme."),
            )
            minute("next", "The date of the next meeting was noted.")
        else:
            minute(
                "messages",
                "The Board agreed the key messages to share with partners' staff.",
                (Resolution.Verb.AGREED, "the key messages."),
            )
            minute("other", "There was no other business.")
        meeting.minute_rows = self.minute_rows

    # Per meeting: (description, owner person, owner organisation, days to the due date,
    # closed at the next meeting?, plan actions)
    POINTS = [
        ("Circulate the breakdown of overdue actions by owner to all members.", "walsh",
         "EVCSP", 21, True, []),
        ("Report back on the waiting time for target-hardening kits.", "hughes", "EVP", 45,
         False, ["1.4"]),
        ("Invite the owners of red-rated actions to the next meeting.", "carter", "EVCC", 30,
         True, []),
    ]  # fmt: skip

    def actions_raised(self, committee, meetings, index):
        meeting = meetings[index]
        following = [m for m in meetings[index + 1 :] if hasattr(m, "minute_rows")]
        last = index == len([m for m in meetings if hasattr(m, "minute_rows")]) - 1
        for number, (text, person, org, due_in, closes, plan_actions) in enumerate(self.POINTS):
            if committee == self.board and number == 2:
                continue
            point = services.raise_action_point(
                meeting=meeting,
                minute=meeting.minute_rows["plan" if number != 1 else "topic"],
                description=text,
                owner_person=self.people[person],
                owner_organisation=self.orgs[org],
                due_date=meeting.local_date + datetime.timedelta(days=due_in),
                due_meeting=meetings[index + 1] if index + 1 < len(meetings) else None,
                by=None,
            )
            if plan_actions:
                point.plan_actions.set([self.actions[n] for n in plan_actions])
            # Closed at the next meeting, or left open: the latest meeting's points are all
            # open, and one earlier point is still open long after its due date.
            if following and (closes or (number == 1 and index % 2 == 1)):
                services.close_action_point(
                    action_point=point,
                    response=f"Closed: reported to the meeting of {_long(following[0].local_date)}"
                    f" (agenda item {following[0].items['action_review'].number}).",
                    closed_at_meeting=following[0],
                    by=None,
                )
            elif last and number == 0:
                # Due in the future, so open but not overdue.
                point.due_date = self.today + datetime.timedelta(days=14)
                save_as(point, None, update_fields=["due_date"])

    QUESTIONS = [
        ("Reference Delivery Plan action {a}: what is the new date for completing this "
         "action, and what is holding it up?", "brennan", "EVP", ["1.4"]),
        ("Reference Delivery Plan action {b}: how many people have been reached so far, and "
         "how does that compare with the success measure?", "rahman", "EVDAG", ["2.2"]),
    ]  # fmt: skip
    ANSWER = (
        "Response from the Partnership: the owner has reviewed the action with partners. "
        "Recruitment delays held up the first quarter; a revised date has been agreed and "
        "progress will be reported in the next quarterly update."
    )

    def questions(self, meetings, index):
        meeting = meetings[index]
        last = index == max(i for i, m in enumerate(meetings) if hasattr(m, "minute_rows"))
        for number, (text, asker, org, actions) in enumerate(self.QUESTIONS, start=1):
            question = WrittenQuestion(
                meeting=meeting,
                agenda_item=meeting.items["plan"],
                number=number,
                question=text.format(a=actions[0], b=actions[0]),
                asked_by=self.people[asker],
                addressed_to=self.orgs[org],
                response_due=meeting.local_date + datetime.timedelta(days=28 * number),
            )
            question.full_clean()
            save_as(question, None)
            question.plan_actions.set([self.actions[n] for n in actions])
            # The latest meeting's questions await answers (one overdue, one not yet due), and
            # one question of the meeting before it is still unanswered.
            awaiting = last or (index == len(meetings) - 4 and number == 2)
            if not awaiting:
                services.record_written_response(
                    question=question,
                    response=self.ANSWER,
                    responded_by=self.orgs[org],
                    responded_on=meeting.local_date + datetime.timedelta(days=20),
                    by=self.officer,
                )
            elif last and number == 2:
                question.response_due = self.today + datetime.timedelta(days=14)
                save_as(question, None, update_fields=["response_due"])

    def work_programme(self):
        upcoming = [m for m in self.scrutiny_meetings if m.local_date >= self.today]
        held = [m for m in self.scrutiny_meetings if m.minutes_status != "none"]
        rows = []
        for meeting in held[-2:]:
            rows.append(
                (meeting, "", meeting.items["topic"].title, WorkProgrammeItem.Status.CONSIDERED, "")
            )
        for meeting in upcoming:
            rows.append(
                (meeting, "", meeting.items["topic"].title, WorkProgrammeItem.Status.SCHEDULED,
                 "Claire Donovan, Head of Community Safety")
            )  # fmt: skip
        rows.append(
            (None, "To be confirmed", "Review of the partnership's use of community safety "
             "funding", WorkProgrammeItem.Status.PROPOSED, "Partnership Manager")
        )  # fmt: skip
        for order, (meeting, target, title, status, invited) in enumerate(rows, start=1):
            WorkProgrammeItem(
                committee=self.scrutiny,
                meeting=meeting,
                target_text=target,
                title=title,
                issues="What has changed since the last report, and what the partnership "
                "will do next.",
                invited=invited,
                requested_at=held[-1] if status != WorkProgrammeItem.Status.CONSIDERED else None,
                status=status,
                order=order,
            ).save()


def load_example_data(*, today=None):
    """Create or bring up to date the example partnership's data; returns the generator,
    which holds what it made."""
    return ExampleData(today=today).load()
