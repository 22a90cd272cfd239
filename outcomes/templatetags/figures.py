"""How a figure reads on the outcomes pages: up to three decimal places, shown only when the
figure has a fractional part, with thousands grouped ("1,234", "12.500").

It gives exactly what Django's `floatformat:"-3g"` gives (tests/outcomes/test_figures.py
checks this over generated values), at a tenth of the cost: a measure page shows hundreds
of figures."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

_THOUSANDTH = Decimal("0.001")


@register.filter
def figure(value):
    if not isinstance(value, Decimal) or not value.is_finite():
        return floatformat(value, "-3g")  # None, text and floats: Django's own rules
    try:
        rounded = value.quantize(_THOUSANDTH, rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more digits than the decimal context holds
        return floatformat(value, "-3g")
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{rounded.copy_abs() if rounded.is_zero() else rounded:,}"  # never "-0.000"


_PROVISIONAL = mark_safe(' <abbr title="provisional">(p)</abbr>')  # a constant


@register.filter
def figure_cell(observation):
    """What a cell of a measure's table of figures holds: the figure, "(p)" when provisional,
    its note below; a dash where there is no figure. One filter, not a dozen template
    lookups, for each of the hundreds of cells."""
    if observation is None:
        return "–"
    if not observation.is_provisional and not observation.note:
        return figure(observation.value)  # most cells: digits, commas and a point
    return format_html(
        "{}{}{}",
        figure(observation.value),
        _PROVISIONAL if observation.is_provisional else "",
        format_html('<br><span class="govuk-body-s app-meta">{}</span>', observation.note)
        if observation.note
        else "",
    )
