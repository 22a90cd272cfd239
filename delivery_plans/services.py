"""Writes to delivery plans beyond a plain form save: progress updates, their publication,
an action's stage, and the spreadsheet import of a plan's actions.

Partnership officers may report only on actions their organisation owns; `can_update` is
the one rule, used by the services, the admin and (later) the API.
"""

import datetime
import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from delivery_plans.dates import DAY, UNKNOWN, parse_due_text
from delivery_plans.models import Action, ActionUpdate, Section
from safer_norfolk.audit import save_as
from safer_norfolk.models import Organisation
from safer_norfolk.spreadsheets import Problem, read_numbered_rows
from safer_norfolk.validators import EARLIEST_YEAR, LATEST_YEAR, plausible_date


def can_manage_plans(user):
    return user.is_active and (user.is_superuser or user.has_perm("delivery_plans.change_action"))


def can_update(user, action):
    """Plan managers report on any action; partnership officers on those their organisation owns."""
    if not user.is_active:
        return False
    if can_manage_plans(user):
        return True
    if not (
        user.has_perm("delivery_plans.add_actionupdate")
        or user.has_perm("delivery_plans.change_actionupdate")
    ):
        return False
    person = getattr(user, "person", None)
    if person is None or person.organisation_id is None:
        return False
    return action.owners.filter(pk=person.organisation_id).exists()


def _check_may_update(user, action):
    if not can_update(user, action):
        raise PermissionDenied(
            f"You may only report on actions your organisation owns; action {action.number} is not one."
        )


@transaction.atomic
def record_update(
    *,
    action,
    text,
    by,
    rag=ActionUpdate.Rag.NOT_ASSESSED,
    distance=ActionUpdate.Distance.NOT_ASSESSED,
    reported_on=None,
    period_label="",
    kind=ActionUpdate.Kind.PROGRESS,
    publish=False,
):
    """A progress update on `action`, saved as a draft unless `publish`."""
    _check_may_update(by, action)
    if not (text or "").strip():
        raise ValidationError({"text": "Write what has happened before saving the update."})
    update = ActionUpdate(
        action=action,
        text=text.strip(),
        rag=rag,
        distance=distance,
        reported_on=reported_on or timezone.localdate(),
        period_label=period_label,
        kind=kind,
        author=getattr(by, "person", None),
        status=ActionUpdate.Status.PUBLISHED if publish else ActionUpdate.Status.DRAFT,
    )
    if update.reported_on > timezone.localdate():
        raise ValidationError({"reported_on": "An update cannot be dated in the future."})
    update.full_clean()
    save_as(update, by)
    return update


@transaction.atomic
def publish_update(*, update, by):
    update = ActionUpdate.objects.select_for_update().select_related("action").get(pk=update.pk)
    _check_may_update(by, update.action)
    if update.status == ActionUpdate.Status.PUBLISHED:
        raise ValidationError(
            f"The update of {update.reported_on.day} {update.reported_on:%B %Y} on action {update.action.number} is already published."
        )
    update.status = ActionUpdate.Status.PUBLISHED
    save_as(update, by, update_fields=["status"])
    return update


@transaction.atomic
def set_stage(*, action, stage, by):
    _check_may_update(by, action)
    if stage not in Action.Stage.values:
        raise ValidationError({"stage": f"“{stage}” is not a stage."})
    action = Action.objects.select_for_update().get(pk=action.pk)
    action.stage = stage
    save_as(action, by, update_fields=["stage"])
    return action


# --- import of a plan's actions -----------------------------------------------------------

# Headings as plans write them, reduced to their letters and digits with any text in
# brackets left out: "How will we monitor improvement (indicators of improvement)?" is
# "howwillwemonitorimprovement". A heading not named here is one of the plan's own fields.
ACTION_COLUMNS = {
    "section": "section",
    "number": "number",
    "n": "number",
    "no": "number",
    "ref": "number",
    "reference": "number",
    "actionno": "number",
    "actionnumber": "number",
    "actionref": "number",
    "action": "title",
    "actions": "title",
    "title": "title",
    "aim": "aim",
    "aims": "aim",
    "objective": "aim",
    "objectives": "aim",
    "successmeasure": "success_measure",
    "successmeasures": "success_measure",
    "owner": "owners",
    "owners": "owners",
    "lead": "owners",
    "leads": "owners",
    "leadagency": "owners",
    "leadagencies": "owners",
    "leadorganisation": "owners",
    "ownernote": "owner_note",
    "date": "due_text",
    "due": "due_text",
    "duedate": "due_text",
    "when": "due_text",
    "whenareweplanningtodoit": "due_text",
    "targetdate": "due_text",
    "timescale": "due_text",
    "timescales": "due_text",
    "howwillwedoit": "method",
    "method": "method",
    "howwillwemonitorimprovement": "indicators",
    "indicators": "indicators",
    "howmuchwillitcost": "cost_text",
    "cost": "cost_text",
    "fundingsource": "funding_source",
    "stage": "stage",
    "rag": "rag",
    "ragstatus": "rag",
    "ragrating": "rag",
    "externalref": "external_ref",
}
ACTION_REQUIRED = ("number", "title")
UNREADABLE_CELL = re.compile(r"\?{2,}")
TEXT_FIELDS = (
    "success_measure",
    "owner_note",
    "method",
    "indicators",
    "cost_text",
    "funding_source",
    "external_ref",
)
# A RAG cell as plans write it; "Complete" also marks the action's stage complete.
RAG_VALUES = {
    "red": "red",
    "r": "red",
    "amber": "amber",
    "a": "amber",
    "green": "green",
    "g": "green",
    "complete": "complete",
    "completed": "complete",
}
# Owners as written are split on these, after the whole text and the longest run of parts
# have been tried as one organisation's name ("King's Lynn and West Norfolk"). Unmatched
# parts joined by "and", "&" or "+" stay together as one name ("Housing and Communities").
_OWNER_SEPARATOR = re.compile(r"(\s*(?:[;\n/,&+]|\band\b)\s*)", re.IGNORECASE)
_WEAK_SEPARATOR = re.compile(r"^\s*(?:&|\+|and)\s*$", re.IGNORECASE)
_LONGEST_NAME_IN_PARTS = 8
# Left as it is in an existing action: the file says nothing about it.
_KEEP = object()


@dataclass
class ActionImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    problems: list = field(default_factory=list)
    # Owner names matching no organisation: kept as written, not linked, listed for the officer.
    notices: list = field(default_factory=list)
    extra_fields: list = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self):
        return not self.problems

    def summary(self):
        if not self.ok:
            return f"Nothing was imported: {len(self.problems)} problem(s) in {self.rows} row(s)."
        verb = "Would import" if self.dry_run else "Imported"
        text = f"{verb} {self.rows} action(s): {self.created} new, {self.updated} updated."
        if self.extra_fields:
            text += " Columns kept as the plan's own fields: " + ", ".join(
                f"“{heading}”" for heading in self.extra_fields
            )
            text += "."
        if self.notices:
            text += " " + self.notices_summary()
        return text

    def notices_summary(self, limit=10):
        """ "Owners kept as written, matching no organisation: “All partners” (rows 3, 7)…"."""
        rows_by_name = {}
        for notice in self.notices:
            rows_by_name.setdefault(notice.name, []).append(notice.row)
        names = [
            f"“{name}” (row{'s' if len(rows) > 1 else ''} {', '.join(map(str, rows))})"
            for name, rows in list(rows_by_name.items())[:limit]
        ]
        more = len(rows_by_name) - limit
        return (
            "Owners kept as written, matching no organisation: "
            + "; ".join(names)
            + (f"; and {more} more" if more > 0 else "")
            + "."
        )


@dataclass(frozen=True)
class OwnerNotice:
    """An owner named in the file that matches no organisation: kept in the owner as written."""

    row: int
    column: str
    name: str

    def __str__(self):
        return f"Row {self.row}, column “{self.column}”: “{self.name}” matches no organisation; it is kept as written."


def _heading_key(heading):
    without_brackets = re.sub(r"\([^)]*\)", "", str(heading or ""))
    return "".join(ch for ch in without_brackets.lower() if ch.isalnum())


def _long_date(value):
    return f"{value.day} {value:%B %Y}"


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return _long_date(value)
        return f"{_long_date(value)} {value:%H:%M}"
    if isinstance(value, datetime.date):
        return _long_date(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _single_amount(text):
    """A cost written as one sum ("£25,000") as a number; anything else stays text only."""
    match = re.fullmatch(r"£?\s*([\d,]+(?:\.\d+)?)\s*(k)?", text.strip().lower())
    if not match:
        return None
    try:
        amount = Decimal(match.group(1).replace(",", ""))
    except InvalidOperation:
        return None
    return amount * 1000 if match.group(2) else amount


def _name_key(text):
    """An organisation's name as compared: case, spacing, "&" for "and" and curly
    apostrophes make no difference."""
    text = text.lower().replace("’", "'").replace("&", " and ")
    return " ".join(text.split()).strip(" .,;:-")


def split_owners(text, organisations):
    """(organisation keys, names matching none) in an owner as written. `organisations` maps
    _name_key(name or short name) to a key. The whole text and the longest runs of parts are
    tried first, so a name that holds "and" or "&" is never cut in two."""
    pieces = _OWNER_SEPARATOR.split(text)
    parts, separators = pieces[0::2], pieces[1::2]
    found, unmatched = [], []
    start = 0
    while start < len(parts):
        # No organisation's name runs over more than a few separators.
        for end in range(min(len(parts), start + _LONGEST_NAME_IN_PARTS), start, -1):
            candidate = "".join(
                parts[index] + (separators[index] if index < end - 1 else "")
                for index in range(start, end)
            )
            key = organisations.get(_name_key(candidate))
            if key is not None:
                if key not in found:
                    found.append(key)
                start = end
                break
        else:
            name = parts[start].strip()
            joined_to_previous = (
                unmatched
                and start > 0
                and unmatched[-1][1] == start - 1
                and _WEAK_SEPARATOR.match(separators[start - 1])
            )
            if name and joined_to_previous:
                previous, _ = unmatched[-1]
                unmatched[-1] = (previous + separators[start - 1] + name, start)
            elif name:
                unmatched.append((name, start))
            start += 1
    return found, [name for name, _ in unmatched]


def _read_due(raw, plan_start):
    """(due_text, due_date, precision, message) for a date cell: text as written, a date cell
    (a day, written as "30 September 2023"), or a number that is an Excel date (or a year)."""
    if isinstance(raw, datetime.datetime):
        raw = raw.date()
    if isinstance(raw, datetime.date):
        try:
            plausible_date(raw)
        except ValidationError:
            return _long_date(raw), None, UNKNOWN, f"{_long_date(raw)} is not a plausible date."
        return _long_date(raw), raw, DAY, ""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        from openpyxl.utils.datetime import from_excel  # imported here: only imports need it

        if float(raw).is_integer() and EARLIEST_YEAR <= raw <= LATEST_YEAR:
            raw = str(int(raw))  # a year, as "2023"
        else:
            try:
                day = from_excel(raw)
            except (OverflowError, ValueError):
                day = None
            if isinstance(day, datetime.datetime):
                return _read_due(day, plan_start)
            text = _cell_text(raw)
            return text, None, UNKNOWN, f"the number {text} is not a date."
    text = _cell_text(raw)
    due_date, precision = parse_due_text(text, plan_start=plan_start)
    message = ""
    if precision == UNKNOWN:
        message = f"“{text}” is not a date such as “September 2021”, “Year 2”, “2023/24” or “TBC”."
    return text, due_date, precision, message


@dataclass
class _Columns:
    """Where each field is in the file, and its heading as written."""

    index: dict = field(default_factory=dict)
    heading: dict = field(default_factory=dict)
    extras: list = field(default_factory=list)  # [(index, heading as written)]
    aim_is_section: bool = False
    problems: list = field(default_factory=list)

    def name(self, field_name):
        return self.heading.get(field_name, field_name.replace("_", " "))


def _read_header(header_row, header, numbered_rows):
    from openpyxl.utils import get_column_letter  # imported here: only imports need it

    columns = _Columns()
    extra_headings = set()
    width = max([len(header), *(len(row) for _, row in numbered_rows)])
    for index in range(width):
        heading = _cell_text(header[index]) if index < len(header) else ""
        if not heading:
            if any(index < len(row) and row[index] not in (None, "") for _, row in numbered_rows):
                columns.problems.append(
                    Problem(
                        header_row,
                        f"column {get_column_letter(index + 1)}",
                        "the column has no heading.",
                    )
                )
            continue
        canonical = ACTION_COLUMNS.get(_heading_key(heading))
        if canonical and canonical not in columns.index:
            columns.index[canonical] = index
            columns.heading[canonical] = heading
            if canonical == "rag":
                # The action holds no RAG of its own (that comes from its dated updates), so
                # the rating is kept as written among the plan's own fields.
                columns.extras.append((index, heading))
        elif heading.lower() in extra_headings or heading.lower() in {
            known.lower() for known in columns.heading.values()
        }:
            columns.problems.append(
                Problem(header_row, heading, "two columns have this heading: give each its own.")
            )
        else:
            extra_headings.add(heading.lower())
            columns.extras.append((index, heading))
    _place_aims(columns, numbered_rows)
    missing = [
        {"title": "action"}.get(name, name) for name in ACTION_REQUIRED if name not in columns.index
    ]
    if missing:
        columns.problems.append(
            Problem(header_row, "header", f"missing column(s): {', '.join(missing)}.")
        )
    return columns


def _place_aims(columns, numbered_rows):
    """An "Aims" or "Objective" column heads a group of actions when the same text runs on
    over consecutive rows (merged cells count: a blank below a text continues it): it names
    the actions' section, unless the file has a Section column. Otherwise it is the action's
    text when the file has no Action column, and one of the plan's own fields when it has."""
    index = columns.index.get("aim")
    if index is None:
        return
    values = [_cell_text(row[index]) if index < len(row) else "" for _, row in numbered_rows]
    merged = "title" in columns.index  # a blank can continue a group only beside an Action column
    grouped = any(
        value and (following == value or (merged and not following))
        for value, following in itertools.pairwise(values)
    )
    heading = columns.heading.pop("aim")
    del columns.index["aim"]
    if grouped and "section" not in columns.index:
        columns.index["section"] = index
        columns.heading["section"] = heading
        columns.aim_is_section = True
    elif "title" not in columns.index:
        columns.index["title"] = index
        columns.heading["title"] = heading
    else:
        columns.extras.append((index, heading))
        columns.extras.sort()


def validate_actions(plan, header, rows, *, header_row=1, progress=None):
    """Check every row; returns (clean rows, problems, notices, extra headings). `rows` are
    (row number in the file, cells). `progress`, if given, is called as
    progress("checking", rows checked, rows) as it goes."""
    columns = _read_header(header_row, header, rows)
    if columns.problems:
        return [], columns.problems, [], []
    present = set(columns.index)

    def raw(row, name):
        index = columns.index.get(name)
        return row[index] if index is not None and index < len(row) else None

    def cell(row, name):
        return _cell_text(raw(row, name))

    sections = {}
    for section in Section.objects.filter(plan=plan):
        for key in (section.number, section.title):
            if key:
                sections.setdefault(" ".join(key.lower().split()), section.pk)
    organisations = {}
    for pk, name, short_name in Organisation.objects.values_list("pk", "name", "short_name"):
        organisations[_name_key(name)] = pk
        if short_name:
            organisations.setdefault(_name_key(short_name), pk)
    existing = set(Action.objects.filter(plan=plan).values_list("number", flat=True))
    problems, notices, clean, seen = [], [], [], {}
    group = ""
    for offset, (number_in_file, row) in enumerate(rows):
        if progress is not None:
            progress("checking", offset, len(rows))
        row_problems = []

        def problem(name, message, row_problems=row_problems, number_in_file=number_in_file):
            row_problems.append(Problem(number_in_file, columns.name(name), message))

        number = cell(row, "number")
        if not number:
            problem("number", "every action needs its number.")
        elif number in seen:
            problem("number", f"action {number} is also on row {seen[number]}.")
        else:
            seen[number] = number_in_file

        section_id = _KEEP
        section_text = cell(row, "section")
        if columns.aim_is_section:
            group = section_text or group
            section_text = group
        if section_text:
            section_id = sections.get(" ".join(section_text.lower().split()))
            if section_id is None:
                problem("section", f"the plan has no section “{section_text}”.")
        elif sections and ("section" in present or number not in existing):
            problem("section", "the plan has sections: name the one this action belongs to.")
        elif "section" in present or number not in existing:
            section_id = None

        title = cell(row, "title")
        if not title:
            problem("title", "the action's text is missing.")

        values = {}
        if "due_text" in present:
            due_text, due_date, precision, message = _read_due(
                raw(row, "due_text"), plan.period_start
            )
            if message:
                problem("due_text", message)
            values.update(due_text=due_text, due_date=due_date, due_precision=precision)

        owner_ids = None
        if "owners" in present:
            owners_text = cell(row, "owners")
            owner_ids, unmatched = [], []
            limit = Action._meta.get_field("owner_note").max_length
            if len(owners_text) <= limit:
                owner_ids, unmatched = split_owners(owners_text, organisations)
            elif "owner_note" in present:  # otherwise refused below, as the owner as written
                problem("owners", f"at most {limit} characters ({len(owners_text)} given).")
            notices.extend(
                OwnerNotice(number_in_file, columns.name("owners"), name) for name in unmatched
            )
            if "owner_note" not in present:
                values["owner_note"] = owners_text
        for name in TEXT_FIELDS:
            if name in present:
                values[name] = cell(row, name)
        if "success_measure" in present:
            # "???": a cell the paper's extraction could not read; kept as not known.
            unreadable = bool(UNREADABLE_CELL.fullmatch(values["success_measure"]))
            values["success_measure_unreadable"] = unreadable
            if unreadable:
                values["success_measure"] = ""
        if "cost_text" in present:
            values["cost_amount"] = (
                _single_amount(values["cost_text"]) if values["cost_text"] else None
            )

        stage_text = cell(row, "stage")
        stage = stage_text.lower().replace(" ", "_") or None
        if stage and stage not in Action.Stage.values:
            problem("stage", f"“{stage_text}” is not a stage.")
        rag_text = cell(row, "rag")
        rag = RAG_VALUES.get(rag_text.lower().rstrip("."))
        if rag_text and rag is None:
            problem(
                "rag", f"“{rag_text}” is not a RAG rating: write Red, Amber, Green or Complete."
            )
        elif rag == "complete":
            if stage and stage != Action.Stage.COMPLETE:
                problem("rag", f"the RAG says “{rag_text}” but the stage says “{stage_text}”.")
            stage = Action.Stage.COMPLETE

        for field_name, text in {
            "number": number,
            "title": title,
            "due_text": values.get("due_text", ""),
            **{name: values.get(name, "") for name in TEXT_FIELDS},
        }.items():
            limit = Action._meta.get_field(field_name).max_length
            if limit and len(text) > limit:
                column = (
                    "owners"
                    if field_name == "owner_note" and "owner_note" not in present
                    else field_name
                )
                problem(column, f"at most {limit} characters ({len(text)} given).")

        extra = {}
        for index, heading in columns.extras:
            text = _cell_text(row[index]) if index < len(row) else ""
            extra[heading] = text
        if row_problems:
            problems.extend(row_problems)
            continue
        clean.append(
            {
                "number": number,
                "section_id": section_id,
                "title": title,
                "stage": stage,
                "owner_ids": owner_ids,
                "extra": extra,
                **values,
            }
        )
    return clean, problems, notices, [heading for _, heading in columns.extras]


def import_actions(*, plan, name, content, by, dry_run=False, progress=None):
    """Create or update a plan's actions from a CSV or XLSX file keyed by action number.
    Nothing is written if any row is wrong. A field whose column the file lacks is left as
    it is in an action already held; columns the import does not know are kept as the plan's
    own fields (`Plan.extra_fields`, `Action.extra`).

    `progress`, if given, is told how far the import has got: progress(stage, done, total)
    with stage "checking" (rows checked of the file's rows) and then, for a file with no
    problem, "saving"."""
    if not can_manage_plans(by):
        raise PermissionDenied("Only plan managers may import actions.")
    header_row, header, rows = read_numbered_rows(name, content)
    clean, problems, notices, extra_fields = validate_actions(
        plan, header, rows, header_row=header_row, progress=progress
    )
    report = ActionImportReport(
        rows=len(rows),
        problems=problems,
        notices=notices,
        extra_fields=extra_fields,
        dry_run=dry_run,
    )
    if progress is not None:
        progress("checking", len(rows), len(rows))
    if problems:
        return report
    if progress is not None:
        progress("saving", len(rows), len(rows))
    existing = {action.number: action for action in Action.objects.filter(plan=plan)}
    report.created = sum(1 for row in clean if row["number"] not in existing)
    report.updated = len(clean) - report.created
    if dry_run:
        return report
    with transaction.atomic():
        plan_fields = list(plan.extra_fields or [])
        added = [heading for heading in extra_fields if heading not in plan_fields]
        if added:
            plan.extra_fields = plan_fields + added
            save_as(plan, by, update_fields=["extra_fields"])
        for row in clean:
            owner_ids = row.pop("owner_ids")
            stage = row.pop("stage")
            section_id = row.pop("section_id")
            extra = row.pop("extra")
            action = existing.get(row["number"]) or Action(plan=plan)
            for field_name, value in row.items():
                setattr(action, field_name, value)
            if section_id is not _KEEP:
                action.section_id = section_id
            if stage:
                action.stage = stage
            kept = dict(action.extra or {})
            for heading, text in extra.items():
                if text:
                    kept[heading] = text
                else:
                    kept.pop(heading, None)
            action.extra = kept
            action.full_clean(exclude=["owners", "outcomes", "related_actions"])
            save_as(action, by)
            if owner_ids is not None:
                action.owners.set(owner_ids)
    return report
