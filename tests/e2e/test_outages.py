"""Redis and the database stumbling under the real stack: gunicorn, a Celery worker process, a
private Redis as broker and cache, PostgreSQL, an SMTP server counting Message-IDs.

docs/reliability.md §1 and §5: when Redis is down the form still saves every ticket and shows
the success page, and each ticket's acknowledgement goes out exactly once when Redis returns;
when the database's connections are cut again and again, nothing is half-saved or doubled and
every acknowledgement arrives within a minute of the database settling.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.db import close_old_connections, connection

from tests.e2e.conftest import Mailbox, Worker, free_port
from tests.e2e.stack import (
    Customer,
    PrivateRedis,
    celery_worker,
    database_dsn,
    gunicorn,
    publishing_to,
    stack_env,
)
from tests.services import require_postgres
from tickets import services
from tickets.models import Message, OutboundEmail, Ticket
from tickets.services.outbox import outbox_requeue_due

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

QUIET_SECONDS = 2.0
SETTLED_DEADLINE_SECONDS = 60.0


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def env(transactional_db: None, desk: Any, private_redis: PrivateRedis, smtp_server: Mailbox, tmp_path: Path) -> dict:
    require_postgres()
    return stack_env(redis_url=private_redis.url, smtp_port=smtp_server_port(smtp_server), var_dir=tmp_path)


def smtp_server_port(mailbox: Mailbox) -> int:
    from django.conf import settings

    return int(settings.EMAIL_PORT)  # the smtp_server fixture points Django at its own port


def requeue_now(settings: Any, broker_url: str) -> int:
    """What beat's periodic re-queue does once its grace is over, run here instead of waiting for it."""
    from helpdesk.celery import app

    settings.OUTBOX_REQUEUE_AFTER_SECONDS = 0
    with publishing_to(app, broker_url):
        return outbox_requeue_due()


def assert_one_ack_each(smtp_server: Mailbox, count: int, timeout: float) -> None:
    messages = smtp_server.wait_for(count, timeout=timeout)
    smtp_server.wait_quiet(count, QUIET_SECONDS)
    rows = OutboundEmail.objects.filter(kind=OutboundEmail.Kind.ACKNOWLEDGEMENT)
    assert Counter(str(m["Message-ID"]) for m in messages) == Counter(rows.values_list("message_id_header", flat=True))
    assert set(rows.values_list("status", flat=True)) == {OutboundEmail.Status.SENT}


def test_redis_down_every_submission_is_saved_and_acknowledged_once_when_it_returns(
    env: dict, private_redis: PrivateRedis, smtp_server: Mailbox, settings: Any, tmp_path: Path
) -> None:
    with gunicorn(env, tmp_path / "gunicorn.log") as site:
        customers = [Customer(site, f"grace{n}@example.com") for n in range(5)]
        for customer in customers:
            assert customer.open_form().status == 200
        private_redis.stop()  # broker and cache at once, as docker-compose runs them

        started = time.monotonic()
        answers = [customer.send() for customer in customers]
        print(f"5 submissions with Redis down took {time.monotonic() - started:.2f} s")

        assert [answer.success for answer in answers] == [True] * 5, [(a.status, a.url) for a in answers]
        assert Ticket.objects.count() == 5
        assert OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).count() == 5
        assert smtp_server.messages == []

        private_redis.start()
        with celery_worker(env, tmp_path / "worker.log"):
            assert requeue_now(settings, private_redis.url) == 5
            assert_one_ack_each(smtp_server, 5, timeout=20)
    assert {m["To"] for m in smtp_server.messages} == {c.email for c in customers}


class ConnectionKiller:
    """Cuts every connection to the test database but the test's own, every ``every`` seconds."""

    def __init__(self, every: float) -> None:
        self.dsn, self.spared = database_dsn(), own_backend_pid()
        self.every, self.killed = every, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with psycopg.connect(self.dsn, autocommit=True) as killer:
            while not self._stop.wait(self.every):
                rows = killer.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid NOT IN (pg_backend_pid(), %s)",
                    [self.spared],
                ).fetchall()
                self.killed += len(rows)

    def __enter__(self) -> ConnectionKiller:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


def submit_until_saved(customer: Customer, seen: Counter[int], attempts: int = 100) -> int:
    """Press Send until the success page shows (a 503 says "try again"); returns the presses."""
    for press in range(1, attempts + 1):
        if not customer._form and customer.open_form().status != 200:
            continue
        answer = customer.send()
        seen[answer.status] += 1
        if answer.success:
            return press
    raise AssertionError(f"{customer.email}: no success page after {attempts} presses")


def test_database_connections_cut_repeatedly_lose_nothing_and_double_nothing(
    env: dict, private_redis: PrivateRedis, smtp_server: Mailbox, settings: Any, tmp_path: Path
) -> None:
    threads_count, forms_each = 6, 4
    presses: list[int] = []
    seen: Counter[int] = Counter()

    def customer_line(site: str, line: int) -> None:  # one after another, as people arrive
        customers = [Customer(site, f"ada{line}-{n}@example.com") for n in range(forms_each)]
        presses.extend(submit_until_saved(customer, seen) for customer in customers)

    with (
        gunicorn(env, tmp_path / "gunicorn.log") as site,
        celery_worker(env, tmp_path / "worker.log"),
        ConnectionKiller(every=0.1) as killer,
    ):
        threads = [threading.Thread(target=customer_line, args=(site, line)) for line in range(threads_count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        killer.__exit__()  # the database settles now
        assert len(presses) == threads_count * forms_each, "every customer reached the success page"
        assert set(seen) <= {200, 503}, f"only our 503 page or the success page, never an error: {seen}"
        close_old_connections()
        requeue_now(settings, private_redis.url)  # beat's job: rows whose task was lost with a connection
        assert_one_ack_each(smtp_server, len(presses), timeout=SETTLED_DEADLINE_SECONDS)
    assert killer.killed > 0
    assert Ticket.objects.count() == len(presses)  # no duplicate from pressing Send again
    for ticket in Ticket.objects.all():  # nothing half-saved
        assert Message.objects.filter(ticket=ticket).count() == 1
        assert OutboundEmail.objects.filter(ticket=ticket, kind=OutboundEmail.Kind.ACKNOWLEDGEMENT).count() == 1
    retried = (tmp_path / "worker.log").read_text().count(" retry: ")
    print(f"connections cut: {killer.killed}; answers to Send: {dict(seen)}; send tasks retried: {retried}")


def own_backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


class CutAtFirstData(Mailbox):
    """Before answering 250 to the first message, cut the sender's database connection: its
    "mark as sent" then meets a dead connection, just after the SMTP server took the email."""

    def __init__(self) -> None:
        super().__init__()
        self.dsn, self.spared, self.cut = "", 0, 0

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if not self.cut:
            with psycopg.connect(self.dsn, autocommit=True) as killer:
                rows = killer.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid NOT IN (pg_backend_pid(), %s)",
                    [self.spared],
                ).fetchall()
            self.cut = len(rows)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def cutting_smtp_server(settings: Any) -> Iterator[CutAtFirstData]:
    mailbox = CutAtFirstData()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    try:
        yield mailbox
    finally:
        controller.stop()


def test_a_database_error_when_marking_sent_still_ends_sent_with_one_email(
    desk: Any, cutting_smtp_server: CutAtFirstData, celery_worker_process: Worker
) -> None:
    cutting_smtp_server.dsn, cutting_smtp_server.spared = database_dsn(), own_backend_pid()

    ticket = services.ticket_submit(
        name="Ada Lovelace", email="ada@example.com", kind=Ticket.Kind.PROBLEM,
        subject="The engine stops", description="At step 12.",
    ).ticket  # fmt: skip

    [ack] = cutting_smtp_server.wait_for(1)
    row = OutboundEmail.objects.get(ticket=ticket)
    wait_until_sent = celery_worker_process.wait_for_runs(1)
    assert cutting_smtp_server.cut >= 1, "the worker's connection was cut after the SMTP server took the email"
    assert wait_until_sent[0].result.startswith("sent=1 ")
    cutting_smtp_server.wait_quiet(1, QUIET_SECONDS)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.claimed_until) == (OutboundEmail.Status.SENT, 1, None)
    assert ack["Message-ID"] == row.message_id_header
