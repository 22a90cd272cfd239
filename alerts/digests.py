"""Writing the messages that tell followers what changed (run by `send_notifications`).

A subscription is due when confirmed and, for one sent once a week, when its last message is
a week old. Its news is every change (alerts.changes) about what it follows since its last
message (or since it was confirmed) whose record is still published now:
- a committee hears of its meetings' agendas, minutes, cancellations, papers and answers;
- a plan and a plan action of their published progress updates, and of figures added to the
  measures of the outcomes they serve;
- an organisation of the answers it gave, the minutes that gave it action points or asked
  it questions, and the updates of the plan actions it owns;
- a search and a filter of the outstanding page of what they find that they did not find at
  the run before (each followed query is run once a run, whatever its followers' number).

The work is done in batches, whatever the number of followers: the changes since the oldest
due subscription's last message are read once, with what they are about, and mapped to the
things they concern; then the due subscriptions following those things are read and their
messages written a batch at a time, each subscription's last message stamped in the same
transaction (its row claimed with SKIP LOCKED, so two runs never write the same news twice).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.db.models.functions import Coalesce, Greatest
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import timezone

from alerts import delivery, links, services, targets
from alerts.models import Change, FollowedQuery, Message, QueryChange, Subscription
from delivery_plans.models import Action, ActionUpdate, Plan, Section
from meetings import outstanding
from meetings import search as site_search
from meetings.filters import OutstandingFilter
from meetings.forms import SearchForm
from meetings.models import ActionPoint, Document, Meeting, WrittenQuestion
from outcomes.models import Measure, Observation
from safer_norfolk import formats

Kind = Subscription.Kind
WEEK = datetime.timedelta(days=7)
BATCH = 1000
FOLLOWED = (
    Kind.COMMITTEE, Kind.PLAN, Kind.ACTION, Kind.ORGANISATION, Kind.SEARCH, Kind.OUTSTANDING,
)  # fmt: skip
# Followed as queries (targets.QUERIES): each run, what they find is compared with what
# they found before.
QUERIES = targets.QUERIES
# The rows of an outstanding filter, newest raised first, that a run compares.
QUERY_ROWS = 500


@dataclass
class News:
    """One change as a follower reads it."""

    at: datetime.datetime
    label: str  # "Minutes published"
    text: str  # "Scrutiny Panel, 4 December 2026"
    path: str  # where to read it, on the site


def due(now):
    """The confirmed subscriptions that may be sent a message now."""
    return Subscription.objects.filter(confirmed_at__isnull=False, kind__in=FOLLOWED).filter(
        Q(frequency=Subscription.Frequency.IMMEDIATE)
        | Q(last_sent_at__isnull=True)
        | Q(last_sent_at__lte=now - WEEK)
    )


def _since(subscription):
    return max(
        moment for moment in (subscription.last_sent_at, subscription.confirmed_at) if moment
    )


# --- the news -----------------------------------------------------------------------------


def published_news(since, until):
    """{(kind, key): [News]}: the changes in (since, until] whose records are published now,
    under each thing they concern, oldest first. A few queries, whatever their number."""
    changes = list(
        Change.objects.filter(at__gt=since, at__lte=until)
        .select_related(
            "meeting__committee",
            "document__meeting__committee",
            "question__meeting__committee",
            "question__addressed_to",
            "update__action__plan",
        )
        .order_by("at", "pk")
    )
    published = _published(changes)
    by_meeting, by_action = _organisations_named(changes)
    concerned = defaultdict(list)
    for change in changes:
        if change.pk not in published:
            continue
        news, keys = _read(change, by_meeting, by_action)
        for key in keys:
            concerned[key].append(news)
    return concerned


def _published(changes):
    """The keys of the changes whose records are published now."""
    about = {
        Change.Kind.AGENDA: ("meeting", Meeting.objects.public()),
        Change.Kind.CANCELLED: ("meeting", Meeting.objects.public()),
        Change.Kind.MINUTES: ("meeting", Meeting.objects.with_public_minutes()),
        Change.Kind.PAPER: ("document", Document.objects.public()),
        Change.Kind.ANSWER: (
            "question",
            WrittenQuestion.objects.public().filter(status=WrittenQuestion.Status.ANSWERED),
        ),
        Change.Kind.UPDATE: ("update", ActionUpdate.objects.public()),
    }
    published = set()
    for kind, (field, rows) in about.items():
        of_kind = [change for change in changes if change.kind == kind]
        records = {getattr(change, f"{field}_id") for change in of_kind}
        if not records:
            continue
        found = set(rows.filter(pk__in=records).values_list("pk", flat=True))
        published |= {change.pk for change in of_kind if getattr(change, f"{field}_id") in found}
    return published


def _organisations_named(changes):
    """({meeting: {organisation slug}} owning a published action point of, or addressed by a
    published question at, each meeting whose minutes changed; {action: {slug}} owning each
    plan action whose update changed)."""
    minutes = [change.meeting_id for change in changes if change.kind == Change.Kind.MINUTES]
    by_meeting = defaultdict(set)
    if minutes:
        for rows, field in (
            (ActionPoint.objects.public(), "owner_organisation"),
            (WrittenQuestion.objects.public(), "addressed_to"),
        ):
            named = rows.filter(meeting__in=minutes, **{f"{field}__isnull": False})
            for meeting, slug in named.values_list("meeting_id", f"{field}__slug"):
                by_meeting[meeting].add(slug)
    actions = [change.update.action_id for change in changes if change.kind == Change.Kind.UPDATE]
    by_action = defaultdict(set)
    if actions:
        owners = Action.owners.through.objects.filter(action__in=actions)
        for action, slug in owners.values_list("action_id", "organisation__slug"):
            by_action[action].add(slug)
    return by_meeting, by_action


def _meeting_text(meeting):
    return f"{meeting.committee.name}, {formats.date(meeting.local_date, 'j F Y')}"


def _read(change, by_meeting, by_action):
    """(News, [(kind, key) of each thing it concerns])."""
    label = change.get_kind_display()
    if change.kind in (Change.Kind.AGENDA, Change.Kind.MINUTES, Change.Kind.CANCELLED):
        meeting = change.meeting
        keys = [(Kind.COMMITTEE, meeting.committee.slug)]
        keys += [(Kind.ORGANISATION, slug) for slug in sorted(by_meeting.get(meeting.pk, ()))]
        return News(change.at, label, _meeting_text(meeting), meeting.get_absolute_url()), keys
    if change.kind == Change.Kind.PAPER:
        document = change.document
        news = News(
            change.at,
            label,
            f"{document.title} ({_meeting_text(document.meeting)})",
            document.get_absolute_url(),
        )
        return news, [(Kind.COMMITTEE, document.meeting.committee.slug)]
    if change.kind == Change.Kind.ANSWER:
        question = change.question
        meeting = question.meeting
        who = f" from {question.addressed_to.name}" if question.addressed_to else ""
        news = News(
            change.at,
            label,
            f"Question {question.number}{who} ({_meeting_text(meeting)})",
            question.get_absolute_url(),
        )
        keys = [(Kind.COMMITTEE, meeting.committee.slug)]
        if question.addressed_to:
            keys.append((Kind.ORGANISATION, question.addressed_to.slug))
        return news, keys
    update = change.update
    action = update.action
    news = News(
        change.at,
        label,
        f"{action.plan.title}: action {action.number}, {update.get_rag_display()}",
        update.get_absolute_url(),
    )
    keys = [(Kind.PLAN, action.plan.slug), (Kind.ACTION, f"{action.plan.slug}/{action.number}")]
    keys += [(Kind.ORGANISATION, slug) for slug in sorted(by_action.get(action.pk, ()))]
    return news, keys


# --- figures added -------------------------------------------------------------------------


def figures_news(since, until):
    """{(kind, key): [News]}: for each published plan and plan action, the figures added in
    (since, until] (from the figures' audit history: imports write it too) that are published
    now, one item a measure, under the plans whose actions or sections serve its outcome."""
    added = {
        row["measure_id"]: row
        for row in Observation.history.filter(
            history_type="+",
            history_date__gt=since,
            history_date__lte=until,
            id__in=Observation.objects.public().values("pk"),
        )
        .order_by()
        .values("measure_id")
        .annotate(count=Count("history_id"), last=Max("history_date"))
    }
    if not added:
        return {}
    measures = Measure.objects.filter(pk__in=added).select_related("outcome__framework")
    by_outcome = defaultdict(list)
    for measure in measures:
        row = added[measure.pk]
        figures = f"{row['count']} new figure{'s' if row['count'] > 1 else ''}"
        by_outcome[measure.outcome_id].append(
            News(
                row["last"],
                "Figures added",
                f"{measure.outcome.framework.title}: measure {measure.outcome.number}.{measure.number}, "
                f"{measure.title} ({figures})",
                measure.get_absolute_url(),
            )
        )
    news = defaultdict(list)
    plans = Plan.objects.public()
    for action in (
        Action.objects.public()
        .filter(outcomes__in=list(by_outcome))
        .select_related("plan")
        .prefetch_related("outcomes")
        .distinct()
    ):
        items = [
            item for outcome in action.outcomes.all() for item in by_outcome.get(outcome.pk, ())
        ]
        news[(Kind.ACTION, f"{action.plan.slug}/{action.number}")] += items
        news[(Kind.PLAN, action.plan.slug)] += items
    for slug, outcome in Section.outcomes.through.objects.filter(
        outcome__in=list(by_outcome), section__plan__in=plans
    ).values_list("section__plan__slug", "outcome_id"):
        news[(Kind.PLAN, slug)] += by_outcome[outcome]
    # Each measure once under each plan, however many of its actions and sections serve it.
    return {
        key: sorted({item.path: item for item in items}.values(), key=lambda item: item.at)
        for key, items in news.items()
    }


# --- followed searches and filters -------------------------------------------------------


def _results(kind, key):
    """[(title, path)] a followed search or outstanding filter finds now (published records
    only: both read public() alone), or None when it can no longer be run."""
    query = QueryDict(key)
    if kind == Kind.SEARCH:
        form = SearchForm(query)
        if not form.is_valid() or not form.cleaned_data.get("q"):
            return None
        groups = site_search.search(form.cleaned_data["q"], form.filters())
        return [
            (f"{group.label}: {result.title}", result.url)
            for group in groups
            for result in group.results
        ]
    filters = OutstandingFilter(query, queryset=ActionPoint.objects.none())
    if filters.problems():
        return None
    rows = outstanding.outstanding(filters.values(), sort="-raised")[:QUERY_ROWS]
    return [
        (f"{row.kind_label} {row.ref}: {row.title}", row.url) for row in outstanding.to_rows(rows)
    ]


def run_queries(now):
    """Run each followed search and outstanding filter once, noting what each finds that it
    did not find last time (QueryChange); the first run only notes what it finds. Returns
    {(kind, key): {path}} of what each finds now."""
    followed = set(
        Subscription.objects.filter(confirmed_at__isnull=False, kind__in=QUERIES)
        .values_list("kind", "key")
        .distinct()
    )
    before = {
        (query.kind, query.key): query for query in FollowedQuery.objects.filter(kind__in=QUERIES)
    }
    found = {}
    for kind, key in sorted(followed):
        results = _results(kind, key)
        if results is None:
            continue
        found[(kind, key)] = {path for _, path in results}
        last = before.get((kind, key))
        if last is None:
            FollowedQuery.objects.create(
                kind=kind, key=key, found=sorted(found[(kind, key)]), run_at=now
            )
            continue
        seen, new = set(last.found), {}
        for title, path in results:
            if path not in seen:
                new.setdefault(path, title)
        QueryChange.objects.bulk_create(
            QueryChange(kind=kind, key=key, at=now, title=title[:500], path=path[:500])
            for path, title in new.items()
        )
        last.found, last.run_at = sorted(found[(kind, key)]), now
        last.save(update_fields=["found", "run_at"])
    return found


def _query_news(since, until, found):
    """{(kind, key): [News]} of the results new to each followed query in (since, until]
    that it still finds (so still published)."""
    news = defaultdict(list)
    for change in QueryChange.objects.filter(at__gt=since, at__lte=until).order_by("at", "pk"):
        key = (change.kind, change.key)
        if change.path in found.get(key, ()):
            label = "New result" if change.kind == Kind.SEARCH else "Newly outstanding"
            news[key].append(News(change.at, label, change.title, change.path))
    return news


# --- the messages -------------------------------------------------------------------------


def _message(subscription, target, news):
    context = {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "target": target,
        "subscription": subscription,
        "news": news,
        "manage_url": links.url(subscription, links.MANAGE),
        "leave_url": links.url(subscription, links.LEAVE),
    }
    count = f"{len(news)} new" if len(news) > 1 else "New"
    return Message(
        to=subscription.email,
        subject=f"{count}: {target.title}",
        text=render_to_string("alerts/email/news.txt", context),
        html=render_to_string("alerts/email/news.html", context),
        headers=services.unsubscribe_headers(subscription),
        reason="news",
        subscription=subscription,
    )


def write_messages(now=None):
    """Write a message to each due subscription with news; returns how many were written."""
    now = now or timezone.now()
    finds = run_queries(now)
    oldest = due(now).aggregate(
        since=Min(Greatest(Coalesce("last_sent_at", "confirmed_at"), "confirmed_at"))
    )["since"]
    if oldest is None:
        return 0
    news = published_news(oldest, now)
    for more in (_query_news(oldest, now, finds), figures_news(oldest, now)):
        for key, items in more.items():
            news[key] += items
    if not news:
        return 0
    found = {}  # (kind, key): Target, or None when it is no longer published
    followed = Q()
    for kind, key in news:
        followed |= Q(kind=kind, key=key)
    written, after = 0, 0
    while True:
        with transaction.atomic():
            batch = list(
                due(now)
                .filter(followed, pk__gt=after)
                .select_for_update(skip_locked=True)
                .order_by("pk")[:BATCH]
            )
            if not batch:
                return written
            after = batch[-1].pk
            messages, sent = [], []
            for subscription in batch:
                key = (subscription.kind, subscription.key)
                since = _since(subscription)
                theirs = [item for item in news[key] if item.at > since]
                if key not in found:
                    found[key] = targets.find(*key)
                if theirs and found[key] is not None:
                    messages.append(_message(subscription, found[key], theirs))
                    subscription.last_sent_at = now
                    sent.append(subscription)
            Subscription.objects.bulk_update(sent, ["last_sent_at"])
            delivery.queue(messages)
            written += len(messages)
