"""The councillors' view of everything still outstanding: open action points, written
questions awaiting a response, and delivery-plan actions that are red, amber, overdue, stale
or far off their success measure.

The three kinds are different models; each is filtered in the database, reduced to the same
columns, and the three are combined with UNION so that sorting, counting and pagination
happen in one query whatever the data size.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    CharField,
    DateField,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.utils import timezone

from delivery_plans.models import ACTION_ROUTE, Action
from delivery_plans.queries import FINISHED, with_status
from meetings.models import MEETING_ROUTE, ActionPoint, WrittenQuestion
from safer_norfolk.models import Organisation

ACTION_POINT, QUESTION, PLAN_ACTION = "action_point", "question", "plan_action"
KINDS = [
    (ACTION_POINT, "Action point"),
    (QUESTION, "Written question"),
    (PLAN_ACTION, "Plan action"),
]
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
SORTS = {
    "due": ["due_on", "kind", "ref", "pk"],
    "-due": ["-due_on", "kind", "ref", "pk"],
    "raised": ["raised_on", "kind", "ref", "pk"],
    "-raised": ["-raised_on", "kind", "ref", "pk"],
    "kind": ["kind", "ref", "pk"],
    "owner": ["owner_name", "kind", "ref", "pk"],
}
COLUMNS = [
    "kind", "pk", "ref", "title", "committee_id", "committee_name", "committee_slug", "meeting_day",
    "plan_slug", "owner_name", "owner_person_name", "status", "raised_on", "due_on", "is_overdue",
    "is_stale", "distance",
]  # fmt: skip


def _text(value):
    return Value(value, output_field=CharField())


def _none(field):
    return Value(None, output_field=field)


def action_points(filters, today):
    queryset = ActionPoint.objects.public().open()
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
        overdue=Coalesce(Q(due_date__lt=today), Value(False), output_field=BooleanField()),
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
    )


def questions(filters, today):
    queryset = WrittenQuestion.objects.public().awaiting()
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
        overdue=Coalesce(Q(response_due__lt=today), Value(False), output_field=BooleanField()),
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
    )


def plan_actions(filters, today):
    queryset = with_status(Action.objects.public().exclude(stage__in=FINISHED), today).filter(
        Q(current_rag__in=["red", "amber"])
        | Q(is_overdue=True)
        | Q(is_stale=True)
        | Q(current_distance="far_off")
    )
    f = filters
    if f.get("committee") or f.get("owner_person"):
        queryset = queryset.filter(
            pk__in=[]
        )  # plan actions belong to plans, owned by organisations
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
    first_owner = (
        Organisation.objects.filter(plan_actions=OuterRef("pk")).order_by("name").values("name")[:1]
    )
    queryset = queryset.annotate(
        owner=Coalesce(Subquery(first_owner), F("owner_note"), output_field=CharField()),
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

    @property
    def kind_label(self):
        return dict(KINDS)[self.kind]

    @property
    def url(self):
        if self.kind == PLAN_ACTION:
            return ACTION_ROUTE(slug=self.plan_slug, number=self.ref)
        meeting = MEETING_ROUTE(slug=self.committee_slug, date=self.meeting_day)
        anchor = f"action-{self.ref}" if self.kind == ACTION_POINT else f"question-{self.ref}"
        return f"{meeting}#{anchor}"


def _parts(filters, today):
    filters = {**filters, "today": today}
    kinds = filters.get("kind") or [kind for kind, _ in KINDS]
    builders = {ACTION_POINT: action_points, QUESTION: questions, PLAN_ACTION: plan_actions}
    return [builders[kind](filters, today) for kind, _ in KINDS if kind in kinds]


def _union(parts):
    return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]


def outstanding(filters, *, sort="due", today=None):
    """Every outstanding row matching the cleaned filter values, sorted, as dicts of row_*
    columns (one query, however it is sliced)."""
    return _sorted(_parts(filters, today or timezone.localdate()), sort)


def facets(filters, today=None):
    """Counts per kind, committee, owner and status of the filtered rows (one query); the
    kind counts add up to the number of rows."""
    return _facets(_parts(filters, today or timezone.localdate()))


def outstanding_and_facets(filters, *, sort="due", today=None):
    """(outstanding(…), facets(…)) for the same filters, the three parts built once: the
    page shows both."""
    parts = _parts(filters, today or timezone.localdate())
    return _sorted(parts, sort), _facets(parts)


def _sorted(parts, sort):
    ordering = [
        f"-row_{name[1:]}" if name.startswith("-") else f"row_{name}"
        for name in SORTS.get(sort, SORTS["due"])
    ]
    return _union(parts).order_by(*ordering)


def _facets(parts):
    # The key is read too: the parts are DISTINCT, and without it two action points alike in
    # committee, owner and status would count once.
    columns = ("row_kind", "row_pk", "row_committee_name", "row_owner_name", "row_status")
    parts = [part.values_list(*columns) for part in parts]
    return facet_counts((kind, *rest) for kind, _, *rest in _union(parts))


def facet_counts(rows):
    """Counts per kind, committee, owner and status over (kind, committee, owner, status) tuples."""
    counts = {"kind": Counter(), "committee": Counter(), "owner": Counter(), "status": Counter()}
    for kind, committee, owner, status in rows:
        counts["kind"][kind] += 1
        if committee:
            counts["committee"][committee] += 1
        if owner:
            counts["owner"][owner] += 1
        counts["status"][status] += 1
    return counts


def by_count(counter):
    """[(name, count)], most first and alike counts by name: Counter.most_common leaves ties
    in the order the rows came."""
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))


def to_rows(values):
    return [Row(**{name: value[f"row_{name}"] for name in COLUMNS}) for value in values]
