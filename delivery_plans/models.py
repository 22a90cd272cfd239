"""Delivery plans: themes and priorities, numbered actions with owners, success measures and
fuzzy dates, and the progress updates owners report (DESIGN §4.3).

Current RAG and distance, overdue and stale are derived in `delivery_plans.queries`, never
stored.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce

from outcomes.models import Outcome, OutcomeFramework
from safer_norfolk import formats
from safer_norfolk.audit import Versioned, VersionedQuerySet, audited_history
from safer_norfolk.fields import NaturalSortKeyField
from safer_norfolk.models import Organisation, Person
from safer_norfolk.routes import Route
from safer_norfolk.validators import plausible_date

# A plan page lists its actions by the hundred (safer_norfolk.routes).
PLAN_ROUTE = Route("delivery_plans:plan", slug="slug")
ACTION_ROUTE = Route("delivery_plans:action", slug="slug", number="path")


class PlanQuerySet(VersionedQuerySet):
    def public(self):
        return self.filter(status=Plan.Status.PUBLISHED)


class Plan(Versioned):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=80, unique=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="plans",
        help_text="The partnership that owns the plan.",
    )
    framework = models.ForeignKey(
        OutcomeFramework,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plans",
        help_text="The outcome framework the plan serves.",
    )
    period_start = models.DateField(
        validators=[plausible_date], help_text="Anchors “Year 1”, “Year 2” … in action dates."
    )
    period_end = models.DateField(null=True, blank=True, validators=[plausible_date])
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    summary = models.TextField(blank=True, help_text="Markdown.")
    version_label = models.CharField(max_length=100, blank=True, help_text="e.g. “Year 2 refresh”.")
    reporting_interval_days = models.PositiveSmallIntegerField(
        default=92,
        help_text="An action with no published update for longer than this is shown as stale (92 days = quarterly).",
    )
    extra_fields = models.JSONField(
        default=list,
        blank=True,
        help_text="Headings of the plan's own columns (“Update Year 2”), in the order its file gave them.",
    )

    objects = PlanQuerySet.as_manager()

    history = audited_history()

    class Meta:
        ordering = ["-period_start", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__isnull=True) | Q(period_end__gte=models.F("period_start")),
                name="plan_period_in_order",
            ),
            models.CheckConstraint(
                condition=Q(reporting_interval_days__gte=1), name="plan_reporting_interval_positive"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return PLAN_ROUTE(slug=self.slug)


class SectionQuerySet(VersionedQuerySet):
    def public(self):
        return self.filter(plan__status=Plan.Status.PUBLISHED)

    def in_plan_order(self, *first):
        """Each theme followed by its priorities, as the plan lists them: a priority's
        `order` counts within its theme (ordering by `order` alone interleaves the themes'
        priorities). `first`: fields to order by before that (another plan's title)."""
        return self.annotate(
            theme_order=Coalesce("parent__order", "order"),
            theme_key=Coalesce("parent__sort_key", "sort_key"),
            theme_id=Coalesce("parent_id", "pk"),
        ).order_by(
            *first,
            "theme_order",
            "theme_key",
            "theme_id",
            F("parent_id").asc(nulls_first=True),
            "order",
            "sort_key",
            "pk",
        )


class Section(Versioned):
    correction_shown_on_parent = True

    """A theme (no parent) or a priority within a theme."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        help_text="The theme.",
    )
    number = models.CharField(max_length=20, blank=True)
    sort_key = NaturalSortKeyField(source="number")
    title = models.CharField(max_length=400)
    outcomes = models.ManyToManyField(Outcome, blank=True, related_name="plan_sections")
    order = models.PositiveSmallIntegerField(default=0)

    objects = SectionQuerySet.as_manager()

    history = audited_history()

    class Meta:
        ordering = ["plan", "order", "sort_key", "pk"]

    def __str__(self):
        return f"{self.number} {self.title}".strip()


class ActionQuerySet(VersionedQuerySet):
    def public(self):
        return self.filter(plan__status=Plan.Status.PUBLISHED)


class Action(Versioned):
    class Precision(models.TextChoices):
        DAY = "day", "Day"
        MONTH = "month", "Month"
        QUARTER = "quarter", "Quarter"
        YEAR = "year", "Year"
        ONGOING = "ongoing", "Ongoing"
        RECURRING = "recurring", "Recurring"
        TBC = "tbc", "To be confirmed"
        UNKNOWN = "unknown", "Not understood"

    class Stage(models.TextChoices):
        # A plan that says nothing of an action's progress (a draft plan) does not say it has
        # not started: the default, and what an import without a stage column records.
        NOT_STATED = "not_stated", "Not stated in the plan"
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        ONGOING = "ongoing", "Ongoing"
        COMPLETE = "complete", "Complete"
        ON_HOLD = "on_hold", "On hold"
        WITHDRAWN = "withdrawn", "Withdrawn"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    section = models.ForeignKey(
        Section,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        help_text="Empty in a plan that has no sections.",
    )
    number = models.CharField(
        max_length=20, help_text="“1.14”: sorted naturally, so 1.9 comes before 1.10."
    )
    sort_key = NaturalSortKeyField(source="number")
    title = models.TextField("action", help_text="The action as written in the plan.")
    success_measure = models.TextField(blank=True)
    success_measure_unreadable = models.BooleanField(
        "success measure unreadable in the source",
        default=False,
        help_text=(
            "The paper has a success measure here that cannot be read (“???” in an extracted "
            "table): it is shown as not known, never guessed, and never as “none stated”."
        ),
    )
    owners = models.ManyToManyField(Organisation, blank=True, related_name="plan_actions")
    owner_note = models.CharField(
        max_length=300, blank=True, help_text="Owner as written: “All NASP partners”."
    )
    lead = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="plan_actions_led"
    )
    due_text = models.CharField(
        max_length=300, blank=True, help_text="As written: “TBC”, “Ongoing”, “Year 2”."
    )
    due_date = models.DateField(
        null=True,
        blank=True,
        validators=[plausible_date],
        help_text="The last day of the period due_text names, read from it.",
    )
    due_precision = models.CharField(
        max_length=10, choices=Precision.choices, default=Precision.TBC
    )
    method = models.TextField("how will we do it?", blank=True)
    indicators = models.TextField("how will we monitor improvement?", blank=True)
    cost_text = models.CharField("how much will it cost?", max_length=300, blank=True)
    cost_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    funding_source = models.CharField(max_length=300, blank=True)
    outcomes = models.ManyToManyField(Outcome, blank=True, related_name="plan_actions")
    related_actions = models.ManyToManyField("self", blank=True, symmetrical=True)
    external_ref = models.CharField(max_length=100, blank=True, help_text="e.g. “CLSG Action 2”.")
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.NOT_STATED)
    extra = models.JSONField(
        default=dict,
        blank=True,
        help_text="The plan's own fields for this action, as written: {column heading: text}.",
    )

    objects = ActionQuerySet.as_manager()

    # The latest published update's RAG, distance and day (None with none): kept by
    # delivery_plans.status whenever an update is saved or deleted, and read wherever an
    # action's status is shown (queries.with_current_status).
    current_rag = models.CharField(max_length=20, null=True, editable=False)  # noqa: DJ001 (None: no update)
    current_distance = models.CharField(max_length=20, null=True, editable=False)  # noqa: DJ001
    last_update_on = models.DateField(null=True, editable=False)
    last_update_day_given = models.BooleanField(default=True, editable=False)

    # Kept by a database trigger on PostgreSQL for the site search (meetings.search).
    search_vector = SearchVectorField(null=True, editable=False)
    history = audited_history(
        excluded_fields=[
            "search_vector",
            "current_rag",
            "current_distance",
            "last_update_on",
            "last_update_day_given",
        ]
    )

    class Meta:
        ordering = ["plan", "sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"], name="plan_action_number_unique_per_plan"
            ),
        ]
        indexes = [
            # Serves overdue lists: actions due before a date at a given stage.
            models.Index(fields=["plan", "due_date"], name="plan_action_due_idx"),
        ]

    label_relations = ("plan",)

    def __str__(self):
        """ "Safer Norfolk Plan – 1.14 – Develop a county-wide …": what the back office's
        pickers show, so an officer can tell one plan's 1.14 from another's."""
        return f"{self.plan} – {self.number} – {formats.words(self.title, 8)}"

    def get_absolute_url(self):
        # Callers select_related("plan").
        return ACTION_ROUTE(slug=self.plan.slug, number=self.number)

    @property
    def last_update_shown(self):
        """The day of the latest published update as pages write it, or that the paper it
        came from gives none (a sentence of its own); "" with no update."""
        if self.last_update_on is None:
            return ""
        if not self.last_update_day_given:
            return NO_DAY[0].upper() + NO_DAY[1:]
        return formats.date(self.last_update_on, "j F Y")

    @property
    def success_measure_shown(self):
        """The success measure as pages, papers and the CSV write it: its text, or that it
        cannot be read in the paper; "" when the plan gives none."""
        if self.success_measure_unreadable and not self.success_measure.strip():
            return UNREADABLE_MEASURE
        return self.success_measure


UNREADABLE_MEASURE = "Not known: it cannot be read in the source paper"
# What stands for the day of an update taken from a paper that gives none.
NO_DAY = "no day given in the paper"


class ActionUpdateQuerySet(VersionedQuerySet):
    def public(self):
        return self.filter(
            status=ActionUpdate.Status.PUBLISHED, action__plan__status=Plan.Status.PUBLISHED
        )

    def published(self):
        return self.filter(status=ActionUpdate.Status.PUBLISHED)


class ActionUpdate(Versioned):
    class Kind(models.TextChoices):
        PROGRESS = "progress", "Progress"
        NEXT_STEPS = "next_steps", "Next steps"

    class Rag(models.TextChoices):
        RED = "red", "Red"
        AMBER = "amber", "Amber"
        GREEN = "green", "Green"
        COMPLETE = "complete", "Complete"
        NOT_ASSESSED = "not_assessed", "Not assessed"

    class Distance(models.TextChoices):
        MET = "met", "Met"
        NEARLY_MET = "nearly_met", "Nearly met"
        SOME_WAY = "some_way", "Some way to go"
        FAR_OFF = "far_off", "Far off"
        NOT_ASSESSED = "not_assessed", "Not assessed"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    reported_on = models.DateField(validators=[plausible_date])
    day_given = models.BooleanField(
        "the paper gives its day",
        default=True,
        help_text=(
            "Untick for an update taken from a paper that gives no day (“Update Year 2”): its "
            "day then only orders the updates (the end of the period it reports on, say), and "
            "pages say the paper gives none."
        ),
    )
    period_label = models.CharField(
        max_length=60, blank=True, help_text="“Update Year 2”, “Q3 2022/23”."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PROGRESS)
    text = models.TextField(help_text="Markdown.")
    rag = models.CharField("RAG", max_length=20, choices=Rag.choices, default=Rag.NOT_ASSESSED)
    distance = models.CharField(
        "distance to the success measure",
        max_length=20,
        choices=Distance.choices,
        default=Distance.NOT_ASSESSED,
        help_text="The owner's own assessment against the action's success measure.",
    )
    author = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="action_updates"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)

    objects = ActionUpdateQuerySet.as_manager()

    # Kept by a database trigger on PostgreSQL for the site search (meetings.search).
    search_vector = SearchVectorField(null=True, editable=False)
    history = audited_history(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["action", "-reported_on", "-pk"]
        indexes = [
            # Serves "latest published update per action" (current RAG and distance).
            models.Index(
                fields=["action", "status", "-reported_on"], name="action_update_latest_idx"
            ),
            # Serves "plan updates since the last meeting" (meetings.queries.since_last_meeting
            # on committee pages and agenda packs): published updates reported in a window.
            models.Index(
                fields=["reported_on"],
                name="action_update_reported_idx",
                condition=models.Q(status="published"),
            ),
        ]

    def __str__(self):
        if not self.day_given:
            return f"{self.period_label or 'Update'} ({NO_DAY})"
        return f"Update of {self.reported_on:%d %B %Y}"

    @property
    def day_shown(self):
        """ "31 March 2024", or that the paper it came from gives no day."""
        return formats.date(self.reported_on, "j F Y") if self.day_given else NO_DAY

    def get_absolute_url(self):
        return f"{self.action.get_absolute_url()}#update-{self.pk}"
