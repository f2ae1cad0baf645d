"""The batch sender on the real stack: 1,000 emails owed, a worker killed (SIGKILL) in the middle of
a batch and a new one started, and an SMTP server that refuses every tenth message. Each email is
delivered exactly once, or marked failed with the server's answer; none is lost.

Separate processes as in production: a private Redis, ``celery worker`` (all queues), PostgreSQL,
and an SMTP server (aiosmtpd) in this process. To land the kill inside a batch, and never in the
one window no system closes (the server's 250 sent, "mark as sent" not yet written), the server
holds its answer to one message's DATA once a few hundred are in: the worker has marked every
earlier message sent and waits. It is killed there, with that row and the rest of its batch
claimed; the held message is then refused (the client is gone, so nothing was delivered). The
dead run's claims hold until their lease ends (``OUTBOX_CLAIM_SECONDS``), then the periodic
re-queue hands them to the new worker. The workers here have a 20 s hard time limit instead of
60 s, so the lease can be 21 s, the least allowed, and the test waits that long rather than 61 s.
"""

from __future__ import annotations

import asyncio
import email
import threading
import time
from collections import Counter
from collections.abc import Iterator
from email import policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from helpdesk.celery import app
from tests.e2e.conftest import Mailbox, free_port
from tests.e2e.outbox_load import owe_emails
from tests.e2e.stack import PrivateRedis, celery_worker, publishing_to, stack_env, wait_until
from tests.services import require_postgres
from tickets.models import OutboundEmail

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

COUNT = 1000
KILL_AFTER = 300  # messages accepted before the server holds one and the worker is killed
TIME_LIMIT_SECONDS = 20  # the workers' hard limit (a batch of 100 takes a second or two)
LEASE_SECONDS = TIME_LIMIT_SECONDS + 1  # must be longer than the tasks' hard time limit
QUIET_SECONDS = 2.0


class RefusingServer(Mailbox):
    """Refuses every tenth message it is sent (550 at DATA); can hold its answer to one message."""

    def __init__(self, port: int) -> None:
        super().__init__()
        self.port = port
        self.arrived = 0
        self.refused_ids: list[str] = []
        self.hold = threading.Event()
        self.holding = threading.Event()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        if self.hold.is_set():
            self.holding.set()
            while self.hold.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Try again later"  # never delivered: its sender is dead
        with self._lock:
            self.arrived += 1
            if self.arrived % 10 == 0:
                self.refused_ids.append(str(message["Message-ID"]))
                return "550 5.7.1 Every tenth message is refused here"
            self._messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


@pytest.fixture
def refusing_server() -> Iterator[RefusingServer]:
    server = RefusingServer(free_port())
    controller = Controller(server, hostname="127.0.0.1", port=server.port)
    controller.start()
    try:
        yield server
    finally:
        server.hold.clear()
        controller.stop()


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def rows(status: str) -> Any:
    return OutboundEmail.objects.filter(status=status)


def settled() -> bool:
    return not OutboundEmail.objects.filter(
        status__in=[OutboundEmail.Status.PENDING, OutboundEmail.Status.SENDING]
    ).exists()


def test_a_worker_killed_mid_batch_loses_and_duplicates_nothing_and_refusals_are_recorded(
    transactional_db: None, refusing_server: RefusingServer, private_redis: PrivateRedis, tmp_path: Path
) -> None:
    require_postgres()
    owe_emails(COUNT)
    env = stack_env(redis_url=private_redis.url, smtp_port=refusing_server.port, var_dir=tmp_path)
    env |= {"CELERY_TASK_TIME_LIMIT": str(TIME_LIMIT_SECONDS), "OUTBOX_CLAIM_SECONDS": str(LEASE_SECONDS)}

    with publishing_to(app, private_redis.url):
        with celery_worker(env, tmp_path / "worker-1.log") as first:
            app.send_task("tickets.tasks.send_customer_emails")  # what the commit of a burst queues
            wait_until(lambda: len(refusing_server.messages) >= KILL_AFTER, 60, "the first worker sent emails")
            refusing_server.hold.set()
            assert refusing_server.holding.wait(30), "the worker sent another message"
            first.kill()  # SIGKILL: no warm shutdown, its claims stay taken
            first.wait(timeout=10)
        killed_at = time.monotonic()
        refusing_server.hold.clear()

        delivered = len(refusing_server.messages)
        assert rows(OutboundEmail.Status.SENT).count() == delivered  # each marked right after its 250
        claimed = dict(rows(OutboundEmail.Status.SENDING).values_list("pk", "claimed_until"))
        assert 0 < len(claimed) <= 100, "the dead run held the rest of its batch (OUTBOX_BATCH_SIZE)"
        assert rows(OutboundEmail.Status.PENDING).count() > 0, "a crash mid-burst: most emails still owed"

        with celery_worker(env, tmp_path / "worker-2.log"):
            app.send_task("tickets.tasks.send_customer_emails")
            deadline = time.monotonic() + LEASE_SECONDS + 120
            while not settled():
                assert time.monotonic() < deadline, f"emails still owed; see {tmp_path / 'worker-2.log'}"
                app.send_task("tickets.tasks.requeue_stuck_emails")  # beat's job, every minute, here sooner
                time.sleep(2)
            refusing_server.wait_quiet(len(refusing_server.messages), QUIET_SECONDS)
        after = time.monotonic() - killed_at
        print(f"first worker: {delivered} sent before the kill; all settled {after:.0f} s after the kill")

    # The dead run's claims were taken again only once their lease ended: a second attempt each.
    for row in OutboundEmail.objects.filter(pk__in=claimed):
        assert row.attempts == 2, row
        if row.status == OutboundEmail.Status.SENT:
            assert row.sent_at is not None and row.sent_at >= claimed[row.pk]

    # Exactly once: each email the server accepted is one row marked sent, none twice.
    accepted = Counter(str(message["Message-ID"]) for message in refusing_server.messages)
    assert max(accepted.values()) == 1
    sent = set(rows(OutboundEmail.Status.SENT).values_list("message_id_header", flat=True))
    assert set(accepted) == sent
    # Refused ones are marked failed with the server's answer; each refusal was a different email.
    failed = dict(rows(OutboundEmail.Status.FAILED).values_list("message_id_header", "last_error"))
    assert sorted(failed) == sorted(refusing_server.refused_ids)
    assert all("550" in error and "Every tenth message" in error for error in failed.values())
    # None lost.
    assert len(sent) + len(failed) == COUNT
    assert OutboundEmail.objects.count() == COUNT
