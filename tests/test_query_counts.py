"""Query counts do not grow with data: every public URL pattern (pages, feeds, calendars,
exports, PDFs and the read API) costs the same number of queries with SMALL and with LARGE
of everything per parent, and no more than a page or an API list may cost.

The site is built at each size with the same shape (`build`), inside a savepoint that is
rolled back afterwards. Every URL pattern is filled as the crawl fills it (tests/crawl.py),
from the first object of each model, which the builder makes the fullest: the first
committee's first meeting has every kind of business and confirms the minutes of the one
before it, the first plan action is cited by questions and action points at every meeting.
So a new URL pattern is measured without editing this test. A pattern's count is the
largest of its URLs' that answer 200.
"""

import datetime
import io
import re
from collections import Counter
from dataclasses import dataclass, field

import pytest
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alerts.models import Subscription
from meetings.models import Document, Minute, Report, ReportTemplate
from tests import crawl
from tests.factories import (
    ActionFactory,
    ActionPointFactory,
    ActionUpdateFactory,
    AgendaItemFactory,
    AttendanceFactory,
    CommitteeFactory,
    DeclarationFactory,
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
from tests.pdfs import make_pdf, paper_fields

pytestmark = pytest.mark.django_db

SMALL, LARGE = 2, 5
MAX_PAGE_QUERIES = 15
# Pages with more lists than the limit allows for, one query a list, with the reason.
PAGE_LIMITS = {
    # The meeting, its agenda, the papers and the reports written here on its items, the
    # points brought forward, attendance, declarations, minutes, decisions, action points,
    # questions and the plan actions they cite, the minutes it confirms, and its pack.
    "meetings:meeting": 16,
}
MAX_API_LIST_QUERIES = 8
API_PREFIX = "api/v1/"
# Held to a constant count but not to the page limit, with the reason.
BEYOND_THE_PAGE_LIMIT = {
    name: (
        "built by a background task and stored; a request checks that the stored pack is "
        "current by hashing everything it shows (front sheet, previous minutes, action log, "
        "changes since the last meeting), so it reads what those pages read together"
    )
    for name in ("meetings:agenda_pdf", "meetings:pack_pdf")
}
# Every searchable text the builder writes carries this word, so searching for it finds
# every kind of result (full-text on PostgreSQL, a plain match on SQLite).
WORD = "burglary"
SEARCH_PARAMETER = "q"


# --- the site at a size -------------------------------------------------------------------


def days_from_now(days):
    return timezone.now().replace(microsecond=0) + datetime.timedelta(days=days)


def financial_year(year):
    return {"period_start": datetime.date(year, 4, 1), "period_end": datetime.date(year + 1, 3, 31)}


def build_outcomes(n, partnership):
    """n frameworks of n outcomes of n measures, each with n yearly figures for the county,
    one for a district and a recent monthly one. Returns the first framework's outcomes."""
    today = timezone.localdate()
    county, district = area("norfolk"), area("norwich")
    levels = ["long_term", "intermediate", "short_term"]
    first_outcomes = []
    for _ in range(n):
        framework = OutcomeFrameworkFactory(organisation=partnership, area=county)
        outcomes = []
        for o in range(n):
            outcome = OutcomeFactory(
                framework=framework,
                number=str(o + 1),
                level=levels[o % len(levels)],
                title=f"Fewer {WORD} victims {o}",
            )
            if outcomes:  # the theory of change: the first outcome and every later one
                outcome.contributes_to.add(outcomes[0])
                outcomes[0].contributes_to.add(outcome)
            outcomes.append(outcome)
            for m in range(n):
                measure = MeasureFactory(
                    outcome=outcome, number=str(m + 1), title=f"Reported {WORD} offences {m}"
                )
                for year in range(n):
                    ObservationFactory(
                        measure=measure,
                        area=county,
                        value=100 + year,
                        **financial_year(2015 + year),
                    )
                ObservationFactory(measure=measure, area=district, value=7, **financial_year(2015))
                ObservationFactory(
                    measure=measure,
                    area=county,
                    value=9,
                    period_start=today - datetime.timedelta(days=30),
                    period_end=today - datetime.timedelta(days=1),
                )
        if first_outcomes:  # a link across frameworks
            outcomes[0].contributes_to.add(first_outcomes[0])
        else:
            first_outcomes = outcomes
    return first_outcomes


def build_plans(n, partnership, partners, outcomes):
    """n published plans of n themes with a priority each and n actions over them, each
    with a lead, owners, outcomes, a related action and n published updates (and a draft).
    Returns the first plan's actions."""
    today = timezone.localdate()
    rags, distances = ["red", "amber", "green"], ["far_off", "some_way", "nearly_met"]
    first_actions = []
    for _ in range(n):
        plan = PlanFactory(organisation=partnership, framework=outcomes[0].framework)
        priorities = []
        for s in range(n):
            theme = SectionFactory(plan=plan, number=str(s + 1), title=f"Theme {s}")
            theme.outcomes.add(outcomes[s % len(outcomes)])
            priorities.append(
                SectionFactory(plan=plan, parent=theme, number=f"{s + 1}.1", title=f"Priority {s}")
            )
        actions = []
        for a in range(n):
            owner = partners[a % n]
            action = ActionFactory(
                section=priorities[a % n],
                number=f"{a % n + 1}.{a + 1}",
                title=f"Target {WORD} hot spots {a}",
                lead=PersonFactory(organisation=owner),
                due_date=today - datetime.timedelta(days=10),
                due_precision="day",
                owners=[owner, partners[(a + 1) % n]],
            )
            action.outcomes.add(outcomes[a % len(outcomes)])
            if actions:
                action.related_actions.add(actions[0])
            for u in range(n):
                ActionUpdateFactory(
                    action=action,
                    author=action.lead,
                    reported_on=today - datetime.timedelta(days=30 * u),
                    text=f"Progress on {WORD} this quarter {u}.",
                    rag=rags[(a + u) % 3],
                    distance=distances[(a + u) % 3],
                )
            ActionUpdateFactory(action=action, status="draft", text="Not yet published.")
            actions.append(action)
        first_actions = first_actions or actions
    return first_actions


def paper(meeting, item, data, title):
    """A paper stored as an officer's upload stores it (its pages for its web page)."""
    return Document.objects.create(
        meeting=meeting,
        agenda_item=item,
        title=title,
        file=ContentFile(data, name="paper.pdf"),
        **{**paper_fields(data), "text": f"{title} page 1"},
    )


@dataclass
class Setting:
    """What a meeting's business refers to."""

    members: list
    substitutes: list
    partners: list
    actions: list
    outcomes: list
    pdf_data: bytes
    plan: object = field(init=False)

    def __post_init__(self):
        self.plan = self.actions[0].plan


def meeting_business(meeting, n, setting):
    """n of each part of a meeting's business: agenda items with a paper each (the first
    takes in the previous minutes, the second reviews the action log), minutes with n
    resolutions, attendance (with substitutes), declarations, action points and written
    questions citing plan actions; and a paper of no item."""
    today = timezone.localdate()
    kinds = ["minutes", "action_review"]
    for i in range(n):
        member, owner = setting.members[i], setting.partners[i]
        action = setting.actions[i % len(setting.actions)]
        item = AgendaItemFactory(
            meeting=meeting,
            number=str(i + 1),
            kind=kinds[i] if i < len(kinds) else "report",
            title=f"{WORD} report {i}",
            lead=member,
            plan=setting.plan,
        )
        item.plan_actions.add(action)
        item.outcomes.add(setting.outcomes[i % len(setting.outcomes)])
        paper(meeting, item, setting.pdf_data, f"{WORD} paper {i}")
        report = Report.objects.create(
            agenda_item=item,
            title=f"{WORD} written report {i}",
            template=ReportTemplate.objects.get(committee__isnull=True),
            sections={
                "strategic_impact": f"The {WORD} report's impact.",
                "proposal": f"A {WORD} proposal.\n\nIts second paragraph.",
            },
            status="published",
        )
        report.plans.add(setting.plan)
        report.plan_actions.add(action)
        report.outcomes.add(setting.outcomes[i % len(setting.outcomes)])
        minute = MinuteFactory(
            meeting=meeting,
            agenda_item=item,
            number=str(i + 1),
            heading=f"{WORD} minute {i}",
            body=f"The panel received the {WORD} report.\n\nMembers discussed it.",
        )
        for r in range(n):
            ResolutionFactory(minute=minute, order=r + 1, text=f"the {WORD} report {r}.")
        sent_apologies = i % 2 == 1
        AttendanceFactory(
            meeting=meeting,
            person=member,
            status="apologies" if sent_apologies else "present",
            in_chair=i == 0,
        )
        if sent_apologies:
            AttendanceFactory(
                meeting=meeting,
                person=setting.substitutes[i],
                capacity="substitute",
                substitute_for=member,
            )
        DeclarationFactory(meeting=meeting, person=member, agenda_item=item)
        closed = i % 2 == 1
        point = ActionPointFactory(
            meeting=meeting,
            committee=meeting.committee,
            minute=minute,
            description=f"Circulate the {WORD} briefing {i}",
            owner_person=member,
            owner_organisation=owner,
            due_date=None if i % 3 == 2 else today - datetime.timedelta(days=3),
            due_meeting=meeting if i % 3 == 2 else None,
            status="closed" if closed else "open",
            closed_on=today if closed else None,
            closed_at_meeting=meeting if closed else None,
            response=f"Circulated the {WORD} briefing." if closed else "",
        )
        point.plan_actions.add(setting.actions[0], action)
        answered = i % 2 == 0
        question = WrittenQuestionFactory(
            meeting=meeting,
            agenda_item=item,
            question=f"How many {WORD} reports were made in quarter {i}?",
            asked_by=member,
            addressed_to=owner,
            status="answered" if answered else "awaiting",
            response=f"There were {i} {WORD} reports." if answered else "",
            responded_on=today - datetime.timedelta(days=2) if answered else None,
            responded_by=owner if answered else None,
            response_due=None if answered else today - datetime.timedelta(days=1),
        )
        question.plan_actions.add(setting.actions[0], action)
    paper(meeting, None, setting.pdf_data, f"{WORD} supplementary paper")


def build_committee(n, partnership, parent, setting):
    """A committee of n members with a substitute each, n meetings held (the first made is
    the latest, and confirms the minutes of the others) and n upcoming, each with n agenda
    items, and n work programme items."""
    committee = CommitteeFactory(
        partnership=partnership,
        parent=parent,
        contact=setting.members[0],
        contact_email="panel@example.org",
        description=f"Scrutinises the partnership's work on {WORD}.",
    )
    for i, (member, substitute) in enumerate(
        zip(setting.members, setting.substitutes, strict=True)
    ):
        main = MembershipFactory(
            committee=committee,
            person=member,
            role="chair" if i == 0 else "member",
            representing=member.organisation,
            order=i,
        )
        MembershipFactory(
            committee=committee, person=substitute, role="substitute", substitute_for=main
        )
    held = []
    for k in range(n):
        meeting = MeetingFactory(
            committee=committee,
            starts_at=days_from_now(-7 * (k + 1)),
            minutes_published=True,
            signed_by=setting.members[0],
            venue=f"County Hall {WORD} suite",
            public_notice=f"The panel scrutinises {WORD}.",
        )
        if held:
            meeting.minutes_status = "confirmed"
            meeting.minutes_confirmed_at_meeting = held[0]
            meeting.save()
        held.append(meeting)
        meeting_business(meeting, n, setting)
    for k in range(n):
        upcoming = MeetingFactory(
            committee=committee,
            starts_at=days_from_now(7 * (k + 1)),
            public_notice=f"The panel scrutinises {WORD}.",
        )
        for i in range(n):
            AgendaItemFactory(meeting=upcoming, number=str(i + 1), title=f"{WORD} update {i}")
        WorkProgrammeItemFactory(
            committee=committee,
            meeting=upcoming,
            requested_at=held[k],
            title=f"{WORD} annual report {k}",
            order=k,
        )
    return committee


def build(n, pdf_data):
    """The site with n of everything per parent, all of it published."""
    partnership = OrganisationFactory(kind="partnership_group")
    partners = [OrganisationFactory(kind="police") for _ in range(n)]
    outcomes = build_outcomes(n, partnership)
    actions = build_plans(n, partnership, partners, outcomes)
    parent = None
    for _ in range(n):
        setting = Setting(
            members=[PersonFactory(organisation=partners[i]) for i in range(n)],
            substitutes=[PersonFactory(organisation=partners[i]) for i in range(n)],
            partners=partners,
            actions=actions,
            outcomes=outcomes,
            pdf_data=pdf_data,
        )
        committee = build_committee(n, partnership, parent, setting)
        parent = parent or committee
    # n published records deleted since: the API's changes feed lists them.
    for minute in list(Minute.objects.order_by("-pk")[:n]):
        minute.delete()
    # A reader following the last committee, by email.
    Subscription.objects.create(
        email="reader@example.org",
        kind="committee",
        key=committee.slug,
        confirmed_at=timezone.now(),
    )


# --- counting -----------------------------------------------------------------------------


@dataclass
class Measured:
    route: crawl.Route
    count: int = 0  # the largest of the URLs' that answered 200 (of all, if none did)
    url: str = ""  # the URL that cost it
    sql: list = field(default_factory=list)
    answered: bool = False  # whether that URL answered 200
    mentions: int = 0  # how often its body shows WORD
    statuses: Counter = field(default_factory=Counter)

    def add(self, url, status, sql, body):
        """Keep the costliest response, a page that answered 200 before any other."""
        self.statuses[status] += 1
        if not self.url or (status == 200, len(sql)) > (self.answered, self.count):
            self.count, self.url, self.sql, self.answered = len(sql), url, sql, status == 200
            self.mentions = body.count(WORD.encode())

    @property
    def is_write_only(self):
        """Every URL refused GET: an action that only writes, not a page."""
        return set(self.statuses) == {405}


def urls_by_pattern():
    """{label: (route, [url])}: every URL pattern filled from the first object of each model,
    and for a view that reads the search parameter, a search for WORD."""
    objects = crawl.first_objects()
    observed = crawl.observed_kwargs(objects)
    found = {}
    for route in crawl.routes():
        urls = crawl.urls_for(route, objects, observed)
        found[route.route] = (route, urls)
        if urls and SEARCH_PARAMETER in crawl.parameters_read_by_view(route):
            found[f"{route.route}?{SEARCH_PARAMETER}={WORD}"] = (
                route,
                [f"{url}?{SEARCH_PARAMETER}={WORD}" for url in urls],
            )
    return found


def get(client, url):
    """(status, [SQL]) of one anonymous request, its body read to the end. Every cache is
    emptied first: the request costs what the first visitor after a change pays."""
    for cache in caches.all():
        cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        body = read_body(response)
    return response.status_code, [query["sql"] for query in captured.captured_queries], body


def measure(client, n, pdf_data):
    """{label: Measured} with the site built at size n. Each pattern's first URL (the one
    filled from the objects' own addresses) is requested once before anything is measured,
    as a running site has served it before: process caches are warm and the background task
    has built the agenda packs. The nightly bulk downloads are built, as the site's would be."""
    with transaction.atomic():
        build(n, pdf_data)
        call_command("build_open_data", "--now", stdout=io.StringIO())
        found = urls_by_pattern()
        for _, urls in found.values():
            if urls:
                get(client, urls[0])
        results = {}
        for label, (route, urls) in found.items():
            measured = results[label] = Measured(route)
            for url in urls:
                measured.add(url, *get(client, url))
        transaction.set_rollback(True)
    return results


LITERALS = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")
PLACEHOLDER_LISTS = re.compile(r"#(?:\s*,\s*#)+")
SAVEPOINT_NAMES = re.compile(r'(SAVEPOINT )"?\w+"?')


def shape(sql):
    """The SQL with its literal values and savepoint names taken out: the queries of an
    N+1 share one shape."""
    sql = SAVEPOINT_NAMES.sub(r"\1#", sql)
    sql = LITERALS.sub("#", sql.replace("%s", "#").replace("?", "#"))
    return PLACEHOLDER_LISTS.sub("#…", sql)


def limit_for(route):
    if route.name in BEYOND_THE_PAGE_LIMIT:
        return None
    if route.route.startswith(API_PREFIX) and "pk" not in route.kwargs:
        return MAX_API_LIST_QUERIES
    return PAGE_LIMITS.get(route.name, MAX_PAGE_QUERIES)


def explain(label, small, large):
    """Why a pattern failed, with the queries that grew and those repeated."""
    problems = []
    if not small.statuses[200] or not large.statuses[200]:
        problems.append(
            f"no URL answered 200 (n={SMALL}: {dict(small.statuses)}, n={LARGE}: {dict(large.statuses)})"
        )
    if small.count != large.count:
        problems.append(f"{small.count} queries with n={SMALL}, {large.count} with n={LARGE}")
    limit = limit_for(large.route)
    if limit is not None and large.count > limit:
        problems.append(f"{large.count} queries, more than {limit}")
    if not problems:
        return ""
    lines = [f"{label} ({large.url}): {'; '.join(problems)}"]
    if small.count != large.count:
        grown = Counter(map(shape, large.sql)) - Counter(map(shape, small.sql))
        lines += [f"    {count} more of: {sql}" for sql, count in grown.most_common()]
    repeated = [(sql, count) for sql, count in Counter(map(shape, large.sql)).items() if count > 1]
    lines += [f"    {count} times: {sql}" for sql, count in repeated]
    return "\n".join(lines)


def test_query_counts_do_not_grow_with_data(client):
    """Every URL pattern costs the same number of queries at both sizes, within its limit,
    and answers 200 for at least one of its URLs (the count is of a real page, not of a 404).
    Patterns whose every URL refuses GET (405: actions that only write) are left out."""
    pdf_data = make_pdf(f"{WORD} report")
    small = measure(client, SMALL, pdf_data)
    large = measure(client, LARGE, pdf_data)

    failures = []
    table = [f"{'pattern':<72} n={SMALL} n={LARGE} limit  {WORD!r} shown at n={SMALL}, n={LARGE}"]
    for label in sorted(set(small) | set(large)):
        at_small, at_large = small.get(label), large.get(label)
        route = (at_small or at_large).route
        at_small, at_large = at_small or Measured(route), at_large or Measured(route)
        if at_small.is_write_only and at_large.is_write_only:
            continue
        # A search's feed refuses a search for nothing (400): it is measured searching.
        searched = f"{label}?{SEARCH_PARAMETER}={WORD}"
        if searched in large and set(at_small.statuses) == set(at_large.statuses) == {400}:
            continue
        limit = limit_for(route)
        table.append(
            f"{label:<72} {at_small.count:>3} {at_large.count:>3}  {limit or 'none':<5}"
            f"  {at_small.mentions:>3} {at_large.mentions:>3}"
        )
        failures.append(explain(label, at_small, at_large))
    table += [f"{name}: no page limit: {reason}" for name, reason in BEYOND_THE_PAGE_LIMIT.items()]
    print("\n".join(table))

    # The built data reaches the pages: most of those showing it show more at the larger size.
    showing = [label for label, measured in large.items() if measured.mentions]
    grown = [label for label in showing if large[label].mentions > small[label].mentions]
    assert len(grown) * 2 > len(showing), f"Few pages show more at n={LARGE}: {grown}"
    failures = [failure for failure in failures if failure]
    assert not failures, "Query counts that grow with data or pass the limit:\n" + "\n\n".join(
        failures
    )
