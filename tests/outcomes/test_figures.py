from decimal import Decimal

from django.template.defaultfilters import floatformat
from hypothesis import example, given, settings
from hypothesis import strategies as st

from outcomes.templatetags.figures import figure


# Figures as stored (three decimal places, up to 14 digits), and with more places than that.
@settings(max_examples=3000, deadline=None)
@given(
    st.one_of(
        st.decimals(min_value=-(10**11), max_value=10**11, places=3),
        st.decimals(min_value=-1000, max_value=1000, places=6),
        st.integers(min_value=-(10**13), max_value=10**13).map(Decimal),
    )
)
@example(Decimal("-0.000"))
@example(Decimal("-0.0004"))
@example(Decimal("0.0005"))
@example(Decimal("1E+3"))
@example(Decimal("99999999999.999"))
def test_figure_reads_as_floatformat_does(value):
    assert figure(value) == floatformat(value, "-3g")


def test_figure_groups_thousands_and_keeps_three_places_only_for_fractions():
    assert figure(Decimal("1234.000")) == "1,234"
    assert figure(Decimal("1234.5")) == "1,234.500"
    assert figure(Decimal("-0.4")) == "-0.400"


def test_figure_of_nothing_is_empty():
    assert figure(None) == ""
    assert figure("") == ""


def test_a_cell_shows_the_figure_whether_provisional_and_its_note_escaped():
    from outcomes.models import Observation
    from outcomes.templatetags.figures import figure_cell

    cell = figure_cell(
        Observation(value=Decimal("1234.5"), is_provisional=True, note="Revised <draft> & late")
    )

    assert cell == (
        '1,234.500 <abbr title="provisional">(p)</abbr><br>'
        '<span class="govuk-body-s app-meta">Revised &lt;draft&gt; &amp; late</span>'
    )
    assert figure_cell(Observation(value=Decimal("12"), is_provisional=False, note="")) == "12"
    assert figure_cell(None) == "–"
