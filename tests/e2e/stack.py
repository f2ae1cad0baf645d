"""The production stack as separate processes, for fault-injection tests: a private Redis the test
can stop and start, gunicorn, a Celery worker; and a customer who fills in the form over HTTP.

Every process runs on the pytest test database (committed data: ``transactional_db``) and on
free ports, so a test may stop its Redis without touching anyone else's. Waiting is bounded
polling, never a guess.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, OpenerDirector, Request, build_opener

import psycopg
import pytest
import redis
from celery import Celery
from django.conf import settings
from django.db import connection
from django.urls import reverse

from tests.e2e.conftest import free_port
from tests.services import require_postgres, require_redis_server

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
START_SECONDS = 20.0


def wait_until(done: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() >= deadline:
            pytest.fail(f"{what} within {timeout}s", pytrace=False)
        time.sleep(0.05)


class PrivateRedis:
    """``redis-server`` on its own port, no persistence; ``stop`` and ``start`` keep the port."""

    def __init__(self) -> None:
        require_redis_server()
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    def _answers(self) -> bool:
        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.2).ping())
        except redis.RedisError:
            return False

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self._process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        wait_until(self._answers, START_SECONDS, f"redis-server on port {self.port} did not answer")

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None


def stack_env(*, redis_url: str, smtp_port: int, var_dir: Path) -> dict[str, str]:
    """The environment of a web or worker process: the test database, the given Redis for both
    broker and cache (as docker-compose runs them), the test's SMTP server."""
    params = connection.settings_dict
    database = f"postgres://{params['USER']}:{params['PASSWORD']}@{params['HOST']}:{params['PORT']}/{params['NAME']}"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("CELERY_", "CACHE_", "DATABASE_"))}
    env.update(
        DATABASE_URL=database,
        CACHE_URL=redis_url,
        CELERY_BROKER_URL=redis_url,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        DEBUG="true",  # plain HTTP: production's Secure cookies would never come back
        HELPDESK_VAR_DIR=str(var_dir),
        LOG_LEVEL="WARNING",
        RATELIMIT_PUBLIC_FORM="1000",  # every test customer comes from 127.0.0.1
        PYTHONUNBUFFERED="1",
    )
    return env


@contextmanager
def process(command: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextmanager
def gunicorn(env: dict[str, str], log: Path) -> Iterator[str]:
    """gunicorn serving the desk; yields its base URL once /healthz answers at all."""
    port = free_port()
    command = [str(BIN / "gunicorn"), "helpdesk.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
    site = f"http://127.0.0.1:{port}"
    with process(command, env, log) as proc:

        def answers() -> bool:
            assert proc.poll() is None, f"gunicorn exited: {log.read_text()[-2000:]}"
            try:
                build_opener().open(f"{site}/healthz", timeout=2)
            except HTTPError:
                return True  # it answered (a 503 names the part that is down)
            except (URLError, OSError):
                return False
            return True

        wait_until(answers, START_SECONDS, "gunicorn did not answer")
        yield site


@contextmanager
def celery_worker(
    env: dict[str, str], log: Path, queues: tuple[str, ...] = settings.WORKER_QUEUES
) -> Iterator[subprocess.Popen[bytes]]:
    """A real ``celery worker`` process consuming ``queues`` (all of them unless told), as
    docker-compose runs one per queue group; ready once it says so."""
    command = [str(BIN / "celery"), "-A", "helpdesk", "worker", "--pool", "solo", "--loglevel", "INFO"]
    command += ["--without-mingle", "--without-gossip", "-Q", ",".join(queues)]
    command += ["--hostname", f"{'-'.join(queues)}@%h"]  # two workers on one machine need two names
    with process(command, env, log) as proc:
        wait_until(
            lambda: proc.poll() is None and "ready." in log.read_text(),
            START_SECONDS,
            f"the worker did not start: {log}",
        )
        yield proc


@contextmanager
def publishing_to(app: Celery, url: str) -> Iterator[None]:
    """This process's task messages go to ``url`` until the block ends (for the re-queue)."""
    saved = app.conf.get("broker_write_url"), app._pool, app.amqp._producer_pool
    app.conf.broker_write_url = url
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        if app._pool is not None:
            app._pool.force_close_all()
        app.conf.broker_write_url, app._pool, app.amqp._producer_pool = saved


@dataclass
class Answer:
    status: int
    url: str
    body: str

    @property
    def success(self) -> bool:
        return self.status == 200 and self.url.endswith(reverse("portal:submitted")) and "got your request" in self.body


class Customer:
    """A person with a browser's cookie jar who fills in /support/new/ and may press Send again."""

    def __init__(self, site: str, email: str) -> None:
        self.site, self.email = site, email
        self._opener: OpenerDirector = build_opener(HTTPCookieProcessor(CookieJar()))
        self._form: dict[str, str] = {}

    def _open(self, request: Request | str) -> Answer:
        try:
            with self._opener.open(request, timeout=30) as response:
                return Answer(response.status, response.url, response.read().decode())
        except HTTPError as error:
            return Answer(error.code, error.url or "", error.read().decode())

    def open_form(self) -> Answer:
        page = self._open(f"{self.site}/support/new/")
        if page.status == 200:
            found = dict(re.findall(r'name="(csrfmiddlewaretoken|submission_key)" value="([^"]+)"', page.body))
            self._form = {
                **found,
                "name": "Grace Hopper",
                "email": self.email,
                "kind": "problem",
                "subject": f"Compiler crash for {self.email}",
                "description": "It stops at the first loop.",
            }
        return page

    def send(self) -> Answer:
        """Press Send (again: the page's submission key is the same, as in a real browser)."""
        form_url = f"{self.site}/support/new/"
        post = Request(form_url, data=urlencode(self._form).encode(), headers={"Referer": form_url})  # noqa: S310
        return self._open(post)


def database_dsn() -> str:
    """libpq's form of the test database's settings, for connections of our own (the killer's)."""
    params = connection.settings_dict
    dsn = f"host={params['HOST']} port={params['PORT']} user={params['USER']} dbname={params['NAME']}"
    return dsn + (f" password={params['PASSWORD']}" if params["PASSWORD"] else "")


@contextmanager
def database_unreachable() -> Iterator[None]:
    """PostgreSQL is gone for this process until the block ends: open connections are cut (the
    live server's thread too), and new ones go to a port nobody listens on."""
    require_postgres()
    params = connection.settings_dict  # shared by every thread's connection to this alias
    saved, dsn = (params["HOST"], params["PORT"]), database_dsn()
    connection.close()
    with psycopg.connect(dsn, autocommit=True) as killer:
        killer.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    params["HOST"], params["PORT"] = "127.0.0.1", free_port()
    try:
        yield
    finally:
        connection.close()
        params["HOST"], params["PORT"] = saved
