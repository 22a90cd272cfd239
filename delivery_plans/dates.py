"""Fuzzy due dates as plans write them: “TBC”, “Ongoing”, “September 2021”, “Year 2”.

`parse_due_text(text, plan_start=None)` returns (date or None, precision). The date is the
LAST day of the period the text names, so "overdue" simply means the date has passed: an
action due "September 2021" is overdue from 1 October 2021. "TBC" and text that cannot be
read have no date: they are data gaps, never overdue. Work that comes round again
("Quarterly", "November annually", "Every November") is recurring: it has no single date,
is never overdue, and is shown as written. The admin, imports and the API all call this one
function.
"""

import calendar
import datetime
import re

from django.core.exceptions import ValidationError

from outcomes.periods import MONTHS
from safer_norfolk.validators import plausible_date

DAY, MONTH, QUARTER, YEAR = "day", "month", "quarter", "year"
ONGOING, RECURRING, TBC, UNKNOWN = "ongoing", "recurring", "tbc", "unknown"
# Precisions with no date to be late against.
UNDATED = (ONGOING, RECURRING, TBC, UNKNOWN)

_TBC = re.compile(r"^(tbc|tbd|to be (confirmed|decided|agreed)|n/?a|-+|\?+)$")
_ONGOING = re.compile(r"^(ongoing|on-going|continuous|throughout( the plan)?|as required)\b")
_PERIODICALLY = (
    r"(?:bi-?annually|semi-?annually|annually|annual|yearly|quarterly|monthly|weekly|fortnightly"
    r"|six[- ]monthly|twice (?:a|per|each) year)"
)
# "Quarterly", "Annually in November", "Every November", "Each quarter", "November annually",
# "November each year".
_RECURRING = re.compile(
    rf"^(?:{_PERIODICALLY}|(?:every|each)\s+\w+)\b"
    rf"|^[a-z]+\s+(?:{_PERIODICALLY}|each year|every year)$"
)
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})$")
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})$")
_MONTH_YEAR = re.compile(r"^([a-z]+)\.?[\s-]+('?\d{2}|\d{4})$")
_QUARTER = re.compile(r"^q([1-4])\s+(\d{4})\s*[/-]\s*(\d{2}|\d{4})$")
_FINANCIAL_YEAR = re.compile(r"^(?:fy\s*)?(\d{4})\s*[/-]\s*(\d{2}|\d{4})$")
_CALENDAR_YEAR = re.compile(r"^(\d{4})$")
_PLAN_YEARS = re.compile(
    r"^(?:years?|yr|y)\s*(\d)(?:\s*(?:-|–|to|and|&)\s*(?:years?|yr|y)?\s*(\d))?(?:\s*\((.*)\))?$"
)
_PREFIX = re.compile(
    r"^(by|before|end of|by end of|by the end of|from|in|during|due|start|starting|complete by)\s+"
)
_SEASON = {"spring": 5, "summer": 8, "autumn": 11, "winter": 2}


def _month_end(year, month):
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _full_year(text):
    digits = text.lstrip("'")
    return int(digits) if len(digits) == 4 else 2000 + int(digits)


def _financial_year_end(first, second):
    start_year = int(first)
    if len(second) == 2 and int(second) != (start_year + 1) % 100:
        return None
    if len(second) == 4 and int(second) != start_year + 1:
        return None
    return datetime.date(start_year + 1, 3, 31)


def _plan_year_end(plan_start, year_number):
    """The last day of plan year N: Year 1 runs from the plan's start for twelve months."""
    try:
        first_day_after = plan_start.replace(year=plan_start.year + year_number)
    except ValueError:  # 29 February
        first_day_after = plan_start.replace(year=plan_start.year + year_number, day=28)
    return first_day_after - datetime.timedelta(days=1)


def parse_due_text(text, plan_start=None):
    """(last day of the period, precision) for a due date as written; (None, "tbc"),
    (None, "ongoing") or (None, "unknown") when there is no date to hold it to."""
    try:
        due, precision = _parse_due_text(text, plan_start)
    except (ValueError, OverflowError):  # "December 0000", "9999/00": no such date
        return None, UNKNOWN
    try:
        plausible_date(due)
    except ValidationError:  # "31/12/0001": a slip of the keyboard, not a plan's date
        return None, UNKNOWN
    return due, precision


def _parse_due_text(text, plan_start):
    cleaned = " ".join((text or "").strip().lower().replace("–", "-").split()).rstrip(".")
    if not cleaned or _TBC.match(cleaned):
        return None, TBC
    if _ONGOING.match(cleaned):
        return None, ONGOING
    if _RECURRING.match(cleaned):
        return None, RECURRING
    cleaned = _PREFIX.sub("", cleaned)

    if match := _DAY_MONTH_YEAR.match(cleaned):
        month = MONTHS.get(match.group(2))
        if month:
            try:
                return datetime.date(int(match.group(3)), month, int(match.group(1))), DAY
            except ValueError:
                return None, UNKNOWN
    if match := _NUMERIC_DATE.match(cleaned):
        day, month, year = int(match.group(1)), int(match.group(2)), _full_year(match.group(3))
        try:
            return datetime.date(year, month, day), DAY
        except ValueError:
            return None, UNKNOWN
    if match := _QUARTER.match(cleaned):
        end = _financial_year_end(match.group(2), match.group(3))
        if end is None:
            return None, UNKNOWN
        quarter = int(match.group(1))
        last_month = 3 + 3 * quarter  # Q1 ends in June, Q3 in December, Q4 in March
        year = end.year - 1 if last_month <= 12 else end.year
        return _month_end(year, last_month if last_month <= 12 else last_month - 12), QUARTER
    if match := _FINANCIAL_YEAR.match(cleaned):
        end = _financial_year_end(match.group(1), match.group(2))
        return (end, YEAR) if end else (None, UNKNOWN)
    if match := _CALENDAR_YEAR.match(cleaned):
        return datetime.date(int(cleaned), 12, 31), YEAR
    if match := _MONTH_YEAR.match(cleaned):
        name, year = match.group(1), _full_year(match.group(2))
        if name in _SEASON:
            return _month_end(year, _SEASON[name]), QUARTER
        month = MONTHS.get(name)
        if month:
            return _month_end(year, month), MONTH
    if match := _PLAN_YEARS.match(cleaned):
        last_year = int(match.group(2) or match.group(1))
        explicit = match.group(3)
        if explicit and (named := _FINANCIAL_YEAR.match(explicit.strip())):
            end = _financial_year_end(named.group(1), named.group(2))
            if end:
                return end, YEAR
        if plan_start is not None and last_year >= 1:
            return _plan_year_end(plan_start, last_year), YEAR
        return None, UNKNOWN
    return None, UNKNOWN


def is_overdue(due_date, precision, today, *, finished=False):
    """Overdue means the period has ended and the action is not finished. A data gap ("TBC",
    unreadable text), ongoing or recurring work is never overdue."""
    if finished or due_date is None or precision in UNDATED:
        return False
    return due_date < today
