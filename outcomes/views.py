from django.shortcuts import render

from outcomes import queries
from outcomes.charts import format_value, line_chart


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
    chart = ""
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
