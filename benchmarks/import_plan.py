"""Time the spreadsheet import of a delivery plan's actions.

    python benchmarks/import_plan.py [--actions 1000] [--runs 3]

Runs against the database in DATABASE_URL (SQLite by default; migrate it first). Writes an
XLSX workbook of plan actions in the import's column layout (ten sections, owners named as
partners write them, dates such as "Year 2" and "Q3 2022/23", costs, stages), then for each
run creates a throwaway plan with its sections, checks the workbook as the admin's "Check
only" does (dry run), imports it (all new), imports it again (all updated), and removes the
plan and its history. Prints each step of each run, the median of each step and the peak
memory of the process.
"""

import argparse
import datetime
import io
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safer_norfolk.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from delivery_plans.models import Action, Plan, Section  # noqa: E402
from delivery_plans.services import import_actions  # noqa: E402
from safer_norfolk.models import Organisation  # noqa: E402

SLUG = "benchmark-plan-import"
USERNAME = "benchmark-plan-import"
SECTIONS = 10
HEADER = ["Section", "N", "Action", "Success measure", "Owner", "Owner note", "Date",
          "How will we do it?", "How will we monitor improvement?", "How much will it cost?",
          "Funding source", "Stage", "External ref"]  # fmt: skip
ORGANISATIONS = [("Benchmark Constabulary", "BC"), ("Benchmark County Council", "BCC"),
                 ("Benchmark Fire and Rescue", "BFR"), ("Benchmark Health Board", "BHB"),
                 ("Benchmark Scams Partnership", "BSP")]  # fmt: skip
DATES = ["September 2021", "Year 2", "2023/24", "Q3 2022/23", "TBC", "Ongoing", "March 2024",
         "Years 1-3", "31/03/2023", "Spring 2022"]  # fmt: skip
COSTS = ["£25,000", "Within existing resources", "£1.5k", "", "£120,000"]
STAGES = ["not started", "in progress", "ongoing", "complete", ""]


def build_workbook(actions):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    per_section = -(-actions // SECTIONS)
    for n in range(actions):
        section, position = divmod(n, per_section)
        owners = "; ".join(
            short for _, short in ORGANISATIONS[n % len(ORGANISATIONS) : n % len(ORGANISATIONS) + 2]
        )
        sheet.append(
            [
                section + 1,
                f"{section + 1}.{position + 1}",
                f"Action {n + 1}: work with partners to reduce harm in the community, "
                "reporting progress to the partnership board each quarter.",
                f"Measure {n + 1}: fewer repeat victims than in the baseline year.",
                owners,
                "",
                DATES[n % len(DATES)],
                "Through the partnership's task and finish group, with a named lead officer.\n"
                "Quarterly review of progress.",
                "Quarterly performance report; partner feedback survey.",
                COSTS[n % len(COSTS)],
                "Partnership budget" if n % 3 else "",
                STAGES[n % len(STAGES)],
                f"REF-{n + 1:04d}",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def fresh_plan(organisation, run):
    plan = Plan.objects.create(
        title=f"Benchmark plan {run}",
        slug=f"{SLUG}-{run}",
        organisation=organisation,
        period_start=datetime.date(2021, 4, 1),
        period_end=datetime.date(2024, 3, 31),
    )
    for number in range(1, SECTIONS + 1):
        Section.objects.create(plan=plan, number=str(number), title=f"Priority {number}")
    return plan


def remove(plan):
    """The plan, its sections and actions, and their audit history, deletions included."""
    plan_id = plan.pk
    with transaction.atomic():
        Action.objects.filter(plan_id=plan_id).delete()
        plan.delete()
        Action.history.filter(plan_id=plan_id).delete()
        Section.history.filter(plan_id=plan_id).delete()
        Plan.history.filter(id=plan_id).delete()


def timed(plan, content, user, *, dry_run=False):
    started = time.perf_counter()
    report = import_actions(plan=plan, name="plan.xlsx", content=content, by=user, dry_run=dry_run)
    seconds = time.perf_counter() - started
    if not report.ok:
        raise SystemExit(f"{report.summary()} {[str(p) for p in report.problems[:5]]}")
    return seconds, report


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--actions", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    for stale in Plan.objects.filter(slug__startswith=SLUG):
        remove(stale)
    user, _ = get_user_model().objects.get_or_create(
        username=USERNAME, defaults={"is_superuser": True, "is_staff": True}
    )
    organisation, _ = Organisation.objects.get_or_create(name="Benchmark partnership")
    partners = [
        Organisation.objects.get_or_create(name=name, defaults={"short_name": short})[0]
        for name, short in ORGANISATIONS
    ]
    content = build_workbook(options.actions)
    print(
        f"{connection.vendor}, {options.actions:,} actions, {len(content) / 2**10:.0f} KiB XLSX, "
        f"{options.runs} run(s)"
    )
    # Each run: the officer's "Check only", the import, then the same file again.
    steps = {
        "check only (dry run)": True,
        "first import (all new)": False,
        "same file again (all updated)": False,
    }
    times = {label: [] for label in steps}
    try:
        for run in range(1, options.runs + 1):
            plan = fresh_plan(organisation, run)
            try:
                for label, dry_run in steps.items():
                    seconds, report = timed(plan, content, user, dry_run=dry_run)
                    times[label].append(seconds)
                    print(f"run {run}: {label:<30} {seconds:6.2f} s  {report.summary()}")
            finally:
                remove(plan)
    finally:
        for partner in [*partners, organisation]:
            partner_id = partner.pk
            partner.delete()
            Organisation.history.filter(id=partner_id).delete()
        user.delete()
    for label, seconds in times.items():
        print(f"median {label:<30} {statistics.median(seconds):6.2f} s")
    # Peak resident memory of the whole process (kilobytes on Linux).
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak memory {peak:.0f} MiB")


if __name__ == "__main__":
    main()
