"""Load test: the public site under gunicorn with production settings, measured with wrk.

    python tests/postgres_server.py python benchmarks/load.py [--duration 2m] [--connections 20]

Runs against the (throwaway) PostgreSQL database in DATABASE_URL: migrates it, loads the
demo data and collects the static files into a temporary folder, then starts gunicorn on a
free loopback port with one worker per core and DJANGO_ENV=production (a generated secret
key, ALLOWED_HOSTS=127.0.0.1; the HTTPS redirect and secure cookies off, since it is plain
HTTP on loopback). It builds a mix of public pages, feeds, exports and API calls from the
data, checks that each answers 200, then runs wrk (benchmarks/load.lua cycles through the
list). Prints the figures and writes JSON. Exits non-zero on any error: a response other
than 200, a socket error or timeout, or an error in the server's log.

Then the query-string attack: the normal load again (same connections) while two more
connections measure the cached home page, for --attack-duration without and then with
--attack-connections more asking for the plan report and a meeting's minutes PDF, each time
with a query string never sent before (`report.pdf?x=<random>&<random>=<n>`). The home page's
p95 under attack must stay within twice its p95 without: otherwise the run fails. The
attack's answers are counted (200 served from a copy or the stored document, 429 limited).

Needs wrk on PATH (Debian: apt-get install wrk). All traffic stays on loopback.
"""

import argparse
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).resolve().parent / "load.lua"
sys.path.insert(0, str(ROOT))

from tests.gunicorn_server import Gunicorn, get, manage, production_environment  # noqa: E402

# Log lines of the server that mean a request went wrong.
SERVER_PROBLEMS = re.compile(r"Traceback|WORKER TIMEOUT|Internal Server Error|\[ERROR\]")
# The most the attack may slow the cached home page: its p95 attacked ÷ unattacked.
ATTACK_MAX_SLOWDOWN = 2.0
# wrk script for the attack: each request asks for one of the documents named after `--`, in
# turn, with a query string no request has sent before; answers are counted by status.
ATTACK_LUA = """
local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  targets = {}
  for _, target in ipairs(args) do
    table.insert(targets, target)
  end
  math.randomseed(os.time() * 100 + id)
  sent, ok, limited, other = 0, 0, 0, 0
end

function request()
  sent = sent + 1
  local target = targets[sent % #targets + 1]
  local query = string.format(
    "x=%08x%08x&p%07x=%d",
    math.random(0, 0x7fffffff), math.random(0, 0x7fffffff), math.random(0, 0xfffffff), sent
  )
  return wrk.format("GET", target .. "?" .. query)
end

function response(status, headers, body)
  if status == 200 then
    ok = ok + 1
  elseif status == 429 then
    limited = limited + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local ok_total, limited_total, other_total = 0, 0, 0
  for _, thread in ipairs(threads) do
    ok_total = ok_total + thread:get("ok")
    limited_total = limited_total + thread:get("limited")
    other_total = other_total + thread:get("other")
  end
  local errors = summary.errors
  io.write(string.format(
    'ATTACK-RESULT {"requests": %d, "ok": %d, "limited": %d, "other": %d, '
      .. '"socket_errors": %d, "p50_us": %d, "p95_us": %d}\\n',
    summary.requests, ok_total, limited_total, other_total,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(95)
  ))
end
"""


def build_paths():
    """A few dozen public addresses taken from the data, each kind of page represented."""
    import django

    django.setup()
    from django.db import connection
    from django.urls import reverse

    from delivery_plans.models import Action, Plan
    from meetings.models import ActionPoint, Committee, Meeting
    from outcomes.models import Measure, Outcome, OutcomeFramework
    from safer_norfolk.models import Organisation

    def need(value, what):
        if value is None:
            raise SystemExit(f"The demo data has no {what}: did load_demo run?")
        return value

    meetings = list(Meeting.objects.public().select_related("committee").order_by("starts_at"))
    need(meetings or None, "public meeting")
    committees = list(Committee.objects.filter(meetings__in=meetings).distinct().order_by("slug"))
    plans = list(Plan.objects.public().order_by("slug"))
    need(plans or None, "published plan")
    frameworks = list(OutcomeFramework.objects.public().order_by("slug"))
    measure = need(
        Measure.objects.public()
        .filter(observations__isnull=False)
        .select_related("outcome__framework")
        .order_by("pk")
        .first(),
        "measure with figures",
    )
    outcome = need(
        Outcome.objects.public().select_related("framework").order_by("pk").first(), "outcome"
    )
    actions = list(Action.objects.public().select_related("plan").order_by("pk")[:2])
    need(actions or None, "plan action")
    owner = need(
        Organisation.objects.filter(plan_actions__plan__in=plans).order_by("pk").first(),
        "organisation owning a plan action",
    )
    point = ActionPoint.objects.public().order_by("pk").first()
    with_minutes = need(
        Meeting.objects.with_public_minutes().select_related("committee").order_by("pk").first(),
        "meeting with published minutes",
    )

    paths = [
        reverse("home"),
        reverse("meetings:committees"),
        *(committee.get_absolute_url() for committee in committees),
        *(meeting.get_absolute_url() for meeting in meetings),
        reverse("meetings:outstanding"),
        reverse("meetings:outstanding") + "?" + urlencode({"owner_organisation": owner.pk}),
        reverse("meetings:questions"),
        reverse("delivery_plans:plans"),
        *(plan.get_absolute_url() for plan in plans),
        reverse("delivery_plans:distance", kwargs={"slug": plans[0].slug}),
        *(action.get_absolute_url() for action in actions),
        reverse("outcomes:frameworks"),
        *(framework.get_absolute_url() for framework in frameworks),
        outcome.get_absolute_url(),
        measure.get_absolute_url(),
        reverse("meetings:search") + "?q=domestic+abuse",
        reverse("meetings:search") + "?q=accommodation",
        "/api/v1/committees/",
        "/api/v1/meetings/",
        f"/api/v1/meetings/{meetings[-1].pk}/",
        "/api/v1/action-points/",
        "/api/v1/written-questions/",
        "/api/v1/plan-actions/",
        f"/api/v1/plans/{plans[0].pk}/",
        "/api/v1/measures/",
        f"/api/v1/observations/?measure={measure.pk}",
        reverse("meetings:calendar"),
        reverse("meetings:committee_calendar", kwargs={"slug": committees[0].slug}),
        meetings[-1].get_absolute_url() + "meeting.ics",
        reverse("meetings:feed"),
        reverse("meetings:committee_feed", kwargs={"slug": committees[0].slug}),
        reverse("meetings:outstanding_csv"),
        reverse("delivery_plans:actions_csv", kwargs={"slug": plans[0].slug}),
        reverse("outcomes:observations_csv", kwargs={"slug": measure.outcome.framework.slug}),
    ]
    if point is not None:
        committee = point.meeting.committee
        paths.append(
            reverse("meetings:committee_action_points_csv", kwargs={"slug": committee.slug})
        )
    # The documents the attack asks for with query strings never sent before.
    targets = [
        reverse("delivery_plans:report_pdf", kwargs={"slug": plans[0].slug}),
        reverse(
            "meetings:minutes_pdf", args=[with_minutes.committee.slug, with_minutes.local_date]
        ),
    ]
    connection.close()
    return paths, targets


def check_paths(port, paths):
    """Each path must answer 200; returns the best of three further requests to each (every
    worker has served it by then)."""
    failures, timings = [], {}
    for path in paths:
        status, _, _ = get(port, path)
        if status != 200:
            failures.append(f"  {status} {path}")
            continue
        runs = [get(port, path) for _ in range(3)]
        if any(status != 200 for status, _, _ in runs):
            failures.append(f"  {[status for status, _, _ in runs]} {path}")
            continue
        timings[path] = {
            "bytes": len(runs[-1][1]),
            "ms": round(min(s for _, _, s in runs) * 1000, 1),
        }
    if failures:
        raise SystemExit("These addresses did not answer 200:\n" + "\n".join(failures))
    return timings


def run_wrk(wrk, port, paths_file, arguments):
    command = [
        wrk,
        "--threads", str(arguments.threads),
        "--connections", str(arguments.connections),
        "--duration", arguments.duration,
        "--timeout", arguments.timeout,
        "--latency",
        "--script", str(LUA),
        f"http://127.0.0.1:{port}/",
        "--", str(paths_file),
    ]  # fmt: skip
    shown = [LUA.relative_to(ROOT).as_posix() if part == str(LUA) else part for part in command]
    print(" ".join(["wrk", *shown[1:-1], "PATHS"]), flush=True)
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def wrk_command(wrk, port, *, connections, threads, duration, timeout, script, arguments):
    return [
        wrk,
        "--threads", str(threads),
        "--connections", str(connections),
        "--duration", duration,
        "--timeout", timeout,
        "--latency",
        "--script", str(script),
        f"http://127.0.0.1:{port}/",
        "--", *arguments,
    ]  # fmt: skip


def attack(wrk, port, workdir, paths_file, targets, arguments):
    """The cached home page's p95 under the normal load, without and then with the attack.
    Returns the figures; the attack's documents are asked for once first (made and stored)."""
    for target in targets:
        status, _, _ = get(port, target)
        if status != 200:
            raise SystemExit(f"The attack's document {target} answered {status}, not 200.")
    home_file = workdir / "home.txt"
    home_file.write_text("/\n")
    attack_script = workdir / "attack.lua"
    attack_script.write_text(ATTACK_LUA)
    common = {"duration": arguments.attack_duration, "timeout": arguments.timeout}
    normal = wrk_command(
        wrk, port, connections=arguments.connections, threads=arguments.threads,
        script=LUA, arguments=[str(paths_file)], **common,
    )  # fmt: skip
    probe = wrk_command(
        wrk, port, connections=2, threads=1, script=LUA, arguments=[str(home_file)], **common
    )
    attacker = wrk_command(
        wrk, port, connections=arguments.attack_connections, threads=1,
        script=attack_script, arguments=targets, **common,
    )  # fmt: skip
    print(
        f"attack: {arguments.attack_duration} of the normal load with the home page measured "
        f"on 2 more connections, without and then with {arguments.attack_connections} "
        f"connections asking for {', '.join(targets)} with new query strings",
        flush=True,
    )
    phases = {}
    for phase, commands in (
        ("unattacked", [normal, probe]),
        ("attacked", [normal, probe, attacker]),
    ):
        running = [
            subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for command in commands
        ]
        outputs = [process.communicate()[0] for process in running]
        if any(process.returncode for process in running):
            raise SystemExit(f"wrk failed in the {phase} phase:\n" + "\n".join(outputs))
        phases[phase] = {
            "normal_load": parse_wrk(outputs[0]),
            "home_page": parse_wrk(outputs[1]),
        }
        if len(outputs) == 3:
            line = next(
                (line for line in outputs[2].splitlines() if line.startswith("ATTACK-RESULT ")),
                None,
            )
            if line is None:
                raise SystemExit("wrk printed no ATTACK-RESULT line:\n" + outputs[2])
            raw = json.loads(line.removeprefix("ATTACK-RESULT "))
            seconds = parse_wrk_duration(arguments.attack_duration)
            phases[phase]["attack"] = {
                "requests": raw["requests"],
                "requests_per_second": round(raw["requests"] / seconds, 1),
                "served_200": raw["ok"],
                "limited_429": raw["limited"],
                "other_status": raw["other"],
                "socket_errors": raw["socket_errors"],
                "latency_ms": {"p50": round(raw["p50_us"] / 1000, 1), "p95": round(raw["p95_us"] / 1000, 1)},
            }  # fmt: skip
    before = phases["unattacked"]["home_page"]["latency_ms"]["p95"]
    during = phases["attacked"]["home_page"]["latency_ms"]["p95"]
    return {
        "connections": arguments.attack_connections,
        "duration": arguments.attack_duration,
        "targets": targets,
        "home_page_p95_ms": {"unattacked": before, "attacked": during},
        "slowdown": round(during / before, 2) if before else None,
        "max_slowdown": ATTACK_MAX_SLOWDOWN,
        "phases": phases,
    }


def parse_wrk_duration(text):
    units = {"s": 1, "m": 60, "h": 3600}
    return float(text[:-1]) * units[text[-1]] if text[-1] in units else float(text)


def parse_wrk(output):
    """The figures from wrk's report and from the JSON line load.lua's done() prints."""
    line = next((line for line in output.splitlines() if line.startswith("LOAD-RESULT ")), None)
    if line is None:
        raise SystemExit("wrk printed no LOAD-RESULT line:\n" + output)
    raw = json.loads(line.removeprefix("LOAD-RESULT "))
    # wrk's own report lines, read as a cross-check of the script's counts.
    non_2xx_3xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    kinds = ("connect", "read", "write", "timeout")
    reported = (
        dict(zip(kinds, map(int, socket_errors.groups()), strict=True)) if socket_errors else {}
    )
    socket_counts = {kind: max(raw["errors"][kind], reported.get(kind, 0)) for kind in kinds}
    not_200 = max(
        raw["errors"]["status"], int(non_2xx_3xx.group(1)) if non_2xx_3xx else 0, raw["not_200"]
    )
    seconds = raw["duration_us"] / 1e6
    latency = {key: round(value / 1000, 1) for key, value in raw["latency_us"].items()}
    return {
        "requests": raw["requests"],
        "seconds": round(seconds, 1),
        "requests_per_second": round(raw["requests"] / seconds, 1),
        "megabytes_per_second": round(raw["bytes"] / seconds / 2**20, 2),
        "latency_ms": latency,
        "errors": {
            "total": sum(socket_counts.values()) + not_200,
            "not_200": not_200,
            "socket": socket_counts,
        },
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", default="2m", help="wrk duration, e.g. 10s, 2m")
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--timeout", default="10s", help="a request not answered in this time is an error"
    )
    parser.add_argument(
        "--workers", type=int, default=len(os.sched_getaffinity(0)), help="gunicorn workers"
    )
    parser.add_argument(
        "--attack-connections", type=int, default=4, help="connections of the query-string attack"
    )
    parser.add_argument(
        "--attack-duration", default="30s", help="each of the attack's two phases, e.g. 30s"
    )
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "results" / "load.json")
    arguments = parser.parse_args()

    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed: install it (Debian: apt-get install wrk).")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit(
            "DATABASE_URL is not a PostgreSQL database: run this as "
            "`python tests/postgres_server.py python benchmarks/load.py` (or `make load`)."
        )

    with tempfile.TemporaryDirectory(prefix="safer-norfolk-load-") as temporary:
        workdir = Path(temporary)
        env = production_environment(workdir)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_demo")
        # Production serves hashed static files from STATIC_ROOT; pages fail without them.
        manage(env, "collectstatic", "--noinput", "-v0")
        os.environ.update(env)
        paths, targets = build_paths()
        paths_file = workdir / "paths.txt"
        paths_file.write_text("\n".join(paths) + "\n")

        log_path = workdir / "gunicorn.log"
        with log_path.open("w") as log:
            server = Gunicorn(env, workers=arguments.workers, log=log).start()
            port = server.port
            try:
                print(f"gunicorn: {arguments.workers} workers on 127.0.0.1:{port}", flush=True)
                timings = check_paths(port, paths)
                print(f"{len(paths)} addresses answer 200; one request at a time (best of 3):")
                for path, timing in timings.items():
                    print(f"  {timing['ms']:7.1f} ms {timing['bytes']:8,d} B  {path}")
                load_before = os.getloadavg()
                output = run_wrk(wrk, port, paths_file, arguments)
                load_after = os.getloadavg()
                under_attack = attack(wrk, port, workdir, paths_file, targets, arguments)
                alive = server.alive()
            finally:
                server.stop()
        server_log = log_path.read_text(errors="replace")

    print(output)
    results = parse_wrk(output)
    problems = [line for line in server_log.splitlines() if SERVER_PROBLEMS.search(line)]
    results["errors"]["server_log"] = len(problems)
    if not alive:
        results["errors"]["server_log"] += 1
        problems.append("gunicorn was no longer running at the end of the test")
    results["errors"]["total"] += results["errors"]["server_log"]
    results.update(
        command=(
            f"wrk --threads {arguments.threads} --connections {arguments.connections} "
            f"--duration {arguments.duration} --timeout {arguments.timeout} --latency"
        ),
        connections=arguments.connections,
        threads=arguments.threads,
        duration=arguments.duration,
        timeout=arguments.timeout,
        gunicorn_workers=arguments.workers,
        gunicorn_version=importlib.metadata.version("gunicorn"),
        cores=len(os.sched_getaffinity(0)),
        load_average_before=[round(n, 2) for n in load_before],
        load_average_after=[round(n, 2) for n in load_after],
        paths=timings,
        attack=under_attack,
    )
    # Under attack the normal load must still see nothing but 200, and the attack itself no
    # answer but a copy (200) or the limit (429).
    for phase in under_attack["phases"].values():
        results["errors"]["total"] += phase["normal_load"]["errors"]["total"]
        results["errors"]["total"] += phase["home_page"]["errors"]["total"]
        if "attack" in phase:
            results["errors"]["total"] += phase["attack"]["other_status"]
            results["errors"]["total"] += phase["attack"]["socket_errors"]

    latency = results["latency_ms"]
    errors = results["errors"]
    print(
        f"\n{results['requests']:,} requests in {results['seconds']} s: "
        f"{results['requests_per_second']} requests/s, {results['megabytes_per_second']} MiB/s\n"
        f"latency p50 {latency['p50']} ms, p75 {latency['p75']} ms, p90 {latency['p90']} ms, "
        f"p99 {latency['p99']} ms, max {latency['max']} ms\n"
        f"errors: {errors['total']} (not 200: {errors['not_200']}, socket: {errors['socket']}, "
        f"server log: {errors['server_log']})\n"
        f"load average (1 min) before {load_before[0]:.2f}, after {load_after[0]:.2f} "
        f"on {results['cores']} cores"
    )
    home = under_attack["home_page_p95_ms"]
    attacked = under_attack["phases"]["attacked"]
    print(
        f"\nattack ({under_attack['connections']} connections, new query strings on "
        f"{len(under_attack['targets'])} PDFs, {under_attack['duration']} each phase): "
        f"{attacked['attack']['requests']:,} attack requests, "
        f"{attacked['attack']['served_200']:,} served (200), "
        f"{attacked['attack']['limited_429']:,} limited (429)\n"
        f"cached home page p95 alongside the normal load: {home['unattacked']} ms unattacked, "
        f"{home['attacked']} ms attacked ({under_attack['slowdown']}×, at most "
        f"{ATTACK_MAX_SLOWDOWN:g}× allowed)\n"
        f"normal load p95: {under_attack['phases']['unattacked']['normal_load']['latency_ms']['p95']} ms "
        f"unattacked, {attacked['normal_load']['latency_ms']['p95']} ms attacked"
    )
    arguments.json.parent.mkdir(parents=True, exist_ok=True)
    arguments.json.write_text(json.dumps(results, indent=2) + "\n")
    if home["attacked"] > ATTACK_MAX_SLOWDOWN * home["unattacked"]:
        raise SystemExit(
            f"FAILED: the attack slowed the cached home page's p95 from {home['unattacked']} to "
            f"{home['attacked']} ms, more than {ATTACK_MAX_SLOWDOWN:g}×."
        )
    if errors["total"]:
        if problems:
            print("Server log:\n" + "\n".join(problems[:40]), file=sys.stderr)
        raise SystemExit(f"FAILED: {errors['total']} errors under load.")


if __name__ == "__main__":
    main()
