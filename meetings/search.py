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
from functools import lru_cache

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Case, F, Q, TextField, Value, When
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from delivery_plans.models import ACTION_ROUTE, Action, ActionUpdate
from meetings.models import (
    DOCUMENT_ROUTE,
    MEETING_ROUTE,
    ActionPoint,
    AgendaItem,
    Document,
    Meeting,
    Minute,
    Resolution,
    WrittenQuestion,
)
from outcomes.models import MEASURE_ROUTE, Measure
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
    queryset: object  # a function returning the public queryset
    fields: list  # [(field path, weight A–D)]
    columns: dict  # {name: field path}: what a result's title and address are made from
    title: object  # function(row) -> str, row being {name: value} of `columns`
    url: object  # function(row) -> str


def _meeting_url(row, anchor=""):
    """A meeting's address (Meeting.get_absolute_url) from its committee's slug and its start."""
    date = timezone.localdate(row["starts_at"]).isoformat()
    return MEETING_ROUTE(slug=row["slug"], date=date) + anchor


def _day(moment):
    """The local day of a moment, as a result's title gives it."""
    return f"{timezone.localtime(moment):%d %B %Y}"


def _committee(row):
    """The committee's display name (Committee.display_name)."""
    return row["short_name"] or row["name"]


def _at_meeting(meeting):
    """The columns naming a record's meeting and its committee, `meeting` being the path."""
    return {
        "starts_at": f"{meeting}starts_at",
        "slug": f"{meeting}committee__slug",
        "name": f"{meeting}committee__name",
        "short_name": f"{meeting}committee__short_name",
    }


def _kinds():
    return [
        Kind(
            "meetings",
            "Meetings",
            lambda: Meeting.objects.public(),
            [("committee__name", "A"), ("venue", "C"), ("public_notice", "C")],
            _at_meeting(""),
            lambda m: f"{m['name']}, {_day(m['starts_at'])}",
            _meeting_url,
        ),
        Kind(
            "agenda_items",
            "Agenda items",
            lambda: AgendaItem.objects.public(),
            [("title", "A"), ("description", "B"), ("lead_text", "C")],
            {"number": "number", "title": "title", **_at_meeting("meeting__")},
            lambda i: f"{i['number']}. {i['title']} ({_committee(i)}, {_day(i['starts_at'])})",
            lambda i: _meeting_url(i, f"#item-{i['number']}"),
        ),
        Kind(
            "minutes",
            "Minutes",
            lambda: Minute.objects.public(),
            [("heading", "A"), ("body", "B")],
            {"number": "number", "heading": "heading", **_at_meeting("meeting__")},
            lambda m: (
                f"Minute {m['number']}: {m['heading']} ({_committee(m)}, {_day(m['starts_at'])})"
            ),
            lambda m: _meeting_url(m, f"#minute-{m['number']}"),
        ),
        Kind(
            "decisions",
            "Decisions",
            lambda: Resolution.objects.public(),
            [("text", "A")],
            {
                "verb": "verb",
                "text": "text",
                "number": "minute__number",
                **_at_meeting("minute__meeting__"),
            },
            lambda r: (
                f"{r['verb'].upper()} {r['text'][:80]} (minute {r['number']}, {_day(r['starts_at'])})"
            ),
            lambda r: _meeting_url(r, f"#minute-{r['number']}"),
        ),
        Kind(
            "documents",
            "Papers",
            lambda: Document.objects.public(),
            [("title", "A"), ("text", "C")],
            {"pk": "pk", "title": "title", **_at_meeting("meeting__")},
            lambda d: f"{d['title']} ({_committee(d)}, {_day(d['starts_at'])})",
            lambda d: DOCUMENT_ROUTE(pk=d["pk"]),
        ),
        Kind(
            "questions",
            "Written questions",
            lambda: WrittenQuestion.objects.public(),
            [("question", "A"), ("answered_response", "B")],
            {"number": "number", **_at_meeting("meeting__")},
            lambda q: f"Question {q['number']} ({_committee(q)}, {_day(q['starts_at'])})",
            lambda q: _meeting_url(q, f"#question-{q['number']}"),
        ),
        Kind(
            "action_points",
            "Action points",
            lambda: ActionPoint.objects.public(),
            [("reference", "A"), ("description", "B"), ("response", "C")],
            {"reference": "reference", **_at_meeting("meeting__")},
            lambda p: f"Action point {p['reference']} ({_committee(p)})",
            lambda p: _meeting_url(p, f"#action-{p['reference']}"),
        ),
        Kind(
            "plan_actions",
            "Delivery-plan actions",
            lambda: Action.objects.public(),
            [("title", "A"), ("success_measure", "B"), ("method", "C"), ("indicators", "C")],
            {"number": "number", "plan": "plan__title", "slug": "plan__slug"},
            lambda a: f"Action {a['number']} ({a['plan']})",
            lambda a: ACTION_ROUTE(slug=a["slug"], number=a["number"]),
        ),
        Kind(
            "updates",
            "Plan updates",
            lambda: ActionUpdate.objects.public(),
            [("text", "B")],
            {
                "pk": "pk",
                "reported_on": "reported_on",
                "number": "action__number",
                "plan": "action__plan__title",
                "slug": "action__plan__slug",
            },
            lambda u: f"Update on action {u['number']}, {u['reported_on']:%d %B %Y} ({u['plan']})",
            lambda u: ACTION_ROUTE(slug=u["slug"], number=u["number"]) + f"#update-{u['pk']}",
        ),
        Kind(
            "measures",
            "Outcome measures",
            lambda: Measure.objects.public(),
            [("title", "A"), ("direction_note", "C"), ("source", "C")],
            {
                "title": "title",
                "number": "number",
                "outcome": "outcome__number",
                "framework": "outcome__framework__title",
                "slug": "outcome__framework__slug",
            },
            lambda m: f"{m['title']} ({m['framework']})",
            lambda m: MEASURE_ROUTE(slug=m["slug"], number=m["outcome"], measure=m["number"]),
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
    sql, params = _statement(kind.key, CANDIDATES, PER_KIND)
    params = [terms if param is TERMS else param for param in params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    names = list(kind.columns)
    results = []
    for *values, snippet in rows:
        row = dict(zip(names, values, strict=True))
        results.append((kind.title(row), kind.url(row), _snippet_html(snippet or "")))
    return results


# Stands for the search terms in a statement built ahead (_statement): only an object
# compared by identity, never a value anyone could type.
TERMS = object()


@lru_cache(maxsize=64)
def _statement(key, candidates, per_kind):
    """The SQL and parameters of one kind's search, TERMS standing for the terms: the
    statement is the same for every search, so each process builds it once (building and
    compiling the querysets of the ten kinds took about 18 ms of every search)."""
    kind = next(kind for kind in _kinds() if kind.key == key)
    placeholder = "search terms placeholder"
    query = SearchQuery(placeholder, search_type="websearch", config="english")
    queryset = _public(kind)
    if _has_stored_vector(queryset.model):
        # Kept by PostgreSQL from the same fields and weights (safer_norfolk.search_vectors).
        vector = F("search_vector")
        # The public matches most recently added, at most `candidates` of them, on their keys
        # alone; then those rows ranked. Ranking every match of a common phrase (35,000
        # minutes in a county's twenty years) read and sorted every one of them. PostgreSQL
        # makes the snippets after the sort, for the rows kept.
        matches = queryset.filter(search_vector=query).order_by("-pk").values("pk")[:candidates]
        queryset = queryset.filter(pk__in=matches)
    else:
        vector = None
        for path, weight in kind.fields:
            part = SearchVector(path, weight=weight, config="english")
            vector = part if vector is None else vector + part
        queryset = queryset.annotate(search=vector).filter(search=query)
    snippet_source = (
        kind.fields[-1][0]
        if kind.key in ("documents",)
        else kind.fields[min(1, len(kind.fields) - 1)][0]
    )
    queryset = (
        queryset.annotate(
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
        )
        .order_by("-rank", "-pk")
        .values_list(*kind.columns.values(), "snippet")[:per_kind]
    )
    sql, params = queryset.query.sql_with_params()
    if params.count(placeholder) < 1:
        raise ImproperlyConfigured(f"Search {key}: the terms are not a parameter of its SQL.")
    return sql, tuple(TERMS if param == placeholder else param for param in params)


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
    names = list(kind.columns)
    paths = [*kind.columns.values(), *(path for path, _ in kind.fields)]
    results = []
    for values in queryset.order_by("-pk").values_list(*paths)[:PER_KIND]:
        row = dict(zip(names, values, strict=False))
        text = " ".join(str(value or "") for value in values[len(names) :])
        results.append((kind.title(row), kind.url(row), _cut(text, words)))
    return results


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
