"""Page benchmark: the throughput of every public URL pattern, as a share of a trivial
page's, at a given data scale.

    python tests/postgres_server.py --keep benchmarks/data/county python benchmarks/pages.py --scale county

(`make bench` runs it at county scale; `make bench-small` at small scale.) On the PostgreSQL
database in DATABASE_URL it migrates, builds the dataset with `generate_scale_data` (a
dataset already there is reused: with --keep the database outlives the run) and collects the
static files. The patterns come from the URL configuration itself, walked as the crawl walks
it (tests/crawl.py), so a new URL is measured without editing a list: pages, feeds,
calendars, CSV exports, PDFs and the read API, all but the admin. Each is filled with the
heaviest public object that answers 200 (the one with most rows pointing at it, see
`heaviest`), and its queries are counted in this process with the page cache off.

Then it starts gunicorn with production settings on loopback, one worker per core, twice:
with the page cache off, and with it on and warm. Each time it warms each page up and
measures it on its own with wrk (a separate process) at a fixed concurrency, and the same
stack serving a trivial page (the health check) as the ceiling, before the first page and
again after every few. It prints a table with each page's median and p95 latency and its
throughput as a share of the ceiling measured around it, against the targets (TARGETS), and
writes JSON.

Needs wrk on PATH (Debian: apt-get install wrk). Exits non-zero if a page does not answer
200, on any error under load, on an error in the server's log, and (unless --report-only)
when a page misses its target or a pattern finds nothing to measure.
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
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load import LUA, SERVER_PROBLEMS, parse_wrk  # noqa: E402
from tests.gunicorn_server import Gunicorn, get, manage, production_environment  # noqa: E402
from tests.postgres_server import RunningServer  # noqa: E402

CEILING = "/health/"
CEILING_NAME = "ceiling (health check)"
MODES = {"no cache": 0, "warm cache": 300}
# The budget: each pattern's throughput as a share of the ceiling's in the same run. Without
# the cache every public URL pattern is held to it; with the cache warm, every response the
# cache keeps (a streamed file or a response over PAGE_CACHE_MAX_BYTES is served as without it).
TARGETS = {"no cache": 0.02, "warm cache": 0.66}
# The ceiling is measured again after this many pages.
CEILING_EVERY = 8
# How many of a model's heaviest objects are tried, in order, for one that answers 200.
CANDIDATES = 20
# A view that reads this parameter is a search: it is measured searching for SEARCH_TERMS
# (a common phrase in the scale data), since without it the page is an empty form.
SEARCH_PARAMETER = "q"
SEARCH_TERMS = "domestic abuse"


def busiest_owner():
    """The organisation owning most public action points (the outstanding page filtered by it
    lists the most rows and counts the most facets)."""
    from django.db.models import Count

    from meetings.models import ActionPoint

    return (
        ActionPoint.objects.public()
        .filter(owner_organisation__isnull=False)
        .values("owner_organisation")
        .annotate(n=Count("pk"))
        .order_by("-n", "owner_organisation")
        .values_list("owner_organisation", flat=True)
        .first()
    )


# Query parameters that make a page do its heaviest work, by URL name, beyond the search
# parameter (every other pattern is measured as its address alone).
PARAMETERS = {
    "meetings:outstanding": lambda: {"owner_organisation": busiest_owner()},
}


# A reader's own pages, reached only by the signed link in their email: no public address to
# measure (each answers one reader, is never kept by the page cache, and costs a query or two).
SIGNED = ("alerts:confirm", "alerts:manage", "alerts:leave", "alerts:reminders_off")


def follow_heaviest_committee():
    """The form to follow the committee most rows point at by email."""
    from meetings.models import Committee

    committee = heaviest(Committee)[0][0]
    return {"kind": "committee", "key": committee.slug}, "the committee most rows point at"


def ocd_record(label):
    """The Open Civic Data address of the `label` model's record most rows point at: its
    UUID, which the view finds by hashing each public record's key in turn."""

    def arguments():
        from django.apps import apps

        from safer_norfolk.popolo import record_uuid

        model = apps.get_model(label)
        record, related = heaviest(model)[0]
        chosen = f"{model._meta.verbose_name} {record.pk}: {related} related rows"
        return {"uuid": record_uuid(model, record.pk)}, chosen

    return arguments


# URL arguments of a pattern no object's own attributes give, by URL name: each gives
# (arguments, which object fills them and why).
ARGUMENTS = {
    "alerts:follow": follow_heaviest_committee,
    "ocd_person": ocd_record("safer_norfolk.person"),
    # A committee's id is found after every partner organisation's has been tried.
    "ocd_organization": ocd_record("meetings.committee"),
    "ocd_membership": ocd_record("meetings.membership"),
}


@dataclass
class Page:
    """One URL pattern and the address measured for it."""

    name: str  # the URL name, the label in the table
    route: str  # the pattern, as resolve() reports it
    path: str = ""  # what is measured ("" if nothing answered 200)
    chosen: str = ""  # which object fills it, and why
    queries: int = 0
    cacheable: bool = False  # whether the page cache keeps the response
    content_type: str = ""
    size: int = 0  # bytes of the uncompressed body
    problem: str = ""  # why it is not measured


def project_models():
    """The project's models, link tables included, audit-history copies left out."""
    from django.apps import apps

    from tests import crawl

    return [
        model
        for label in crawl.PROJECT_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if not model.__name__.startswith("Historical")
    ]


def public_rows(model):
    """The model's rows a visitor may see: its public() queryset where it has one."""
    queryset = model._default_manager.all()
    return queryset.public() if hasattr(queryset, "public") else queryset


@cache
def heaviest(model):
    """[(object, related rows)]: up to CANDIDATES public objects of `model`, those with most
    rows pointing at them first (in any project table: a meeting's agenda items, minutes,
    action points, papers, attendances...; a plan's sections and actions; a measure's
    figures), then by primary key."""
    from collections import Counter

    from django.db.models import Count

    weights = Counter()
    for child in project_models():
        for field in child._meta.concrete_fields:
            if field.is_relation and field.related_model is model:
                counted = (
                    child._base_manager.exclude(**{f"{field.attname}__isnull": True})
                    .values_list(field.attname)
                    .annotate(n=Count("pk"))
                    .order_by()
                )
                for key, n in counted:
                    weights[key] += n
    ranked = sorted(weights.items(), key=lambda item: (-item[1], str(item[0])))
    public = public_rows(model)
    chosen = []
    for start in range(0, len(ranked), 200):
        keys = [key for key, _ in ranked[start : start + 200]]
        found = public.in_bulk(keys)
        chosen += [(found[key], n) for key, n in ranked[start : start + 200] if key in found]
        if len(chosen) >= CANDIDATES:
            break
    if len(chosen) < CANDIDATES:  # objects nothing points at, in primary key order
        seen = [obj.pk for obj, _ in chosen]
        rest = public.exclude(pk__in=seen).order_by("pk")[: CANDIDATES - len(chosen)]
        chosen += [(obj, 0) for obj in rest]
    return chosen[:CANDIDATES]


def page_models():
    """{route: model} for each model whose own address (get_absolute_url, no fragment) is a
    page: the committee, the meeting, the plan, the plan action, the framework, the outcome,
    the measure, the paper."""
    from tests import crawl

    found = {}
    for obj in crawl.first_objects():
        if not hasattr(obj, "get_absolute_url"):
            continue
        url = obj.get_absolute_url()
        route = None if "#" in url else crawl.route_of(url)
        if route is not None:
            found.setdefault(route, type(obj))
    return found


def model_for(route, pages):
    """The model whose objects fill `route`'s arguments: the REST framework view's model, or
    the model whose page address the route extends the most (a meeting's agenda.pdf and
    meeting.ics extend the meeting page, a committee's feed the committee page)."""
    if route.model is not None:
        return route.model
    prefixes = [prefix for prefix in pages if route.route.startswith(prefix)]
    return pages[max(prefixes, key=len)] if prefixes else None


def arguments_from(obj, route):
    """`route`'s keyword arguments taken from `obj`: those of its own page address (a
    meeting's committee slug and day), else its attributes of the same names (its pk)."""
    from django.urls import resolve

    from tests import crawl

    kwargs = {}
    if hasattr(obj, "get_absolute_url") and not route.route.startswith("api/"):
        kwargs = dict(resolve(obj.get_absolute_url().split("#")[0]).kwargs)
    for name in route.kwargs:
        if name not in kwargs:
            values = crawl.values_of(obj, name)
            if values:
                kwargs[name] = values[0]
    return {name: kwargs[name] for name in route.kwargs if name in kwargs}


def fetch(client, path):
    """(response, body, queries) of one anonymous request, its body read to the end."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.http import read_body

    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
        body = read_body(response)
    return response, body, len(queries)


def pick_pages():
    """[Page]: every public URL pattern of the URL configuration (tests/crawl.py walks it;
    the admin is left out, the health check is the ceiling), each filled with the heaviest
    public object that answers 200, and what it costs in queries, rendered in this process
    with the page cache off. A pattern with a format suffix (`.json`) is the same view as its
    pattern without one, measured there; an API action that only writes (no GET) is left
    out."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from safer_norfolk import page_cache
    from tests import crawl

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics after a bulk load, as autovacuum would

    routes = [route for route in crawl.routes() if route.name not in ("health", "ready")]
    plain = {(route.name, route.kwargs) for route in routes}
    client = Client(HTTP_HOST="127.0.0.1")
    pages_by_route, pages, skipped = page_models(), [], []
    for route in routes:
        actions = getattr(route.callback, "actions", None)
        if (
            "format" in route.kwargs
            and (
                route.name,
                tuple(name for name in route.kwargs if name != "format"),
            )
            in plain
        ):
            skipped.append(f"{route.route} (format suffix: measured without it)")
            continue
        if actions is not None and "get" not in actions:
            skipped.append(f"{route.route} (an API action that only writes)")
            continue
        if route.name in SIGNED:
            skipped.append(f"{route.route} (a reader's own page, reached by a signed link)")
            continue
        page = Page(route.name, route.route)
        pages.append(page)
        parameters = {}
        if SEARCH_PARAMETER in crawl.parameters_read_by_view(route):
            parameters[SEARCH_PARAMETER] = SEARCH_TERMS
        if route.name in PARAMETERS:
            parameters.update(PARAMETERS[route.name]())
        query = "?" + urlencode(parameters) if parameters else ""
        if route.name in ARGUMENTS:
            candidates = [ARGUMENTS[route.name]()]
        elif route.kwargs:
            model = model_for(route, pages_by_route)
            if model is None:
                page.problem = "no object in the data has an address of this pattern"
                continue
            candidates = [
                (
                    arguments_from(obj, route),
                    f"{model._meta.verbose_name} {obj.pk}: {n} related rows",
                )
                for obj, n in heaviest(model)
            ]
        else:
            candidates = [({}, "")]
        statuses = []
        for kwargs, chosen in candidates:
            try:
                path = reverse(route.name, kwargs=kwargs) + query
            except NoReverseMatch:
                continue
            response, _, _ = fetch(client, path)
            statuses.append(response.status_code)
            if response.status_code == 200:
                page.path, page.chosen = path, chosen
                break
        else:
            page.problem = f"nothing answered 200 (answers: {sorted(set(statuses)) or 'none'})"
    # Asking for an agenda builds its pack, which is content too: a document stored before
    # the last pack was built is made again once, then the request is counted as served.
    for page in pages:
        if page.path:
            fetch(client, page.path)
            response, body, page.queries = fetch(client, page.path)
            page.cacheable = not response.streaming and page_cache.is_cacheable_response(response)
            page.content_type = response.get("Content-Type", "").split(";")[0]
            page.size = len(body)
    connection.close()
    return pages, skipped


def media_root(workdir):
    """Where the uploaded papers, built packs and stored documents go: beside the database's
    files, so that with a database kept for the next run (--keep) the files its rows name are
    kept too; in `workdir` without a server of tests/postgres_server.py."""
    server = RunningServer.from_environment()
    return Path(server.data).parent / "media" if server is not None else workdir / "media"


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


# What Chromium and Firefox send.
BROWSER_ACCEPT_ENCODING = "gzip, deflate, br, zstd"


def run_wrk(wrk, port, path, workdir, arguments, duration):
    paths_file = workdir / "path.txt"
    paths_file.write_text(path + "\n")
    command = [
        wrk,
        "--threads", str(arguments.threads),
        "--connections", str(arguments.connections),
        "--duration", duration,
        "--timeout", "10s",
        "--latency",
        *(["--header", f"Accept-Encoding: {arguments.accept_encoding}"] if arguments.accept_encoding else []),
        "--script", str(LUA),
        f"http://127.0.0.1:{port}/",
        "--", str(paths_file),
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return parse_wrk(output)


def measured_in(mode, pages):
    """The pages a mode measures: every one without the cache; with it, those it keeps."""
    return [page for page in pages if page.path and (mode == "no cache" or page.cacheable)]


def measure_mode(mode, env, pages, workdir, wrk, arguments):
    """{label: figures} of each page, served by gunicorn with the page cache as `mode` says,
    and of the ceiling, measured before the first page and after every CEILING_EVERY pages:
    on a shared machine the ceiling moves during a run, so each page is set against the mean
    of the ceiling runs either side of it (its `ceiling_requests_per_second`)."""
    env = dict(env, PAGE_CACHE_SECONDS=str(MODES[mode]))
    duration = arguments.duration if mode == "no cache" else arguments.warm_duration
    log_path = workdir / f"gunicorn-{mode.replace(' ', '-')}.log"
    measured = measured_in(mode, pages)
    figures = {}

    def run(label, path):
        # Warm-up, one path at a time: every worker serves the page a few times (and caches
        # it, with the cache on), once the requests wrk left in flight have been answered.
        for _ in range((3 if MODES[mode] else 2) * arguments.workers):
            status, _, _ = get(server.port, path)
            if status != 200:
                raise SystemExit(f"{path} answered {status} ({mode})")
        result = run_wrk(wrk, server.port, path, workdir, arguments, duration)
        figures[label] = {"path": path, **result}
        print(
            f"  {mode:10} {label:40} {result['requests_per_second']:8.1f} req/s  "
            f"p50 {result['latency_ms']['p50']:7.1f} ms  p95 {result['latency_ms']['p95']:7.1f} ms"
            f"  errors {result['errors']['total']}",
            flush=True,
        )
        return result["requests_per_second"]

    with log_path.open("w") as log, Gunicorn(env, workers=arguments.workers, log=log) as server:
        ceilings = [run(f"{CEILING_NAME} 1", CEILING)]
        groups = [measured[i : i + CEILING_EVERY] for i in range(0, len(measured), CEILING_EVERY)]
        for group in groups:
            for page in group:
                run(page.name, page.path)
            ceilings.append(run(f"{CEILING_NAME} {len(ceilings) + 1}", CEILING))
            local = (ceilings[-2] + ceilings[-1]) / 2
            for page in group:
                figures[page.name]["ceiling_requests_per_second"] = round(local, 1)
        alive = server.alive()
    problems = [
        line
        for line in log_path.read_text(errors="replace").splitlines()
        if SERVER_PROBLEMS.search(line)
    ]
    if not alive:
        problems.append("gunicorn was no longer running at the end")
    return figures, problems


def ceiling_runs(figures):
    return [
        figure["requests_per_second"]
        for label, figure in figures.items()
        if label.startswith(CEILING_NAME)
    ]


def ceiling_of(figures):
    """The ceiling's requests per second over the run: the mean of its runs."""
    runs = ceiling_runs(figures)
    return sum(runs) / len(runs)


def verdicts(results, pages):
    """{mode: {name: (share of the ceiling, met)}} and the list of targets missed."""
    found, missed = {}, []
    for mode, figures in results.items():
        target = TARGETS[mode]
        found[mode] = {}
        for page in measured_in(mode, pages):
            figure = figures[page.name]
            share = figure["requests_per_second"] / figure["ceiling_requests_per_second"]
            found[mode][page.name] = (share, share >= target)
            if share < target:
                missed.append(
                    f"{mode}: {page.name} at {share:.2%} of the ceiling (target {target:.0%})"
                )
    missed += [
        f"not measured: {page.name} ({page.route}): {page.problem}"
        for page in pages
        if page.problem
    ]
    return found, missed


def print_table(results, pages, shares):
    width = max(len(page.name) for page in pages)
    for mode, figures in results.items():
        runs = ceiling_runs(figures)
        print(
            f"\n{mode}: ceiling {ceiling_of(figures):.1f} requests/s on average "
            f"({min(runs):.1f} to {max(runs):.1f} over {len(runs)} runs; each page is set "
            f"against the runs either side of it); target: {TARGETS[mode]:.0%} of the ceiling"
            + ("" if mode == "no cache" else ", for every response the cache keeps")
        )
        print(
            f"| {'pattern':{width}} | queries | median ms | p95 ms | requests/s | ceiling | of ceiling | target |\n"
            f"|{'-' * (width + 2)}|---------|-----------|--------|------------|---------|------------|--------|"
        )
        for page in pages:
            if page.name not in figures:
                continue
            figure, latency = figures[page.name], figures[page.name]["latency_ms"]
            share, met = shares[mode][page.name]
            print(
                f"| {page.name:{width}} | {page.queries:7} | {latency['p50']:9.1f} | "
                f"{latency['p95']:6.1f} | {figure['requests_per_second']:10.1f} | "
                f"{figure['ceiling_requests_per_second']:7.0f} | {share:9.2%} | {'met' if met else 'MISSED':6} |"
            )
        left = [page.name for page in pages if page.path and page.name not in figures]
        if left:
            print(f"Served as without the cache (not kept by it): {', '.join(left)}.")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="county", help="generate_scale_data's --scale")
    parser.add_argument(
        "--duration", default="3s", help="wrk's duration for each page without the cache"
    )
    parser.add_argument(
        "--warm-duration", default="2s", help="wrk's duration for each page with the cache warm"
    )
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
    parser.add_argument(
        "--only",
        action="append",
        metavar="TEXT",
        help="measure only the patterns whose URL name or route contains TEXT (repeatable)",
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="print the figures but exit 0 when a target is missed (errors still fail)",
    )
    parser.add_argument(
        "--list",
        action="store_true",
        help="only list the addresses chosen for each pattern, with their query counts",
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

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="safer-norfolk-pages-") as temporary:
        workdir = Path(temporary)
        # Every request comes from one address: the API's anonymous rate limit and the limit
        # on documents made for one address (RENDER_LIMIT) are off, or choosing the addresses
        # would meet 429 after the tenth CSV or PDF made.
        env = production_environment(
            workdir, MEDIA_ROOT=media_root(workdir), API_ANONYMOUS_RATE="off", RENDER_LIMIT="0"
        )
        manage(env, "migrate", "--noinput", "-v0")
        generation_started = time.perf_counter()
        manage(env, "generate_scale_data", "--scale", arguments.scale)
        generation_seconds = round(time.perf_counter() - generation_started, 1)
        manage(env, "collectstatic", "--noinput", "-v0")
        # In this process the agenda packs are built as they are asked for, so that the
        # server, whose tasks wait for a worker, finds them built: a pack is measured as
        # served, not as "being prepared".
        os.environ.update(env, PAGE_CACHE_SECONDS="0", TASKS_BACKEND="immediate")
        picking_started = time.perf_counter()
        pages, skipped = pick_pages()
        picking_seconds = time.perf_counter() - picking_started
        if arguments.only:
            pages = [
                page
                for page in pages
                if any(text in page.name or text in page.route for text in arguments.only)
            ]
        counts = data_counts()
        print(f"Data: {counts}", flush=True)
        print(
            f"{len(pages)} URL patterns, chosen and counted in {picking_seconds:.0f} s; "
            f"left out: {len(skipped)} ({'; '.join(skipped)})"
        )
        for page in pages:
            what = page.problem or (
                f"{page.path}  {page.chosen}  {page.content_type}, {page.size:,} bytes"
                + ("" if page.cacheable else ", not kept by the page cache")
            )
            print(f"  {page.name:40} {page.queries:3} queries  {what}", flush=True)
        if arguments.list:
            return

        results, problems = {}, []
        for mode in MODES:
            results[mode], mode_problems = measure_mode(mode, env, pages, workdir, wrk, arguments)
            problems += mode_problems

    shares, missed = verdicts(results, pages)
    print_table(results, pages, shares)
    errors = sum(
        figure["errors"]["total"] for figures in results.values() for figure in figures.values()
    )
    output = {
        "scale": arguments.scale,
        "data": counts,
        "dataset_step_seconds": generation_seconds,
        "run_seconds": round(time.perf_counter() - started, 1),
        "targets": TARGETS,
        "pages": [vars(page) for page in pages],
        "left_out": skipped,
        "ceiling_requests_per_second": {
            mode: ceiling_of(figures) for mode, figures in results.items()
        },
        "shares": {
            mode: {name: round(share, 4) for name, (share, _) in found.items()}
            for mode, found in shares.items()
        },
        "targets_missed": missed,
        "results": results,
        "command": (
            f"wrk --threads {arguments.threads} --connections {arguments.connections} "
            f"--duration {arguments.duration} (warm cache: {arguments.warm_duration}) --latency "
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
    print(f"Run: {output['run_seconds']:.0f} s")
    if errors or problems:
        print("\n".join(problems[:40]), file=sys.stderr)
        raise SystemExit(f"FAILED: {errors} errors under load, {len(problems)} in the server log.")
    if missed:
        print("\nTargets missed:\n  " + "\n  ".join(missed))
        if not arguments.report_only:
            raise SystemExit(f"FAILED: {len(missed)} targets missed.")
    else:
        print("\nEvery target met.")


if __name__ == "__main__":
    main()
