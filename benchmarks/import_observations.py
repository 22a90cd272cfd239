"""Time the spreadsheet import of outcome figures at scale.

    python benchmarks/import_observations.py [--rows 100000]

Runs against the database in DATABASE_URL (SQLite by default; migrate it first). Creates a
throwaway framework of 50 measures, writes a CSV of monthly figures for Norfolk and its
districts, imports it (all new), imports it again (all unchanged), then with every value
changed (all corrected), and removes the framework. Prints the time and peak memory of each.
"""

import argparse
import datetime
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safer_norfolk.settings")

import django

django.setup()

from django.db import connection  # noqa: E402

from outcomes.models import Area, Measure, Outcome, OutcomeFramework  # noqa: E402
from outcomes.services import import_observations  # noqa: E402
from safer_norfolk.models import Organisation  # noqa: E402

SLUG = "benchmark-import"
AREAS = ["norfolk", "breckland", "broadland", "great-yarmouth", "kings-lynn-and-west-norfolk",
         "north-norfolk", "norwich", "south-norfolk", "out-of-county"]  # fmt: skip


def build_csv(rows):
    lines = ["framework,outcome,measure,area,period_start,period_end,value,provisional,note"]
    month = datetime.date(1990, 1, 1)
    count = 0
    while count < rows:
        end = (month.replace(day=28) + datetime.timedelta(days=4)).replace(
            day=1
        ) - datetime.timedelta(days=1)
        for measure in range(1, 51):
            for area in AREAS:
                if count == rows:
                    break
                lines.append(f"{SLUG},1,{measure},{area},{month},{end},{(count * 7) % 1000},,")
                count += 1
        month = end + datetime.timedelta(days=1)
    return "\n".join(lines).encode()


def timed(label, content):
    started = time.perf_counter()
    report = import_observations(name="bench.csv", content=content)
    seconds = time.perf_counter() - started
    # Peak resident memory of the whole process so far (kilobytes on Linux).
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if not report.ok:
        raise SystemExit(f"{label}: {report.summary()} {[str(p) for p in report.problems[:5]]}")
    print(f"{label:<28} {seconds:7.2f} s  process peak {peak:6.0f} MiB  {report.summary()}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    rows = parser.parse_args().rows
    if Area.objects.filter(slug__in=AREAS).count() != len(AREAS):
        raise SystemExit("The areas are missing: migrate the database first.")
    OutcomeFramework.objects.filter(slug=SLUG).delete()
    organisation, _ = Organisation.objects.get_or_create(name="Benchmark partnership")
    framework = OutcomeFramework.objects.create(
        title="Benchmark", slug=SLUG, organisation=organisation
    )
    outcome = Outcome.objects.create(framework=framework, number="1", title="Benchmark outcome")
    Measure.objects.bulk_create(
        Measure(
            outcome=outcome,
            number=str(n),
            title=f"Measure {n}",
            direction="down",
            sort_key=f"{n:08d}",
        )
        for n in range(1, 51)
    )
    content = build_csv(rows)
    print(f"{connection.vendor}, {rows:,} rows, {len(content) / 2**20:.1f} MiB CSV")
    try:
        timed("first import (all new)", content)
        timed("same file again", content)
        timed("every value corrected", content.replace(b",,\n", b",yes,\n"))
    finally:
        framework.delete()
        organisation.delete()


if __name__ == "__main__":
    main()
