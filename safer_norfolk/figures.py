"""How a figure reads wherever the site shows one: with the decimal places it was recorded
with and no padding ("23.2", not "23.200"), thousands grouped ("1,234"); sums of money in
pounds and pence ("1,234.50").

Figures are stored with three decimal places, so a figure's own places are the stored ones
less the trailing zeros: "12.50" reads "12.5", which is the same number. `figure_text` gives
exactly what Django's `floatformat` gives at that many places (tests/outcomes/test_figures.py
checks this over generated values), at a tenth of the cost: a measure page shows hundreds
of figures. Templates call them as the filters `figure` and `measured`."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.template.defaultfilters import floatformat

MOST_PLACES = 3  # the places an observation's value is stored with


def places_shown(value, unit=""):
    """How many decimal places `value` reads with: two for pounds, otherwise its own places
    (trailing zeros dropped), at most three."""
    if unit == "gbp":
        return 2
    exponent = value.normalize().as_tuple().exponent
    return min(MOST_PLACES, max(0, -exponent)) if isinstance(exponent, int) else 0


def figure_text(value, unit=""):
    """`value` as it reads in a page, chart, PDF or CSV row meant for people."""
    if not isinstance(value, Decimal) or not value.is_finite():
        return floatformat(value, "-3g")  # None, text and floats: Django's own rules
    places = places_shown(value, unit)
    try:
        rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more digits than the decimal context holds
        return floatformat(value, f"{places}g")
    return f"{rounded.copy_abs() if rounded.is_zero() else rounded:,}"  # never "-0.0"


def plain_figure(value):
    """`value` for a machine-readable file: its own places, no grouping ("3100", "23.2")."""
    if value is None:
        return ""
    return f"{value.quantize(Decimal(1).scaleb(-places_shown(value))):f}"


def measured_text(value, unit="", *, pence=True):
    """A figure with its unit's sign: "12.5%", "£1,234.50", "23.2" (`pence=False`: "£1,000"
    for a chart's scale)."""
    text = figure_text(value, unit if pence else "")
    if not text:
        return text
    if unit == "percent":
        return f"{text}%"
    if unit == "gbp":
        return f"-£{text[1:]}" if text.startswith("-") else f"£{text}"
    return text
