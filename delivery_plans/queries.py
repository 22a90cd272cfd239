"""The queryset behind each delivery-plan screen.

`with_status` annotates each action, in the database, with whether it is overdue and whether
it is stale (`with_current_status` the first), beside its current RAG, distance and the day of
its latest published update, which are stored on the action (delivery_plans.status). Pages, PDFs, the API and
the councillors' outstanding view all start from it.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone

from delivery_plans.models import Action, ActionUpdate, Plan, Section
from outcomes.models import Outcome, OutcomeFramework
from safer_norfolk.models import Organisation
from safer_norfolk.queries import considered, public_key, public_keys

FINISHED = [Action.Stage.COMPLETE, Action.Stage.WITHDRAWN]
# No date to be late against: a data gap, ongoing work, or work that comes round again.
UNDATED = [
    Action.Precision.TBC,
    Action.Precision.ONGOING,
    Action.Precision.RECURRING,
    Action.Precision.UNKNOWN,
]
# An owner or success measure cell that names nothing yet ("TBC", "To be confirmed"), as
# the gaps in a plan's data count it: a regular expression for the database, any case.
TO_BE_CONFIRMED = r"^\s*(tbc|tbd|to be (confirmed|decided|agreed))\.?\s*$"
# "Nearly there" to "furthest away", then those nobody has assessed.
DISTANCE_ORDER = ["met", "nearly_met", "some_way", "far_off", "not_assessed"]
RAG_ORDER = ["red", "amber", "green", "complete", "not_assessed"]
NO_SECTION = "Not in a section"


def with_current_status(actions, today=None):
    """Annotate is_overdue beside the stored current_rag, current_distance and
    last_update_on (delivery_plans.status): what a mention of an action elsewhere shows (a
    question citing it). No extra query."""
    today = today or timezone.localdate()
    return actions.annotate(
        is_overdue=Case(
            When(
                Q(due_date__lt=today) & ~Q(stage__in=FINISHED) & ~Q(due_precision__in=UNDATED),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def with_status(actions, today=None, intervals=None):
    """with_current_status, and is_stale besides. `intervals` maps the plans' keys to their
    reporting intervals in days; without it, one extra query reads them."""
    today = today or timezone.localdate()
    if intervals is None:
        intervals = dict(
            Plan.objects.filter(pk__in=actions.values("plan_id")).values_list(
                "pk", "reporting_interval_days"
            )
        )
    if len(intervals) == 1:
        (days,) = intervals.values()
        stale_before = Value(today - datetime.timedelta(days=days), output_field=DateField())
    else:
        stale_before = Case(
            *[
                When(plan_id=pk, then=Value(today - datetime.timedelta(days=days)))
                for pk, days in intervals.items()
            ],
            default=Value(today),
            output_field=DateField(),
        )
    # Stale: unfinished, with no published update since the plan's interval began (the
    # stored day of its latest is before it, or there is none).
    return with_current_status(actions, today).annotate(
        is_stale=Case(
            When(stage__in=FINISHED, then=Value(False)),
            When(last_update_on__gte=stale_before, then=Value(False)),
            default=Value(True),
            output_field=BooleanField(),
        ),
    )


def plan_for(slug):
    plan = (
        Plan.objects.public().select_related("organisation", "framework").filter(slug=slug).first()
    )
    if plan is None:
        raise Http404("No published plan here.")
    if plan.framework is not None and plan.framework.status != OutcomeFramework.Status.PUBLISHED:
        # The plan may serve a framework still in draft: pages name only a published one.
        plan.framework = None
    return plan


def plans():
    return Plan.objects.public().select_related("organisation")


def plan_actions(plan, today=None):
    """Every action of a plan with its status, owners and section, in number order."""
    return (
        # Through the plan's own manager, each action's `plan` is the plan already read: no
        # join, and no copy of the plan made for each of its hundreds of actions.
        with_status(plan.actions.all(), today, {plan.pk: plan.reporting_interval_days})
        .select_related("section")
        .prefetch_related(owners_by_name())
        .order_by("sort_key")
    )


def report_actions(plan):
    """The plan's actions as `plan_actions` gives them, each with its published updates,
    latest first, read ahead into `published_updates` (the report prints the latest)."""
    latest = ActionUpdate.objects.published().order_by("-reported_on", "-pk")
    return plan_actions(plan).prefetch_related(
        Prefetch("updates", queryset=latest, to_attr="published_updates")
    )


def owners_by_name():
    """An action's owners in name order, as the list `action.owner_list`: a plain list spares
    the queryset Django makes per action for a relation read ahead (a plan has hundreds)."""
    return Prefetch("owners", queryset=Organisation.objects.order_by("name"), to_attr="owner_list")


def rag_of(action):
    return action.current_rag or "not_assessed"


def distance_of(action):
    return action.current_distance or "not_assessed"


@dataclass
class Tally:
    """Counts of one group of actions (a whole plan, a section, an owner)."""

    label: str = ""
    total: int = 0
    rag: Counter = field(default_factory=Counter)
    distance: Counter = field(default_factory=Counter)
    overdue: int = 0
    stale: int = 0

    def add(self, action):
        self.count(
            rag=rag_of(action),
            distance=distance_of(action),
            overdue=action.is_overdue,
            stale=action.is_stale,
        )

    def count(self, *, rag, distance, overdue, stale, actions=1):
        """Count `actions` actions of the same status."""
        self.total += actions
        self.rag[rag or "not_assessed"] += actions
        self.distance[distance or "not_assessed"] += actions
        self.overdue += actions if overdue else 0
        self.stale += actions if stale else 0

    @property
    def columns(self):
        """The counts in the order of the tally tables' columns: all, red, amber, green,
        complete, met or nearly met, far off, overdue, no recent update."""
        rag, distance = self.rag, self.distance
        return (
            self.total,
            rag[ActionUpdate.Rag.RED],
            rag[ActionUpdate.Rag.AMBER],
            rag[ActionUpdate.Rag.GREEN],
            rag[ActionUpdate.Rag.COMPLETE],
            distance[ActionUpdate.Distance.MET] + distance[ActionUpdate.Distance.NEARLY_MET],
            distance[ActionUpdate.Distance.FAR_OFF],
            self.overdue,
            self.stale,
        )

    @property
    def rag_counts(self):
        return [(value, self.rag[value]) for value in RAG_ORDER]

    @property
    def distance_counts(self):
        return [(value, self.distance[value]) for value in DISTANCE_ORDER]


@dataclass
class PlanSummary:
    plan: Tally
    by_section: list
    by_owner: list
    gaps: dict


def tally_of(actions, label="All actions"):
    """A Tally of actions already read with their status (plan_actions): no query."""
    tally = Tally(label=label)
    for action in actions:
        tally.add(action)
    return tally


def summarise(plan, sections, today=None):
    """Counts of the plan's actions, in the database: the whole plan, each section (in the
    order of `sections`, the plan's from sections_of), each owner (by name), and the data
    gaps a councillor should know about. A plan without sections has no section counts; in
    one with sections, actions outside them are counted last, as "Not in a section". Three
    queries however many actions, so a page can show one page of them."""
    actions = with_status(plan.actions.all(), today, {plan.pk: plan.reporting_interval_days})
    fields = ("current_rag", "current_distance", "is_overdue", "is_stale")
    status = ("rag", "distance", "overdue", "stale", "actions")  # Tally.count's arguments
    whole = Tally(label="All actions")
    counted = {}
    for section_id, *row in (
        actions.order_by().values_list("section_id", *fields).annotate(actions=Count("pk"))
    ):
        counts = dict(zip(status, row, strict=True))
        whole.count(**counts)
        counted.setdefault(section_id, Tally()).count(**counts)
    by_section = []
    for section in sections:
        if section.pk in counted:
            by_section.append(counted[section.pk])
            by_section[-1].label = str(section)
    if by_section and None in counted:
        by_section.append(counted[None])
        by_section[-1].label = NO_SECTION
    owners = {}
    for owner_id, name, short_name, *row in (
        actions.filter(owners__isnull=False)
        .order_by()
        .values_list("owners", "owners__name", "owners__short_name", *fields)
        .annotate(actions=Count("pk"))
    ):
        label = short_name or name  # Organisation.display_name
        owners.setdefault(owner_id, Tally(label=label)).count(**dict(zip(status, row, strict=True)))
    no_owner_named = (Q(owner_note="") | Q(owner_note__iregex=TO_BE_CONFIRMED)) & ~Exists(
        Action.owners.through.objects.filter(action=OuterRef("pk"))
    )
    gaps = plan.actions.aggregate(
        no_owner=Count("pk", filter=no_owner_named),
        no_date=Count(
            "pk", filter=Q(due_precision__in=[Action.Precision.TBC, Action.Precision.UNKNOWN])
        ),
        # Blank, only white space or "TBC"; an unreadable one is counted apart.
        no_success_measure=Count(
            "pk",
            filter=(
                Q(success_measure__regex=r"^\s*$", success_measure_unreadable=False)
                | Q(success_measure__iregex=TO_BE_CONFIRMED)
            ),
        ),
        unreadable_success_measure=Count(
            "pk",
            filter=Q(success_measure__regex=r"^\s*$", success_measure_unreadable=True),
        ),
        no_update=Count("pk", filter=Q(last_update_on__isnull=True)),
    )
    return PlanSummary(
        plan=whole,
        by_section=by_section,
        by_owner=sorted(owners.values(), key=lambda tally: tally.label.lower()),
        gaps=gaps,
    )


def plan_progress(today=None):
    """[(plan, Tally)] for every published plan, by title: where each stands by RAG and by
    distance to its success measures. Two queries however many plans and actions: the plans,
    then the number of actions of each plan in each status."""
    published = list(plans().order_by("title"))
    tallies = {plan.pk: Tally(label=plan.title) for plan in published}
    intervals = {plan.pk: plan.reporting_interval_days for plan in published}
    if published:
        statuses = (
            with_status(Action.objects.public(), today, intervals)
            .order_by()
            .values_list("plan_id", "current_rag", "current_distance", "is_overdue", "is_stale")
            .annotate(actions=Count("pk"))
        )
        for plan_id, rag, distance, overdue, stale, actions in statuses:
            tallies[plan_id].count(
                rag=rag, distance=distance, overdue=overdue, stale=stale, actions=actions
            )
    return [(plan, tallies[plan.pk]) for plan in published]


def sections_of(plan):
    return list(Section.objects.filter(plan=plan).select_related("parent").in_plan_order())


def distance_groups(actions, sections):
    """[(section, [actions ranked met → far off → not assessed])] for sections with actions;
    actions in no section come first, as (None, [...])."""
    groups = distance_groups_in_number_order(actions, sections)
    for _, members in groups:
        members.sort(
            key=lambda action: (DISTANCE_ORDER.index(distance_of(action)), action.sort_key)
        )
    return groups


def distance_groups_in_number_order(actions, sections):
    """[(section, [actions in number order])] for sections with actions; actions in no
    section (a plan without sections) come first, as (None, [...])."""
    by_section = {}
    for action in actions:
        by_section.setdefault(action.section_id, []).append(action)
    groups = [(None, by_section[None])] if None in by_section else []
    groups += [
        (section, by_section[section.pk]) for section in sections if section.pk in by_section
    ]
    return groups


@dataclass
class ActionPage:
    action: Action
    updates: list
    outcomes: list
    related: list
    questions: list
    action_points: list
    extra_fields: list = field(default_factory=list)
    history: object = None  # a Page of safer_norfolk.queries.considered


def extra_fields_of(action, plan):
    """The headings of the action's own fields that hold text, in the order the plan's file
    gave them; any the plan no longer lists follow in the order they were kept."""
    extra = action.extra or {}
    known = [heading for heading in plan.extra_fields or [] if extra.get(heading)]
    return known + [heading for heading in extra if heading not in known and extra[heading]]


def outcomes_served(action):
    """The published outcomes `action` serves: those linked to it, and those of its section
    and its section's theme (as an outcome's page counts them), each marked `direct` when
    linked to the action itself and `via_section` when linked to its own section (else its
    theme). `action.section` is read with its parent."""
    section = action.section
    sections = [key for key in (action.section_id, section and section.parent_id) if key]
    through_section = Section.outcomes.through.objects.filter(
        section=action.section_id, outcome=OuterRef("pk")
    )
    linked = Action.outcomes.through.objects.filter(action=action, outcome=OuterRef("pk"))
    # Each link read as a list of keys (as actions_serving does): no join, so no DISTINCT.
    by_action = Action.outcomes.through.objects.filter(action=action).values("outcome_id")
    by_section = Section.outcomes.through.objects.filter(section__in=sections)
    return list(
        Outcome.objects.public()
        .filter(Q(pk__in=by_action) | Q(pk__in=by_section.values("outcome_id")))
        .annotate(direct=Exists(linked), via_section=Exists(through_section))
        .select_related("framework")
        .order_by("framework__title", "sort_key")
    )


def action_page(slug, number, today=None, page=None):
    plan = plan_for(slug)
    action = (
        with_status(
            Action.objects.filter(plan=plan, number=number),
            today,
            {plan.pk: plan.reporting_interval_days},
        )
        .select_related("plan", "section__parent", "lead")
        .prefetch_related(owners_by_name())
        .first()
    )
    if action is None:
        raise Http404("No such action in this plan.")
    action.plan = plan
    related = list(action.related_actions.public().select_related("plan").order_by("sort_key"))
    for other in related:
        other.plan = plan if other.plan_id == plan.pk else other.plan
    return ActionPage(
        action=action,
        updates=list(
            action.updates.published().select_related("author").order_by("-reported_on", "-pk")
        ),
        outcomes=outcomes_served(action),
        related=related,
        # The scrutiny trail, read through the reverse relations so this layer never imports
        # meetings; each side's own public() rule decides what shows.
        questions=list(
            action.written_questions.public()
            .select_related("meeting__committee", "responded_by")
            .order_by("-meeting__starts_at", "number")
        ),
        action_points=list(
            action.action_points.public()
            .select_related("meeting__committee", "owner_person", "owner_organisation")
            .order_by("-meeting__starts_at", "sort_key")
        ),
        extra_fields=extra_fields_of(action, plan),
        history=considered(action.agenda_items.all(), page),
    )


def plan_history(plan, page=None):
    """Every public agenda item that concerns the plan or one of its actions, oldest first
    (`considered`: one page of them). The keys of both links are read from their indexes
    and joined by a UNION in one query: one condition over both links (an OR across the join
    to the actions) read every agenda item, and a list of the keys sent back to the
    database took twice as long."""
    items = plan.agenda_items.order_by().values("pk")
    through = items.model.plan_actions.through
    by_action = through.objects.filter(action__plan=plan).order_by().values("agendaitem_id")
    return considered(items.model.objects.filter(pk__in=items.union(by_action)), page)


# --- the API ----------------------------------------------------------------------------------


def api_plans():
    return Plan.objects.public().annotate(
        public_framework=public_key(OutcomeFramework, "framework")
    )


def api_sections():
    return Section.objects.public().prefetch_related(
        public_keys("outcomes", Outcome, "outcome_list")
    )


def api_actions(plan=None):
    """Published plan actions with their current status and what their serializer reads;
    `plan` (a key) narrows them to one plan before the status is worked out."""
    actions = Action.objects.public()
    if plan is not None:
        actions = actions.filter(plan_id=plan)
    return (
        with_status(actions)
        .select_related("plan")
        .prefetch_related(
            "owners",
            public_keys("outcomes", Outcome, "outcome_list"),
            public_keys("related_actions", Action, "related_action_list"),
        )
    )
