from decimal import Decimal

import pytest
from django.template import engines
from django.template.defaultfilters import floatformat
from hypothesis import example, given, settings
from hypothesis import strategies as st

from outcomes.charts import format_value
from outcomes.models import Observation
from safer_norfolk.figures import figure_text as figure
from safer_norfolk.figures import measured_text as measured
from safer_norfolk.figures import places_shown, plain_figure


# Figures as stored (three decimal places, up to 14 digits), and with more places than that.
@settings(max_examples=3000, deadline=None)
@given(
    st.one_of(
        st.decimals(min_value=-(10**11), max_value=10**11, places=3),
        st.decimals(min_value=-1000, max_value=1000, places=6),
        st.integers(min_value=-(10**13), max_value=10**13).map(Decimal),
    ),
    st.sampled_from(["", "count", "percent", "rate_per_1000", "gbp", "days", "score"]),
)
@example(Decimal("-0.000"), "")
@example(Decimal("-0.0004"), "")
@example(Decimal("0.0005"), "")
@example(Decimal("1E+3"), "")
@example(Decimal("99999999999.999"), "gbp")
def test_figure_reads_as_floatformat_does_at_its_own_places(value, unit):
    assert figure(value, unit) == floatformat(value, f"{places_shown(value, unit)}g")


@pytest.mark.parametrize(
    ("stored", "unit", "shown"),
    [
        ("23.200", "rate_per_1000", "23.2"),  # not "23.200"
        ("12.500", "percent", "12.5"),
        ("12.050", "percent", "12.05"),  # a meaningful zero stays
        ("1234.000", "count", "1,234"),
        ("0.125", "score", "0.125"),
        ("471314.000", "gbp", "471,314.00"),
        ("1234.5", "gbp", "1,234.50"),
        ("-0.000", "days", "0"),
    ],
)
def test_figure_shows_the_places_it_was_recorded_with(stored, unit, shown):
    assert figure(Decimal(stored), unit) == shown


def test_a_figure_carries_its_units_sign():
    assert measured(Decimal("12.500"), "percent") == "12.5%"
    assert measured(Decimal("1234.500"), "gbp") == "£1,234.50"
    assert measured(Decimal("-20.000"), "gbp") == "-£20.00"
    assert measured(Decimal("23.200"), "rate_per_1000") == "23.2"
    assert measured(None, "percent") == ""


def test_a_charts_labels_read_as_the_pages_do():
    assert format_value(Decimal("23.200"), "rate_per_1000") == "23.2"
    assert format_value(Decimal("12.500"), "percent") == "12.5%"
    assert format_value(Decimal("1500.000"), "gbp") == "£1,500.00"
    assert format_value(Decimal("1500.000"), "gbp", scale=True) == "£1,500"


def test_a_files_figure_is_plain_and_unpadded():
    assert plain_figure(Decimal("3100.000")) == "3100"
    assert plain_figure(Decimal("23.200")) == "23.2"
    assert plain_figure(Decimal("-0.050")) == "-0.05"
    assert plain_figure(None) == ""


def test_figure_of_nothing_is_empty():
    assert figure(None) == ""
    assert figure("") == ""


def figure_cell(observation, unit=""):
    macros = engines["jinja2"].env.get_template("outcomes/_macros.html").module
    return str(macros.figure_cell(observation, unit))


def test_a_cell_shows_the_figure_whether_provisional_and_its_note_escaped():
    cell = figure_cell(
        Observation(value=Decimal("1234.5"), is_provisional=True, note="Revised <draft> & late")
    )

    assert cell == (
        '1,234.5 <abbr title="provisional">(p)</abbr><br>'
        '<span class="govuk-body-s app-meta">Revised &lt;draft&gt; &amp; late</span>'
    )
    assert figure_cell(Observation(value=Decimal("12"), is_provisional=False, note="")) == "12"
    assert (
        figure_cell(Observation(value=Decimal("12"), is_provisional=False, note=""), "gbp")
        == "12.00"
    )
    assert figure_cell(None) == "–"
