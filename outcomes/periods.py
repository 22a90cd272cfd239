"""Reporting periods: labels as councils write them ("2022/23", "Q1 2022/23", "March 2023")
to and from the start and end dates stored on each observation."""

import calendar
import datetime
import functools
import re

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9

_FINANCIAL_YEAR = re.compile(r"^(?:fy\s*)?(\d{4})\s*[/-]\s*(\d{2}|\d{4})$")
_QUARTER = re.compile(r"^q([1-4])\s+(.+)$")
_MONTH = re.compile(r"^([a-z]+)\.?\s+(\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")


class PeriodError(ValueError):
    """A label that names no period this service understands."""


def _month_end(year, month):
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _financial_year(text):
    match = _FINANCIAL_YEAR.match(text)
    if not match:
        return None
    start_year, end = int(match.group(1)), match.group(2)
    follows = int(end) == start_year + 1 if len(end) == 4 else int(end) == (start_year + 1) % 100
    if not follows:
        raise PeriodError(
            f"“{text}” is not a financial year: the second year must follow the first."
        )
    return start_year


def parse_period(label):
    """(start, end) for a period label. Raises PeriodError with a readable message."""
    try:
        return _parse_period(label)
    except PeriodError:
        raise
    except (ValueError, OverflowError):  # year 0, year 10000 and the like
        raise PeriodError(f"“{label}” is outside the years a period can have.") from None


def _parse_period(label):
    text = " ".join((label or "").strip().lower().split())
    if not text:
        raise PeriodError("No period given.")
    if (start_year := _financial_year(text)) is not None:
        return datetime.date(start_year, 4, 1), datetime.date(start_year + 1, 3, 31)
    if match := _QUARTER.match(text):
        quarter, rest = int(match.group(1)), match.group(2)
        if (start_year := _financial_year(rest)) is not None:
            # Financial quarters: Q1 is April to June.
            month = 4 + 3 * (quarter - 1)
            year = start_year if month <= 12 else start_year + 1
            month = month if month <= 12 else month - 12
        elif _YEAR.match(rest):
            year, month = int(rest), 1 + 3 * (quarter - 1)
        else:
            raise PeriodError(f"“{label}” is not a quarter such as “Q1 2022/23”.")
        return datetime.date(year, month, 1), _month_end(year, month + 2)
    if match := _MONTH.match(text):
        month = MONTHS.get(match.group(1))
        if month is None:
            raise PeriodError(f"“{label}”: “{match.group(1)}” is not a month.")
        year = int(match.group(2))
        return datetime.date(year, month, 1), _month_end(year, month)
    if _YEAR.match(text):
        year = int(text)
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    raise PeriodError(
        f"“{label}” is not a period such as “2022/23”, “Q1 2022/23”, “March 2023” or “2022”."
    )


@functools.lru_cache(maxsize=4096)  # a measure page labels hundreds of figures, few periods
def period_label(start, end):
    """The label councils would write for the period from start to end (inclusive)."""
    if start.day == 1 and end == _month_end(end.year, end.month):
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        if months == 1:
            return f"{calendar.month_name[start.month]} {start.year}"
        if months == 12 and start.month == 4:
            return f"{start.year}/{(start.year + 1) % 100:02d}"
        if months == 12 and start.month == 1:
            return str(start.year)
        if months == 3 and start.month in (1, 4, 7, 10):
            financial_start = start.year if start.month >= 4 else start.year - 1
            quarter = ((start.month - 4) % 12) // 3 + 1
            return f"Q{quarter} {financial_start}/{(financial_start + 1) % 100:02d}"
    return f"{start.day} {calendar.month_name[start.month]} {start.year} to {end.day} {calendar.month_name[end.month]} {end.year}"


def year_earlier(day):
    """The same day a year before (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)
