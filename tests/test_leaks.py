"""No unpublished material leaks through any public channel (DESIGN §5), and no mangled query
string makes any public URL fail with a server error.

The site is crawled as an anonymous visitor: every URL pattern in the URL configuration
(apart from the admin), with its arguments filled from the objects in the database, every
object's own address, and list pages with search terms. See tests/crawl.py.
"""

import datetime
import io
import itertools
import re
import time
from collections import Counter, defaultdict
from urllib.parse import urlencode

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from alerts import digests
from alerts.models import Message, Subscription
from meetings.models import Document, Report, ReportTemplate
from safer_norfolk import open_data
from safer_norfolk.models import Person
from safer_norfolk.tasks import api_registry
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
)
from tests.pdfs import make_pdf, paper_fields

pytestmark = pytest.mark.django_db

# Every unpublished text carries a unique marker "LEAKMARK<n><what>" and the word LEAK_WORD;
# every published one "PUBLICMARK<n><what>" and PUBLIC_WORD. Markers are single words of
# letters and digits: no hyphen for a PDF line to break at, one token for full-text search.
# Searching for the shared word finds every marked object of its kind at once.
LEAK_WORD, PUBLIC_WORD = "leakmark", "publicmark"
SEARCH_PARAMETERS = ("q", "search", "query", "term")
MIN_URLS = 400


class Markers:
    """Hands out the marked texts and remembers every marker handed out."""

    def __init__(self):
        self.leaks, self.public = set(), set()
        self._numbers = itertools.count(1)

    def _new(self, registry, prefix, what):
        marker = f"{prefix}{next(self._numbers):03d}{what}"
        registry.add(marker)
        return marker

    def leak(self, what):
        """A bare marker for unpublished text (for fields that take one word)."""
        return self._new(self.leaks, "LEAKMARK", what)

    def hidden(self, what):
        """Text that must never reach the public."""
        return f"{self.leak(what)} {LEAK_WORD}"

    def shown(self, what):
        """Text that is published: the crawl must find it somewhere."""
        return f"{self._new(self.public, 'PUBLICMARK', what)} {PUBLIC_WORD}"


def paper(meeting, item, text, *, is_public=True):
    """A real PDF paper whose extracted text (for search and its web page) and title carry
    `text`, stored as an officer's upload stores it."""
    data = make_pdf(text)
    return Document.objects.create(
        meeting=meeting,
        agenda_item=item,
        title=text,
        file=ContentFile(data, name="paper.pdf"),
        is_public=is_public,
        **paper_fields(data),
    )


def report(item, mark, what, *, status="published", **fields):
    """A committee report on `item`, its title and sections marked by `mark`."""
    return Report.objects.create(
        agenda_item=item,
        title=mark(f"{what}ReportTitle"),
        template=ReportTemplate.objects.get(committee__isnull=True),
        sections={
            "strategic_impact": mark(f"{what}ReportImpact"),
            "proposal": mark(f"{what}ReportProposal"),
            "financial": f"| Year | Cost |\n|---|---|\n| 2017 | {mark(f'{what}ReportCost')} |",
        },
        status=status,
        **fields,
    )


def day(offset):
    morning = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
    return morning + datetime.timedelta(days=offset)


def meeting_business(meeting, *, agenda, minutes, what, org, plan_actions=()):
    """An agenda item with a paper, and the minutes' business: a minute with a resolution,
    an action point, written questions, a declaration, an attendance note and a work
    programme item requested at the meeting. `agenda` and `minutes` mark the text of each
    half (Markers.shown or Markers.hidden)."""
    today = timezone.localdate()
    person = PersonFactory(organisation=org)
    item = AgendaItemFactory(
        meeting=meeting,
        title=agenda(f"{what}ItemTitle"),
        description=agenda(f"{what}ItemDescription"),
        lead_text=agenda(f"{what}ItemLead"),
        lead=person,
    )
    paper(meeting, item, agenda(f"{what}Paper"))
    report(item, agenda, what)
    minute = MinuteFactory(
        meeting=meeting,
        agenda_item=item,
        heading=minutes(f"{what}MinuteHeading"),
        body=minutes(f"{what}MinuteBody"),
    )
    ResolutionFactory(minute=minute, text=minutes(f"{what}Resolution"))
    point = ActionPointFactory(
        meeting=meeting,
        committee=meeting.committee,
        minute=minute,
        description=minutes(f"{what}ActionPoint"),
        response=minutes(f"{what}ActionPointResponse"),
        owner_person=person,
        owner_organisation=org,
        due_date=today - datetime.timedelta(days=3),
    )
    answered = WrittenQuestionFactory(
        meeting=meeting,
        agenda_item=item,
        question=minutes(f"{what}Question"),
        status="answered",
        response=minutes(f"{what}QuestionResponse"),
        responded_on=today - datetime.timedelta(days=2),
        responded_by=org,
        addressed_to=org,
        asked_by=person,
    )
    WrittenQuestionFactory(
        meeting=meeting,
        question=minutes(f"{what}AwaitingQuestion"),
        addressed_to=org,
        response_due=today - datetime.timedelta(days=1),
    )
    for linked in (point, answered, item):
        linked.plan_actions.add(*plan_actions)
    DeclarationFactory(
        meeting=meeting, person=person, agenda_item=item, text=minutes(f"{what}Declaration")
    )
    AttendanceFactory(meeting=meeting, person=person, note=minutes(f"{what}AttendanceNote"))
    WorkProgrammeItemFactory(
        committee=meeting.committee,
        requested_at=meeting,
        title=minutes(f"{what}WorkTitle"),
        issues=minutes(f"{what}WorkIssues"),
        invited=minutes(f"{what}WorkInvited"),
    )
    return item


def exempt_business(meeting, item, minute, m, *, org, plan_action):
    """What hangs off an exempt (Part 2) item of published minutes: an action point raised on
    its minute, written questions on the item (answered and awaiting, citing a published plan
    action) and a declaration on it. None of it may reach the public; the published twins are
    made by meeting_business on the meeting's open item."""
    today = timezone.localdate()
    # Named only here: no page, listed nowhere (the slug is neutral, as the crawl asks for it).
    person = PersonFactory(organisation=org, name=m.leak("ExemptOnlyPerson"), slug="unseen-exempt")
    point = ActionPointFactory(
        meeting=meeting,
        committee=meeting.committee,
        minute=minute,
        reference=m.leak("ExemptRef"),
        description=m.hidden("ExemptActionPoint"),
        response=m.hidden("ExemptActionPointResponse"),
        owner_organisation=org,
        due_date=today - datetime.timedelta(days=3),
    )
    answered = WrittenQuestionFactory(
        meeting=meeting,
        agenda_item=item,
        question=m.hidden("ExemptQuestion"),
        status="answered",
        response=m.hidden("ExemptQuestionResponse"),
        responded_on=today - datetime.timedelta(days=2),
        responded_by=org,
        addressed_to=org,
    )
    awaiting = WrittenQuestionFactory(
        meeting=meeting,
        agenda_item=item,
        question=m.hidden("ExemptAwaitingQuestion"),
        addressed_to=org,
        response_due=today - datetime.timedelta(days=1),
    )
    for linked in (point, answered, awaiting):
        linked.plan_actions.add(plan_action)
    DeclarationFactory(
        meeting=meeting, person=person, agenda_item=item, text=m.hidden("ExemptDeclaration")
    )


def build_site():
    """Published material beside an unpublished twin for every way DESIGN §5 and the
    models' public() rules make something unpublished. Returns the Markers."""
    m = Markers()
    today = timezone.localdate()
    partnership = OrganisationFactory(kind="partnership_group")
    police = OrganisationFactory(kind="police")

    # --- outcomes: a published framework, and a draft one --------------------------------
    framework = OutcomeFrameworkFactory(
        organisation=partnership, title=m.shown("FrameworkTitle"), summary=m.shown("Framework")
    )
    outcome = OutcomeFactory(
        framework=framework, title=m.shown("OutcomeTitle"), description=m.shown("Outcome")
    )
    measure = MeasureFactory(
        outcome=outcome,
        title=m.shown("MeasureTitle"),
        direction="neutral",
        direction_note=m.shown("MeasureNote"),
        source=m.shown("MeasureSource"),
    )
    for years in (2, 1):
        ObservationFactory(
            measure=measure,
            period_start=today - datetime.timedelta(days=365 * years),
            period_end=today - datetime.timedelta(days=365 * (years - 1) + 2),
            note=m.shown("ObservationNote"),
        )
    draft_framework = OutcomeFrameworkFactory(
        organisation=partnership,
        status="draft",
        title=m.hidden("DraftFrameworkTitle"),
        summary=m.hidden("DraftFramework"),
    )
    draft_outcome = OutcomeFactory(
        framework=draft_framework,
        title=m.hidden("DraftOutcomeTitle"),
        description=m.hidden("DraftOutcome"),
    )
    draft_measure = MeasureFactory(
        outcome=draft_outcome,
        title=m.hidden("DraftMeasureTitle"),
        direction="neutral",
        direction_note=m.hidden("DraftMeasureNote"),
        source=m.hidden("DraftMeasureSource"),
    )
    ObservationFactory(
        measure=draft_measure,
        period_start=today - datetime.timedelta(days=365),
        period_end=today - datetime.timedelta(days=2),
        note=m.hidden("DraftObservationNote"),
    )
    # The theory of change may link across frameworks: a draft outcome stays unseen.
    outcome.contributes_to.add(draft_outcome)
    draft_outcome.contributes_to.add(outcome)

    # --- delivery plans: published, draft and archived ---------------------------------
    def plan_with_action(status, mark, what, plan_framework):
        plan = PlanFactory(
            organisation=partnership,
            framework=plan_framework,
            status=status,
            title=mark(f"{what}PlanTitle"),
            summary=mark(f"{what}PlanSummary"),
            version_label=mark(f"{what}PlanVersion"),
        )
        theme = SectionFactory(plan=plan, title=mark(f"{what}Theme"))
        priority = SectionFactory(plan=plan, parent=theme, title=mark(f"{what}Priority"))
        action = ActionFactory(
            section=priority,
            title=mark(f"{what}Action"),
            success_measure=mark(f"{what}SuccessMeasure"),
            owner_note=mark(f"{what}OwnerNote"),
            method=mark(f"{what}Method"),
            indicators=mark(f"{what}Indicators"),
            cost_text=mark(f"{what}Cost"),
            funding_source=mark(f"{what}Funding"),
            external_ref=mark(f"{what}ExternalRef"),
            due_date=today - datetime.timedelta(days=10),
            due_precision="day",
            owners=[police],
        )
        ActionUpdateFactory(
            action=action,
            text=mark(f"{what}Update"),
            period_label=mark(f"{what}Period"),
            rag="red",
            distance="far_off",
            reported_on=today,
        )
        return plan, theme, action

    _, theme, action = plan_with_action("published", m.shown, "Published", framework)
    ActionUpdateFactory(  # a draft update on the published plan
        action=action,
        text=m.hidden("DraftUpdate"),
        period_label=m.hidden("DraftUpdatePeriod"),
        status="draft",
        rag="green",
        reported_on=today,
    )
    draft_plan, _, draft_action = plan_with_action("draft", m.hidden, "Draft", draft_framework)
    _, _, archived_action = plan_with_action("archived", m.hidden, "Archived", framework)
    # A published plan may serve a draft framework, and link to unpublished outcomes and actions.
    PlanFactory(organisation=partnership, framework=draft_framework, title=m.shown("OtherPlan"))
    theme.outcomes.add(outcome, draft_outcome)
    action.outcomes.add(outcome, draft_outcome)
    action.related_actions.add(draft_action, archived_action)
    draft_action.outcomes.add(outcome)
    archived_action.outcomes.add(outcome)
    unpublished_actions = (draft_action, archived_action)

    # --- a committee and its meetings in every state ------------------------------------
    contact = PersonFactory(organisation=police, job_title=m.shown("ContactJobTitle"))
    committee = CommitteeFactory(
        partnership=partnership,
        contact=contact,
        contact_email=f"{m.shown('CommitteeEmail').split()[0]}@example.org",
        description=m.shown("CommitteeDescription"),
    )
    MembershipFactory(committee=committee, person=contact, role="chair")

    def meeting(offset, mark, what, **traits):
        return MeetingFactory(
            committee=committee,
            starts_at=day(offset),
            venue=mark(f"{what}Venue"),
            public_notice=mark(f"{what}Notice"),
            **traits,
        )

    # Minutes published: everything public, except exempt items, non-public papers and a
    # response to a question not yet answered.
    published = meeting(-60, m.shown, "Published", minutes_published=True)
    open_item = meeting_business(
        published,
        agenda=m.shown,
        minutes=m.shown,
        what="Published",
        org=police,
        plan_actions=(action, *unpublished_actions),
    )
    # An item may concern a plan or outcomes still in draft: they stay unseen.
    open_item.plan = draft_plan
    open_item.save()
    open_item.outcomes.add(outcome, draft_outcome)
    paper(published, open_item, m.hidden("PrivatePaper"), is_public=False)
    paper(published, None, m.hidden("PrivateLoosePaper"), is_public=False)
    exempt = AgendaItemFactory(
        meeting=published,
        is_exempt=True,
        title=m.hidden("ExemptItemTitle"),
        description=m.hidden("ExemptItemDescription"),
        lead_text=m.hidden("ExemptItemLead"),
    )
    paper(published, exempt, m.hidden("ExemptPaper"))
    report(exempt, m.hidden, "Exempt")
    # A report still in draft, and one published whose clearance is for officers only.
    report(open_item, m.hidden, "Draft", status="draft")
    report(
        open_item,
        m.shown,
        "Cleared",
        legal_cleared_by=m.leak("LegalClearance"),
        finance_cleared_by=m.leak("FinanceClearance"),
    )
    exempt_minute = MinuteFactory(
        meeting=published,
        agenda_item=exempt,
        heading=m.hidden("ExemptMinuteHeading"),
        body=m.hidden("ExemptMinuteBody"),
    )
    ResolutionFactory(minute=exempt_minute, text=m.hidden("ExemptResolution"))
    exempt_business(published, exempt, exempt_minute, m, org=police, plan_action=action)
    for status in ("awaiting", "withdrawn"):
        WrittenQuestionFactory(
            meeting=published,
            question=m.shown(f"{status.title()}Question"),
            status=status,
            response=m.hidden(f"{status.title()}Response"),
        )
    WorkProgrammeItemFactory(
        committee=committee, title=m.shown("WorkItem"), issues=m.shown("WorkItemIssues")
    )
    WorkProgrammeItemFactory(
        committee=committee,
        status="dropped",
        title=m.hidden("DroppedWorkTitle"),
        issues=m.hidden("DroppedWorkIssues"),
        invited=m.hidden("DroppedWorkInvited"),
        target_text=m.hidden("DroppedWorkTarget"),
    )

    # Agenda published, minutes in draft; and minutes not even drafted (rows being typed up).
    draft_minutes = meeting(-30, m.shown, "DraftMinutes", minutes_draft=True)
    meeting_business(
        draft_minutes, agenda=m.shown, minutes=m.hidden, what="DraftMinutes", org=police
    )
    no_minutes = meeting(-10, m.shown, "NoMinutes", status="held")
    meeting_business(no_minutes, agenda=m.shown, minutes=m.hidden, what="NoMinutes", org=police)
    # This meeting's pack takes in the previous minutes and the action log: the draft
    # minutes just before it must be passed over.
    for kind, what in (("minutes", "MinutesItem"), ("action_review", "ActionReviewItem")):
        AgendaItemFactory(meeting=no_minutes, kind=kind, title=m.shown(what))

    # An upcoming meeting with a published agenda, and a draft agenda.
    upcoming = meeting(20, m.shown, "Upcoming")
    AgendaItemFactory(meeting=upcoming, title=m.shown("UpcomingItem"))
    draft = meeting(40, m.hidden, "DraftAgenda", draft=True, minutes_status="draft")
    meeting_business(draft, agenda=m.hidden, minutes=m.hidden, what="DraftAgenda", org=police)

    # --- people named only in unpublished material: no page, listed nowhere --------------
    for where, what in (
        (draft_minutes, "DraftMinutes"),
        (no_minutes, "NoMinutes"),
        (draft, "DraftAgenda"),
    ):
        unseen = PersonFactory(
            organisation=police,
            name=m.leak(f"{what}OnlyPerson"),
            job_title=m.hidden(f"{what}OnlyPersonTitle"),
            slug=f"unseen-{what.lower()}",
        )
        AttendanceFactory(meeting=where, person=unseen, note=m.hidden(f"{what}OnlyAttendance"))
        DeclarationFactory(meeting=where, person=unseen, text=m.hidden(f"{what}OnlyDeclaration"))
        ActionPointFactory(
            meeting=where,
            committee=committee,
            owner_person=unseen,
            description=m.hidden(f"{what}OnlyActionPoint"),
            due_date=today - datetime.timedelta(days=3),
        )
        WrittenQuestionFactory(
            meeting=where, asked_by=unseen, question=m.hidden(f"{what}OnlyQuestion")
        )
    AgendaItemFactory(meeting=draft, lead=Person.objects.get(slug="unseen-draftagenda"))
    # --- organisations named only in unpublished material are never listed ---------------
    for what, where in (
        ("DraftAgenda", draft),
        ("DraftMinutes", draft_minutes),
        ("NoMinutes", no_minutes),
    ):
        body = OrganisationFactory(
            name=m.hidden(f"{what}OnlyOrganisation"), short_name=m.leak(f"{what}OnlyShort")
        )
        AttendanceFactory(meeting=where, person=PersonFactory(organisation=body))
        WrittenQuestionFactory(
            meeting=where, addressed_to=body, question=m.hidden(f"{what}OnlyQuestion")
        )
        ActionPointFactory(
            meeting=where,
            committee=committee,
            owner_organisation=body,
            description=m.hidden(f"{what}OnlyActionPoint"),
        )
    ActionPointFactory(
        meeting=published,
        committee=committee,
        minute=exempt_minute,
        reference=m.leak("XRef"),
        owner_organisation=OrganisationFactory(name=m.hidden("ExemptOnlyOrganisation")),
        description=m.hidden("ExemptOnlyActionPoint"),
    )
    draft_action.owners.add(OrganisationFactory(name=m.hidden("DraftPlanOnlyOrganisation")))

    # --- followers: the published and the unpublished followed by email -----------------
    # A reader followed the draft plan and its action when the address was open (or a
    # forged request): the follow, manage and leave pages never name them.
    followed = [
        ("committee", committee.slug),
        ("plan", action.plan.slug),
        ("action", f"{action.plan.slug}/{action.number}"),
        ("organisation", police.slug),
        ("search", f"q={PUBLIC_WORD}"),
        ("outstanding", f"committee={committee.pk}"),
        ("plan", draft_plan.slug),
        ("action", f"{draft_plan.slug}/{draft_action.number}"),
        ("search", f"q={LEAK_WORD}"),
    ]
    # Confirmed before any of it was published: every change above is news to them.
    confirmed = timezone.now() - datetime.timedelta(days=1)
    for kind, key in followed:
        Subscription.objects.create(
            email="reader@example.org", kind=kind, key=key, confirmed_at=confirmed
        )

    # --- what left the public record: an item of published minutes, deleted -----------
    AgendaItemFactory(meeting=published, title="Withdrawn before the meeting").delete()

    # --- the directory: contact details are never published ----------------------------
    for person in Person.objects.all():
        person.email = f"{m.leak('PersonEmail')}@example.org"
        person.phone = m.leak("PersonPhone")
        person.save()
    return m


def marker_hits(markers, text):
    """The markers in `text`, looked for as they are and with all whitespace removed,
    ignoring case (a template may change it)."""
    plain, squashed = text.lower(), crawl.squashed(text).lower()
    return {marker for marker in markers if marker.lower() in plain or marker.lower() in squashed}


def leak_crawl_urls(objects):
    """Every route with its arguments filled, every object's own address, each list page
    searched for the leak and public words, and the pages of every object asked for with
    each switch the code reads set (?preview=1&restricted=1…, which only officers may use).
    Returns ({url}, [route])."""
    routes = crawl.routes()
    observed = crawl.observed_kwargs(objects)
    switches = urlencode(dict.fromkeys(sorted(crawl.names_read_by_code()), "1"))
    urls = set()
    for route in routes:
        found = crawl.urls_for(route, objects, observed)
        urls.update(found)
        urls.update(
            f"{url}?{switches}"
            for url in crawl.urls_for(route, objects, observed, observed_only=True)
        )
        if not route.kwargs:
            urls.update(
                f"{found[0]}?{urlencode({parameter: word})}"
                for parameter in SEARCH_PARAMETERS
                for word in (LEAK_WORD, PUBLIC_WORD)
                if found
            )
    urls.update(
        obj.get_absolute_url().split("#")[0] for obj in objects if hasattr(obj, "get_absolute_url")
    )
    return urls, routes


# A link to a person's or an organisation's page, in a page's HTML.
RECORD_LINK = re.compile(r'href="(/(?:people|organisations)/[a-z0-9-]+/)"')


# The crawl for leaks runs on SQLite too (its search and outstanding page take paths of their
# own there); hostile query strings only on PostgreSQL, the production database.
@pytest.mark.sqlite
def test_no_unpublished_material_reaches_an_anonymous_visitor_through_any_url(client):
    """Every URL the URL configuration can produce, filled with published and unpublished
    objects alike, answers an anonymous visitor without a server error, and no page, API
    response, PDF, CSV, calendar or feed carries any unpublished marker or any private
    contact detail. Every published twin's marker is found somewhere, published text is
    found in every kind of response, and every pattern answers something other than 404
    at least once: the crawl reaches the content it guards."""
    markers = build_site()
    # The nightly bulk downloads, built from this site: the crawl reads every file of each zip.
    call_command("build_open_data", "--now", stdout=io.StringIO())
    started = time.monotonic()
    urls, routes = leak_crawl_urls(crawl.project_objects())

    failures, statuses_by_route = [], defaultdict(Counter)
    public_found = defaultdict(set)  # marker -> response kinds it was found in
    record_links = defaultdict(set)  # a person's or organisation's page -> pages linking it
    downloads_read = set()
    for url in sorted(urls):
        fetched = crawl.fetch(client, url)
        statuses_by_route[crawl.route_of(url)][fetched.status] += 1
        if fetched.kind == "zip" and fetched.status == 200:
            downloads_read.add(url)
        if fetched.error or fetched.status is None or fetched.status >= 500:
            failures.append(f"{url}: {fetched.status} {fetched.error}")
            continue
        if fetched.kind == "html" and fetched.status == 200:
            for link in RECORD_LINK.findall(fetched.text):
                record_links[link].add(url)
        leaked = marker_hits(markers.leaks, fetched.text)
        if leaked:
            failures.append(f"{url} ({fetched.kind}, {fetched.status}) shows {sorted(leaked)}")
        for marker in marker_hits(markers.public, fetched.text):
            public_found[marker].add(fetched.kind)
    # A name linked on a public page leads to a page: never to a 404 for someone who is
    # not public (named only in unpublished or exempt material).
    for link, linked_from in sorted(record_links.items()):
        status = crawl.fetch(client, link).status
        if status != 200:
            failures.append(f"{link} answers {status}, linked from {sorted(linked_from)[:3]}")
    elapsed = time.monotonic() - started

    never_requested = [route.route for route in routes if not statuses_by_route[route.route]]
    only_not_found = [
        route.route for route in routes if set(statuses_by_route[route.route]) == {404}
    ]
    published_not_found = sorted(markers.public - set(public_found))
    kinds_with_published = {kind for kinds in public_found.values() for kind in kinds}
    print(
        f"{len(routes)} URL patterns, {len(urls)} URLs requested in {elapsed:.1f}s, "
        f"{len(record_links)} linked people and organisations followed"
    )

    # The outbox: what followers are told of the same data.
    written = digests.write_messages()
    outbox = "\n".join(f"{m.subject}\n{m.text}\n{m.html}" for m in Message.objects.all())
    assert written >= 3
    assert not marker_hits(markers.leaks, outbox), "Unpublished material in the outbox"
    assert marker_hits(markers.public, outbox)

    assert not never_requested, f"URL patterns no URL could be built for: {never_requested}"
    assert not only_not_found, f"URL patterns that only ever answered 404: {only_not_found}"
    assert not failures, "Unpublished material or server errors:\n" + "\n".join(failures)
    assert not published_not_found, f"Published text never seen: {published_not_found}"
    assert {"html", "json", "pdf", "csv", "calendar", "atom", "zip"} <= kinds_with_published
    # Every download was read: one zip per kind the API lists, and the zip of all.
    assert len(downloads_read) == len(open_data.kinds_of(api_registry())) + 1
    assert len(urls) >= MIN_URLS
    # The check of linked names reached both kinds of page.
    assert any(link.startswith("/people/") for link in record_links)
    assert any(link.startswith("/organisations/") for link in record_links)


# --- the mangled-query crawl ----------------------------------------------------------------

COMMON_PARAMETERS = {
    "page", "q", "search", "ordering", "sort", "format", "owner", "committee", "status",
    "since", "until", "area", "period", "year",
}  # fmt: skip
NUL = "NUL byte \x00"
HOSTILE_VALUES = [
    "",
    "x",
    "-1",
    "0",
    "99999999999999999999",
    "1e9",
    "2021-02-30",
    "'",
    '"',
    "<script>alert(1)</script>",
    NUL,
    "x" * 5000,
    "Ωμέγα 漢字 عربى",
    "[]",
    "²",  # a digit to str.isdigit(), not to int()
]
# Where a view's parameters have been tried already (the same view under another pattern, a
# PDF, a method the view refuses), the values most likely to break something.
HEAVY_VALUES = [NUL, "99999999999999999999", "x" * 5000, "Ωμέγα 漢字 عربى", "²"]


def hostile_queries(names, values):
    """Query strings giving every name at once each value in turn, and every name twice.
    `format` is left out of these: a renderer it does not know answers 404 before any other
    parameter is read (it is still tried on its own, see one_by_one_queries)."""
    names = sorted(set(names) - {"format"})
    queries = [urlencode([(name, value) for name in names]) for value in values]
    queries.append(urlencode([(name, value) for name in names for value in ("1", "[]")]))
    return queries


def one_by_one_queries(names):
    """Each name alone with a NUL byte: alone, so that no other parameter's validation error
    answers first and hides what it does."""
    return [urlencode({name: NUL}) for name in sorted(names | {"format"})]


def working_url(client, candidates):
    """The first of (a few of) the route's URLs that answers 200, else the first one: the
    sample the hostile parameters are sent to. Returns (url, fetched)."""
    first = None
    for url in candidates[:10]:
        fetched = crawl.fetch(client, url)
        first = first or (url, fetched)
        if fetched.status == 200:
            return url, fetched
    return first


def test_mangled_query_strings_never_cause_a_server_error(client):
    """Every list page, and a working sample of every page with arguments, answers hostile
    query strings (empty, huge, out-of-range, malformed dates, quotes, markup, NUL bytes,
    non-Latin text, repeated parameters) with a page or a 4xx, never a server error. The
    parameter names are those of every FilterSet the project defines or its REST framework
    views use, those its code reads from the query string, and common ones."""
    build_site()
    objects = crawl.project_objects()
    observed = crawl.observed_kwargs(objects)
    corpus = COMMON_PARAMETERS | crawl.module_filterset_names() | crawl.names_read_by_code()
    started = time.monotonic()

    failures, statuses, views_done = [], Counter(), set()
    routes = crawl.routes()
    for route in routes:
        candidates = crawl.urls_for(route, objects, observed)
        assert candidates, f"No URL could be built for {route.route}"
        url, probe = working_url(client, candidates)
        names = corpus | crawl.filterset_names(route)
        view = crawl.view_of(route)
        thorough = probe.kind != "pdf" and probe.status != 405 and view not in views_done
        queries = hostile_queries(names, HOSTILE_VALUES if thorough else HEAVY_VALUES)
        if thorough:
            views_done.add(view)
            queries += one_by_one_queries(crawl.parameters_read_by(route))
        for query in queries:
            fetched = crawl.fetch(client, f"{url}?{query}")
            statuses[fetched.status] += 1
            if fetched.error or fetched.status is None or fetched.status >= 500:
                failures.append(f"{url}?{query[:300]}: {fetched.status} {fetched.error}")
    elapsed = time.monotonic() - started
    requests = sum(statuses.values())
    print(f"{len(routes)} patterns, {requests} mangled requests in {elapsed:.1f}s: {statuses}")

    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures[:40])
    assert statuses[200] > 0
    assert sum(count for status, count in statuses.items() if 400 <= status < 500) > 0
