"""Writes to outcome data: the spreadsheet import of observations (DESIGN §6).

The whole file is read and checked first; every problem is reported with its row and column;
only a file with no problem is written, in one transaction, so a file is never half-imported.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from outcomes.models import Area, Measure, Observation
from outcomes.periods import PeriodError, parse_period
from safer_norfolk.audit import upsert_with_history
from safer_norfolk.spreadsheets import Problem, read_rows
from safer_norfolk.validators import plausible_date

COLUMNS = {
    "framework": "framework",
    "outcome": "outcome",
    "measure": "measure",
    "area": "area",
    "period": "period",
    "periodstart": "period_start",
    "start": "period_start",
    "periodend": "period_end",
    "end": "period_end",
    "value": "value",
    "provisional": "provisional",
    "isprovisional": "provisional",
    "note": "note",
    "notes": "note",
}
REQUIRED = ("framework", "outcome", "measure", "area", "value")
TRUE = {"yes", "y", "true", "1", "p", "provisional"}
FALSE = {"no", "n", "false", "0", ""}
BATCH_SIZE = 2000


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self):
        return not self.problems

    def summary(self):
        if not self.ok:
            return f"Nothing was imported: {len(self.problems)} problem(s) in {self.rows} row(s)."
        verb = "Would import" if self.dry_run else "Imported"
        return (
            f"{verb} {self.rows} row(s): {self.created} new figure(s), {self.updated} corrected "
            f"figure(s) updated, {self.unchanged} unchanged."
        )


def _normalise_header(name):
    return COLUMNS.get("".join(ch for ch in str(name or "").lower() if ch.isalnum()))


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value):
    if isinstance(value, datetime.datetime):
        value = value.date()
    date = value if isinstance(value, datetime.date) else _parse_date(_text(value))
    try:
        plausible_date(date)
    except ValidationError as error:
        raise ValueError(error.messages[0]) from error
    return date


def _parse_date(text):
    try:
        return datetime.date.fromisoformat(text)  # the common case, far faster than strptime
    except ValueError:
        pass
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"“{text}” is not a date (use 2023-03-31 or 31/03/2023).")


def _decimal(value):
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    text = _text(value).replace(",", "").replace("£", "").rstrip("%").strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"“{_text(value)}” is not a number.") from None
    if not number.is_finite():
        raise ValueError(f"“{_text(value)}” is not a number.")
    if abs(number) >= 10**11:
        raise ValueError(f"“{_text(value)}” is too large.")
    return number.quantize(Decimal("0.001"))


class _Lookups:
    """Every measure and area the file may name, read once."""

    def __init__(self, frameworks):
        self.measures = {
            (slug.lower(), outcome.lower(), measure.lower()): pk
            for pk, slug, outcome, measure in Measure.objects.filter(
                outcome__framework__slug__in=frameworks
            ).values_list("pk", "outcome__framework__slug", "outcome__number", "number")
        }
        self.areas = {}
        for pk, name, slug, code in Area.objects.values_list("pk", "name", "slug", "gss_code"):
            for key in (name, slug, code):
                if key:
                    self.areas[key.lower()] = pk


def validate(header, rows, *, progress=None):
    """Check every row; returns (clean rows, problems). Clean rows are dicts ready to write.
    `progress`, if given, is called as progress("checking", rows checked, rows) as it goes."""
    problems = []
    columns = {}
    for index, name in enumerate(header):
        canonical = _normalise_header(name)
        if canonical and canonical not in columns:
            columns[canonical] = index
    missing = [name for name in REQUIRED if name not in columns]
    if "period" not in columns and not {"period_start", "period_end"} <= set(columns):
        missing.append("period (or period_start and period_end)")
    if missing:
        return [], [Problem(1, "header", f"missing column(s): {', '.join(missing)}.")]

    def cell(row, name):
        index = columns.get(name)
        return row[index] if index is not None and index < len(row) else None

    frameworks = {_text(cell(row, "framework")).lower() for row in rows}
    lookups = _Lookups(frameworks)
    known_frameworks = {
        slug.lower()
        for slug in Measure.objects.filter(outcome__framework__slug__in=frameworks)
        .values_list("outcome__framework__slug", flat=True)
        .distinct()
    }
    clean, seen = [], {}
    for offset, row in enumerate(rows):
        if progress is not None:
            progress("checking", offset, len(rows))
        number = offset + 2  # the header is row 1
        row_problems = []
        framework = _text(cell(row, "framework")).lower()
        outcome = _text(cell(row, "outcome")).lower()
        measure_number = _text(cell(row, "measure")).lower()
        measure_id = lookups.measures.get((framework, outcome, measure_number))
        if measure_id is None:
            if framework not in known_frameworks:
                row_problems.append(
                    Problem(number, "framework", f"no outcome framework with slug “{framework}”.")
                )
            else:
                row_problems.append(
                    Problem(
                        number,
                        "measure",
                        f"no measure {measure_number} under outcome {outcome} of “{framework}”.",
                    )
                )
        area_text = _text(cell(row, "area"))
        area_id = lookups.areas.get(area_text.lower())
        if area_id is None:
            row_problems.append(Problem(number, "area", f"no area named or coded “{area_text}”."))
        start = end = None
        if _text(cell(row, "period_start")) or _text(cell(row, "period_end")):
            try:
                start, end = _date(cell(row, "period_start")), _date(cell(row, "period_end"))
            except ValueError as error:
                row_problems.append(Problem(number, "period_start/period_end", str(error)))
            else:
                if end < start:
                    row_problems.append(
                        Problem(number, "period_end", "the period ends before it starts.")
                    )
        else:
            try:
                start, end = parse_period(_text(cell(row, "period")))
            except PeriodError as error:
                row_problems.append(Problem(number, "period", str(error)))
        try:
            value = _decimal(cell(row, "value"))
        except ValueError as error:
            row_problems.append(Problem(number, "value", str(error)))
            value = None
        provisional_text = _text(cell(row, "provisional")).lower()
        if provisional_text not in TRUE | FALSE:
            row_problems.append(
                Problem(number, "provisional", f"“{provisional_text}” is not yes or no.")
            )
        note = _text(cell(row, "note"))
        if len(note) > 500:
            row_problems.append(Problem(number, "note", "notes may be at most 500 characters."))
        if not row_problems:
            key = (measure_id, area_id, start, end)
            if key in seen:
                row_problems.append(
                    Problem(
                        number, "period", f"the same measure, area and period as row {seen[key]}."
                    )
                )
            else:
                seen[key] = number
        if row_problems:
            problems.extend(row_problems)
            continue
        clean.append(
            {
                "measure_id": measure_id,
                "area_id": area_id,
                "period_start": start,
                "period_end": end,
                "value": value,
                "is_provisional": provisional_text in TRUE,
                "note": note,
            }
        )
    return clean, problems


def import_observations(*, name, content, dry_run=False, by=None, progress=None):
    """Import a CSV or XLSX file of observations. Raises ImportFileError when the file cannot
    be read at all; otherwise returns an ImportReport (with problems, and nothing written,
    when any row is wrong).

    `progress`, if given, is told how far the import has got: progress(stage, done, total)
    with stage "checking" (rows checked of the file's rows) and then, for a file with no
    problem, "saving" (the rows being compared with the figures held and written)."""
    header, rows = read_rows(name, content)
    clean, problems = validate(header, rows, progress=progress)
    report = ImportReport(rows=len(rows), problems=problems, dry_run=dry_run)
    if progress is not None:
        progress("checking", len(rows), len(rows))
    if problems:
        return report

    if progress is not None:
        progress("saving", len(rows), len(rows))
    save_observations(clean, report, by=by)
    return report


def save_observations(clean, report, *, by=None):
    """Write checked rows (dicts of Observation fields): new figures are added, changed ones
    corrected, identical ones left alone; counts go into `report`. Nothing is written for a
    dry run. Every write is in the audit history, as made by `by`; a corrected figure of a
    published framework is marked corrected."""
    with transaction.atomic():
        measure_ids = {row["measure_id"] for row in clean}
        public_measures = set(
            Measure.objects.public().filter(pk__in=measure_ids).values_list("pk", flat=True)
        )
        # Locked until the transaction ends, so the versions read here are the ones replaced.
        existing = {
            (measure_id, area_id, start, end): (pk, version, (value, provisional, note))
            for pk, version, measure_id, area_id, start, end, value, provisional, note in (
                Observation.objects.select_for_update()
                .filter(measure_id__in=measure_ids)
                .values_list(
                    "pk",
                    "version",
                    "measure_id",
                    "area_id",
                    "period_start",
                    "period_end",
                    "value",
                    "is_provisional",
                    "note",
                )
            )
        }
        now = timezone.now()
        new, corrected = [], []
        for row in clean:
            key = (row["measure_id"], row["area_id"], row["period_start"], row["period_end"])
            current = existing.get(key)
            if current is None:
                report.created += 1
                new.append(Observation(**row))
                continue
            pk, version, figures = current
            if figures == (row["value"], row["is_provisional"], row["note"]):
                report.unchanged += 1
                continue
            report.updated += 1
            corrected.append(
                Observation(
                    pk=pk,
                    version=version + 1,
                    corrected_at=now if row["measure_id"] in public_measures else None,
                    **row,
                )
            )
        if report.dry_run:
            return
        upsert_with_history(
            Observation,
            created=new,
            changed=corrected,
            unique_fields=["measure", "area", "period_start", "period_end"],
            update_fields=["value", "is_provisional", "note", "version", "corrected_at"],
            by=by,
            batch_size=BATCH_SIZE,
        )
