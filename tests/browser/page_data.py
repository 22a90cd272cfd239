"""The public pages the accessibility checks visit, with the data each dataset needs.

Three datasets: `empty` (nothing published, then bare records: a committee with no meetings,
a meeting with no items, a plan with no actions …), `typical` (the demo data from the seed
papers) and `maximal` (long names, many rows, every optional field and every status). Each
builder writes to the test database and returns the pages to visit as `PageCase`s.
"""

import datetime
import io
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from delivery_plans.models import Action, ActionUpdate, Plan
from meetings import pdf
from meetings.models import (
    ActionPoint,
    AgendaItem,
    AgendaPack,
    Committee,
    Meeting,
    Minute,
    Report,
    WrittenQuestion,
)
from outcomes.models import Measure, Observation, OutcomeFramework
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


@dataclass(frozen=True)
class PageCase:
    """One page to check: `name` appears in failures and screenshot file names.

    `uses_site_layout` is False for the API reference, which Redoc draws in its own markup:
    no skip link or menu of ours, and code samples that scroll in focusable boxes of its own.
    `key` pages are the ones screenshotted, at both widths.
    """

    name: str
    path: str
    status: int = 200
    uses_site_layout: bool = True
    key: bool = False


def _page(name, path, *, key=False, **query):
    return PageCase(name, f"{path}?{urlencode(query, doseq=True)}" if query else path, key=key)


KEY_LIST_PAGES = {
    "home",
    "committees",
    "questions",
    "outstanding",
    "search-no-results",
    "organisations",
    "open-data",
}


# --- pages that need no particular record -------------------------------------------------------


def site_pages(prefix, key=()):
    """The list pages and the pages every site has, whatever it holds; those named in `key`
    are key pages."""
    pages = [
        ("home", reverse("home"), {}),
        ("committees", reverse("meetings:committees"), {}),
        ("questions", reverse("meetings:questions"), {}),
        ("outstanding", reverse("meetings:outstanding"), {}),
        ("plans", reverse("delivery_plans:plans"), {}),
        ("outcomes", reverse("outcomes:frameworks"), {}),
        ("search", reverse("meetings:search"), {}),
        ("search-no-results", reverse("meetings:search"), {"q": "xylophone quango"}),
        ("decisions", reverse("meetings:decisions"), {}),
        ("calendar", reverse("meetings:calendar_month"), {}),
        ("people", reverse("meetings:people"), {}),
        ("organisations", reverse("meetings:organisations"), {}),
        ("open-data", reverse("open_data"), {}),
    ]
    return [
        _page(f"{prefix}-{name}", path, key=name in key, **query) for name, path, query in pages
    ]


def fixed_pages():
    """Pages whose content does not depend on the data."""
    return [
        _page("accessibility-statement", reverse("accessibility")),
        PageCase("api-docs", reverse("api-docs"), uses_site_layout=False, key=True),
        PageCase("not-found", "/no-such-page/", status=404, key=True),
        PageCase("not-found-meeting", "/committees/no-such-committee/2022-02-24/", status=404),
    ]


# --- empty: nothing published, then bare records ------------------------------------------------


def build_empty_records():
    """A record of each kind with nothing under it, and the pages that show them."""
    organisation = OrganisationFactory(name="Norfolk County Council", short_name="NCC")
    lonely = CommitteeFactory(name="New Panel", short_name="", slug="new-panel", description="")
    committee = CommitteeFactory(name="Quiet Panel", slug="quiet-panel")
    meeting = MeetingFactory(
        committee=committee,
        starts_at=timezone.now() - datetime.timedelta(days=30),
        venue="",
    )
    upcoming = MeetingFactory(
        committee=committee, starts_at=timezone.now() + datetime.timedelta(days=30)
    )
    plan = PlanFactory(title="Empty plan", slug="empty-plan", organisation=organisation)
    other_plan = PlanFactory(title="Plan with a bare action", slug="bare-plan")
    action = ActionFactory(
        section=SectionFactory(plan=other_plan, title="Bare section"),
        number="1.1",
        title="An action with nothing else",
        success_measure="",
        due_text="",
        due_precision="unknown",
    )
    framework = OutcomeFrameworkFactory(
        title="Empty framework", slug="empty-framework", summary="", area=None
    )
    outcome = OutcomeFactory(
        framework=OutcomeFrameworkFactory(slug="bare-framework"), number="1", description=""
    )
    measure = MeasureFactory(
        outcome=OutcomeFactory(framework=outcome.framework, number="2"),
        number="1",
        source="",
    )
    return [
        _page("empty-committee-no-meetings", lonely.get_absolute_url(), key=True),
        _page("empty-committee-one-meeting", committee.get_absolute_url()),
        _page("empty-meeting-no-items", meeting.get_absolute_url(), key=True),
        _page("empty-meeting-upcoming-no-items", upcoming.get_absolute_url()),
        _page("empty-plan-no-actions", plan.get_absolute_url(), key=True),
        _page(
            "empty-plan-distance-no-actions", reverse("delivery_plans:distance", args=[plan.slug])
        ),
        _page("empty-plan-bare-action", other_plan.get_absolute_url()),
        _page("empty-action-bare", action.get_absolute_url(), key=True),
        _page("empty-framework-no-outcomes", framework.get_absolute_url()),
        _page("empty-outcome-no-measures", outcome.get_absolute_url()),
        _page(
            "empty-outcome-meetings",
            reverse("outcomes:outcome_meetings", args=[outcome.framework.slug, outcome.number]),
        ),
        _page(
            "empty-plan-meetings-none", reverse("delivery_plans:plan_meetings", args=[plan.slug])
        ),
        _page("empty-measure-no-figures", measure.get_absolute_url(), key=True),
        _page("empty-home-one-upcoming", reverse("home")),
        _page("empty-outstanding-with-a-stale-action", reverse("meetings:outstanding")),
    ]


# --- typical: the demo data ----------------------------------------------------------------------


def typical_meetings():
    """Every public meeting of the seed papers; of the example partnership's year, whose pages
    are built alike, one with minutes and one to come."""
    meetings = list(
        Meeting.objects.public().select_related("committee__partnership").order_by("starts_at")
    )

    def is_example(meeting):
        partnership = meeting.committee.partnership
        return partnership is not None and partnership.is_example

    example = [meeting for meeting in meetings if is_example(meeting)]
    now = timezone.now()
    kept = {
        next((m for m in reversed(example) if m.minutes_are_public), None),
        next((m for m in example if m.starts_at > now), None),
    }
    return [meeting for meeting in meetings if not is_example(meeting) or meeting in kept]


def build_typical():
    """`manage.py load_demo`, and a page of each kind it holds."""
    call_command("load_demo", verbosity=0)
    call_command("build_open_data", "--now", stdout=io.StringIO())
    pages = site_pages("typical", key=KEY_LIST_PAGES)
    for committee in Committee.objects.order_by("slug"):
        key = committee.slug == "nccsp-scrutiny-sub-panel"
        pages.append(
            _page(f"typical-committee-{committee.slug}", committee.get_absolute_url(), key=key)
        )
    for meeting in typical_meetings():
        name = f"typical-meeting-{meeting.committee.slug}-{meeting.local_date}"
        pages.append(_page(name, meeting.get_absolute_url(), key=meeting.minutes_are_public))
    for plan in Plan.objects.public().order_by("slug"):
        pages.append(_page(f"typical-plan-{plan.slug}", plan.get_absolute_url(), key=True))
        pages.append(
            _page(
                f"typical-plan-distance-{plan.slug}",
                reverse("delivery_plans:distance", args=[plan.slug]),
            )
        )
        pages.append(
            _page(
                f"typical-plan-meetings-{plan.slug}",
                reverse("delivery_plans:plan_meetings", args=[plan.slug]),
            )
        )
    cited = Action.objects.filter(written_questions__isnull=False).order_by("pk").first()
    updated = Action.objects.filter(updates__isnull=False).order_by("-pk").first()
    for label, action in (("cited", cited), ("updated", updated)):
        pages.append(_page(f"typical-action-{label}", action.get_absolute_url(), key=True))
    for framework in OutcomeFramework.objects.order_by("slug"):
        key = framework.slug == "safer-norfolk-plan-2021-24"
        pages.append(
            _page(f"typical-framework-{framework.slug}", framework.get_absolute_url(), key=key)
        )
    measure = (
        Measure.objects.filter(observations__isnull=False)
        .select_related("outcome__framework")
        .order_by("pk")
        .first()
    )
    pages.append(_page("typical-outcome", measure.outcome.get_absolute_url()))
    outcome = measure.outcome
    pages.append(
        _page(
            "typical-outcome-meetings",
            reverse("outcomes:outcome_meetings", args=[outcome.framework.slug, outcome.number]),
        )
    )
    pages.append(_page("typical-measure", measure.get_absolute_url(), key=True))
    # The Vice-Chair in the Chair of the February 2022 minutes (seed 000).
    vice_chair = Person.objects.get(name="Penny Carpenter")
    pages.append(_page("typical-person", vice_chair.get_absolute_url(), key=True))
    owner = (
        WrittenQuestion.objects.public().order_by("pk").values_list("addressed_to", flat=True)
    ).first()
    pages.append(
        _page(
            "typical-outstanding-owner-filter",
            reverse("meetings:outstanding"),
            owner_organisation=owner,
            key=True,
        )
    )
    pages.append(
        _page("typical-questions-awaiting", reverse("meetings:questions"), status="awaiting")
    )
    county = Organisation.objects.get(name="Norfolk County Council")
    pages.append(_page("typical-organisation", county.get_absolute_url(), key=True))
    pages.append(
        _page(
            "typical-organisation-period",
            county.get_absolute_url(),
            **{"from": "2021-09-01", "to": "2022-03-31"},
        )
    )
    pages.append(
        _page(
            "typical-organisations-by-attendance",
            reverse("meetings:organisations"),
            sort="-attendance",
        )
    )
    pages.append(
        _page(
            "typical-search-results",
            reverse("meetings:search"),
            q="domestic abuse",
            key=True,
        )
    )
    # Seed 004: the SafeLives Beacon report, written here.
    report = Report.objects.public().get()
    pages.append(_page("typical-report", report.get_absolute_url(), key=True))
    return pages


# --- maximal: long names, many rows, every optional field and every status ---------------------

# As long as each field allows (Committee.name: 200 characters).
LONG_COMMITTEE = (
    "Norfolk Countywide Community Safety Partnership Scrutiny Sub Panel for Domestic Abuse, "
    "Exploitation, Serious Violence, Hate Crime and Neighbourhood Anti-Social Behaviour (joint)"
)
LONG_EMAIL = "community.safety.scrutiny.sub.panel.officer@norfolk-county-council.example.org"
LONG_ADDRESS = (
    "https://www.norfolk.gov.uk/what-we-do-and-how-we-work/councillors-meetings-decisions-and-"
    "elections/committees-their-members-and-minutes/community-safety-scrutiny-sub-panel"
)
LONG_ORGANISATIONS = [
    "Norfolk and Suffolk NHS Foundation Trust Mental Health Liaison Service",
    "Office of the Police and Crime Commissioner for Norfolk (OPCCN)",
    "King's Lynn and West Norfolk Borough Council Community Safety Team",
    "Norfolk Constabulary Safeguarding and Investigations Command",
    "Norfolk County Council Children's Services and Adult Social Services",
    "Leeway Domestic Violence and Abuse Services (Norfolk and Great Yarmouth)",
]
MARKDOWN = (
    "The panel scrutinises the partnership's delivery of its plan, including:\n\n"
    "- the response to domestic abuse and sexual violence across every district;\n"
    "- exploitation, county lines and serious violence;\n"
    "- hate crime and community cohesion.\n\n"
    f"Papers and past minutes: {LONG_ADDRESS}. Write to {LONG_EMAIL}."
)
PARAGRAPHS = "\n\n".join(
    f"Paragraph {number}: members asked how the partnership measured the effect of the "
    "Domestic Abuse Perpetrator Programme across all seven districts, and whether the "
    "counter-terrorism and exploitation referrals were being recorded consistently."
    for number in range(1, 5)
)
DISTRICTS = [
    "breckland", "broadland", "great-yarmouth", "kings-lynn-and-west-norfolk",
    "north-norfolk", "norwich", "south-norfolk",
]  # fmt: skip
RAGS = ["red", "amber", "green", "complete", "not_assessed"]
DISTANCES = ["met", "nearly_met", "some_way", "far_off", "not_assessed"]
VERBS = ["noted", "agreed", "resolved", "recommended", "endorsed", "approved"]


# A long paper as its upload reads it: headings and paragraphs on 23 of its 24 pages, one
# page a chart alone; untagged.
PAPER_WITH_TEXT = {
    "pages": [
        []
        if page == 12
        else [
            ["heading", f"{page}. Domestic abuse referrals by district and agency, 2019 to 2024"],
            *(["paragraph", paragraph] for paragraph in PARAGRAPHS.split("\n\n")),
            ["heading", f"{page}.1 What the panel is asked to do"],
            ["paragraph", f"See {LONG_ADDRESS} for the figures behind this page."],
        ]
        for page in range(1, 25)
    ],
    "has_text_layer": True,
    "is_tagged": False,
    "has_title": True,
    "has_language": True,
}
SCANNED_PAPER = {
    "pages": [[] for _ in range(24)],
    "has_text_layer": False,
    "is_tagged": False,
    "has_title": False,
    "has_language": False,
}


def _long(text, number):
    return (
        f"{text} {number}: review of the multi-agency response to domestic abuse, stalking "
        "and harassment, including the Independent Domestic Violence Adviser service, "
        "refuge capacity and the Norfolk Integrated Domestic Abuse Service"
    )


def _people_and_organisations():
    organisations = [
        OrganisationFactory(name=name, short_name=name.split(" (")[0][:40], kind="police")
        for name in LONG_ORGANISATIONS
    ]
    people = [
        PersonFactory(
            honorific="Cllr" if index % 2 else "",
            name=f"Alexandra Kiddle-Morris-Fitzgerald {index}",
            job_title="Head of Community Safety, Safeguarding and Partnership Development",
            organisation=organisations[index % len(organisations)],
        )
        for index in range(24)
    ]
    return organisations, people


def _plan(organisations, framework, outcome):
    plan = PlanFactory(
        title="Safer Norfolk Plan 2021-24: delivery plan for the Norfolk County Community "
        "Safety Partnership and its partners (year three refresh)",
        slug="maximal-plan",
        organisation=organisations[1],
        framework=framework,
        summary=MARKDOWN,
        version_label="Year 3 refresh, agreed by the Norfolk County Community Safety Partnership",
        reporting_interval_days=92,
    )
    today = timezone.localdate()
    actions = []
    for theme_number in range(1, 4):
        theme = SectionFactory(
            plan=plan, number=str(theme_number), title=_long("Priority", theme_number)
        )
        for section_number in range(1, 3):
            section = SectionFactory(
                plan=plan,
                parent=theme,
                number=f"{theme_number}.{section_number}",
                title=f"Section {theme_number}.{section_number}: tackling exploitation, "
                "county lines and serious violence in every district",
            )
            for index in range(5):
                number = f"{theme_number}.{section_number}.{index + 1}"
                overdue = index == 1
                action = ActionFactory(
                    section=section,
                    number=number,
                    title=_long("Action", number),
                    success_measure=PARAGRAPHS,
                    owner_note="All Norfolk Strategic Housing Partnership partners and the "
                    "district councils' community safety teams",
                    lead=None,
                    due_text="September 2021" if overdue else "Year 3 (to be confirmed)",
                    due_date=today - datetime.timedelta(days=200) if overdue else None,
                    due_precision="month" if overdue else "tbc",
                    method=PARAGRAPHS,
                    indicators=PARAGRAPHS,
                    cost_text="£125,000 a year from the Domestic Abuse New Burdens grant",
                    funding_source="Ministry of Housing, Communities and Local Government",
                    external_ref="CLSG Action 2 / NASP Objective 4",
                    stage="complete" if index == 4 else "in_progress",
                    corrected_at=timezone.now() if index == 0 else None,
                    owners=organisations[: 1 + index % len(organisations)],
                )
                action.outcomes.add(outcome)
                position = len(actions)
                stale = index == 2
                ActionUpdateFactory(
                    action=action,
                    reported_on=today - datetime.timedelta(days=400 if stale else 20),
                    period_label="Update Year 2, quarter 3 (October to December 2022)",
                    text=MARKDOWN,
                    rag=RAGS[position % len(RAGS)],
                    distance=DISTANCES[(position // len(RAGS)) % len(DISTANCES)],
                    corrected_at=timezone.now() if index == 0 else None,
                )
                if index == 3:
                    ActionUpdateFactory(
                        action=action,
                        reported_on=today - datetime.timedelta(days=5),
                        kind="next_steps",
                        text="Next steps: agree the protocol with every district council.",
                        rag="amber",
                        distance="some_way",
                    )
                    ActionUpdateFactory(action=action, status="draft", text="Not yet published.")
                actions.append(action)
    for first, second in zip(actions[::2], actions[1::2], strict=False):
        first.related_actions.add(second)
    return plan, actions


def _outcomes(organisations):
    framework = OutcomeFrameworkFactory(
        title="Safer Norfolk Plan 2021-24 outcomes framework: long-term, intermediate and "
        "short-term outcomes",
        slug="maximal-framework",
        organisation=organisations[1],
        summary=MARKDOWN,
        period_start=datetime.date(2021, 4, 1),
        period_end=datetime.date(2024, 3, 31),
    )
    levels = ["long_term", "intermediate", "short_term"]
    outcomes = [
        OutcomeFactory(
            framework=framework,
            number=str(number),
            level=levels[(number - 1) % 3],
            title=_long("Outcome", number),
            description=MARKDOWN,
        )
        for number in range(1, 7)
    ]
    for source, target in zip(outcomes[1:], outcomes, strict=False):
        source.contributes_to.add(target)
    areas = [area("norfolk"), *(area(slug) for slug in DISTRICTS)]
    measures = []
    for number, (direction, unit) in enumerate(
        [("down", "count"), ("up", "percent"), ("neutral", "rate_per_1000")], start=1
    ):
        measure = MeasureFactory(
            outcome=outcomes[0],
            number=str(number),
            title=f"Number of domestic abuse crimes and incidents recorded by Norfolk "
            f"Constabulary per 1,000 people, by district {number}",
            direction=direction,
            unit=unit,
            direction_note="More reports may mean more confidence to report, so the "
            "direction is not judged"
            if direction == "neutral"
            else "",
            source="Norfolk Constabulary crime and incident recording system (Athena)",
            frequency="annual",
            target_value=90,
            target_date=datetime.date(2024, 3, 31),
        )
        for year in range(2015, 2023):
            for place in areas:
                ObservationFactory(
                    measure=measure,
                    area=place,
                    period_start=datetime.date(year, 4, 1),
                    period_end=datetime.date(year + 1, 3, 31),
                    value=1000 + year * 3 + len(place.name) * (1 if number == 1 else -1),
                    is_provisional=year == 2022,
                    note="Provisional: recording practice changed in April 2022"
                    if year == 2022 and place.slug == "norfolk"
                    else "",
                    corrected_at=timezone.now() if year == 2021 else None,
                )
        measures.append(measure)
    return framework, outcomes, measures


def build_maximal():
    """A committee with every kind of meeting and everything a meeting can hold, a plan with
    every RAG and distance, figures for every district over eight years, and lists long enough
    to run to a second page."""
    now = timezone.now()
    today = timezone.localdate()
    organisations, people = _people_and_organisations()
    framework, outcomes, measures = _outcomes(organisations)
    plan, actions = _plan(organisations, framework, outcomes[0])

    parent = CommitteeFactory(
        name="Norfolk County Council Scrutiny Committee", slug="maximal-parent"
    )
    committee = CommitteeFactory(
        name=LONG_COMMITTEE,
        short_name="NCCSP Domestic Abuse and Exploitation Scrutiny Sub Panel",
        slug="maximal-committee",
        parent=parent,
        partnership=organisations[1],
        contact=people[0],
        contact_email=LONG_EMAIL,
        contact_phone="01603 222222 (textphone 18001 222222)",
        description=MARKDOWN,
        terms_of_reference=MARKDOWN,
    )
    roles = ["chair", "vice_chair"] + ["member"] * 10
    for order, (person, role) in enumerate(zip(people, roles, strict=False)):
        member = MembershipFactory(
            committee=committee,
            person=person,
            role=role,
            representing=person.organisation,
            order=order,
        )
        if order % 3 == 0:
            MembershipFactory(
                committee=committee,
                person=people[12 + order // 3],
                role="substitute",
                substitute_for=member,
                representing=person.organisation,
                order=order,
            )

    confirmed = MeetingFactory(
        committee=committee,
        starts_at=now - datetime.timedelta(days=120),
        status="held",
        minutes_status="confirmed",
        minutes_published_at=now - datetime.timedelta(days=100),
    )
    full = MeetingFactory(
        committee=committee,
        starts_at=now - datetime.timedelta(days=30),
        ends_at=now - datetime.timedelta(days=30) + datetime.timedelta(hours=3),
        venue="Edwards Room, County Hall, Martineau Lane, Norwich NR1 2DH, and online "
        "through Microsoft Teams",
        mode="hybrid",
        livestream_url="https://www.youtube.com/@norfolkcountycouncil/streams",
        public_notice=MARKDOWN,
        minutes_published=True,
        signed_by=people[0],
        corrected_at=now,
    )
    confirmed.minutes_confirmed_at_meeting = full
    confirmed.save()
    cancelled = MeetingFactory(
        committee=committee, starts_at=now - datetime.timedelta(days=60), status="cancelled"
    )
    agenda_only = MeetingFactory(
        committee=committee, starts_at=now - datetime.timedelta(days=90), status="held"
    )
    upcoming = MeetingFactory(
        committee=committee,
        starts_at=now + datetime.timedelta(days=30),
        mode="online",
        venue="Microsoft Teams (online)",
        public_questions_deadline=now + datetime.timedelta(days=25),
        public_notice=MARKDOWN,
    )
    postponed = MeetingFactory(
        committee=committee, starts_at=now + datetime.timedelta(days=60), status="postponed"
    )
    older = [
        MeetingFactory(
            committee=committee,
            starts_at=now - datetime.timedelta(days=150 + 30 * index),
            status="held",
            minutes_status="confirmed",
            minutes_published_at=now - datetime.timedelta(days=140 + 30 * index),
        )
        for index in range(55)
    ]

    items, papers = [], []
    for number in range(1, 16):
        item = AgendaItemFactory(
            meeting=full,
            number=str(number),
            title=_long("Item", number),
            description=MARKDOWN,
            kind="report",
            lead=people[number % len(people)] if number % 2 else None,
            lead_text="" if number % 2 else "Chief Inspector, Norfolk Constabulary",
            duration_minutes=30,
            pack_page=number * 4,
            corrected_at=now if number == 3 else None,
        )
        for index in range(2 if number % 3 == 0 else 0):
            # Item 3's papers: one read page by page (untagged, so the meeting page notes it)
            # and one scanned; the others' files were never read.
            read = (PAPER_WITH_TEXT, SCANNED_PAPER)[index] if number == 3 else {}
            papers.append(
                DocumentFactory(
                    meeting=full,
                    agenda_item=item,
                    title=f"Appendix {index + 1}: {_long('Report', number)}.pdf",
                    page_count=24,
                    size_bytes=2_400_000,
                    **read,
                )
            )
        items.append(item)
    AgendaItemFactory(meeting=full, number="16", title="Exempt report", is_exempt=True)
    for index, person in enumerate(people[:12]):
        AttendanceFactory(
            meeting=full,
            person=person,
            status="apologies" if index >= 9 else "present",
            in_chair=index == 0,
            note="Left the meeting at 11.30 a.m. during item 7" if index == 4 else "",
            order=index,
        )
    for index, person in enumerate(people[12:15]):
        AttendanceFactory(
            meeting=full,
            person=person,
            capacity="substitute",
            status="present",
            substitute_for=people[9 + index],
            order=20 + index,
        )
    for index, person in enumerate(people[15:20]):
        AttendanceFactory(
            meeting=full,
            person=person,
            capacity="officer" if index % 2 else "guest",
            status="present",
            note="" if index % 2 else "Chief Executive, Leeway Domestic Violence and Abuse",
            order=30 + index,
        )
    for index in range(3):
        DeclarationFactory(
            meeting=full,
            person=people[index],
            agenda_item=items[index] if index else None,
            kind="disclosable_pecuniary" if index == 1 else "other",
            text="A trustee of a charity that receives funding from the partnership's grant "
            "programme, and a member of its board.",
        )
    minutes = []
    for number in range(1, 9):
        minute = MinuteFactory(
            meeting=full,
            agenda_item=items[number - 1],
            number=str(number),
            heading=_long("Minute", number),
            body=PARAGRAPHS,
            corrected_at=now if number == 2 else None,
        )
        for order, verb in enumerate(VERBS, start=1):
            ResolutionFactory(
                minute=minute, order=order, verb=verb, text="the report and its appendices."
            )
        minutes.append(minute)
    for index in range(30):
        point = ActionPointFactory(
            meeting=full,
            minute=minutes[index % len(minutes)],
            reference=f"{index + 1:02d}/{full.local_date:%y}",
            description=_long("Circulate a briefing note", index + 1),
            owner_person=people[index % len(people)] if index % 2 else None,
            owner_organisation=organisations[index % len(organisations)],
            due_date=today + datetime.timedelta(days=-40 + 5 * index),
            status="closed" if index % 5 == 4 else "open",
            closed_on=today - datetime.timedelta(days=3) if index % 5 == 4 else None,
            response="Closed: the briefing note was circulated to members on 3 March."
            if index % 5 == 4
            else "",
            corrected_at=now if index == 0 else None,
        )
        point.plan_actions.add(actions[index % len(actions)])
    question_states = [
        {"status": "answered", "response": MARKDOWN, "responded_on": today},
        {"status": "withdrawn"},
        {"status": "awaiting", "response_due": today + datetime.timedelta(days=14)},
        {"status": "awaiting", "response_due": today - datetime.timedelta(days=14)},
        {"status": "awaiting"},
    ]
    for number in range(1, 61):
        state = question_states[number % len(question_states)]
        question = WrittenQuestionFactory(
            meeting=full if number <= 10 else older[number % len(older)],
            agenda_item=items[number % len(items)] if number <= 10 else None,
            number=number,
            question=_long("How will the partnership report progress on", number) + "?",
            asked_by=people[number % len(people)],
            addressed_to=organisations[number % len(organisations)],
            responded_by=organisations[0] if state["status"] == "answered" else None,
            corrected_at=now if number == 1 else None,
            **state,
        )
        question.plan_actions.add(*actions[number % 5 : number % 5 + 2])
    for order in range(8):
        WorkProgrammeItemFactory(
            committee=committee,
            title=_long("Annual report", order + 1),
            meeting=upcoming if order % 2 else None,
            target_text="May/June 2024 (to be confirmed with the Chair and Vice-Chair)",
            issues=MARKDOWN,
            invited="Chief Constable, Police and Crime Commissioner and the Director of "
            "Public Health",
            status="scheduled",
            order=order,
        )
    AgendaPack.objects.create(
        meeting=upcoming,
        restricted=False,
        content_hash=pdf.plan_pack(upcoming).content_hash(),
        status=AgendaPack.Status.BUILDING,
    )

    outstanding = reverse("meetings:outstanding")
    questions = reverse("meetings:questions")
    search = reverse("meetings:search")
    distance = reverse("delivery_plans:distance", args=[plan.slug])
    return [
        *site_pages("maximal", key={"home", "questions"}),
        _page("maximal-committee", committee.get_absolute_url(), key=True),
        _page("maximal-committee-past-meetings-page-2", committee.get_absolute_url(), page=2),
        _page("maximal-meeting-full", full.get_absolute_url(), key=True),
        _page("maximal-paper-text", papers[0].get_text_url(), key=True),
        _page("maximal-paper-scanned", papers[1].get_text_url(), key=True),
        _page("maximal-paper-unread", papers[2].get_text_url()),
        _page("maximal-person", people[1].get_absolute_url(), key=True),
        _page("maximal-meeting-confirmed", confirmed.get_absolute_url()),
        _page("maximal-meeting-cancelled", cancelled.get_absolute_url(), key=True),
        _page("maximal-meeting-agenda-only", agenda_only.get_absolute_url()),
        _page("maximal-meeting-upcoming-pack-building", upcoming.get_absolute_url(), key=True),
        _page("maximal-meeting-postponed", postponed.get_absolute_url()),
        PageCase(
            "maximal-pack-being-prepared",
            reverse("meetings:pack_pdf", args=[committee.slug, upcoming.local_date]),
            status=202,
            key=True,
        ),
        _page("maximal-questions-page-2", questions, page=2),
        _page("maximal-questions-overdue", questions, status="overdue"),
        _page("maximal-outstanding-page-2", outstanding, page=2),
        _page(
            "maximal-outstanding-filtered",
            outstanding,
            kind=["action_point", "question"],
            owner_organisation=organisations[0].pk,
            committee=committee.pk,
            overdue_only="on",
            sort="-raised",
            key=True,
        ),
        _page("maximal-outstanding-bad-date", outstanding, due_after="31/02/2024", key=True),
        _page("maximal-plan", plan.get_absolute_url()),
        _page(
            "maximal-plan-filtered",
            plan.get_absolute_url(),
            rag=["red", "amber"],
            overdue="true",
            updated_since="2000-01-01",
            key=True,
        ),
        _page("maximal-plan-no-match", plan.get_absolute_url(), rag="complete", overdue="true"),
        _page("maximal-plan-distance", distance),
        _page("maximal-action", actions[0].get_absolute_url(), key=True),
        _page("maximal-action-overdue-stale", actions[1].get_absolute_url()),
        _page("maximal-framework", framework.get_absolute_url(), key=True),
        _page("maximal-outcome", outcomes[1].get_absolute_url()),
        _page("maximal-measure", measures[0].get_absolute_url(), key=True),
        _page("maximal-measure-neutral", measures[2].get_absolute_url()),
        _page("maximal-search-results", search, q="domestic abuse"),
        _page("maximal-organisation", organisations[0].get_absolute_url(), key=True),
    ]


# --- the officers' back office -----------------------------------------------------------------


def _admin_url(obj_or_model, view, *args):
    meta = obj_or_model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


def committee_officer_admin_pages():
    """The admin pages a committee officer works in, over the demo data: the index, lists,
    and the add and change forms of every kind of record (with their inlines)."""
    meeting = (
        Meeting.objects.filter(minutes__resolutions__isnull=False, action_points__isnull=False)
        .distinct()
        .order_by("-starts_at")
        .first()
    )
    item = meeting.agenda_items.order_by("sort_key").first()
    minute = meeting.minutes.filter(resolutions__isnull=False).order_by("sort_key").first()
    question = WrittenQuestion.objects.exclude(response="").order_by("pk").first()
    plan = Plan.objects.order_by("pk").first()
    action = Action.objects.filter(updates__isnull=False).order_by("pk").first()
    report = Report.objects.order_by("pk").first()
    pages = [
        ("admin-index", reverse("admin:index")),
        ("admin-meetings-list", _admin_url(Meeting, "changelist")),
        (
            "admin-action-points-list-open",
            _admin_url(ActionPoint, "changelist") + "?status__exact=open",
        ),
        ("admin-committee-add", _admin_url(Committee, "add")),
        ("admin-committee-change", _admin_url(meeting.committee, "change", meeting.committee.pk)),
        ("admin-meeting-add", _admin_url(Meeting, "add")),
        ("admin-meeting-change", _admin_url(meeting, "change", meeting.pk)),
        ("admin-meeting-history", _admin_url(meeting, "history", meeting.pk)),
        ("admin-agenda-item-add", _admin_url(AgendaItem, "add")),
        ("admin-agenda-item-change", _admin_url(item, "change", item.pk)),
        ("admin-minute-add", _admin_url(Minute, "add")),
        ("admin-minute-change", _admin_url(minute, "change", minute.pk)),
        ("admin-action-point-add", _admin_url(ActionPoint, "add")),
        (
            "admin-action-point-change",
            _admin_url(ActionPoint, "change", meeting.action_points.first().pk),
        ),
        ("admin-written-question-add", _admin_url(WrittenQuestion, "add")),
        ("admin-written-question-change", _admin_url(question, "change", question.pk)),
        ("admin-plan-change", _admin_url(plan, "change", plan.pk)),
        (
            "admin-plan-import-actions",
            reverse("admin:delivery_plans_plan_import_actions", args=[plan.pk]),
        ),
        ("admin-plan-action-add", _admin_url(Action, "add")),
        ("admin-plan-action-change", _admin_url(action, "change", action.pk)),
        ("admin-report-add", _admin_url(Report, "add") + f"?agenda_item={item.pk}"),
        ("admin-report-change", _admin_url(report, "change", report.pk)),
        ("admin-action-update-add", _admin_url(ActionUpdate, "add")),
        (
            "admin-action-update-change",
            _admin_url(ActionUpdate, "change", action.updates.first().pk),
        ),
    ]
    return pages


def data_officer_admin_pages():
    """The admin pages a data officer works in: measures and their figures."""
    measure = Measure.objects.filter(observations__isnull=False).order_by("pk").first()
    return [
        ("admin-measure-add", _admin_url(Measure, "add")),
        ("admin-measure-change", _admin_url(measure, "change", measure.pk)),
        ("admin-observations-list", _admin_url(Observation, "changelist")),
        ("admin-observation-import", reverse("admin:outcomes_observation_import")),
    ]


def officer_preview_meeting():
    """A meeting whose agenda is still a draft, with an exempt item and a paper that is not
    public: what an officer sees in preview, and the public never does."""
    meeting = MeetingFactory(
        committee=Committee.objects.order_by("pk").first(),
        starts_at=timezone.now() + datetime.timedelta(days=40),
        draft=True,
    )
    item = AgendaItemFactory(meeting=meeting, number="1", title="Budget monitoring report")
    DocumentFactory(meeting=meeting, agenda_item=item, title="Budget appendix", is_public=False)
    AgendaItemFactory(meeting=meeting, number="2", title="Contract award", is_exempt=True)
    return meeting.get_absolute_url() + "?preview=1"
