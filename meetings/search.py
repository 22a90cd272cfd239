"""Site search across everything published: meetings, agenda items, minutes and decisions,
the text of uploaded papers, written questions and responses, action points, plan actions
and updates, and outcome measures.

On PostgreSQL: full-text search with weighted vectors (titles weigh most) in the 'english'
configuration, ranking and highlighted snippets. On SQLite: a simpler case-insensitive match
of each word's English (Snowball) stem, as PostgreSQL stems it, with a snippet cut around the
first hit. On both, terms that are a plan action's number ("1.14") find that action first,
and each kind's total counts the matches, not only those listed, up to COUNT_LIMIT. Every kind starts from its own public() rule, so only published material is
ever found. It lives in the top layer because it reads every app.
"""

import datetime
import re
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from typing import NamedTuple

import snowballstemmer
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    Func,
    IntegerField,
    Q,
    Subquery,
    TextField,
    Value,
    When,
    Window,
)
from django.utils.html import escape
from django.utils.safestring import mark_safe

from delivery_plans.models import NO_DAY, Action, ActionUpdate
from meetings.models import (
    ActionPoint,
    AgendaItem,
    Document,
    Meeting,
    Minute,
    Report,
    Resolution,
    WrittenQuestion,
)
from outcomes.models import Measure
from safer_norfolk import formats
from safer_norfolk.query_params import without_nul

# The most relevant results of each kind listed when several kinds are searched (every kind,
# unless the search is narrowed); a search of one kind lists more of it, and each kind's
# results link there. Twenty of each of ten kinds made the busiest page the site serves.
PER_KIND = 10
PER_KIND_ALONE = 50
# A phrase matching more records of a kind than this is ranked among the most recently added
# this many of them, and one more, which tells that there are more (on PostgreSQL).
# PostgreSQL underestimates how many records match every word of a common phrase; with few
# candidates it walks back from the newest rows until it has them (agenda items for
# "domestic abuse": 5 ms, where the newest 1,000 of the 27,000 matches took 50 ms, reading
# every match). Each candidate is checked against its kind's publication rule and ranked:
# 100 rather than 200 took a fifth off a search of every kind.
CANDIDATES = 100
MAX_QUERY_LENGTH = 200
# Each kind's matches are counted up to as many as are ranked, newest first, as they are
# ranked; past that the page says "more than 100". Counting every public match of a common
# phrase checked each one against the publication rule (33,000 minutes for "domestic abuse"
# in a county's twenty years): four fifths of the search's time, for a figure no one needs
# exact that far.
COUNT_LIMIT = CANDIDATES
# Markers PostgreSQL puts around matches; swapped for <mark> only after the text is escaped.
START, STOP = "\x02", "\x03"


@dataclass
class Kind:
    key: str
    label: str
    model: type  # its public() records are searched
    fields: list  # [(field path, weight A–D)]
    # {name: field path}: what a result's title and address are made from, and "example",
    # whether it belongs to the fictional example partnership (labelled so in the results).
    columns: dict
    title: object  # function(row) -> str, row being {name: value} of `columns`
    # What the filters narrow on: the committee (for plan records, the committees of the
    # partnership that owns the plan or framework) and the record's date (None: undated).
    committee_path: str = ""
    date_path: str | None = None
    # The relation whose page a result is shown on ("": the record's own; a decision is shown
    # at its minute).
    addressed: str = ""

    def queryset(self):
        return self.model.objects.public()

    def url(self, row):
        """The result's address, from the model's own get_absolute_url; `row` is
        {name: value} of `columns`."""
        record = _Values(self.model)
        for name, relations, field_name in self._paths:
            target = record
            for relation in relations:
                target = target.related(relation)
            setattr(target, field_name, row[name])
        for relation in self.addressed.split("__") if self.addressed else ():
            record = getattr(record, relation)
        return record.get_absolute_url()

    @cached_property
    def _paths(self):
        """(name, relations, field) of each column: "meeting__committee__slug" is the slug of
        the meeting's committee."""
        return [(name, *_split(path)) for name, path in self.columns.items()]


def _split(path):
    *relations, field_name = path.split("__")
    return relations, field_name


@cache
def _related_model(model, name):
    return model._meta.get_field(name).related_model


class _Values:
    """A result's values under its model's field names, each relation a _Values of its own
    model: what the model's get_absolute_url reads (`self.meeting.committee.slug`), which it
    is then called with. Search lists its results from a few columns of each row; making a
    model instance of each record and of its relations cost about six times as much."""

    def __init__(self, model):
        self._model = model

    def related(self, name):
        """The _Values of the record this one's relation `name` leads to."""
        values = self.__dict__.get(name)
        if values is None:
            values = _Values(_related_model(self._model, name))
            setattr(self, name, values)
        return values

    def get_absolute_url(self):
        return self._model.get_absolute_url(self)


def _day(moment):
    """The local day of a moment, as a result's title gives it."""
    return formats.date(moment, "j F Y")


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
        "example": f"{meeting}committee__partnership__is_example",
    }


@cache
def _kinds():
    """Every kind searched, built once per process (each names its fields and columns, and
    works out the paths of its columns once: `Kind._paths`)."""
    return [
        Kind(
            "meetings",
            "Meetings",
            Meeting,
            [("committee__name", "A"), ("venue", "C"), ("public_notice", "C")],
            _at_meeting(""),
            lambda m: f"{m['name']}, {_day(m['starts_at'])}",
            committee_path="committee",
            date_path="starts_at__date",
        ),
        Kind(
            "agenda_items",
            "Agenda items",
            AgendaItem,
            [("title", "A"), ("description", "B"), ("lead_text", "C")],
            {"number": "number", "title": "title", **_at_meeting("meeting__")},
            lambda i: f"{i['number']}. {i['title']} ({_committee(i)}, {_day(i['starts_at'])})",
            committee_path="meeting__committee",
            date_path="meeting__starts_at__date",
        ),
        Kind(
            "minutes",
            "Minutes",
            Minute,
            [("heading", "A"), ("body", "B")],
            {"number": "number", "heading": "heading", **_at_meeting("meeting__")},
            lambda m: (
                f"Minute {m['number']}: {m['heading']} ({_committee(m)}, {_day(m['starts_at'])})"
            ),
            committee_path="meeting__committee",
            date_path="meeting__starts_at__date",
        ),
        Kind(
            "decisions",
            "Decisions",
            Resolution,
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
            committee_path="minute__meeting__committee",
            date_path="minute__meeting__starts_at__date",
            addressed="minute",
        ),
        Kind(
            "documents",
            "Papers",
            Document,
            [("title", "A"), ("text", "C")],
            {"pk": "pk", "title": "title", **_at_meeting("meeting__")},
            lambda d: f"{d['title']} ({_committee(d)}, {_day(d['starts_at'])})",
            committee_path="meeting__committee",
            date_path="meeting__starts_at__date",
        ),
        Kind(
            "reports",
            "Reports",
            Report,
            [("title", "A"), ("text", "B")],
            {"pk": "pk", "title": "title", **_at_meeting("agenda_item__meeting__")},
            lambda r: f"{r['title']} ({_committee(r)}, {_day(r['starts_at'])})",
            committee_path="agenda_item__meeting__committee",
            date_path="agenda_item__meeting__starts_at__date",
        ),
        Kind(
            "questions",
            "Written questions",
            WrittenQuestion,
            [("question", "A"), ("answered_response", "B")],
            {"number": "number", **_at_meeting("meeting__")},
            lambda q: f"Question {q['number']} ({_committee(q)}, {_day(q['starts_at'])})",
            committee_path="meeting__committee",
            date_path="meeting__starts_at__date",
        ),
        Kind(
            "action_points",
            "Action points",
            ActionPoint,
            [("reference", "A"), ("description", "B"), ("response", "C")],
            {"reference": "reference", **_at_meeting("meeting__")},
            lambda p: f"Action point {p['reference']} ({_committee(p)})",
            committee_path="committee",
            date_path="meeting__starts_at__date",
        ),
        Kind(
            "plan_actions",
            "Delivery-plan actions",
            Action,
            [("title", "A"), ("success_measure", "B"), ("method", "C"), ("indicators", "C")],
            {
                "number": "number",
                "plan": "plan__title",
                "slug": "plan__slug",
                "example": "plan__organisation__is_example",
            },
            lambda a: f"Action {a['number']} ({a['plan']})",
            committee_path="plan__organisation__committees",
            date_path=None,
        ),
        Kind(
            "updates",
            "Plan updates",
            ActionUpdate,
            [("text", "B")],
            {
                "pk": "pk",
                "reported_on": "reported_on",
                "day_given": "day_given",
                "number": "action__number",
                "plan": "action__plan__title",
                "slug": "action__plan__slug",
                "example": "action__plan__organisation__is_example",
            },
            lambda u: (
                f"Update on action {u['number']}, "
                f"{formats.date(u['reported_on'], 'j F Y') if u['day_given'] else NO_DAY} ({u['plan']})"
            ),
            committee_path="action__plan__organisation__committees",
            date_path="reported_on",
        ),
        Kind(
            "measures",
            "Outcome measures",
            Measure,
            [("title", "A"), ("direction_note", "C"), ("source", "C")],
            {
                "title": "title",
                "number": "number",
                "outcome": "outcome__number",
                "framework": "outcome__framework__title",
                "slug": "outcome__framework__slug",
                "example": "outcome__framework__organisation__is_example",
            },
            lambda m: f"{m['title']} ({m['framework']})",
            committee_path="outcome__framework__organisation__committees",
            date_path=None,
        ),
    ]


class Result(NamedTuple):
    """One search result: its title, address, snippet (HTML, matches marked), whether it is
    the example partnership's, and its date (a meeting's start, an update's day; None for a
    kind with no date)."""

    title: str
    url: str
    snippet: str
    example: bool
    date: object = None


@dataclass
class Group:
    key: str
    label: str
    results: list = field(default_factory=list)  # [Result]
    total: int = 0  # the matches, of which `results` are the first listed, up to COUNT_LIMIT + 1

    @property
    def counted(self):
        """The total is exact (not "more than COUNT_LIMIT")."""
        return self.total <= COUNT_LIMIT


@dataclass(frozen=True)
class Filters:
    """What a search is narrowed to; hashable, so a statement is built once per narrowing."""

    committee: int | None = None  # a committee's pk
    kinds: tuple = ()  # keys of the kinds searched; none: every kind
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    @property
    def dated(self):
        return self.date_from is not None or self.date_to is not None

    def searches(self, kind):
        """Whether `kind` is searched at all: an undated kind is left out of a date range."""
        if self.kinds and kind.key not in self.kinds:
            return False
        return not (self.dated and kind.date_path is None)


NO_FILTERS = Filters()


def _narrowed(kind, filters):
    """The kind's public records, narrowed by the filters."""
    queryset = _public(kind)
    if filters.committee is not None:
        queryset = queryset.filter(**{kind.committee_path: filters.committee})
    if filters.date_from is not None:
        queryset = queryset.filter(**{f"{kind.date_path}__gte": filters.date_from})
    if filters.date_to is not None:
        queryset = queryset.filter(**{f"{kind.date_path}__lte": filters.date_to})
    return queryset


# "1.14", "Action 1.14", "3", "2.1a": what a plan action's number looks like.
ACTION_NUMBER = re.compile(r"(?:action\s+)?(\d{1,3}(?:\.\d{1,3})*[a-z]?)", re.IGNORECASE)


def action_number(terms):
    """The plan action number the terms are, or "" when they are not one."""
    found = ACTION_NUMBER.fullmatch(terms.strip())
    return found.group(1) if found else ""


def _exact_number(kind, number):
    """Plan actions numbered exactly as searched for come first; other kinds have none."""
    return Q(number=number) if kind.key == "plan_actions" else None


class _CountUpTo(Subquery):
    """The number of rows of a subquery, which stops at its LIMIT."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()


def _count(queryset, limit):
    """The number of rows of `queryset` up to `limit` + 1 (more than the limit: "more than
    100"), newest first, so the database walks back from the newest rows and stops there; a
    subquery of the statement listing the first of them: the total comes with the results,
    in the same query. SQLite's search counts so; PostgreSQL's counts its candidates as it
    ranks them (_statement)."""
    return _CountUpTo(queryset.order_by("-pk").values("pk")[: limit + 1])


def _snippet_html(text):
    """Escape first, then turn the match markers into <mark>: no stored text becomes markup."""
    escaped = escape(text)
    return mark_safe(escaped.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308 -- escaped above


def _postgres(kind, terms, filters, listed):
    sql, params = _statement(kind.key, CANDIDATES, listed, filters)
    number = action_number(terms)
    params = [terms if param is TERMS else number if param is NUMBER else param for param in params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    names = list(kind.columns)
    results, total = [], 0
    for *values, matched, snippet in rows:
        date = values.pop() if kind.date_path else None
        row, total = dict(zip(names, values, strict=True)), matched
        results.append(
            Result(
                kind.title(row),
                kind.url(row),
                _snippet_html(snippet or ""),
                bool(row["example"]),
                date,
            )
        )
    return results, total


# Stand for the search terms, and the action number they are, in a statement built ahead
# (_statement): only objects compared by identity, never a value anyone could type.
TERMS = object()
NUMBER = object()


@lru_cache(maxsize=256)
def _statement(key, candidates, per_kind, filters):
    """The SQL and parameters of one kind's search, TERMS standing for the terms: the
    statement is the same for every search with the same filters, so each process builds it
    once (building and compiling the querysets of the ten kinds took about 18 ms of every
    search)."""
    kind = next(kind for kind in _kinds() if kind.key == key)
    placeholder, number_placeholder = "search terms placeholder", "search number placeholder"
    query = SearchQuery(placeholder, search_type="websearch", config="english")
    queryset = _narrowed(kind, filters)
    exact = _exact_number(kind, number_placeholder)
    if _has_stored_vector(queryset.model):
        # Kept by PostgreSQL from the same fields and weights (safer_norfolk.search_vectors).
        vector = F("search_vector")
        # The public matches most recently added, one more than `candidates` of them, on
        # their keys alone; then those rows ranked, and counted as they are ranked (past
        # `candidates`: "more than"). Ranking every match of a common phrase (35,000 minutes
        # in a county's twenty years) read and sorted every one of them, and counting them
        # apart ran the selection twice. PostgreSQL makes the snippets after the sort, for
        # the rows kept.
        matches = (
            queryset.filter(search_vector=query).order_by("-pk").values("pk")[: candidates + 1]
        )
        queryset = queryset.filter(
            Q(pk__in=matches) if exact is None else Q(pk__in=matches) | exact
        )
    else:
        vector = None
        for path, weight in kind.fields:
            part = SearchVector(path, weight=weight, config="english")
            vector = part if vector is None else vector + part
        queryset = queryset.annotate(search=vector)
        queryset = queryset.filter(Q(search=query) if exact is None else Q(search=query) | exact)
    snippet_source = (
        kind.fields[-1][0]
        if kind.key in ("documents",)
        else kind.fields[min(1, len(kind.fields) - 1)][0]
    )
    queryset = (
        queryset.annotate(
            exact=Value(1) if exact is None else Case(When(exact, then=0), default=1),
            rank=SearchRank(vector, query),
            # Every row ranked, counted before the first `per_kind` are kept.
            total=Window(Count("*")),
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
        .order_by("exact", "-rank", "-pk")
        .values_list(*kind.columns.values(), *_dated(kind), "total", "snippet")[:per_kind]
    )
    sql, params = queryset.query.sql_with_params()
    if params.count(placeholder) < 1:
        raise ImproperlyConfigured(f"Search {key}: the terms are not a parameter of its SQL.")
    swapped = {placeholder: TERMS, number_placeholder: NUMBER}
    return sql, tuple(
        swapped.get(param, param) if isinstance(param, str) else param for param in params
    )


def _dated(kind):
    """The path of a kind's date, to read with its results ([] for a kind with none)."""
    return [kind.date_path] if kind.date_path else []


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


_STEMMER = snowballstemmer.stemmer("english")
# A number is one word: "1.14" and "471,314.00" are not "1", "14", "471"…
_WORD = re.compile(r"\d+(?:[.,]\d+)*|\w+")
# The SQLite function that tells whether a text holds a word of a given English stem.
HAS_STEM = "safer_norfolk_has_stem"


@dataclass(frozen=True)
class Word:
    """A searched word as SQLite's search matches it: `text` must occur in the field (LIKE
    narrows the rows cheaply); then a word starting with it must have the stem `stem`, or,
    for a number, the number must stand whole (`pattern`)."""

    text: str
    stem: str = ""
    pattern: str = ""

    def candidates(self, text):
        """Where the word may be in `text`: each (start, end) of a whole matching word."""
        if self.pattern:
            return [m.span() for m in re.finditer(self.pattern, text, re.IGNORECASE)]
        return [
            m.span()
            for m in re.finditer(rf"\b{re.escape(self.text)}\w*", text, re.IGNORECASE)
            if _STEMMER.stemWord(m.group(0).lower()) == self.stem
        ]


def _words(terms):
    """The searched words, as PostgreSQL's 'english' configuration reads them: a word by its
    Snowball stem, so "scam" and "scams" find the same records and "Scampton" neither; a
    number whole, so "1.14" never finds "14 March" or "1.145"."""
    words = []
    for word in _WORD.findall(terms.lower())[:8]:
        if any(character.isdigit() for character in word):
            words.append(Word(word, pattern=rf"(?<![\w.,]){re.escape(word)}(?!\w|[.,]\d)"))
        elif len(word) > 1:
            stem = _STEMMER.stemWord(word)
            prefix = stem  # "happy" stems to "happi": words that start "happ" are looked at
            while prefix and not word.startswith(prefix):
                prefix = prefix[:-1]
            words.append(Word(prefix or word, stem=stem))
    return words


def _has_stem(text, prefix, stem):
    if not text:
        return False
    return bool(Word(prefix, stem=stem).candidates(text))


class HasStem(Func):
    """HAS_STEM(field, prefix, stem): SQLite calls back into `_has_stem`."""

    function = HAS_STEM
    output_field = BooleanField()


def _sqlite_functions():
    """Give this connection the stem function (a function lives as long as its connection,
    and registering it again costs nothing)."""
    connection.ensure_connection()
    connection.connection.create_function(HAS_STEM, 3, _has_stem, deterministic=True)


def _simple(kind, terms, filters, listed):
    words = _words(terms)
    exact = _exact_number(kind, action_number(terms))
    if not words and exact is None:
        return [], 0
    _sqlite_functions()
    queryset = _narrowed(kind, filters)
    found = Q()
    for word in words:
        condition = Q()
        for path, _ in kind.fields:
            # LIKE first, so the stem or pattern is tried only on the rows holding the text.
            check = (
                Q(**{f"{path}__iregex": word.pattern})
                if word.pattern
                else Q(HasStem(F(path), Value(word.text), Value(word.stem)))
            )
            condition |= Q(**{f"{path}__icontains": word.text}) & check
        found &= condition
    if exact is not None:
        found = exact if not words else found | exact
    queryset = queryset.filter(found).annotate(
        exact=Value(1) if exact is None else Case(When(exact, then=0), default=1),
        total=_count(queryset.filter(found), COUNT_LIMIT),
    )
    names = list(kind.columns)
    dated = _dated(kind)
    paths = [*kind.columns.values(), *dated, "total", *(path for path, _ in kind.fields)]
    results, total = [], 0
    for values in queryset.order_by("exact", "-pk").values_list(*paths)[:listed]:
        row = dict(zip(names, values, strict=False))
        date = values[len(names)] if dated else None
        total = values[len(names) + len(dated)]
        text = " ".join(str(value or "") for value in values[len(names) + len(dated) + 1 :])
        results.append(
            Result(kind.title(row), kind.url(row), _cut(text, words), bool(row["example"]), date)
        )
    return results, total


def _cut(text, words):
    """About thirty words around the first hit, with every hit marked."""
    text = " ".join(text.split())
    spans = sorted(span for word in words for span in word.candidates(text))
    first = spans[0][0] if spans else 0
    start = max(0, first - 120)
    end = start + 260
    marked, at = [], start
    for begin, finish in spans:
        if begin < at or finish > end:
            continue  # before the excerpt, overlapping a mark, or cut off at its end
        marked += [text[at:begin], START, text[begin:finish], STOP]
        at = finish
    marked.append(text[at:end])
    return _snippet_html(
        ("…" if start else "") + "".join(marked) + ("…" if end < len(text) else "")
    )


def per_kind(filters):
    """How many results of each kind a search with these filters lists at most."""
    searched = sum(1 for kind in _kinds() if filters.searches(kind))
    return PER_KIND_ALONE if searched == 1 else PER_KIND


def kinds():
    """(key, label) of every kind of record searched, in the order results are listed."""
    return [(kind.key, kind.label) for kind in _kinds()]


def search(terms, filters=NO_FILTERS):
    """[Group] with results, in a fixed order of kinds (the plan actions first when the
    terms are an action number); empty groups left out."""
    # A NUL byte can be neither stored nor searched for (PostgreSQL refuses it outright).
    terms = " ".join(without_nul(terms or "").split())[:MAX_QUERY_LENGTH]
    if not terms:
        return []
    run = _postgres if connection.vendor == "postgresql" else _simple
    groups = []
    listed = per_kind(filters)
    for kind in _kinds():
        if not filters.searches(kind):
            continue
        results, total = run(kind, terms, filters, listed)
        if results:
            groups.append(Group(key=kind.key, label=kind.label, results=results, total=total))
    if action_number(terms):
        groups.sort(key=lambda group: group.key != "plan_actions")
    return groups
