import csv
import io

from django.http import HttpResponse
from django.shortcuts import render

from outcomes import queries
from outcomes.charts import format_value, line_chart
from outcomes.periods import period_label
from safer_norfolk import page_cache
from safer_norfolk.exports import safe_cell
from safer_norfolk.figures import plain_figure
from safer_norfolk.models import RenderedDocument
from safer_norfolk.query_params import is_slug, record_id


def framework_list(request):
    return render(request, "outcomes/framework_list.html", {"frameworks": queries.frameworks()})


def framework_detail(request, slug):
    return render(request, "outcomes/framework_detail.html", {"page": queries.framework_page(slug)})


def outcome_detail(request, slug, number):
    outcome, measures, actions = queries.outcome_page(slug, number, request.GET.get("actions_page"))
    return render(
        request,
        "outcomes/outcome_detail.html",
        {"outcome": outcome, "measures": measures, "actions": actions},
    )


def outcome_meetings(request, slug, number):
    outcome, history = queries.outcome_history(slug, number, request.GET.get("page"))
    return render(
        request, "outcomes/outcome_meetings.html", {"outcome": outcome, "history": history}
    )


def measure_detail(request, slug, number, measure):
    page = queries.measure_page(slug, number, measure)
    chart = None
    if page.series:
        first, last = page.series[0], page.series[-1]
        chart = line_chart(
            [(o.period_label, o.value) for o in page.series],
            chart_id="measure-chart",
            title=f"{page.measure.title}, {page.chart_area}",
            description=(
                f"Line chart of {len(page.series)} figures from {first.period_label} to {last.period_label}. "
                f"Latest: {format_value(last.value, page.measure.unit)} in {last.period_label}."
            ),
            unit=page.measure.unit,
            dates=[o.period_start for o in page.series],
        )
    return render(
        request,
        "outcomes/measure_detail.html",
        {"page": page, "measure": page.measure, "chart": chart},
    )


CSV_HEADINGS = [
    "framework",
    "outcome",
    "measure",
    "measure title",
    "area",
    "ONS code",
    "period",
    "period_start",
    "period_end",
    "value",
    "provisional",
    "note",
]


def observations_csv(request, slug):
    """Every published figure of a framework; ?measure= and ?area= narrow it. Made once per
    content version and variant, then served from storage (`page_cache.stored_response`)."""
    framework = queries.framework_for(slug)
    measure = record_id(request.GET.get("measure", ""))
    area = request.GET.get("area", "")
    # A value that cannot be a slug names no area: every such value is the same empty file.
    area_key = area if not area or is_slug(area) else "?"

    def make():
        return _observations_csv(framework, measure, area)

    return page_cache.stored_response(
        request,
        kind=RenderedDocument.Kind.FIGURES_CSV,
        key=page_cache.file_key(request, framework.slug, measure or "", area_key),
        make=make,
    )


def _observations_csv(framework, measure, area):
    """The figures as CSV: the rows are read as tuples in one query and written to one
    string, set as the body at once."""
    observations = queries.framework_observations(framework, measure=measure, area=area)
    body = io.StringIO()
    writer = csv.writer(body)
    writer.writerow(CSV_HEADINGS)
    framework_cell = safe_cell(framework.slug)
    labels = {}  # a period's label by its dates: a framework's figures share a few periods
    for outcome, measure, title, area, code, start, end, value, provisional, note in observations:
        label = labels.get((start, end))
        if label is None:
            label = labels[start, end] = period_label(start, end)
        writer.writerow(
            [
                framework_cell,
                safe_cell(outcome),
                safe_cell(measure),
                safe_cell(title),
                safe_cell(area),
                safe_cell(code),
                safe_cell(label),
                start,  # dates and "yes"/"no" never read as formulas
                end,
                safe_cell(plain_figure(value)),
                "yes" if provisional else "no",
                safe_cell(note),
            ]
        )
    response = HttpResponse(body.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{framework.slug}-figures.csv"'
    return response
