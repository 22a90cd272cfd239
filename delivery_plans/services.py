"""Writes to delivery plans beyond a plain form save: progress updates, their publication,
an action's stage, and the spreadsheet import of a plan's actions.

Partnership officers may report only on actions their organisation owns; `can_update` is
the one rule, used by the services, the admin and (later) the API.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from delivery_plans.dates import UNKNOWN, parse_due_text
from delivery_plans.models import Action, ActionUpdate, Section
from safer_norfolk.audit import save_as
from safer_norfolk.models import Organisation
from safer_norfolk.spreadsheets import Problem, read_rows


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

ACTION_COLUMNS = {
    "section": "section",
    "number": "number",
    "n": "number",
    "action": "title",
    "title": "title",
    "successmeasure": "success_measure",
    "owner": "owners",
    "owners": "owners",
    "ownernote": "owner_note",
    "date": "due_text",
    "due": "due_text",
    "when": "due_text",
    "howwillwedoit": "method",
    "method": "method",
    "howwillwemonitorimprovement": "indicators",
    "indicators": "indicators",
    "howmuchwillitcost": "cost_text",
    "cost": "cost_text",
    "fundingsource": "funding_source",
    "stage": "stage",
    "externalref": "external_ref",
}
ACTION_REQUIRED = ("section", "number", "title")
TEXT_FIELDS = (
    "success_measure",
    "owner_note",
    "method",
    "indicators",
    "cost_text",
    "funding_source",
    "external_ref",
)


@dataclass
class ActionImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    problems: list = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self):
        return not self.problems

    def summary(self):
        if not self.ok:
            return f"Nothing was imported: {len(self.problems)} problem(s) in {self.rows} row(s)."
        verb = "Would import" if self.dry_run else "Imported"
        return f"{verb} {self.rows} action(s): {self.created} new, {self.updated} updated."


def _cell_text(value):
    if value is None:
        return ""
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


def validate_actions(plan, header, rows, *, progress=None):
    """Check every row; returns (clean rows, problems). `progress`, if given, is called as
    progress("checking", rows checked, rows) as it goes."""
    problems = []
    columns = {}
    for index, name in enumerate(header):
        canonical = ACTION_COLUMNS.get(
            "".join(ch for ch in str(name or "").lower() if ch.isalnum())
        )
        if canonical and canonical not in columns:
            columns[canonical] = index
    missing = [name for name in ACTION_REQUIRED if name not in columns]
    if missing:
        return [], [Problem(1, "header", f"missing column(s): {', '.join(missing)}.")]

    def cell(row, name):
        index = columns.get(name)
        return _cell_text(row[index]) if index is not None and index < len(row) else ""

    sections = {}
    for section in Section.objects.filter(plan=plan):
        for key in (section.number, section.title):
            if key:
                sections.setdefault(key.lower(), section.pk)
    organisations = {}
    for pk, name, short_name in Organisation.objects.values_list(
        "pk", Lower("name"), Lower("short_name")
    ):
        organisations[name] = pk
        if short_name:
            organisations.setdefault(short_name, pk)
    clean, seen = [], {}
    for offset, row in enumerate(rows):
        if progress is not None:
            progress("checking", offset, len(rows))
        number_in_file = offset + 2
        row_problems = []
        section_text = cell(row, "section")
        section_id = sections.get(section_text.lower())
        if section_id is None:
            row_problems.append(
                Problem(number_in_file, "section", f"the plan has no section “{section_text}”.")
            )
        number = cell(row, "number")
        if not number:
            row_problems.append(Problem(number_in_file, "number", "every action needs its number."))
        elif number in seen:
            row_problems.append(
                Problem(number_in_file, "number", f"action {number} is also on row {seen[number]}.")
            )
        else:
            seen[number] = number_in_file
        title = cell(row, "title")
        if not title:
            row_problems.append(Problem(number_in_file, "action", "the action's text is missing."))
        due_text = cell(row, "due_text")
        due_date, precision = parse_due_text(due_text, plan_start=plan.period_start)
        if precision == UNKNOWN:
            row_problems.append(
                Problem(
                    number_in_file,
                    "date",
                    f"“{due_text}” is not a date such as “September 2021”, “Year 2”, “2023/24” or “TBC”.",
                )
            )
        owner_ids = []
        owners_text = cell(row, "owners")
        for name in [part.strip() for part in re.split(r"[;\n]", owners_text) if part.strip()]:
            if name.lower() in organisations:
                owner_ids.append(organisations[name.lower()])
            else:
                row_problems.append(
                    Problem(number_in_file, "owner", f"no organisation called “{name}”.")
                )
        stage = cell(row, "stage").lower().replace(" ", "_") or None
        if stage and stage not in Action.Stage.values:
            row_problems.append(
                Problem(number_in_file, "stage", f"“{cell(row, 'stage')}” is not a stage.")
            )
        values = {name: cell(row, name) for name in TEXT_FIELDS}
        if not values["owner_note"]:
            values["owner_note"] = owners_text.replace("\n", "; ")
        for field_name, text in {
            "number": number,
            "title": title,
            "due_text": due_text,
            **values,
        }.items():
            limit = Action._meta.get_field(field_name).max_length
            if limit and len(text) > limit:
                row_problems.append(
                    Problem(
                        number_in_file,
                        field_name.replace("_", " "),
                        f"at most {limit} characters ({len(text)} given).",
                    )
                )
        if row_problems:
            problems.extend(row_problems)
            continue
        clean.append(
            {
                "number": number,
                "section_id": section_id,
                "title": title,
                "due_text": due_text,
                "due_date": due_date,
                "due_precision": precision,
                "cost_amount": _single_amount(values["cost_text"]) if values["cost_text"] else None,
                "stage": stage,
                "owner_ids": owner_ids,
                **values,
            }
        )
    return clean, problems


def import_actions(*, plan, name, content, by, dry_run=False, progress=None):
    """Create or update a plan's actions from a CSV or XLSX file keyed by action number.
    Nothing is written if any row is wrong.

    `progress`, if given, is told how far the import has got: progress(stage, done, total)
    with stage "checking" (rows checked of the file's rows) and then, for a file with no
    problem, "saving"."""
    if not can_manage_plans(by):
        raise PermissionDenied("Only plan managers may import actions.")
    header, rows = read_rows(name, content)
    clean, problems = validate_actions(plan, header, rows, progress=progress)
    report = ActionImportReport(rows=len(rows), problems=problems, dry_run=dry_run)
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
        for row in clean:
            owner_ids = row.pop("owner_ids")
            stage = row.pop("stage")
            action = existing.get(row["number"]) or Action(plan=plan)
            for name, value in row.items():
                setattr(action, name, value)
            if stage:
                action.stage = stage
            action.full_clean(exclude=["owners", "outcomes", "related_actions"])
            save_as(action, by)
            if owner_ids:
                action.owners.set(owner_ids)
    return report
