"""The queryset behind each outcomes screen, and the figures each measure is judged on.

Latest, previous and year-earlier figures are read in two queries for any number of
measures (a window function ranks each measure's observations); `outcomes.trends.compare`
then judges the direction of travel. Nothing derived is stored.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import F, Prefetch, Q, Window
from django.db.models.functions import Rank, RowNumber
from django.http import Http404

from outcomes.models import Area, Measure, Observation, Outcome, OutcomeFramework
from outcomes.periods import period_label, year_earlier
from outcomes.trends import Change, Travel, compare
from safer_norfolk.queries import ACTIONS_PER_PAGE, considered, public_keys
from safer_norfolk.query_params import is_slug


@dataclass
class MeasureFigures:
    """A measure's recent figures in one area, with the direction of travel."""

    latest: Observation | None = None
    previous: Observation | None = None
    year_before: Observation | None = None
    on_previous: Change | None = None
    on_year_before: Change | None = None
    # With no figure for the area the page is about: the latest figures held for other
    # areas (districts), all of one period, so the page never says "No figures yet" of a
    # measure that has figures.
    elsewhere: list = field(default_factory=list)

    @property
    def elsewhere_label(self):
        return self.elsewhere[0].period_label if self.elsewhere else ""

    @property
    def headline(self):
        """The change the direction of travel is judged on: on the same period a year
        earlier where there is one (it removes seasonal swings), else on the previous period."""
        if self.on_year_before and self.on_year_before.travel != Travel.NO_DATA:
            return self.on_year_before
        return self.on_previous or Change(latest=None, earlier=None, travel=Travel.NO_DATA)

    @property
    def headline_basis(self):
        headline = self.headline
        if headline is self.on_year_before and self.year_before:
            return f"compared with {self.year_before.period_label}"
        if headline is self.on_previous and self.previous:
            return f"compared with {self.previous.period_label}"
        return ""


def figures_for(measures, area):
    """{measure pk: MeasureFigures} in `area` for the given measures (two queries, and a third
    when some measure has no figure in `area`)."""
    measures = list(measures)
    result = {measure.pk: MeasureFigures() for measure in measures}
    if not measures:
        return result
    if area is None:
        _add_elsewhere(result, area)
        return result
    ranked = (
        Observation.objects.filter(measure__in=[m.pk for m in measures], area=area)
        # No ordering: the model's own would join the measure, outcome and framework to sort
        # every figure of the measures in the area, rows that are filed by measure here.
        .order_by()
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("measure_id")],
                order_by=[F("period_end").desc(), F("period_start").desc()],
            )
        )
        .filter(rank__lte=2)
    )
    for observation in ranked:
        figures = result[observation.measure_id]
        if observation.rank == 1:
            figures.latest = observation
        else:
            figures.previous = observation
    # Each measure's figure for the period a year before its latest: read by the few period
    # ends they have (measures share their periods), and matched on the exact period here.
    year_before = {
        (measure_id, year_earlier(f.latest.period_start), year_earlier(f.latest.period_end))
        for measure_id, f in result.items()
        if f.latest
    }
    if year_before:
        candidates = Observation.objects.filter(
            measure__in=[key[0] for key in year_before],
            area=area,
            period_end__in={key[2] for key in year_before},
        ).order_by()
        for observation in candidates:
            key = (observation.measure_id, observation.period_start, observation.period_end)
            if key in year_before:
                result[observation.measure_id].year_before = observation
    for measure in measures:
        figures = result[measure.pk]
        judge = {"direction": measure.direction, "threshold_percent": measure.threshold_percent}
        latest = figures.latest.value if figures.latest else None
        figures.on_previous = compare(
            latest=latest, earlier=figures.previous.value if figures.previous else None, **judge
        )
        figures.on_year_before = compare(
            latest=latest,
            earlier=figures.year_before.value if figures.year_before else None,
            **judge,
        )
    _add_elsewhere(result, area)
    return result


def _add_elsewhere(result, area):
    """Fill `elsewhere` for each measure with no figure in `area`: its observations in other
    areas for the latest period any of them has (one query for all such measures)."""
    missing = [pk for pk, figures in result.items() if figures.latest is None]
    if not missing:
        return
    latest = (
        Observation.objects.filter(measure__in=missing)
        .exclude(area=area)
        .annotate(
            rank=Window(
                Rank(),
                partition_by=[F("measure_id")],
                order_by=[F("period_end").desc(), F("period_start").desc()],
            )
        )
        .filter(rank=1)
        .select_related("area")
        .order_by("area__order", "area__name")
    )
    for observation in latest:
        result[observation.measure_id].elsewhere.append(observation)


def frameworks():
    return OutcomeFramework.objects.public().select_related("organisation", "area")


def framework_for(slug):
    framework = (
        OutcomeFramework.objects.public()
        .select_related("organisation", "area")
        .filter(slug=slug)
        .first()
    )
    if framework is None:
        raise Http404("No published outcome framework here.")
    return framework


# A framework's figures as its CSV lists them: one tuple a figure, these fields in this order.
OBSERVATION_FIELDS = (
    "measure__outcome__number",
    "measure__number",
    "measure__title",
    "area__name",
    "area__gss_code",
    "period_start",
    "period_end",
    "value",
    "is_provisional",
    "note",
)


def framework_observations(framework, *, measure=None, area=""):
    """Every published figure of a framework, for its CSV, in measure, area and period
    order, as tuples of OBSERVATION_FIELDS (one query, no model instances: a county
    framework has tens of thousands of figures); `measure` (a key) and `area` (a slug)
    narrow them."""
    observations = (
        Observation.objects.public()
        .filter(measure__outcome__framework=framework)
        .order_by("measure__outcome__sort_key", "measure__sort_key", "area__order", "period_start")
    )
    if measure is not None:
        observations = observations.filter(measure_id=measure)
    if area:
        # A value that cannot be a slug names no area (and never reaches the database).
        observations = (
            observations.filter(area__slug=area) if is_slug(area) else observations.none()
        )
    return observations.values_list(*OBSERVATION_FIELDS)


@dataclass
class FrameworkPage:
    framework: OutcomeFramework
    levels: list = field(default_factory=list)  # [(label, [outcome, …])]
    figures: dict = field(default_factory=dict)


def framework_page(slug):
    framework = framework_for(slug)
    outcomes = list(
        Outcome.objects.filter(framework=framework)
        .order_by("sort_key")
        .prefetch_related(
            Prefetch("measures", queryset=Measure.objects.order_by("sort_key")),
            # The page links within itself: only this framework's outcomes are listed.
            Prefetch(
                "contributes_to",
                queryset=Outcome.objects.filter(framework=framework).order_by("sort_key"),
            ),
            Prefetch(
                "contributors",
                queryset=Outcome.objects.filter(framework=framework).order_by("sort_key"),
            ),
        )
    )
    for outcome in outcomes:
        outcome.framework = framework  # spares a query per link
    page = FrameworkPage(framework=framework)
    for level, label in Outcome.Level.choices:
        at_level = [outcome for outcome in outcomes if outcome.level == level]
        if at_level:
            page.levels.append((label, at_level))
    all_measures = [measure for outcome in outcomes for measure in outcome.measures.all()]
    page.figures = figures_for(all_measures, framework.area)
    for outcome in outcomes:
        for measure in outcome.measures.all():
            measure.figures = page.figures[measure.pk]
            measure.outcome = outcome
    return page


def outcome_for(framework, number, *prefetch):
    """The outcome numbered `number` in `framework` (a published one, from framework_for), with
    `prefetch` read alongside; 404 if there is none."""
    outcome = (
        Outcome.objects.filter(framework=framework, number=number)
        .prefetch_related(*prefetch)
        .first()
    )
    if outcome is None:
        raise Http404("No such outcome.")
    outcome.framework = framework
    return outcome


def outcome_page(slug, number, actions_page=None):
    """The outcome with its measures and their figures, and one page of the actions serving
    it (`actions_page`: the page number as given in the address)."""
    outcome = outcome_for(
        framework_for(slug),
        number,
        Prefetch("measures", queryset=Measure.objects.order_by("sort_key")),
        # A link may cross into another framework: only a published one is shown.
        Prefetch("contributes_to", queryset=linked_outcomes()),
        Prefetch("contributors", queryset=linked_outcomes()),
    )
    measures = list(outcome.measures.all())
    figures = figures_for(measures, outcome.framework.area)
    for measure in measures:
        measure.outcome = outcome
        measure.figures = figures[measure.pk]
    actions = Paginator(actions_serving(outcome), ACTIONS_PER_PAGE).get_page(actions_page)
    return outcome, measures, actions


def outcome_history(slug, number, page=None):
    """The outcome and one page of the meetings that considered it, oldest first (`page`:
    the page number as given in the address)."""
    outcome = outcome_for(framework_for(slug), number)
    return outcome, considered(outcome.agenda_items.all(), page)


def linked_outcomes():
    return Outcome.objects.public().select_related("framework").order_by("sort_key")


def actions_serving(outcome):
    """Published plan actions that serve `outcome`, directly or through their section or theme,
    with the fields the outcome page shows.

    Read through the reverse relation so this layer never imports delivery_plans: the
    action model's own public() rule decides what shows.
    """
    Action = outcome.plan_actions.model
    Section = Action.section.field.related_model
    # Each link is read as a list of keys: no join multiplies an action by its links, so no
    # DISTINCT has to sort every matching row with all its columns.
    by_link = Action.outcomes.through.objects.filter(outcome=outcome).values("action_id")
    sections = Section.outcomes.through.objects.filter(outcome=outcome).values("section_id")
    return (
        Action.objects.public()
        .filter(Q(pk__in=by_link) | Q(section__in=sections) | Q(section__parent__in=sections))
        .select_related("plan")
        # What the page shows of each (its number, title and plan, and its address): an
        # outcome can be served by hundreds of actions, each with long texts not shown here.
        .only("number", "title", "plan__slug", "plan__title")
        .order_by("plan__title", "sort_key")
    )


@dataclass(slots=True)
class Figure:
    """One figure of a measure as its page shows it: the observation's columns the page
    reads, without the making of a model instance and its relations for each (a measure
    carries hundreds of figures: 80 periods in 9 areas at county scale)."""

    area_id: int
    period_start: datetime.date
    period_end: datetime.date
    value: Decimal
    is_provisional: bool
    note: str
    area: Area | None = None

    @property
    def period_label(self):
        return period_label(self.period_start, self.period_end)


FIGURE_COLUMNS = ["area_id", "period_start", "period_end", "value", "is_provisional", "note"]


@dataclass
class MeasurePage:
    measure: Measure
    chart_area: Area | None
    series: list
    figures: MeasureFigures
    periods: list  # [(label, [value or None per area])]
    areas: list
    by_area: list  # [(area, observation, Change against a year earlier)]


def measure_page(slug, number, measure_number):
    framework = framework_for(slug)
    measure = (
        Measure.objects.filter(
            outcome__framework=framework, outcome__number=number, number=measure_number
        )
        .select_related("outcome")
        .first()
    )
    if measure is None:
        raise Http404("No such measure.")
    measure.outcome.framework = framework
    observations = [
        Figure(*row)
        for row in measure.observations.order_by(
            "period_start", "period_end", "area__order"
        ).values_list(*FIGURE_COLUMNS)
    ]
    counts = Counter(observation.area_id for observation in observations)
    # A handful of areas serve hundreds of figures: each is read, and made, once.
    area_by_pk = Area.objects.in_bulk(counts)
    for observation in observations:
        observation.area = area_by_pk[observation.area_id]
    areas = sorted(area_by_pk.values(), key=lambda area: (area.order, area.name))
    chart_area = framework.area if framework.area_id in counts else None
    if chart_area is None and counts:
        chart_area = max(areas, key=lambda area: counts[area.pk])
    series = [o for o in observations if chart_area and o.area_id == chart_area.pk]
    figures = figures_for([measure], chart_area)[measure.pk] if chart_area else MeasureFigures()

    table = {}
    for observation in observations:
        key = (observation.period_start, observation.period_end)
        table.setdefault(key, {"label": observation.period_label, "cells": {}})["cells"][
            observation.area_id
        ] = observation
    periods = [
        (row["label"], [row["cells"].get(area.pk) for area in areas])
        for _, row in sorted(table.items(), reverse=True)
    ]

    by_area = []
    if observations:
        latest_end = max(o.period_end for o in observations)
        latest = [o for o in observations if o.period_end == latest_end]
        held = {(o.area_id, o.period_start, o.period_end): o for o in observations}
        for observation in latest:
            # As on the summary pages: the same period a year earlier, else the period before.
            before = held.get(
                (
                    observation.area_id,
                    year_earlier(observation.period_start),
                    year_earlier(observation.period_end),
                )
            )
            if before is None:
                before = max(
                    (
                        o
                        for o in observations
                        if o.area_id == observation.area_id
                        and o.period_end < observation.period_start
                    ),
                    key=lambda o: o.period_end,
                    default=None,
                )
            change = compare(
                direction=measure.direction,
                latest=observation.value,
                earlier=before.value if before else None,
                threshold_percent=measure.threshold_percent,
            )
            by_area.append((observation.area, observation, before, change))
    return MeasurePage(
        measure=measure,
        chart_area=chart_area,
        series=series,
        figures=figures,
        periods=periods,
        areas=areas,
        by_area=by_area,
    )


# --- the API ----------------------------------------------------------------------------------


def api_outcomes():
    return Outcome.objects.public().prefetch_related(
        public_keys("contributes_to", Outcome, "contribution_list")
    )
