"""Page benchmark: latency and throughput of the key public pages at a given data scale.

    python tests/postgres_server.py --keep benchmarks/data/county python benchmarks/pages.py --scale county

(`make bench` runs it at county scale; `make bench-small` at small scale.) On the PostgreSQL
database in DATABASE_URL it migrates, builds the dataset with `generate_scale_data` (a
dataset already there is reused: with --keep the database outlives the run), collects the
static files, and counts each page's queries in-process. Then it starts gunicorn with
production settings on loopback, one worker per core, twice: with the page cache off, and
with it on and warm. Each time it warms every page up, then measures each page on its own
with wrk (a separate process) at a fixed concurrency, and the same stack serving a trivial
page (the health check) as the ceiling. It prints a table with each page's median and p95
latency and its throughput as a fraction of the ceiling, and writes JSON.

Needs wrk on PATH (Debian: apt-get install wrk). Exits non-zero if a page does not answer
200, on any error under load, or on an error in the server's log.
"""

import argparse
import importlib.metadata
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load import LUA, SERVER_PROBLEMS, parse_wrk  # noqa: E402
from tests.gunicorn_server import Gunicorn, get, manage, production_environment  # noqa: E402

CEILING = "/health/"
MODES = {"no cache": 0, "warm cache": 300}


def pick_pages():
    """The pages to measure, {name: path}, chosen from the data by what makes each heavy."""
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count, Q
    from django.urls import reverse

    from delivery_plans.models import Action, Plan
    from meetings.models import ActionPoint, Committee, Meeting
    from outcomes.models import Measure

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics after a bulk load, as autovacuum would

    def need(value, what):
        if value is None:
            raise SystemExit(f"The data has no {what}: did generate_scale_data run?")
        return value

    committee = need(
        Committee.objects.annotate(n=Count("meetings")).order_by("-n", "pk").first(), "committee"
    )
    meeting = need(
        Meeting.objects.public()
        .annotate(items=Count("agenda_items", filter=Q(agenda_items__is_exempt=False)))
        .filter(items=40)
        .order_by("-starts_at")
        .first(),
        "public meeting with 40 agenda items",
    )
    owner = need(
        ActionPoint.objects.public()
        .filter(owner_organisation__isnull=False)
        .values("owner_organisation")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("owner_organisation", flat=True)
        .first(),
        "action point with an owner",
    )
    plan = need(
        Plan.objects.public()
        .annotate(n=Count("actions"))
        .filter(n__gte=200)
        .order_by("pk")
        .first(),
        "published plan with 200 actions",
    )
    action = need(
        Action.objects.public()
        .filter(plan=plan)
        .annotate(n=Count("updates"))
        .order_by("-n", "pk")
        .first(),
        "plan action",
    )
    measure = need(
        Measure.objects.public()
        .annotate(n=Count("observations"))
        .order_by("-n", "pk")
        .select_related("outcome__framework")
        .first(),
        "measure with figures",
    )
    pages = {
        "home": reverse("home"),
        "committee": committee.get_absolute_url(),
        "meeting (40 items)": meeting.get_absolute_url(),
        "outstanding by owner": reverse("meetings:outstanding")
        + "?"
        + urlencode({"owner_organisation": owner}),
        "plan (200 actions)": plan.get_absolute_url(),
        "plan action": action.get_absolute_url(),
        "measure": measure.get_absolute_url(),
        "API meetings list": "/api/v1/meetings/",
        "search": reverse("meetings:search") + "?" + urlencode({"q": "domestic abuse"}),
    }
    connection.close()
    return pages


def data_counts():
    from django.db import connection

    from delivery_plans.models import Action, ActionUpdate, Plan
    from meetings.models import ActionPoint, AgendaItem, Committee, Meeting, WrittenQuestion
    from outcomes.models import Observation

    counts = {
        str(model._meta.verbose_name_plural): model.objects.count()
        for model in (
            Committee,
            Meeting,
            AgendaItem,
            ActionPoint,
            WrittenQuestion,
            Plan,
            Action,
            ActionUpdate,
            Observation,
        )
    }
    connection.close()
    return counts


def count_queries(pages):
    """Queries each page makes, rendered in this process with the page cache off."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    counts = {}
    for name, path in pages.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
            if response.streaming:
                b"".join(response.streaming_content)  # the queries run as the body streams
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        counts[name] = len(queries)
    connection.close()
    return counts


# What Chromium and Firefox send.
BROWSER_ACCEPT_ENCODING = "gzip, deflate, br, zstd"


def run_wrk(wrk, port, path, workdir, arguments):
    paths_file = workdir / "path.txt"
    paths_file.write_text(path + "\n")
    command = [
        wrk,
        "--threads", str(arguments.threads),
        "--connections", str(arguments.connections),
        "--duration", arguments.duration,
        "--timeout", "10s",
        "--latency",
        *(["--header", f"Accept-Encoding: {arguments.accept_encoding}"] if arguments.accept_encoding else []),
        "--script", str(LUA),
        f"http://127.0.0.1:{port}/",
        "--", str(paths_file),
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return parse_wrk(output)


def measure_mode(mode, env, pages, workdir, wrk, arguments):
    env = dict(env, PAGE_CACHE_SECONDS=str(MODES[mode]))
    log_path = workdir / f"gunicorn-{mode.replace(' ', '-')}.log"
    figures = {}
    with log_path.open("w") as log, Gunicorn(env, workers=arguments.workers, log=log) as server:
        # Warm-up: every worker serves every page a few times (and caches it, with the cache on).
        for path in [CEILING, *pages.values()]:
            for _ in range(3 * arguments.workers):
                status, _, _ = get(server.port, path)
                if status != 200:
                    raise SystemExit(f"{path} answered {status} ({mode})")
        for name, path in [("ceiling (health check)", CEILING), *pages.items()]:
            result = run_wrk(wrk, server.port, path, workdir, arguments)
            figures[name] = {"path": path, **result}
            print(
                f"  {mode:10} {name:24} {result['requests_per_second']:8.1f} req/s  "
                f"p50 {result['latency_ms']['p50']:7.1f} ms  p95 {result['latency_ms']['p95']:7.1f} ms"
                f"  errors {result['errors']['total']}",
                flush=True,
            )
        alive = server.alive()
    problems = [
        line
        for line in log_path.read_text(errors="replace").splitlines()
        if SERVER_PROBLEMS.search(line)
    ]
    if not alive:
        problems.append("gunicorn was no longer running at the end")
    return figures, problems


def print_table(results, queries):
    for mode, figures in results.items():
        ceiling = figures["ceiling (health check)"]["requests_per_second"]
        print(f"\n{mode}: ceiling {ceiling:.1f} requests/s")
        print(
            f"| {'page':24} | queries | median ms | p95 ms | requests/s | of ceiling |\n"
            f"|{'-' * 26}|---------|-----------|--------|------------|------------|"
        )
        for name, figure in figures.items():
            latency = figure["latency_ms"]
            share = figure["requests_per_second"] / ceiling
            print(
                f"| {name:24} | {queries.get(name, 0):7} | {latency['p50']:9.1f} | "
                f"{latency['p95']:6.1f} | {figure['requests_per_second']:10.1f} | {share:10.0%} |"
            )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="county", help="generate_scale_data's --scale")
    parser.add_argument("--duration", default="10s", help="wrk's duration for each page")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument(
        "--workers", type=int, default=len(os.sched_getaffinity(0)), help="gunicorn workers"
    )
    parser.add_argument(
        "--accept-encoding",
        default=BROWSER_ACCEPT_ENCODING,
        help="the Accept-Encoding header sent with every request, as a browser sends it; "
        "'' asks for uncompressed pages",
    )
    parser.add_argument("--json", type=Path, help="default: benchmarks/results/pages-SCALE.json")
    arguments = parser.parse_args()

    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed: install it (Debian: apt-get install wrk).")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit(
            "DATABASE_URL is not a PostgreSQL database: run this through "
            "tests/postgres_server.py (see `make bench`)."
        )

    with tempfile.TemporaryDirectory(prefix="safer-norfolk-pages-") as temporary:
        workdir = Path(temporary)
        env = production_environment(workdir)
        manage(env, "migrate", "--noinput", "-v0")
        started = time.perf_counter()
        manage(env, "generate_scale_data", "--scale", arguments.scale)
        generation_seconds = round(time.perf_counter() - started, 1)
        manage(env, "collectstatic", "--noinput", "-v0")
        os.environ.update(env, PAGE_CACHE_SECONDS="0")
        pages = pick_pages()
        counts = data_counts()
        queries = count_queries(pages)
        queries["ceiling (health check)"] = 0
        print(f"Data: {counts}", flush=True)

        results, problems = {}, []
        for mode in MODES:
            results[mode], mode_problems = measure_mode(mode, env, pages, workdir, wrk, arguments)
            problems += mode_problems

    print_table(results, queries)
    errors = sum(
        figure["errors"]["total"] for figures in results.values() for figure in figures.values()
    )
    output = {
        "scale": arguments.scale,
        "data": counts,
        "dataset_step_seconds": generation_seconds,
        "queries": queries,
        "results": results,
        "command": (
            f"wrk --threads {arguments.threads} --connections {arguments.connections} "
            f"--duration {arguments.duration} --latency "
            f"--header 'Accept-Encoding: {arguments.accept_encoding}', one page at a time"
        ),
        "gunicorn_workers": arguments.workers,
        "gunicorn_version": importlib.metadata.version("gunicorn"),
        "cores": len(os.sched_getaffinity(0)),
        "python": platform.python_version(),
        "errors": errors,
        "server_log_problems": problems[:40],
    }
    path = arguments.json or ROOT / "benchmarks" / "results" / f"pages-{arguments.scale}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(output, indent=2) + "\n")
    print(f"\nJSON: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    if errors or problems:
        print("\n".join(problems[:40]), file=sys.stderr)
        raise SystemExit(f"FAILED: {errors} errors under load, {len(problems)} in the server log.")


if __name__ == "__main__":
    main()
