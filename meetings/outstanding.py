"""The councillors' view of everything still outstanding: open action points, written
questions awaiting a response, and delivery-plan actions that are red, amber, overdue, stale
or far off their success measure.

The three kinds are different models; each is filtered in the database, reduced to the same
columns, and the three are combined with UNION so that sorting, counting and pagination
happen in one query whatever the data size.

Rows sort as a councillor reads them: "due soonest" puts overdue items first and undated
ones last; references sort naturally (1.2 before 1.10), plan actions grouped by plan. A
committee's rows include the actions of the plans it scrutinises (_scrutinised_plans).

The statements depend on which filters are chosen, not on their values: each process builds
and compiles the querysets for a combination once (_statements) and runs the SQL with the
chosen values as parameters. Building and compiling them had taken a third of the page.
"""

import datetime
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateField,
    F,
    Func,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, LPad, TruncDate
from django.utils import timezone

from delivery_plans.models import ACTION_ROUTE, Action, Plan
from delivery_plans.queries import FINISHED, with_status
from meetings.models import MEETING_ROUTE, ActionPoint, AgendaItem, WrittenQuestion
from safer_norfolk.models import PERSON_ROUTE

ACTION_POINT, QUESTION, PLAN_ACTION = "action_point", "question", "plan_action"
KINDS = [
    (ACTION_POINT, "Action point"),
    (QUESTION, "Written question"),
    (PLAN_ACTION, "Plan action"),
]
KIND_LABELS = dict(KINDS)
STATUSES = [
    ("open", "Open"),
    ("awaiting", "Awaiting response"),
    ("red", "RAG red"),
    ("amber", "RAG amber"),
    ("green", "RAG green"),
    ("not_assessed", "Not assessed"),
]
# Each ends with the key: references repeat across committees, and rows alike in every other
# column would come in whatever order PostgreSQL read them, differing from page to page.
# References sort by their natural key (1.2 before 1.10), plan actions plan by plan. Undated
# rows come last whichever way the dates run (SQLite and PostgreSQL put NULL at opposite
# ends); "due soonest" puts the overdue first.
REFERENCE = ["kind", "plan_title", "sort_key", "pk"]
SORTS = {
    "due": ["-is_overdue", "due_on", *REFERENCE],
    "-due": ["-due_on", *REFERENCE],
    "raised": ["raised_on", *REFERENCE],
    "-raised": ["-raised_on", *REFERENCE],
    "kind": REFERENCE,
    "owner": ["owner_name", *REFERENCE],
}
DATED = {"due_on", "raised_on"}
COLUMNS = [
    "kind", "pk", "ref", "title", "committee_id", "committee_name", "committee_slug", "meeting_day",
    "plan_slug", "owner_name", "owner_person_name", "status", "raised_on", "due_on", "is_overdue",
    "is_stale", "distance", "plan_title", "owner_note", "sort_key", "is_example",
    "owner_person_slug",
]  # fmt: skip
NO_OWNER = "No owner named"


def _text(value):
    return Value(value, output_field=CharField())


def _none(field):
    return Value(None, output_field=field)


def _example(flag):
    """The row's partnership is the fictional example one (its pages are labelled so)."""
    return Coalesce(F(flag), Value(False), output_field=BooleanField())


def _number_key(number):
    """natural_sort_key(str(number)) in SQL, for a question's whole number."""
    return LPad(Cast(number, CharField()), 8, Value("0"))


class OwnerNames(Func):
    """Every organisation owning the plan action whose key is the expression, by name, joined
    with ", " in one string (NULL for none): one correlated subquery, no row per owner."""

    output_field = CharField()

    # The SQL names only the models' tables and columns; the action's key is an expression.
    def _tables(self):
        through = Action.owners.through._meta
        return {
            "organisation": Action.owners.field.related_model._meta.db_table,
            "pk": Action.owners.field.related_model._meta.pk.column,
            "name": Action.owners.field.related_model._meta.get_field("name").column,
            "through": through.db_table,
            "action_id": Action.owners.field.m2m_column_name(),
            "organisation_id": Action.owners.field.m2m_reverse_name(),
        }

    def as_sql(self, compiler, connection, **extra):
        # PostgreSQL orders inside the aggregate.
        template = (  # noqa: S608
            "(SELECT STRING_AGG(o.{name}, ', ' ORDER BY o.{name}) FROM {organisation} o"
            " INNER JOIN {through} t ON t.{organisation_id} = o.{pk}"
            " WHERE t.{action_id} = %(expressions)s)"
        ).format(**self._tables())
        return super().as_sql(compiler, connection, template=template, **extra)

    def as_sqlite(self, compiler, connection, **extra):
        # SQLite before 3.44 has no ORDER BY in an aggregate; it concatenates in the order
        # of an ordered subquery.
        template = (  # noqa: S608
            "(SELECT GROUP_CONCAT(n, ', ') FROM (SELECT o.{name} AS n FROM {organisation} o"
            " INNER JOIN {through} t ON t.{organisation_id} = o.{pk}"
            " WHERE t.{action_id} = %(expressions)s ORDER BY o.{name}))"
        ).format(**self._tables())
        return super().as_sql(compiler, connection, template=template, **extra)


def question_overdue(today):
    """A question awaiting its response is overdue once the day it was due has passed (the
    questions page's rule, WrittenQuestion.objects.overdue)."""
    return Q(response_due__lt=today)


def _scrutinised_plans(committee):
    """The plans a committee scrutinises: those owned by the partnership whose work it runs or
    scrutinises (Committee.partnership, Plan.organisation), and those a published, open
    agenda item of one of its meetings concerns (AgendaItem.plan)."""
    concerned = AgendaItem.objects.public().filter(meeting__committee=committee)
    return Plan.objects.filter(
        Q(organisation__committees=committee) | Q(pk__in=concerned.values("plan_id"))
    ).values("pk")


def action_point_overdue(today):
    """An open action point is overdue once its due day has passed; one with no due day
    never is."""
    return Q(due_date__lt=today)


def action_point_closed_late():
    """A closed action point was closed late when it was closed after its due day; one with
    no due day was never late, and one whose paper gives no day it was closed is late only
    if known to be (never: the day kept is the latest it can have been)."""
    return Q(due_date__lt=F("closed_on"), closed_day_given=True)


def action_point_closed_on_time():
    """Closed on or before its due day: the day it was closed, or the latest it can have been
    when the paper gives none."""
    return Q(due_date__isnull=False) & (Q(closed_day_given=True) | Q(closed_on__lte=F("due_date")))


class PointState:
    """Where an action point stands for its owner's record: open, or overdue
    (action_point_overdue); closed on time, or late (action_point_closed_late); or closed
    with no due day, or no day closed, to judge it by, which is never called on time or
    late."""

    OVERDUE = "overdue"
    OPEN = "open"
    CLOSED_LATE = "closed_late"
    CLOSED_ON_TIME = "closed_on_time"
    CLOSED = "closed"
    CHOICES = [
        (OPEN, "Open"),
        (OVERDUE, "Overdue"),
        (CLOSED_ON_TIME, "Closed on time"),
        (CLOSED_LATE, "Closed late"),
        (CLOSED, "Closed, not judged (no due date or day closed)"),
    ]


def action_point_state(today):
    """An action point's PointState, in SQL."""
    is_open = Q(status=ActionPoint.Status.OPEN)
    return Case(
        When(is_open & action_point_overdue(today), then=Value(PointState.OVERDUE)),
        When(is_open, then=Value(PointState.OPEN)),
        When(action_point_closed_late(), then=Value(PointState.CLOSED_LATE)),
        When(action_point_closed_on_time(), then=Value(PointState.CLOSED_ON_TIME)),
        default=Value(PointState.CLOSED),
        output_field=CharField(),
    )


def open_action_points():
    """The action points the outstanding page lists, before its filters."""
    return ActionPoint.objects.public().open()


def awaiting_questions():
    """The written questions the outstanding page lists, before its filters."""
    return WrittenQuestion.objects.public().awaiting()


def plan_actions_needing_attention(today, intervals):
    """The plan actions the outstanding page lists, before its filters: unfinished, and red
    or amber, overdue, without a recent update or far off their success measures."""
    return with_status(
        Action.objects.public().exclude(stage__in=FINISHED), today, intervals
    ).filter(
        Q(current_rag__in=["red", "amber"])
        | Q(is_overdue=True)
        | Q(is_stale=True)
        | Q(current_distance="far_off")
    )


def action_points(filters, today, intervals=None):
    queryset = open_action_points()
    f = filters
    if f.get("committee"):
        queryset = queryset.filter(committee=f["committee"])
    if f.get("owner_organisation"):
        queryset = queryset.filter(owner_organisation=f["owner_organisation"])
    if f.get("owner_person"):
        queryset = queryset.filter(owner_person=f["owner_person"])
    if f.get("plan"):
        queryset = queryset.filter(plan_actions__plan=f["plan"])
    if f.get("section"):
        queryset = queryset.filter(
            Q(plan_actions__section=f["section"]) | Q(plan_actions__section__parent=f["section"])
        )
    if f.get("status"):
        queryset = queryset.filter(pk__in=[]) if "open" not in f["status"] else queryset
    queryset = queryset.annotate(
        raised=TruncDate("meeting__starts_at"),
        overdue=Coalesce(action_point_overdue(today), Value(False), output_field=BooleanField()),
    )
    queryset = _dates(queryset, f)
    return _row_values(
        _once(queryset, f),
        _text(ACTION_POINT),
        F("pk"),
        F("reference"),
        F("description"),
        F("committee_id"),
        F("committee__name"),
        F("committee__slug"),
        F("raised"),
        _none(CharField()),
        Coalesce("owner_organisation__name", _text("")),
        Coalesce("owner_person__name", _text("")),
        _text("open"),
        F("raised"),
        F("due_date"),
        F("overdue"),
        Value(False, output_field=BooleanField()),
        _none(CharField()),
        _text(""),
        F("owner_text"),
        F("sort_key"),
        _example("committee__partnership__is_example"),
        Coalesce("owner_person__slug", _text("")),
    )


def questions(filters, today, intervals=None):
    queryset = awaiting_questions()
    f = filters
    if f.get("committee"):
        queryset = queryset.filter(meeting__committee=f["committee"])
    if f.get("owner_organisation"):
        queryset = queryset.filter(addressed_to=f["owner_organisation"])
    if f.get("owner_person"):
        queryset = queryset.filter(pk__in=[])  # questions are owed by organisations
    if f.get("plan"):
        queryset = queryset.filter(plan_actions__plan=f["plan"])
    if f.get("section"):
        queryset = queryset.filter(
            Q(plan_actions__section=f["section"]) | Q(plan_actions__section__parent=f["section"])
        )
    if f.get("status") and "awaiting" not in f["status"]:
        queryset = queryset.filter(pk__in=[])
    queryset = queryset.annotate(
        raised=TruncDate("meeting__starts_at"),
        overdue=Coalesce(question_overdue(today), Value(False), output_field=BooleanField()),
    )
    queryset = _dates(queryset, f, due="response_due")
    return _row_values(
        _once(queryset, f),
        _text(QUESTION),
        F("pk"),
        Cast("number", CharField()),
        F("question"),
        F("meeting__committee_id"),
        F("meeting__committee__name"),
        F("meeting__committee__slug"),
        F("raised"),
        _none(CharField()),
        Coalesce("addressed_to__name", _text("")),
        _text(""),
        _text("awaiting"),
        F("raised"),
        F("response_due"),
        F("overdue"),
        Value(False, output_field=BooleanField()),
        _none(CharField()),
        _text(""),
        _text(""),
        _number_key("number"),
        _example("meeting__committee__partnership__is_example"),
        _text(""),
    )


def plan_actions(filters, today, intervals):
    queryset = plan_actions_needing_attention(today, intervals)
    f = filters
    if f.get("committee"):
        queryset = queryset.filter(plan__in=_scrutinised_plans(f["committee"]))
    if f.get("owner_person"):
        queryset = queryset.filter(pk__in=[])  # plan actions are owned by organisations
    if f.get("owner_organisation"):
        queryset = queryset.filter(owners=f["owner_organisation"])
    if f.get("plan"):
        queryset = queryset.filter(plan=f["plan"])
    if f.get("section"):
        queryset = queryset.filter(Q(section=f["section"]) | Q(section__parent=f["section"]))
    if f.get("status"):
        wanted = [
            status for status in f["status"] if status in ("red", "amber", "green", "not_assessed")
        ]
        condition = Q(current_rag__in=wanted)
        if "not_assessed" in wanted:
            condition |= Q(current_rag__isnull=True)
        queryset = queryset.filter(condition)
    # Every owner by name; with none linked, the owner as written ("TBC").
    queryset = queryset.annotate(
        owner=Coalesce(OwnerNames("pk"), F("owner_note"), output_field=CharField()),
        raised=_none(DateField()),
        rag=Coalesce("current_rag", _text("not_assessed")),
    )
    queryset = _dates(queryset, f, raised=None)
    return _row_values(
        queryset,
        _text(PLAN_ACTION),
        F("pk"),
        F("number"),
        F("title"),
        _none(IntegerField()),
        _text(""),
        _text(""),
        F("raised"),
        F("plan__slug"),
        F("owner"),
        _text(""),
        F("rag"),
        F("raised"),
        F("due_date"),
        F("is_overdue"),
        F("is_stale"),
        Coalesce("current_distance", _text("not_assessed")),
        F("plan__title"),
        F("owner_note"),
        F("sort_key"),
        _example("plan__organisation__is_example"),
        _text(""),
    )


def _once(queryset, f):
    """The rows of an action point or question part made distinct, where a filter joins its
    plan actions (a record linked to three actions of the plan would be listed three times).
    Otherwise each row is already one record, and DISTINCT only made PostgreSQL hash or sort
    every row by all its columns: a quarter of the unfiltered page's SQL."""
    return queryset.distinct() if f.get("plan") or f.get("section") else queryset


def _row_values(queryset, *expressions):
    """The shared columns, named alike in every part so the union can be sorted by name."""
    return queryset.order_by().values(
        **{f"row_{name}": expression for name, expression in zip(COLUMNS, expressions, strict=True)}
    )


def _dates(queryset, f, *, due="due_date", raised="raised"):
    if f.get("raised_after"):
        queryset = (
            queryset.filter(**{f"{raised}__gte": f["raised_after"]}) if raised else queryset.none()
        )
    if f.get("raised_before"):
        queryset = (
            queryset.filter(**{f"{raised}__lte": f["raised_before"]}) if raised else queryset.none()
        )
    if f.get("due_after"):
        queryset = queryset.filter(**{f"{due}__gte": f["due_after"]})
    if f.get("due_before"):
        queryset = queryset.filter(**{f"{due}__lte": f["due_before"]})
    if f.get("overdue_only"):
        queryset = queryset.filter(**{f"{due}__lt": f["today"]})
    return queryset


@dataclass
class Row:
    kind: str
    pk: int
    ref: str
    title: str
    committee_id: int | None
    committee_name: str
    committee_slug: str
    meeting_day: datetime.date | None
    plan_slug: str | None
    owner_name: str
    owner_person_name: str
    status: str
    raised_on: datetime.date | None
    due_on: datetime.date | None
    is_overdue: bool
    is_stale: bool
    distance: str | None
    plan_title: str = ""
    owner_note: str = ""
    sort_key: str = ""
    is_example: bool = False
    owner_person_slug: str = ""

    @property
    def owner_person_url(self):
        """The page of the person who owns an action point (every owner of a public point
        appears in published material, so has one)."""
        return PERSON_ROUTE(slug=self.owner_person_slug) if self.owner_person_slug else ""

    @property
    def owner_as_written(self):
        """A plan action's owner as the plan writes it, where that says more than the owners
        named: "District Councils and Norfolk Constabulary" beside eight organisations."""
        note = (self.owner_note or "").strip()
        return note if note and note != self.owner_name else ""

    @property
    def kind_label(self):
        return KIND_LABELS[self.kind]

    @property
    def url(self):
        if self.kind == PLAN_ACTION:
            return ACTION_ROUTE(slug=self.plan_slug, number=self.ref)
        meeting = MEETING_ROUTE(slug=self.committee_slug, date=self.meeting_day)
        anchor = f"action-{self.ref}" if self.kind == ACTION_POINT else f"question-{self.ref}"
        return f"{meeting}#{anchor}"


def _parts(filters, today, intervals):
    filters = {**filters, "today": today}
    kinds = filters.get("kind") or [kind for kind, _ in KINDS]
    builders = {ACTION_POINT: action_points, QUESTION: questions, PLAN_ACTION: plan_actions}
    return [builders[kind](filters, today, intervals) for kind, _ in KINDS if kind in kinds]


def _union(parts):
    return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]


def outstanding(filters, *, sort="due", today=None):
    """Every outstanding row matching the cleaned filter values, sorted: Rows, read in one
    query however they are sliced."""
    (rows, _), values = _prepared(filters, sort, today)
    return Rows(rows, values)


def facets(filters, today=None):
    """Counts per kind, committee, owner and status of the filtered rows (one query); the
    kind counts add up to the number of rows."""
    (_, counted), values = _prepared(filters, "due", today)
    return _counts(counted, values)


def outstanding_and_facets(filters, *, sort="due", today=None):
    """(outstanding(…), facets(…)) for the same filters, the plans' intervals read once: the
    page shows both."""
    (rows, counted), values = _prepared(filters, sort, today)
    return Rows(rows, values), _counts(counted, values)


def tally(today=None):
    """(Counter of every outstanding row by kind, how many of the rows are due before today):
    what facets({}) counts by kind and what facets({"overdue_only": True}) adds up to, in one
    statement that reads only each row's kind and due day. The home page shows these."""
    intervals = tuple(Plan.objects.order_by("pk").values_list("pk", "reporting_interval_days"))
    today = today or timezone.localdate()
    statement = _tally_statement(today, intervals, timezone.get_current_timezone_name())
    every, overdue = Counter(), 0
    for kind, count, due in _run(statement, {}):
        every[kind] += count
        overdue += due or 0
    return every, overdue


@lru_cache(maxsize=4)
def _tally_statement(today, intervals, zone):
    """The SQL and parameters counting every unfiltered row by kind, and those due before
    `today` (the rows the "overdue only" filter keeps: their due day is before today). Each
    kind's rows as the page selects them, reading only their kind and due day (the page's
    row columns would join their committees, owners and meetings to no purpose)."""
    parts = [
        open_action_points().values(row_kind=_text(ACTION_POINT), row_due_on=F("due_date")),
        awaiting_questions().values(row_kind=_text(QUESTION), row_due_on=F("response_due")),
        plan_actions_needing_attention(today, dict(intervals)).values(
            row_kind=_text(PLAN_ACTION), row_due_on=F("due_date")
        ),
    ]
    compiled = _compiled(_union([part.order_by() for part in parts]), ())
    if compiled is None:
        return None
    sql, params = compiled
    kind, due = connection.ops.quote_name("row_kind"), connection.ops.quote_name("row_due_on")
    # The SQL is the compiled statement; every value in it is a parameter.
    counting = (
        f"SELECT {kind}, COUNT(*), SUM(CASE WHEN {due} < %s THEN 1 ELSE 0 END)"  # noqa: S608
        f" FROM ({sql}) AS outstanding GROUP BY {kind}"
    )
    return counting, (_parameter("due_before", today), *params)


def _counts(counted, values):
    # Each row read is (kind, key, committee, owner, status); the key only keeps rows apart.
    return facet_counts((kind, *rest) for kind, _, *rest in _run(counted, values))


def _prepared(filters, sort, today):
    """The statements for the filters, and the parameters for their chosen values."""
    # Every plan's reporting interval, for "no recent update": one small query, and part of
    # the statements' key, as the days they give are written into them.
    intervals = tuple(Plan.objects.order_by("pk").values_list("pk", "reporting_interval_days"))
    statements = _statements(
        tuple(sorted(filters.get("kind") or ())),
        tuple(sorted(filters.get("status") or ())),
        bool(filters.get("overdue_only")),
        tuple(name for name in CHOSEN if filters.get(name)),
        sort if sort in SORTS else "due",
        today or timezone.localdate(),
        intervals,
        timezone.get_current_timezone_name(),  # local days are taken in it (TruncDate)
    )
    values = {name: _parameter(name, filters[name]) for name in CHOSEN if filters.get(name)}
    return statements, values


# The filters whose chosen values are parameters of a statement built ahead. Building it, a
# stand-in takes each one's place: a key no record has, or a day in the year 1.
CHOSEN = (
    "committee", "owner_organisation", "owner_person", "plan", "section",
    "raised_after", "raised_before", "due_after", "due_before",
)  # fmt: skip
DAYS = CHOSEN[5:]


def _stand_in(name):
    index = CHOSEN.index(name)
    return datetime.date(1, 1, 1 + index) if name in DAYS else -1_000_000_000 - index


def _parameter(name, value):
    """A chosen value as its statement's parameter, prepared as Django prepares it."""
    if name in DAYS:
        return connection.ops.adapt_datefield_value(value)
    return value.pk if hasattr(value, "pk") else value


@dataclass(frozen=True)
class Chosen:
    """Stands in a statement's parameters for the value chosen for the filter `name`."""

    name: str


# A few dozen combinations are in use on a day; each entry holds two statements, about 12 kB
# of SQL at county scale.
@lru_cache(maxsize=64)
def _statements(kinds, statuses, overdue_only, chosen, sort, today, intervals, zone):
    """The SQL and parameters of the sorted rows and of the facets for one combination of
    filters, Chosen standing for each chosen value; None for a combination that can match
    nothing. Everything else the SQL depends on is in the key."""
    filters = {name: _stand_in(name) for name in chosen}
    filters.update(kind=list(kinds), status=list(statuses), overdue_only=overdue_only)
    filters = {name: value for name, value in filters.items() if value}
    parts = _parts(filters, today, dict(intervals))
    # The key is read too: the parts are DISTINCT, and without it two action points alike in
    # committee, owner and status would count once.
    counted = (
        "row_kind", "row_pk", "row_committee_name", "row_owner_name", "row_owner_person_name",
        "row_status", "row_plan_title",
    )  # fmt: skip
    ordering = [_order(name) for name in SORTS[sort]]
    return (
        _compiled(_union(parts).order_by(*ordering), chosen),
        _compiled(_union([part.values_list(*counted) for part in parts]), chosen),
    )


def _order(name):
    descending = name.startswith("-")
    column = F(f"row_{name.lstrip('-')}")
    nulls_last = True if name.lstrip("-") in DATED else None
    return column.desc(nulls_last=nulls_last) if descending else column.asc(nulls_last=nulls_last)


def _compiled(queryset, chosen):
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return None
    stand_ins = {_parameter(name, _stand_in(name)): name for name in chosen}
    params = tuple(Chosen(stand_ins[param]) if param in stand_ins else param for param in params)
    missing = set(chosen) - {param.name for param in params if isinstance(param, Chosen)}
    if missing:
        raise ImproperlyConfigured(f"Outstanding: {sorted(missing)} not parameters of its SQL.")
    return sql, params


def _run(statement, values, suffix="", extra=()):
    if statement is None:
        return []
    sql, params = statement
    params = [values[param.name] if isinstance(param, Chosen) else param for param in params]
    with connection.cursor() as cursor:
        cursor.execute(sql + suffix, [*params, *extra])
        return cursor.fetchall()


def _date(value):
    # SQLite returns days as text; PostgreSQL as dates.
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def _flag(value):
    return None if value is None else bool(value)


CONVERT = {"meeting_day": _date, "raised_on": _date, "due_on": _date, "is_overdue": _flag,
           "is_stale": _flag, "is_example": _flag}  # fmt: skip


class Rows:
    """The sorted rows for a page's filters, each a dict of row_* columns. Sliced, it reads
    that page of them (LIMIT and OFFSET); iterated, every one."""

    def __init__(self, statement, values):
        self.statement, self.values = statement, values

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step is not None or index.stop is None:
            raise TypeError("Rows are read by slices with an end, [start:stop].")
        start = index.start or 0
        limit = max(index.stop - start, 0)
        return self._dicts(_run(self.statement, self.values, " LIMIT %s OFFSET %s", (limit, start)))

    def __iter__(self):
        return iter(self._dicts(_run(self.statement, self.values)))

    def count(self):
        if self.statement is None:
            return 0
        sql, params = self.statement
        # The SQL is the compiled statement; every value in it is a parameter.
        counting = (f"SELECT COUNT(*) FROM ({sql}) AS outstanding", params)  # noqa: S608
        return _run(counting, self.values)[0][0]

    @staticmethod
    def _dicts(rows):
        dicts = []
        for row in rows:
            values = dict(zip(KEYS, row, strict=True))
            for key, index, to in CONVERTED:
                values[key] = to(row[index])
            dicts.append(values)
        return dicts


# Each column's key in a row's dict, and (key, position, conversion) of the columns converted.
KEYS = [f"row_{name}" for name in COLUMNS]
CONVERTED = [(f"row_{name}", COLUMNS.index(name), to) for name, to in CONVERT.items()]


def facet_counts(rows):
    """Counts per kind, committee, plan, owner and status over (kind, committee, owner
    organisation, owner person, status, plan) tuples.

    Each row counts once under each heading that has it: action points and questions under
    their committee, plan actions under their plan, so the two add up to the rows. Every row
    counts under its owner: the organisation (or, for a plan action, its organisations
    together), else the person named, else NO_OWNER, so the owners add up too."""
    counts = {name: Counter() for name in ("kind", "committee", "plan", "owner", "status")}
    for kind, committee, owner, person, status, plan in rows:
        counts["kind"][kind] += 1
        if committee:
            counts["committee"][committee] += 1
        if plan:
            counts["plan"][plan] += 1
        counts["owner"][owner or person or NO_OWNER] += 1
        counts["status"][status] += 1
    return counts


def by_count(counter):
    """[(name, count)], most first and alike counts by name: Counter.most_common leaves ties
    in the order the rows came."""
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))


def to_rows(values):
    named = list(zip(COLUMNS, KEYS, strict=True))
    return [Row(**{name: value[key] for name, key in named}) for value in values]
