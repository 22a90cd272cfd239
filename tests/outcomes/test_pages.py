import datetime

import pytest
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from outcomes import charts
from tests.factories import (
    MeasureFactory,
    ObservationFactory,
    OutcomeFactory,
    OutcomeFrameworkFactory,
    area,
)

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

SECRET = "DRAFT-FRAMEWORK-MARKER-91c2"


def financial_year(start_year):
    return {
        "period_start": datetime.date(start_year, 4, 1),
        "period_end": datetime.date(start_year + 1, 3, 31),
    }


def line_chart(points, **options):
    """The chart's SVG as a page draws it: outcomes.charts' coordinates through the macro."""
    macros = engines["jinja2"].env.get_template("outcomes/_macros.html").module
    return str(macros.line_chart(charts.line_chart(points, **options)))


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.fixture
def plan():
    framework = OutcomeFrameworkFactory(
        title="Safer Norfolk Plan 2021-24 outcomes", slug="safer-norfolk-plan"
    )
    long_term = OutcomeFactory(
        framework=framework, number="4", title="Reduce overall neighbourhood crime levels"
    )
    intermediate = OutcomeFactory(
        framework=framework, number="4a", title="Fewer repeat burglaries", level="intermediate"
    )
    intermediate.contributes_to.add(long_term)
    burglary = MeasureFactory(
        outcome=long_term,
        number="1",
        title="Number of reported burglaries in Norfolk",
        direction="down",
    )
    hate = MeasureFactory(
        outcome=long_term,
        number="2",
        title="Hate crime reported to the police",
        direction="neutral",
        direction_note="Hate crime is under-reported, so more reports may mean more confidence.",
    )
    for year, value in [(2019, 4000), (2020, 3600), (2021, 3100)]:
        ObservationFactory(measure=burglary, value=value, **financial_year(year))
        ObservationFactory(
            measure=hate, value=value // 10 + (year - 2019) * 200, **financial_year(year)
        )
    for district, value in [("norwich", 900), ("breckland", 400)]:
        ObservationFactory(
            measure=burglary, area=area(district), value=value, **financial_year(2021)
        )
        ObservationFactory(
            measure=burglary, area=area(district), value=value + 100, **financial_year(2020)
        )
    return {
        "framework": framework,
        "long_term": long_term,
        "intermediate": intermediate,
        "burglary": burglary,
        "hate": hate,
    }


def test_framework_page_groups_outcomes_by_level_with_links_and_travel(client, plan):
    html = page(client, plan["framework"].get_absolute_url())

    assert "Long-term outcomes" in html
    assert "Intermediate outcomes" in html
    assert html.index("Long-term outcomes") < html.index("Intermediate outcomes")
    assert "Leads to:" in html
    assert "#outcome-4" in html
    assert "Number of reported burglaries in Norfolk" in html
    assert "↓ Improving" in html  # 3,600 to 3,100 is a 14% fall in a lower-is-better measure
    assert "down 500 (13.9%) compared with 2020/21" in html
    hate_row = html[html.index("Hate crime reported to the police") :]
    hate_row = hate_row[: hate_row.index("</tr>")]
    assert "not judged" in hate_row
    assert "govuk-tag--green" not in hate_row
    assert "govuk-tag--red" not in hate_row
    assert "under-reported" in hate_row


def test_outcome_page_lists_its_measures_and_theory_of_change(client, plan):
    html = page(client, plan["long_term"].get_absolute_url())

    assert "Reduce overall neighbourhood crime levels" in html
    assert "Built on" in html
    assert "Fewer repeat burglaries" in html
    assert "Number of reported burglaries in Norfolk" in html


def test_measure_page_has_chart_table_areas_source_and_caveat(client, plan):
    html = page(client, plan["burglary"].get_absolute_url())

    assert '<svg class="app-chart"' in html
    assert 'role="img"' in html
    assert "<title>2021/22: 3,100</title>" in html
    assert "Line chart of 3 figures from 2019/20 to 2021/22. Latest: 3,100 in 2021/22." in html
    assert "By area, latest period" in html
    assert "Norwich" in html
    assert "Breckland" in html
    assert "Norfolk Constabulary" in html
    assert "Lower is better" in html
    neutral = page(client, plan["hate"].get_absolute_url())
    assert "Hate crime is under-reported" in neutral
    assert "not judged" in neutral


def test_framework_page_shows_district_figures_of_a_measure_without_a_county_total(client, plan):
    by_district = MeasureFactory(
        outcome=plan["long_term"], number="3", title="Repeat victims by district"
    )
    for slug, value in [
        ("norwich", "41.500"),
        ("breckland", "12.000"),
        ("broadland", "7.000"),
        ("great-yarmouth", "9.250"),
    ]:
        ObservationFactory(
            measure=by_district, area=area(slug), value=value, **financial_year(2021)
        )
    ObservationFactory(  # an older year: only the latest period is shown
        measure=by_district, area=area("norwich"), value="99", **financial_year(2019)
    )
    one_district = MeasureFactory(
        outcome=plan["long_term"], number="4", title="Scam victims in Norwich", unit="percent"
    )
    ObservationFactory(
        measure=one_district, area=area("norwich"), value="23.200", **financial_year(2022)
    )
    MeasureFactory(outcome=plan["long_term"], number="5", title="A measure not yet counted")

    html = page(client, plan["framework"].get_absolute_url())

    def row(title):
        found = html[html.index(title) :]
        return found[: found.index("</tr>")]

    assert "No figures yet" not in row("Repeat victims by district")
    assert "Figures for 4 areas" in row("Repeat victims by district")
    assert f'href="{by_district.get_absolute_url()}#by-area"' in row("Repeat victims by district")
    assert "2021/22; no Norfolk total" in row("Repeat victims by district")
    assert "No figures yet" not in row("Scam victims in Norwich")
    assert '23.2%<br><span class="govuk-body-s app-meta">Norwich</span>' in row(
        "Scam victims in Norwich"
    )
    assert "2022/23; no Norfolk total" in row("Scam victims in Norwich")
    assert "No figures yet" in row("A measure not yet counted")
    outcome = page(client, plan["long_term"].get_absolute_url())
    assert "Figures for 4 areas" in outcome
    measure = page(client, by_district.get_absolute_url())
    assert 'id="by-area"' in measure
    assert "41.5<br>" in measure


def test_measure_page_shows_figures_as_recorded_without_padding(client, plan):
    rate = MeasureFactory(
        outcome=plan["long_term"], number="6", title="Rate per 1,000", unit="rate_per_1000"
    )
    for year, value in [(2020, "20.100"), (2021, "23.200")]:
        ObservationFactory(measure=rate, value=value, **financial_year(year))
    ObservationFactory(measure=rate, area=area("norwich"), value="30.050", **financial_year(2021))
    money = MeasureFactory(outcome=plan["long_term"], number="7", title="Lost", unit="gbp")
    ObservationFactory(measure=money, value="471314", **financial_year(2021))

    html = page(client, rate.get_absolute_url())
    framework = page(client, plan["framework"].get_absolute_url())
    csv = client.get(
        reverse("outcomes:observations_csv", args=[plan["framework"].slug]),
        {"measure": rate.pk},
    ).content.decode()

    assert "23.200" not in html
    assert "23.2 in 2021/22" in html
    assert "<title>2021/22: 23.2</title>" in html
    assert "30.05" in html
    assert "30.050" not in html
    assert "up 3.1 (15.4%)" in html
    assert "23.2<br>" in framework
    assert ",23.2," in csv
    assert ",23.200," not in csv
    assert "£471,314.00" in page(client, money.get_absolute_url())


def test_chart_svg_plots_the_values_and_has_an_accessible_name():
    svg = line_chart(
        [("2019/20", 11498), ("2020/21", 13764)],
        chart_id="da",
        title="Domestic abuse crimes, Norfolk",
        description="Rose from 11,498 to 13,764.",
    )

    assert 'aria-labelledby="da-title da-desc"' in svg
    assert '<title id="da-title">Domestic abuse crimes, Norfolk</title>' in svg
    assert '<desc id="da-desc">Rose from 11,498 to 13,764.</desc>' in svg
    assert "<title>2019/20: 11,498</title>" in svg
    assert "<title>2020/21: 13,764</title>" in svg
    assert svg.count("<circle") == 2
    assert "<script" not in svg


def test_chart_escapes_labels():
    svg = line_chart([("<b>bad</b>", 1)], chart_id="x", title="<script>t</script>", description="d")

    assert "<script>" not in svg
    assert "&lt;b&gt;bad&lt;/b&gt;" in svg


def test_draft_framework_and_everything_in_it_stays_hidden(client, plan):
    draft = OutcomeFrameworkFactory(title=f"Draft {SECRET}", slug="draft-framework", status="draft")
    outcome = OutcomeFactory(framework=draft, number="1", title=f"Outcome {SECRET}")
    measure = MeasureFactory(outcome=outcome, number="1", title=f"Measure {SECRET}")
    ObservationFactory(measure=measure, note=SECRET)

    for url in [draft.get_absolute_url(), outcome.get_absolute_url(), measure.get_absolute_url()]:
        response = client.get(url)
        assert response.status_code == 404
        assert SECRET not in response.content.decode()
    assert SECRET not in page(client, reverse("outcomes:frameworks"))


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def grow(framework, size):
    for _ in range(size):
        outcome = OutcomeFactory(framework=framework)
        OutcomeFactory(framework=framework, level="short_term").contributes_to.add(outcome)
        for _ in range(2):
            measure = MeasureFactory(outcome=outcome)
            for year in range(2015, 2022):
                ObservationFactory(measure=measure, **financial_year(year))
        by_district = MeasureFactory(outcome=outcome)  # no county total: figures by district
        for slug in ["norwich", "breckland"]:
            ObservationFactory(measure=by_district, area=area(slug), **financial_year(2021))


def test_framework_page_queries_do_not_grow_with_data(client, plan):
    url = plan["framework"].get_absolute_url()
    grow(plan["framework"], 2)
    small = queries_for(client, url)

    grow(plan["framework"], 6)
    large = queries_for(client, url)

    assert small == large
    assert large <= 15


def test_measure_page_queries_do_not_grow_with_data(client, plan):
    measure = plan["burglary"]
    url = measure.get_absolute_url()
    small = queries_for(client, url)

    for slug in ["broadland", "great-yarmouth", "north-norfolk", "south-norfolk"]:
        for year in range(2010, 2022):
            ObservationFactory(measure=measure, area=area(slug), **financial_year(year))
    large = queries_for(client, url)

    assert small == large
    assert large <= 15


def test_chart_spaces_points_by_time_when_given_dates():
    svg = line_chart(
        [("2019/20", 1), ("2020/21", 2), ("2022/23", 3)],
        chart_id="gap",
        title="t",
        description="d",
        dates=[datetime.date(2019, 4, 1), datetime.date(2020, 4, 1), datetime.date(2022, 4, 1)],
    )

    xs = [float(part.split('"')[1]) for part in svg.split("<circle cx=")[1:]]
    assert xs[1] - xs[0] < (xs[2] - xs[1]) / 1.5  # one year's gap is about half of two years'


def test_a_figure_a_year_earlier_is_matched_on_its_whole_period(client, plan):
    """The same period a year before is the one the latest is judged on; a figure of another
    length that happens to end on the same day is not it (the period before is used)."""
    from outcomes.periods import period_label

    def month(year, number):
        start = datetime.date(year, number, 1)
        end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        return {"period_start": start, "period_end": end}

    monthly = MeasureFactory(outcome=plan["long_term"], number="5", title="Monthly thefts")
    ObservationFactory(measure=monthly, value=100, **month(2022, 3))
    ObservationFactory(measure=monthly, value=200, **month(2022, 2))
    ObservationFactory(  # ends on 31 March 2021 too, but is a quarter
        measure=monthly,
        value=50,
        period_start=datetime.date(2021, 1, 1),
        period_end=datetime.date(2021, 3, 31),
    )
    other = MeasureFactory(outcome=plan["long_term"], number="6", title="Monthly robberies")
    ObservationFactory(measure=other, value=100, **month(2022, 3))
    ObservationFactory(measure=other, value=300, **month(2022, 2))
    ObservationFactory(measure=other, value=80, **month(2021, 3))

    html = page(client, plan["framework"].get_absolute_url())

    thefts = html[html.index("Monthly thefts") :]
    thefts = thefts[: thefts.index("</tr>")]
    assert f"compared with {period_label(*month(2022, 2).values())}" in thefts
    assert "down 100 (50.0%)" in thefts
    robberies = html[html.index("Monthly robberies") :]
    robberies = robberies[: robberies.index("</tr>")]
    assert f"compared with {period_label(*month(2021, 3).values())}" in robberies
    assert "up 20 (25.0%)" in robberies


def test_outcome_page_lists_each_published_action_serving_it_once_in_plan_order(client, plan):
    from tests.factories import ActionFactory, PlanFactory, SectionFactory

    outcome = plan["long_term"]
    second = PlanFactory(title="B plan")
    first = PlanFactory(title="A plan")
    theme = SectionFactory(plan=first, number="1")
    priority = SectionFactory(plan=first, number="1.1", parent=theme)
    theme.outcomes.add(outcome)
    by_theme = ActionFactory(section=priority, number="2", title="Through its theme")
    by_section = ActionFactory(section=SectionFactory(plan=second, number="3"), number="10")
    by_section.section.outcomes.add(outcome)
    direct = ActionFactory(section=SectionFactory(plan=second, number="4"), number="9")
    direct.outcomes.add(outcome)
    both = ActionFactory(section=priority, number="1", title="Linked twice")
    both.outcomes.add(outcome)
    unlinked = ActionFactory(section=SectionFactory(plan=first, number="5"), number="3")
    draft = PlanFactory(title=f"Draft {SECRET}", status="draft")
    hidden = ActionFactory(section=SectionFactory(plan=draft), title=f"Action {SECRET}")
    hidden.outcomes.add(outcome)
    hidden.section.outcomes.add(outcome)

    html = page(client, outcome.get_absolute_url())

    assert SECRET not in html
    assert unlinked.get_absolute_url() not in html
    listed = [both, by_theme, direct, by_section]  # by plan title, then action number
    positions = [html.index(f'href="{action.get_absolute_url()}"') for action in listed]
    assert positions == sorted(positions)
    assert html.count(f'href="{both.get_absolute_url()}"') == 1


def test_outcome_page_lists_the_actions_serving_it_a_page_at_a_time(client, plan):
    from safer_norfolk.queries import ACTIONS_PER_PAGE
    from tests.factories import ActionFactory, PlanFactory, SectionFactory

    outcome = plan["long_term"]
    section = SectionFactory(plan=PlanFactory(title="A plan"), number="1")
    section.outcomes.add(outcome)
    for n in range(ACTIONS_PER_PAGE + 2):
        ActionFactory(section=section, number=f"1.{n + 1}", title=f"Serving action {n + 1}")

    first = page(client, outcome.get_absolute_url())
    second = page(client, f"{outcome.get_absolute_url()}?actions_page=2")

    assert first.count(">Action 1.") == ACTIONS_PER_PAGE
    assert f"Actions 1 to {ACTIONS_PER_PAGE} of {ACTIONS_PER_PAGE + 2}, by plan." in first
    assert f">Action 1.{ACTIONS_PER_PAGE}<" in first
    assert f">Action 1.{ACTIONS_PER_PAGE + 1}<" not in first
    assert second.count(">Action 1.") == 2
    assert f">Action 1.{ACTIONS_PER_PAGE + 2}<" in second
    assert 'href="?actions_page=1#actions"' in second
