import csv

from django.http import HttpResponse
from django.shortcuts import render

from outcomes import queries
from outcomes.charts import format_value, line_chart
from safer_norfolk.exports import safe_row
from safer_norfolk.figures import plain_figure
from safer_norfolk.query_params import record_id


def framework_list(request):
    return render(request, "outcomes/framework_list.html", {"frameworks": queries.frameworks()})


def framework_detail(request, slug):
    return render(request, "outcomes/framework_detail.html", {"page": queries.framework_page(slug)})


def outcome_detail(request, slug, number):
    outcome, measures, actions = queries.outcome_page(slug, number)
    return render(
        request,
        "outcomes/outcome_detail.html",
        {"outcome": outcome, "measures": measures, "actions": actions},
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


def observations_csv(request, slug):
    """Every published figure of a framework; ?measure= and ?area= narrow it."""
    framework = queries.framework_for(slug)
    observations = queries.framework_observations(
        framework,
        measure=record_id(request.GET.get("measure", "")),
        area=request.GET.get("area", ""),
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{framework.slug}-figures.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
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
    )
    for observation in observations:
        writer.writerow(
            safe_row(
                [
                    framework.slug,
                    observation.measure.outcome.number,
                    observation.measure.number,
                    observation.measure.title,
                    observation.area.name,
                    observation.area.gss_code,
                    observation.period_label,
                    observation.period_start,
                    observation.period_end,
                    plain_figure(observation.value),
                    "yes" if observation.is_provisional else "no",
                    observation.note,
                ]
            )
        )
    return response
