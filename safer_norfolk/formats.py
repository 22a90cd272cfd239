"""How the site writes dates and shortens text, in pages, PDFs and messages alike, and reads
a day or a month as people write it (`written_period`).

`date` is the one formatter of dates and times: it writes what Django's `date` filter writes
(the value in local time, month and day names translated), for the formats the site uses
("j F Y", "l j F Y", "j M Y", "F Y", "g.i a"), each format read once into its parts
and the names once per language. A format with any other character, or a value that is not a date
or datetime, goes to Django's own `date_format`, so the output is always what it would give
(tests/safer_norfolk/test_formats.py compares the two). Django's function looks the format
up among the locale's named formats and translates each name on every call; the measured
gain is in docs/performance.md.
"""

import calendar
import datetime
import functools
import re

from django.template.defaultfilters import date as django_date
from django.template.defaultfilters import truncatewords
from django.utils.dates import MONTHS, MONTHS_3, WEEKDAYS
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, gettext

# Django's own spelling of each format character (django.utils.dateformat), given the
# value and the active language's names.
_DATE_PARTS = {
    "j": lambda value, names: str(value.day),
    "d": lambda value, names: f"{value.day:02d}",
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


def date(value, format_string):
    """`value` written as Django's `date` filter writes it with `format_string`; an aware
    datetime in local time (settings.TIME_ZONE), as Django's templates show it."""
    kind = type(value)
    if kind is datetime.datetime:
        value = template_localtime(value)
    compiled = _parts(str(format_string)) if kind in (datetime.datetime, datetime.date) else None
    if compiled is None or (kind is datetime.date and compiled[1]):
        return django_date(value, format_string)
    names = _names_in(get_language())
    return "".join(part if isinstance(part, str) else part(value, names) for part in compiled[0])


def words(value, count):
    """The first `count` words of `value`, then " …" if there were more: Django's
    `truncatewords`, written out for the plain case (a plan page shortens two texts for
    each of its hundreds of actions); anything else goes to Django's."""
    value = str(value)
    if type(count) is not int or count <= 0:
        return truncatewords(value, count)
    parts = value.split()
    if len(parts) > count:
        kept = " ".join(parts[:count])
        # As Django's: no second ellipsis after words that already end in one.
        return kept if kept.endswith(" …") else kept + " …"
    return " ".join(parts)


def full_stop(text):
    """`text` ending in one full stop: a sentence that ends on "12.05 p.m." keeps the stop the
    time already has instead of printing "p.m..". Used as `{% filter full_stop %}`."""
    text = text.rstrip()
    return text if not text or text.endswith(".") else text + "."


# How an officer writes the day or the month of a meeting they look for.
_WRITTEN_DAYS = ("%d %B %Y", "%d %b %Y", "%A %d %B %Y", "%a %d %b %Y", "%d/%m/%Y", "%Y-%m-%d")
_WRITTEN_MONTHS = ("%B %Y", "%b %Y", "%m/%Y", "%Y-%m")
_ORDINAL = re.compile(r"(?<=\d)(st|nd|rd|th)\b", re.IGNORECASE)


def written_period(text):
    """(first day, last day) of the day or month `text` names as people write it ("21
    February 2018", "Tuesday 21st Feb 2018", "21/02/2018", "February 2018"), or None when it
    names neither."""
    text = " ".join(_ORDINAL.sub("", str(text).replace(",", " ")).split())
    for written in _WRITTEN_DAYS:
        try:
            day = datetime.datetime.strptime(text, written).date()
        except ValueError:
            continue
        return day, day
    for written in _WRITTEN_MONTHS:
        try:
            first = datetime.datetime.strptime(text, written).date()
        except ValueError:
            continue
        return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return None
