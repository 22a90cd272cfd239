"""Site search across everything published: meetings, agenda items, minutes and decisions,
the text of uploaded papers, written questions and responses, action points, plan actions
and updates, and outcome measures.

On PostgreSQL: full-text search with weighted vectors (titles weigh most), ranking and
highlighted snippets. On SQLite: a simpler case-insensitive match with a snippet cut around
the first hit. Every kind starts from its own public() rule, so only published material is
ever found. It lives in the top layer because it reads every app.
"""

import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, Q, TextField, Value, When
from django.utils.html import escape
from django.utils.safestring import mark_safe

from delivery_plans.models import Action, ActionUpdate
from meetings.models import (
    ActionPoint,
    AgendaItem,
    Document,
    Meeting,
    Minute,
    Resolution,
    WrittenQuestion,
)
from outcomes.models import Measure
from safer_norfolk.query_params import without_nul

PER_KIND = 20
# A phrase matching more records of a kind than this is ranked among the most recently added
# this many of them (on PostgreSQL). PostgreSQL underestimates how many records match every
# word of a common phrase; with few candidates it walks back from the newest rows until it
# has them (agenda items for "domestic abuse": 5 ms, where the newest 1,000 of the 27,000
# matches took 50 ms, reading every match).
CANDIDATES = 10 * PER_KIND
MAX_QUERY_LENGTH = 200
# Markers PostgreSQL puts around matches; swapped for <mark> only after the text is escaped.
START, STOP = "\x02", "\x03"


@dataclass
class Kind:
    key: str
    label: str
    queryset: object  # a function returning the public queryset, with its joins
    fields: list  # [(field path, weight A–D)]
    title: object  # function(obj) -> str
    url: object  # function(obj) -> str


def _kinds():
    public_minutes = Q(
        meeting__agenda_status="published", meeting__minutes_status__in=["published", "confirmed"]
    )
    return [
        Kind(
            "meetings",
            "Meetings",
            lambda: Meeting.objects.public().select_related("committee"),
            [("committee__name", "A"), ("venue", "C"), ("public_notice", "C")],
            lambda m: f"{m.committee.name}, {m.starts_at:%d %B %Y}",
            lambda m: m.get_absolute_url(),
        ),
        Kind(
            "agenda_items",
            "Agenda items",
            lambda: AgendaItem.objects.public().select_related("meeting__committee"),
            [("title", "A"), ("description", "B"), ("lead_text", "C")],
            lambda i: (
                f"{i.number}. {i.title} ({i.meeting.committee.display_name}, {i.meeting.starts_at:%d %B %Y})"
            ),
            lambda i: i.get_absolute_url(),
        ),
        Kind(
            "minutes",
            "Minutes",
            lambda: (
                Minute.objects.filter(public_minutes)
                .exclude(agenda_item__is_exempt=True)
                .select_related("meeting__committee")
            ),
            [("heading", "A"), ("body", "B")],
            lambda m: (
                f"Minute {m.number}: {m.heading} ({m.meeting.committee.display_name}, {m.meeting.starts_at:%d %B %Y})"
            ),
            lambda m: m.get_absolute_url(),
        ),
        Kind(
            "decisions",
            "Decisions",
            lambda: (
                Resolution.objects.filter(
                    minute__meeting__agenda_status="published",
                    minute__meeting__minutes_status__in=["published", "confirmed"],
                )
                .exclude(minute__agenda_item__is_exempt=True)
                .select_related("minute__meeting__committee")
            ),
            [("text", "A")],
            lambda r: (
                f"{r.verb.upper()} {r.text[:80]} (minute {r.minute.number}, {r.minute.meeting.starts_at:%d %B %Y})"
            ),
            lambda r: r.minute.get_absolute_url(),
        ),
        Kind(
            "documents",
            "Papers",
            lambda: Document.objects.public().select_related("meeting__committee"),
            [("title", "A"), ("text", "C")],
            lambda d: (
                f"{d.title} ({d.meeting.committee.display_name}, {d.meeting.starts_at:%d %B %Y})"
            ),
            lambda d: d.get_absolute_url(),
        ),
        Kind(
            "questions",
            "Written questions",
            lambda: WrittenQuestion.objects.public().select_related("meeting__committee"),
            [("question", "A"), ("answered_response", "B")],
            lambda q: (
                f"Question {q.number} ({q.meeting.committee.display_name}, {q.meeting.starts_at:%d %B %Y})"
            ),
            lambda q: q.get_absolute_url(),
        ),
        Kind(
            "action_points",
            "Action points",
            lambda: ActionPoint.objects.public().select_related("meeting__committee"),
            [("reference", "A"), ("description", "B"), ("response", "C")],
            lambda p: f"Action point {p.reference} ({p.meeting.committee.display_name})",
            lambda p: p.get_absolute_url(),
        ),
        Kind(
            "plan_actions",
            "Delivery-plan actions",
            lambda: Action.objects.public().select_related("plan"),
            [("title", "A"), ("success_measure", "B"), ("method", "C"), ("indicators", "C")],
            lambda a: f"Action {a.number} ({a.plan.title})",
            lambda a: a.get_absolute_url(),
        ),
        Kind(
            "updates",
            "Plan updates",
            lambda: ActionUpdate.objects.public().select_related("action__plan"),
            [("text", "B")],
            lambda u: (
                f"Update on action {u.action.number}, {u.reported_on:%d %B %Y} ({u.action.plan.title})"
            ),
            lambda u: u.get_absolute_url(),
        ),
        Kind(
            "measures",
            "Outcome measures",
            lambda: Measure.objects.public().select_related("outcome__framework"),
            [("title", "A"), ("direction_note", "C"), ("source", "C")],
            lambda m: f"{m.title} ({m.outcome.framework.title})",
            lambda m: m.get_absolute_url(),
        ),
    ]


@dataclass
class Group:
    key: str
    label: str
    results: list = field(default_factory=list)  # [(title, url, snippet html)]


def _snippet_html(text):
    """Escape first, then turn the match markers into <mark>: no stored text becomes markup."""
    escaped = escape(text)
    return mark_safe(escaped.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308 -- escaped above


def _postgres(kind, terms):
    query = SearchQuery(terms, search_type="websearch", config="english")
    queryset = _public(kind)
    if _has_stored_vector(queryset.model):
        # Kept by PostgreSQL from the same fields and weights (safer_norfolk.search_vectors).
        vector = F("search_vector")
    else:
        vector = None
        for path, weight in kind.fields:
            part = SearchVector(path, weight=weight, config="english")
            vector = part if vector is None else vector + part
    snippet_source = (
        kind.fields[-1][0]
        if kind.key in ("documents",)
        else kind.fields[min(1, len(kind.fields) - 1)][0]
    )
    if isinstance(vector, F):
        # The public matches most recently added, at most CANDIDATES of them, on their keys
        # alone; then those rows ranked. Ranking every match of a common phrase (35,000
        # minutes in a county's twenty years) read and sorted every one of them. PostgreSQL
        # makes the snippets after the sort, for the PER_KIND rows kept.
        candidates = queryset.filter(search_vector=query).order_by("-pk").values("pk")[:CANDIDATES]
        queryset = queryset.filter(pk__in=candidates).defer("search_vector")
    else:
        queryset = queryset.annotate(search=vector).filter(search=query)
    queryset = queryset.annotate(
        rank=SearchRank(vector, query),
        snippet=SearchHeadline(
            snippet_source,
            query,
            config="english",
            start_sel=START,
            stop_sel=STOP,
            max_words=30,
            min_words=12,
        ),
    ).order_by("-rank", "-pk")
    return [
        (kind.title(obj), kind.url(obj), _snippet_html(obj.snippet or ""))
        for obj in queryset[:PER_KIND]
    ]


def _has_stored_vector(model):
    return any(field.name == "search_vector" for field in model._meta.concrete_fields)


def _public(kind):
    queryset = kind.queryset()
    if kind.key == "questions":
        queryset = queryset.annotate(
            answered_response=_answered_response(),
        )
    return queryset


def _answered_response():
    return Case(
        When(status="answered", then=F("response")), default=Value(""), output_field=TextField()
    )


def _simple(kind, terms):
    words = [word for word in re.findall(r"\w+", terms.lower()) if len(word) > 1][:8]
    if not words:
        return []
    queryset = _public(kind)
    for word in words:
        condition = Q()
        for path, _ in kind.fields:
            condition |= Q(**{f"{path}__icontains": word})
        queryset = queryset.filter(condition)
    results = []
    for obj in queryset.order_by("-pk")[:PER_KIND]:
        text = " ".join(str(_value(obj, path) or "") for path, _ in kind.fields)
        results.append((kind.title(obj), kind.url(obj), _cut(text, words)))
    return results


def _value(obj, path):
    for part in path.split("__"):
        obj = getattr(obj, part, None)
    return obj


def _cut(text, words):
    """About thirty words around the first hit, with every hit marked."""
    text = " ".join(text.split())
    lowered = text.lower()
    first = min((lowered.find(word) for word in words if lowered.find(word) >= 0), default=0)
    start = max(0, first - 120)
    excerpt = (
        ("…" if start else "")
        + text[start : start + 260]
        + ("…" if start + 260 < len(text) else "")
    )
    marked = re.sub(
        "(" + "|".join(re.escape(word) for word in words) + ")",
        lambda match: f"{START}{match.group(0)}{STOP}",
        excerpt,
        flags=re.IGNORECASE,
    )
    return _snippet_html(marked)


def search(terms):
    """[Group] with results, in a fixed order of kinds; empty groups left out."""
    # A NUL byte can be neither stored nor searched for (PostgreSQL refuses it outright).
    terms = " ".join(without_nul(terms or "").split())[:MAX_QUERY_LENGTH]
    if not terms:
        return []
    run = _postgres if connection.vendor == "postgresql" else _simple
    groups = []
    for kind in _kinds():
        results = run(kind, terms)
        if results:
            groups.append(Group(key=kind.key, label=kind.label, results=results))
    return groups
