"""`when`: a date or time written as Django's `date` filter writes it, at a fraction of the
cost, for the formats the site uses ("j F Y", "l j F Y", "j M Y", "F Y", "g.i a").

Django's filter looks the format up among the locale's named formats and works out the time
zone's daylight-saving state on every call, and translates each name: 15 to 25
microseconds a date, against 3 to 4 here, on a committee page with two hundred of them.
Here each format string is read once into its parts, and the names once per language; a
format with any other character, or a value that is not a date or datetime, goes to
Django's filter, so the output is always what it would give.
tests/safer_norfolk/test_dates_filter.py compares the two.
"""

import datetime
import functools

from django import template
from django.template.defaultfilters import date as django_date
from django.utils.dates import MONTHS, MONTHS_3, WEEKDAYS
from django.utils.html import format_html
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, gettext

register = template.Library()

# Django's own spelling of each format character (django.utils.dateformat), given the
# value and the active language's names.
_DATE_PARTS = {
    "j": lambda value, names: str(value.day),
    "F": lambda value, names: names.months[value.month],
    "M": lambda value, names: names.months_3[value.month],
    "Y": lambda value, names: f"{value.year:04d}",
    "l": lambda value, names: names.weekdays[value.weekday()],
}
_TIME_PARTS = {
    "g": lambda value, names: str(value.hour % 12 or 12),
    "i": lambda value, names: f"{value.minute:02d}",
    "a": lambda value, names: names.pm if value.hour > 11 else names.am,
}
_PARTS = _DATE_PARTS | _TIME_PARTS


class _Names:
    """Month and day names and "a.m."/"p.m." in one language, translated once."""

    def __init__(self):
        self.months = {number: str(name) for number, name in MONTHS.items()}
        self.months_3 = {number: name.title() for number, name in MONTHS_3.items()}
        self.weekdays = {number: str(name) for number, name in WEEKDAYS.items()}
        self.am, self.pm = gettext("a.m."), gettext("p.m.")


@functools.lru_cache(maxsize=16)
def _names_in(language):
    return _Names()


# Every character Django's formats give a meaning to (dateformat.re_formatchars), and its
# escape: a format using one not handled above is left to Django.
_DJANGO_FORMAT_CHARACTERS = frozenset("aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ\\")


@functools.lru_cache(maxsize=64)
def _parts(format_string):
    """(parts, has_time): each part a function of the value or literal text; None for a
    format with a character this module does not write, or none at all (Django then uses
    the locale's DATE_FORMAT)."""
    if not format_string:
        return None
    parts = []
    for character in format_string:
        if character in _PARTS:
            parts.append(_PARTS[character])
        elif character in _DJANGO_FORMAT_CHARACTERS:
            return None
        else:
            parts.append(character)
    return parts, any(character in _TIME_PARTS for character in format_string)


@register.filter(expects_localtime=True, is_safe=False)
def when(value, format_string):
    """As `{{ value|date:format_string }}`; aware datetimes arrive in local time, as there."""
    kind = type(value)
    compiled = _parts(str(format_string)) if kind in (datetime.datetime, datetime.date) else None
    if compiled is None or (kind is datetime.date and compiled[1]):
        return django_date(value, format_string)
    names = _names_in(get_language())
    return "".join(part if isinstance(part, str) else part(value, names) for part in compiled[0])


@register.filter
def corrected(record):
    """ "Corrected on …" under a record changed after it was published (its `corrected_at`),
    in local time; nothing for one never corrected. A filter rather than an included
    template: a meeting page asks it of every agenda item and minute."""
    if not record.corrected_at:
        return ""
    return format_html(
        '<p class="govuk-body-s app-meta app-corrected">Corrected on {}</p>',
        when(template_localtime(record.corrected_at), "j F Y"),
    )


@register.filter(is_safe=True)
def full_stop(text):
    """`text` ending in one full stop: a sentence that ends on "12.05 p.m." keeps the stop the
    time already has instead of printing "p.m..". Used as `{% filter full_stop %}`."""
    text = text.rstrip()
    return text if not text or text.endswith(".") else text + "."
