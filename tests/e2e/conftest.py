"""Real services for end-to-end tests: an SMTP server, a Celery worker on Redis, Chromium.

Each fixture checks its service first (``tests.services``): missing ones skip locally
and fail on CI. Waiting here is polling of work done by another thread or process,
always bounded by a timeout, never a guess at how long something takes.
"""

from __future__ import annotations

import email
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from celery import Celery, signals
from celery.contrib.testing.worker import start_worker
from django.db import connections

from tests.services import CHROMIUM, require_chromium, require_postgres, require_redis

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WAIT_SECONDS = 20.0
POLL_SECONDS = 0.05
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _poll(done: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL_SECONDS)
    return True


class Mailbox:
    """An aiosmtpd handler keeping every accepted message; recipients in ``reject`` get a 550."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._messages: list[EmailMessage] = []
        self._refused: list[str] = []
        self.reject: set[str] = set()

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if address.lower() in self.reject:
            with self._lock:
                self._refused.append(address)
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self._lock:
            self._messages.append(message)
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[EmailMessage]:
        with self._lock:
            return list(self._messages)

    @property
    def refused(self) -> list[str]:
        with self._lock:
            return list(self._refused)

    def wait_for(self, count: int, timeout: float = WAIT_SECONDS) -> list[EmailMessage]:
        """Every message received, once there are at least ``count``; fails after ``timeout``."""
        if not _poll(lambda: len(self.messages) >= count, timeout):
            subjects = [str(m["Subject"]) for m in self.messages]
            pytest.fail(f"expected {count} email(s) within {timeout}s, got {len(subjects)}: {subjects}")
        return self.messages

    def wait_quiet(self, count: int, seconds: float) -> list[EmailMessage]:
        """Watch for ``seconds`` and fail as soon as more than ``count`` messages have arrived."""
        if _poll(lambda: len(self.messages) > count, seconds):
            subjects = [str(m["Subject"]) for m in self.messages]
            pytest.fail(f"expected exactly {count} email(s), got {len(subjects)}: {subjects}")
        assert len(self.messages) == count, f"expected {count} email(s), got {len(self.messages)}"
        return self.messages


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[Mailbox]:
    """A real SMTP server on 127.0.0.1; Django's SMTP backend sends to it."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = controller.hostname
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    try:
        yield mailbox
    finally:
        controller.stop()


@dataclass(frozen=True)
class TaskRun:
    name: str
    args: tuple[Any, ...]
    result: Any


class Worker:
    """The tasks the embedded worker finished, in order."""

    def __init__(self, app: Celery) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._runs: list[TaskRun] = []

    def on_postrun(self, task: Any = None, args: Any = (), retval: Any = None, **kwargs: Any) -> None:
        if threading.current_thread() is threading.main_thread():
            return  # an eager call in the test itself, not the worker's
        with self._lock:
            self._runs.append(TaskRun(name=getattr(task, "name", "?"), args=tuple(args or ()), result=retval))
        # The worker thread's own connections: closed after each task so the test
        # database can be flushed and dropped without waiting on them.
        connections.close_all()

    @property
    def runs(self) -> list[TaskRun]:
        with self._lock:
            return list(self._runs)

    def wait_for_runs(self, count: int, timeout: float = WAIT_SECONDS) -> list[TaskRun]:
        if not _poll(lambda: len(self.runs) >= count, timeout):
            pytest.fail(f"expected {count} finished task(s) within {timeout}s, got {self.runs}")
        return self.runs


def _keep_test_logging(**kwargs: Any) -> None:
    """A ``setup_logging`` receiver: its presence stops Celery from replacing pytest's handlers."""


def _wake() -> None:
    """A no-op timer: the worker's event loop waits no longer than its interval."""


@pytest.fixture
def celery_worker_process(transactional_db: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Worker]:
    """A real Celery worker consuming from Redis, in a thread of this process.

    It shares the test database settings; ``transactional_db`` makes the data the test
    writes committed and so visible to the worker.
    """
    require_postgres()
    require_redis()
    from helpdesk.celery import app

    app.control.purge()  # leftovers of an earlier run would send mail for rows that don't exist
    worker = Worker(app)
    # The worker notices it should stop between two waits: one for Redis (BRPOP, 1 s by default)
    # and one in its event loop (1 s unless a timer is due sooner). Both at 0.1 s, it stops in a
    # tenth of a second instead of a second or two, at the end of every test that uses it.
    options = {**app.conf.broker_transport_options, "polling_interval": 0.1}
    monkeypatch.setitem(app.conf, "broker_transport_options", options)
    signals.task_postrun.connect(worker.on_postrun, weak=False)
    signals.setup_logging.connect(_keep_test_logging, weak=False)
    try:
        with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=30) as started:
            signals.setup_logging.disconnect(_keep_test_logging)
            started.hub.call_repeatedly(0.1, _wake)
            yield worker
    finally:
        signals.setup_logging.disconnect(_keep_test_logging)
        signals.task_postrun.disconnect(worker.on_postrun)
        app.control.purge()  # retries the worker handed back when it stopped


@contextmanager
def broker_unreachable(app: Celery) -> Iterator[str]:
    """Publishing goes to a closed port until the block ends; the running worker is untouched."""
    saved_url = app.conf.get("broker_write_url")
    saved_pool = app._pool
    saved_producers = app.amqp._producer_pool
    dead_url = f"redis://127.0.0.1:{free_port()}/0"
    app.conf.broker_write_url = dead_url
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield dead_url
    finally:
        if app._pool is not None:
            app._pool.force_close_all()
        app.conf.broker_write_url = saved_url
        app._pool = saved_pool
        app.amqp._producer_pool = saved_producers


@pytest.fixture
def live_site(live_server: Any, settings: Any) -> str:
    """The live server's address; email links point at it."""
    settings.SITE_URL = live_server.url
    return str(live_server.url)


class SharedChromium:
    """One headless Chromium, driven by Playwright's sync API, for a run of end-to-end tests.

    Starting Playwright's driver and Chromium costs about a second; the browser tests run one
    after another on one worker (``tests/conftest.py``), so they share one Chromium and each gets
    fresh contexts (cookies, storage), closed after it. It stops once the next test is not an
    end-to-end one, or at the end.
    """

    def __init__(self) -> None:
        self._playwright: Any = None
        self._chromium: Any = None

    def get(self) -> Any:
        if self._chromium is not None and not self._chromium.is_connected():
            self.stop()  # a test crashed it: the next one gets a new one
        if self._chromium is None:
            require_chromium()
            # Playwright's sync API runs an event loop in this thread; the ORM calls a test makes
            # between browser steps are still plain synchronous code.
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
            from playwright.sync_api import sync_playwright

            _expect_patiently()
            self._playwright = sync_playwright().start()
            self._chromium = self._playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
        return self._chromium

    def stop(self) -> None:
        if self._playwright is None:
            return
        try:
            if self._chromium is not None and self._chromium.is_connected():
                self._chromium.close()
        finally:
            # While Playwright's loop counts as running, Django keeps this thread's connections
            # in a separate, context-local slot (asgiref): close the ones opened there, or the
            # test database can't be dropped at the end of the session.
            connections.close_all()
            self._playwright.stop()
            # Then the thread's own connections, idle all the while: an outage test may have cut
            # them, and the tests that follow would find them dead.
            connections.close_all()
            self._playwright = self._chromium = None
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


SHARED_CHROMIUM = SharedChromium()
# An expectation waits up to this long for the page to get there (Playwright's default is 5 s): on
# a loaded two-core machine one request behind the browser, the worker and the unit tests beside
# them has taken longer. A passing check returns as soon as it holds, so this costs nothing there.
EXPECT_TIMEOUT_MS = 15_000


def _expect_patiently() -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    if nextitem is None or "e2e" not in nextitem.path.parts:
        SHARED_CHROMIUM.stop()


@pytest.fixture
def browser() -> Iterator[Any]:
    """Headless Chromium (shared with the other browser tests); what the test opens is closed after it."""
    chromium = SHARED_CHROMIUM.get()
    try:
        yield chromium
    finally:
        if chromium.is_connected():
            for context in chromium.contexts:
                context.close()
        _requests_finished()


def _requests_finished(timeout: float = 5.0) -> None:
    """Wait (at most ``timeout``) until no other session is busy in the test database.

    Closing a page does not stop a request it had already sent (a desk page's presence beat, say):
    the live server finishes it in its own thread. Were the test database flushed meanwhile, the
    flush's TRUNCATE and that request's transaction could each wait for the other, and PostgreSQL
    ends one of them: the flush, which then fails the test after this one."""
    connection = connections["default"]
    if connection.vendor != "postgresql":
        return
    busy = (
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND state IS NOT NULL AND state <> 'idle'"
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(busy)
            if cursor.fetchone()[0] == 0:
                return
        time.sleep(0.05)


@pytest.fixture
def screenshot() -> Callable[[Any, str], Path]:
    """Save a full-page screenshot to test-artifacts/ for a human to look at."""
    ARTIFACTS.mkdir(exist_ok=True)

    def save(page: Any, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
