"""gunicorn, the server production runs, on a free loopback port.

The API contract test and the benchmarks use it rather than Django's development server:
the development server cannot read a chunked request body and parses what it leaves behind
as the next request on the connection, so a client sending one sees a garbled answer to its
following request. gunicorn reads such bodies, as production does.

The environment is the production one (DJANGO_ENV=production, a generated secret key,
ALLOWED_HOSTS=127.0.0.1) with the HTTPS redirect and secure cookies off, since it is plain
HTTP on loopback. Production serves hashed static files from STATIC_ROOT, so run
`collectstatic` before starting it.
"""

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_environment(workdir, **overrides):
    """The environment of a production web process on loopback, with its static and media
    files under `workdir`; `overrides` are further variables (DATABASE_URL and the like)."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="safer_norfolk.settings",
        DJANGO_ENV="production",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        # Plain HTTP on loopback: no redirect to HTTPS, and cookies a client may send back.
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        TASKS_BACKEND="database",
        STATIC_ROOT=str(Path(workdir) / "static"),
        MEDIA_ROOT=str(Path(workdir) / "media"),
    )
    env.update({name: str(value) for name, value in overrides.items()})
    for name in ("SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "STATIC_ROOT", "MEDIA_ROOT"):
        env.pop(f"{name}_FILE", None)
    return env


def manage(env, *arguments):
    subprocess.run([sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, check=True)


def get(port, path, headers=None):
    """(status, body, seconds) of one GET, without following redirects."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        started = time.perf_counter()
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        body = response.read()
        return response.status, body, time.perf_counter() - started
    finally:
        connection.close()


class Gunicorn:
    """gunicorn serving `wsgi` with `workers` processes; its output goes to `log` (a file).

    with Gunicorn(env, workers=2, log=file) as server:
        get(server.port, "/")
    """

    def __init__(self, env, *, workers, log, wsgi="safer_norfolk.wsgi", extra=()):
        self.env, self.workers, self.log, self.wsgi = env, workers, log, wsgi
        self.extra = list(extra)
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, ready_path="/", within=60):
        command = [
            sys.executable, "-m", "gunicorn", self.wsgi,
            "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}", *self.extra,
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn stopped at start-up (status {self.process.returncode})."
                )
            try:
                get(self.port, ready_path)
                return self
            except OSError:
                time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within {within} s.")

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def stop(self):
        if self.alive():
            self.process.terminate()  # the master stops its workers
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
