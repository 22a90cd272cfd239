"""Time and memory of the PDF documents.

    python benchmarks/pdf.py [--json benchmarks/results/pdf.json]

Builds, in a throwaway SQLite database and media folder, a meeting whose agenda pack runs to
about 300 pages (ten uploaded reports of 25 pages, the previous meeting's generated minutes,
the front sheet) and a meeting with about 60 pages of minutes. Each measurement then runs in
a fresh process, so its peak memory is its own:

- the agenda pack, built from scratch (render, merge, stamp, outline);
- the minutes rendered by the site (queries, templates, WeasyPrint);
- WeasyPrint alone rendering the same minutes HTML with the same options.

Each runs three times; the table gives the median time and the highest peak, and the
script writes JSON.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(workdir):
    os.environ["DJANGO_SETTINGS_MODULE"] = "safer_norfolk.settings"
    os.environ["SQLITE_PATH"] = str(workdir / "bench.sqlite3")
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()


def build_data(workdir):
    setup_django(workdir)
    import datetime

    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from weasyprint import HTML

    from meetings.models import (
        AgendaItem,
        Attendance,
        Committee,
        Document,
        Meeting,
        Minute,
        Resolution,
    )
    from safer_norfolk.models import Person

    call_command("migrate", verbosity=0)
    committee = Committee.objects.create(name="Benchmark Scrutiny Panel", slug="benchmark")
    people = [Person.objects.create(name=f"Councillor {n}", honorific="Cllr") for n in range(20)]

    def meeting_on(day):
        return Meeting.objects.create(
            committee=committee,
            starts_at=datetime.datetime(2024, 1, 1, 10, tzinfo=datetime.UTC)
            + datetime.timedelta(days=day),
            agenda_status="published",
            agenda_published_at=datetime.datetime(2023, 12, 1, tzinfo=datetime.UTC),
        )

    paragraph = (
        "The panel received the report and discussed referrals, funding and the partnership's "
        "progress against its success measures in each district. "
    ) * 4

    def write_minutes(meeting, count):
        meeting.minutes_status, meeting.status = "published", "held"
        meeting.minutes_published_at = meeting.starts_at
        meeting.save()
        for person in people:
            Attendance.objects.create(meeting=meeting, person=person, status="present")
        for number in range(1, count + 1):
            minute = Minute.objects.create(
                meeting=meeting,
                number=str(number),
                heading=f"Item {number}",
                body="\n\n".join([paragraph] * 5),
            )
            Resolution.objects.create(minute=minute, order=1, verb="noted", text="the report.")

    previous = meeting_on(0)
    write_minutes(previous, 46)
    pack_meeting = meeting_on(60)
    AgendaItem.objects.create(meeting=pack_meeting, number="1", kind="apologies", title="Apologies")
    AgendaItem.objects.create(meeting=pack_meeting, number="2", kind="minutes", title="Minutes")
    report = HTML(
        string="".join(f"<p style='break-after: page'>Report page {n}</p>" for n in range(25))
    ).write_pdf()
    for n in range(10):
        item = AgendaItem.objects.create(
            meeting=pack_meeting, number=str(n + 3), title=f"Report {n + 1}"
        )
        Document.objects.create(
            meeting=pack_meeting,
            agenda_item=item,
            title=f"Report {n + 1}",
            file=ContentFile(report, name=f"report-{n}.pdf"),
            page_count=25,
            size_bytes=len(report),
            sha256=str(n),
        )
    minutes_meeting = meeting_on(120)
    write_minutes(minutes_meeting, 58)
    return {"pack_meeting": pack_meeting.pk, "minutes_meeting": minutes_meeting.pk}


def measure(kind, workdir, meeting_id):
    """Run in a child process: print {"seconds", "peak_mib", "pages"} for one measurement."""
    setup_django(workdir)
    from meetings import pdf
    from meetings.models import Meeting
    from safer_norfolk.pdf import _fetcher, page_count

    meeting = Meeting.objects.select_related("committee").get(pk=meeting_id)
    if kind == "weasyprint-only":
        from weasyprint import HTML

        html = pdf.minutes_html(meeting)  # prepared before the clock starts
        started = time.perf_counter()
        data = HTML(
            string=html, base_url="https://site.invalid/", url_fetcher=_fetcher()
        ).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
    elif kind == "minutes":
        started = time.perf_counter()
        _, data = pdf.render_minutes(meeting)
    else:
        started = time.perf_counter()
        data = pdf.build_pack(pdf.plan_pack(meeting)).data
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mib": peak, "pages": page_count(data)}))


def run_child(kind, workdir, meeting_id, repeats):
    """Median time and highest peak over `repeats` fresh processes (this machine is shared
    and single runs vary by a third)."""
    runs = []
    for _ in range(repeats):
        output = subprocess.run(
            [sys.executable, __file__, "--child", kind, str(workdir), str(meeting_id)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        runs.append(json.loads(output.strip().splitlines()[-1]))
    return {
        "seconds": statistics.median(run["seconds"] for run in runs),
        "seconds_all": [round(run["seconds"], 2) for run in runs],
        "peak_mib": max(run["peak_mib"] for run in runs),
        "pages": runs[0]["pages"],
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "results" / "pdf.json")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        kind, workdir, meeting_id = arguments.child
        measure(kind, Path(workdir), int(meeting_id))
        return
    with tempfile.TemporaryDirectory(prefix="safer-norfolk-pdf-bench-") as folder:
        workdir = Path(folder)
        ids = build_data(workdir)
        results = {
            "pack": run_child("pack", workdir, ids["pack_meeting"], arguments.repeats),
            "minutes": run_child("minutes", workdir, ids["minutes_meeting"], arguments.repeats),
            "weasyprint_only": run_child(
                "weasyprint-only", workdir, ids["minutes_meeting"], arguments.repeats
            ),
        }
    results["minutes_overhead_percent"] = round(
        (results["minutes"]["seconds"] / results["weasyprint_only"]["seconds"] - 1) * 100, 1
    )
    print(f"{'document':<34}{'pages':>6}{'median s':>10}{'peak MiB':>10}  runs")
    for name, label in [
        ("pack", "agenda pack"),
        ("minutes", "minutes (site)"),
        ("weasyprint_only", "same minutes, WeasyPrint alone"),
    ]:
        row = results[name]
        print(
            f"{label:<34}{row['pages']:>6}{row['seconds']:>10.2f}{row['peak_mib']:>10.0f}  {row['seconds_all']}"
        )
    print(f"overhead of the site over WeasyPrint alone: {results['minutes_overhead_percent']} %")
    arguments.json.parent.mkdir(parents=True, exist_ok=True)
    arguments.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
