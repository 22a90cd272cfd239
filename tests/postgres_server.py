"""Run a command against a throwaway PostgreSQL server.

    python tests/postgres_server.py pytest -q

Starts a server with initdb/pg_ctl in a temporary directory on a free loopback port (as the
`postgres` user when run as root, since PostgreSQL refuses to run as root), runs the command
with DATABASE_URL pointing at it, then stops the server and removes the directory. Exits with
the command's status.

Without PostgreSQL's server binaries it says so and exits 0, except with CI=true, where a
missing server is a failure: the suite must have run on PostgreSQL.

    python tests/postgres_server.py --keep DIR python benchmarks/pages.py

With --keep, the server's files live in DIR and stay there for the next run (a benchmark's
dataset is built once and reused); the database is created only if it is not there yet.
A missing server is then always a failure, since a benchmark without its database measures
nothing.

The command can stop and start the server again (tests of the task worker riding out a
database restart): `RunningServer.from_environment()` gives it the means.
"""

import glob
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

BENCHMARK_SETTINGS = [
    "-c shared_buffers=1GB",
    "-c work_mem=16MB",
    "-c effective_cache_size=8GB",
    "-c random_page_cost=1.1",
    # Web requests share the cores with each other: a query split across worker processes
    # takes cores other requests are waiting for.
    "-c max_parallel_workers_per_gather=0",
]


def find_binary(name):
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda path: int(Path(path).parts[4]),
    )
    return candidates[-1] if candidates else None


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RunningServer:
    """The server `main` started, as seen from inside the command it runs.

    server = RunningServer.from_environment()  # None when not run by this script
    server.stop()
    server.start()  # same port, same options, same data
    """

    VARIABLE = "POSTGRES_SERVER_CONTROL"

    def __init__(self, *, pg_ctl, data, log, options, run_as):
        self.pg_ctl, self.data, self.log = pg_ctl, data, log
        self.options, self.run_as = options, run_as

    @classmethod
    def from_environment(cls):
        described = os.environ.get(cls.VARIABLE)
        return cls(**json.loads(described)) if described else None

    def describe(self):
        return json.dumps(vars(self))

    def start(self):
        command = [*self.run_as, self.pg_ctl, "-D", self.data, "-l", self.log]
        subprocess.run(
            [*command, "-o", self.options, "-w", "start"],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def stop(self, *, check=True):
        subprocess.run(
            [*self.run_as, self.pg_ctl, "-D", self.data, "-m", "fast", "-w", "stop"],
            check=check,
            stdout=subprocess.DEVNULL,
        )

    def is_running(self):
        status = [*self.run_as, self.pg_ctl, "-D", self.data, "status"]
        return subprocess.run(status, check=False, stdout=subprocess.DEVNULL).returncode == 0


def main(command, keep=None):
    in_ci = os.environ.get("CI", "").lower() == "true" or keep is not None
    initdb, pg_ctl = find_binary("initdb"), find_binary("pg_ctl")
    if not (initdb and pg_ctl):
        message = "PostgreSQL server binaries (initdb, pg_ctl) not found"
        if in_ci:
            print(f"ERROR: {message}; CI must run the suite on PostgreSQL.", file=sys.stderr)
            return 1
        print(
            f"WARNING: {message}: the PostgreSQL run is SKIPPED. Install postgresql.",
            file=sys.stderr,
        )
        return 0

    run_as = []
    owner = None
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            print(
                "ERROR: running as root needs a 'postgres' user to own the server.", file=sys.stderr
            )
            return 1
        run_as = ["runuser", "-u", "postgres", "--"]

    if keep is None:
        workdir = Path(tempfile.mkdtemp(prefix="safer-norfolk-pg-"))
    else:
        workdir = Path(keep).resolve()
        workdir.mkdir(parents=True, exist_ok=True)
    data, log = workdir / "data", workdir / "server.log"
    initialised = (data / "PG_VERSION").exists()
    if owner:
        os.chown(workdir, owner.pw_uid, owner.pw_gid)
    port = free_port()
    server_options = " ".join(
        [
            f"-p {port}",
            "-c listen_addresses=127.0.0.1",
            f"-c unix_socket_directories={workdir}",
            # A test server holds nothing worth a crash-safe write.
            "-c fsync=off",
            "-c synchronous_commit=off",
            "-c full_page_writes=off",
            # A kept server holds a benchmark's dataset (the county's is under 1 GB): it gets
            # the memory a production server of this machine's size would give PostgreSQL
            # (docs/deployment.md), so pages are measured reading from shared buffers and
            # sorting in memory, not from a 128 MB default.
            *(BENCHMARK_SETTINGS if keep is not None else []),
        ]
    )
    server = RunningServer(
        pg_ctl=pg_ctl, data=str(data), log=str(log), options=server_options, run_as=run_as
    )
    started = False
    try:
        if not initialised:
            initdb_command = [
                *run_as,
                initdb,
                "-D",
                str(data),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ]
            subprocess.run(initdb_command, check=True, stdout=subprocess.DEVNULL)
        server.start()
        started = True
        # An empty database for commands run outside the test runner (migrate, benchmarks);
        # the test runner makes its own test_ copy.
        if not initialised:
            subprocess.run(
                [
                    find_binary("createdb") or "createdb",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "-U",
                    "postgres",
                    "safer_norfolk",
                ],
                check=True,
            )
        env = dict(
            os.environ,
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/safer_norfolk",
            **{RunningServer.VARIABLE: server.describe()},
        )
        print(f"PostgreSQL running on 127.0.0.1:{port}; running: {' '.join(command)}", flush=True)
        return subprocess.run(command, env=env, check=False).returncode
    except subprocess.CalledProcessError as error:
        print(f"ERROR: could not start PostgreSQL: {error}", file=sys.stderr)
        if log.exists():
            print(log.read_text(errors="replace")[-4000:], file=sys.stderr)
        return 1
    finally:
        # A command that stopped the server and failed to start it again has left nothing
        # to stop.
        if started and server.is_running():
            server.stop(check=False)
        if keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    if sys.argv[1] == "--keep":
        if len(sys.argv) < 4:
            sys.exit(__doc__)
        sys.exit(main(sys.argv[3:], keep=sys.argv[2]))
    sys.exit(main(sys.argv[1:]))
