"""Outcome frameworks, their outcomes and measures, areas and the observed figures
(DESIGN §4.2). Derived values (latest, change, direction of travel) are never stored: see
`outcomes.trends` and `outcomes.queries`.
"""

from decimal import Decimal

from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from outcomes.periods import period_label
from safer_norfolk.audit import Versioned, VersionedManager, VersionedQuerySet, audited_history
from safer_norfolk.fields import NaturalSortKeyField
from safer_norfolk.models import Organisation
from safer_norfolk.routes import Route
from safer_norfolk.validators import part_of_address, plausible_date

# Pages list measures and outcomes by the dozen (safer_norfolk.routes).
FRAMEWORK_ROUTE = Route("outcomes:framework", slug="slug")
OUTCOME_ROUTE = Route("outcomes:outcome", slug="slug", number="str")
MEASURE_ROUTE = Route("outcomes:measure", slug="slug", number="str", measure="str")

# A change smaller than this share of the earlier figure is "no clear change" unless the
# measure sets its own threshold: small movements in counts are mostly noise.
DEFAULT_MIN_CHANGE_PERCENT = Decimal("5")


class AreaManager(VersionedManager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Area(Versioned):
    class Kind(models.TextChoices):
        COUNTY = "county", "County"
        DISTRICT = "district", "District"
        LOCALITY = "locality", "Locality"
        OTHER = "other", "Other"

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.DISTRICT)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    gss_code = models.CharField(
        "ONS code",
        max_length=9,
        blank=True,
        help_text="The Government Statistical Service code, e.g. E07000148.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    objects = AreaManager()

    history = audited_history()

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["gss_code"], condition=~Q(gss_code=""), name="area_gss_code_unique"
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class OutcomeFrameworkQuerySet(VersionedQuerySet):
    def public(self):
        return self.filter(status=OutcomeFramework.Status.PUBLISHED)


class OutcomeFramework(Versioned):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="outcome_frameworks",
        help_text="The partnership.",
    )
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="frameworks",
        help_text="The area the framework covers; its figures are the headline on summary pages.",
    )
    summary = models.TextField(blank=True, help_text="Markdown.")
    period_start = models.DateField(null=True, blank=True, validators=[plausible_date])
    period_end = models.DateField(null=True, blank=True, validators=[plausible_date])
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)

    objects = OutcomeFrameworkQuerySet.as_manager()

    history = audited_history()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | Q(period_start__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="framework_period_in_order",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return FRAMEWORK_ROUTE(slug=self.slug)


class OutcomeQuerySet(VersionedQuerySet):
    def public(self):
        return self.filter(framework__status=OutcomeFramework.Status.PUBLISHED)


class Outcome(Versioned):
    correction_shown_on_parent = True

    class Level(models.TextChoices):
        LONG_TERM = "long_term", "Long-term outcome"
        INTERMEDIATE = "intermediate", "Intermediate outcome"
        SHORT_TERM = "short_term", "Short-term outcome"

    framework = models.ForeignKey(
        OutcomeFramework, on_delete=models.CASCADE, related_name="outcomes"
    )
    number = models.CharField(
        max_length=20,
        validators=[part_of_address],
        help_text="“1” … “12” for long-term outcomes; “1a”, “1a.i” below them.",
    )
    sort_key = NaturalSortKeyField(source="number")
    title = models.CharField(max_length=400)
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.LONG_TERM)
    contributes_to = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="contributors",
        help_text="The theory of change: the outcomes this one leads to.",
    )
    description = models.TextField(blank=True, help_text="Markdown.")

    objects = OutcomeQuerySet.as_manager()

    history = audited_history()

    class Meta:
        ordering = ["framework", "sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "number"], name="outcome_number_unique_per_framework"
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def get_absolute_url(self):
        # framework__slug is read through the relation: callers select_related("framework").
        return OUTCOME_ROUTE(slug=self.framework.slug, number=self.number)


class MeasureQuerySet(VersionedQuerySet):
    def public(self):
        return self.filter(outcome__framework__status=OutcomeFramework.Status.PUBLISHED)


class Measure(Versioned):
    correction_shown_on_parent = True

    class Unit(models.TextChoices):
        COUNT = "count", "Count"
        PERCENT = "percent", "Per cent"
        RATE_PER_1000 = "rate_per_1000", "Rate per 1,000 people"
        GBP = "gbp", "Pounds"
        DAYS = "days", "Days"
        SCORE = "score", "Score"

    class Direction(models.TextChoices):
        UP = "up", "Higher is better"
        DOWN = "down", "Lower is better"
        NEUTRAL = "neutral", "Neutral: no direction is judged"

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"
        ANNUAL = "annual", "Annual"
        AD_HOC = "ad_hoc", "Ad hoc"

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="measures")
    number = models.CharField(max_length=20, validators=[part_of_address])
    sort_key = NaturalSortKeyField(source="number")
    title = models.CharField(max_length=400)
    unit = models.CharField(max_length=20, choices=Unit.choices, default=Unit.COUNT)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    direction_note = models.TextField(
        blank=True,
        help_text="Why the direction is neutral: the data caveat (e.g. under-reporting).",
    )
    source = models.CharField(
        max_length=200, blank=True, help_text="e.g. “Norfolk Constabulary”, “NODA”."
    )
    frequency = models.CharField(max_length=20, choices=Frequency.choices, default=Frequency.ANNUAL)
    min_change_percent = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=f"Smallest change, as a percentage of the earlier figure, that counts as improving or "
        f"worsening. Blank means {DEFAULT_MIN_CHANGE_PERCENT}%.",
    )
    target_value = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    target_date = models.DateField(null=True, blank=True, validators=[plausible_date])
    # Kept by PostgreSQL from the title, direction note and source (safer_norfolk.search_vectors).
    search_vector = SearchVectorField(null=True, editable=False)

    objects = MeasureQuerySet.as_manager()

    history = audited_history(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["outcome", "sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["outcome", "number"], name="measure_number_unique_per_outcome"
            ),
            models.CheckConstraint(
                condition=~Q(direction="neutral") | ~Q(direction_note=""),
                name="measure_neutral_direction_explained",
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def get_absolute_url(self):
        # Callers select_related("outcome__framework").
        return MEASURE_ROUTE(
            slug=self.outcome.framework.slug, number=self.outcome.number, measure=self.number
        )

    @property
    def threshold_percent(self):
        return (
            DEFAULT_MIN_CHANGE_PERCENT
            if self.min_change_percent is None
            else self.min_change_percent
        )


class ObservationQuerySet(VersionedQuerySet):
    def public(self):
        return self.filter(measure__outcome__framework__status=OutcomeFramework.Status.PUBLISHED)


class Observation(Versioned):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="observations")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="observations")
    period_start = models.DateField(validators=[plausible_date])
    period_end = models.DateField(validators=[plausible_date])
    value = models.DecimalField(max_digits=14, decimal_places=3)
    is_provisional = models.BooleanField(default=False)
    note = models.CharField(max_length=500, blank=True)

    objects = ObservationQuerySet.as_manager()

    history = audited_history()

    class Meta:
        ordering = ["measure", "area", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "area", "period_start", "period_end"],
                name="observation_unique_per_period",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="observation_period_in_order",
            ),
        ]
        indexes = [
            # Serves the latest figure of a measure in an area (summary pages' subqueries).
            models.Index(fields=["measure", "area", "-period_end"], name="observation_latest_idx"),
            # Serves "new figures since the last meeting" (meetings.queries.since_last_meeting):
            # figures whose period ended between two dates, across every measure.
            models.Index(fields=["period_end"], name="observation_period_end_idx"),
        ]

    def __str__(self):
        return f"{self.period_label}: {self.value}"

    @property
    def period_label(self):
        return period_label(self.period_start, self.period_end)
