"""A real Celery worker killed (SIGKILL) in the middle of an IMAP poll, between a message's commit
and its \\Seen flag: the next worker makes no duplicate ticket, loses nothing, flags everything, and
every customer gets exactly one acknowledgement.

The stack is separate processes as in production: dovecot holding many messages, a private Redis,
the worker (``celery worker``), PostgreSQL and an SMTP server counting what arrives. To land the
kill in that exact window, the test stops (SIGSTOP) dovecot's session with the worker: the worker
commits the message in hand and then waits for the answer to its flag, which never comes. Only
when the server shows one message committed but not flagged is the worker killed, and the stopped
session with it, so the flag it asked for is never made. The dead run's lease keeps the mailbox
until it expires (``IMAP_LEASE_SECONDS``, short here); then the new worker polls.
"""

from __future__ import annotations

import signal
import time
from collections import Counter
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import redis
from django.utils import timezone

from helpdesk.celery import app
from mail.models import ImapSecurity, InboundMessage, Mailbox
from tests.e2e.conftest import Mailbox as SmtpSink
from tests.e2e.conftest import free_port
from tests.e2e.imap_server import ImapServer, dovecot
from tests.e2e.stack import PrivateRedis, celery_worker, publishing_to, stack_env, wait_until
from tests.services import require_dovecot, require_postgres
from tickets.models import OutboundEmail, Ticket

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

COUNT = 150
KILL_AFTER = 10  # messages filed by the first worker before the test starts aiming for the window
LEASE_SECONDS = 30
PASSWORD_ENV = "MAILBOX_SUPPORT_PASSWORD"
SETTLE_SECONDS = 1.0
QUIET_SECONDS = 2.0


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def imap_server() -> Iterator[ImapServer]:
    require_dovecot()
    with dovecot(free_port()) as server:
        yield server


def written(n: int) -> bytes:
    message = EmailMessage()
    message["From"], message["To"] = f"Customer {n} <customer{n}@example.org>", "support@localhost"
    message["Subject"], message["Message-ID"] = f"Order {n} never arrived", f"<order-{n}@example.org>"
    message.set_content(f"I ordered item {n} a week ago.")
    return message.as_bytes()


def poll_now() -> None:
    """What beat does every minute, at once: the poll task by its registered name."""
    app.send_task("mail.tasks.poll_mailboxes")


def poll_when_idle(broker: redis.Redis) -> None:
    """Beat's next run, sooner: a new poll only once the worker has taken every queued task."""
    if broker.llen("background") == 0:  # the poll's queue (helpdesk/settings.py, CELERY_TASK_ROUTES)
        poll_now()


def committed() -> int:
    return InboundMessage.objects.count()


def settled() -> int:
    """The number of filed messages once it has not moved for ``SETTLE_SECONDS``."""
    count, since = committed(), time.monotonic()
    while time.monotonic() - since < SETTLE_SECONDS:
        time.sleep(0.1)
        if (now := committed()) != count:
            count, since = now, time.monotonic()
    return count


def stop_between_commit_and_flag(server: ImapServer, attempts: int = 20) -> list[int]:
    """Stop the worker's IMAP session where the worker has committed a message and waits for its flag.

    A session stopped while the worker is inside ``email_ingest`` (nearly always) does just that;
    one stopped during a FETCH leaves committed == flagged, and the test lets it go on and tries
    again. Returns the stopped sessions' pids.
    """
    for _ in range(attempts):
        sessions = server.sessions()
        server.signal_sessions(sessions, signal.SIGSTOP)
        filed = settled()
        if filed - (COUNT - server.unseen()) == 1:  # a fresh session reads the flags
            return sessions
        server.signal_sessions(sessions, signal.SIGCONT)
        wait_until(lambda: committed() > filed, 30, "the first worker went on filing")  # noqa: B023 - used at once
    pytest.fail(f"never stopped between a commit and its flag in {attempts} attempts", pytrace=False)


def test_a_worker_killed_between_commit_and_flag_leaves_exactly_one_ticket_and_one_ack_per_message(
    transactional_db: None, desk: Any, imap_server: ImapServer, private_redis: PrivateRedis, smtp_server: SmtpSink,
    settings: Any, tmp_path: Path,
) -> None:  # fmt: skip
    require_postgres()
    imap_server.append_all(written(n) for n in range(COUNT))
    Mailbox.objects.create(
        name="support", address="support@localhost", queue=desk.queue_a, imap_host=imap_server.host,
        imap_port=imap_server.port, imap_security=ImapSecurity.PLAIN, imap_username=imap_server.user,
        imap_password_env=PASSWORD_ENV,
    )  # fmt: skip
    env = stack_env(redis_url=private_redis.url, smtp_port=int(settings.EMAIL_PORT), var_dir=tmp_path)
    env |= {PASSWORD_ENV: imap_server.password, "IMAP_LEASE_SECONDS": str(LEASE_SECONDS)}

    with publishing_to(app, private_redis.url):  # this process's task messages go to the private Redis
        with celery_worker(env, tmp_path / "worker-1.log") as first:
            poll_now()
            wait_until(lambda: committed() >= KILL_AFTER, 60, "the first worker filed messages")
            stopped = stop_between_commit_and_flag(imap_server)
            first.kill()  # SIGKILL: no warm shutdown, no cleanup, the lease stays taken
            first.wait(timeout=10)
        imap_server.signal_sessions(stopped, signal.SIGKILL)  # the flag the dead worker asked for is never made

        filed_by_first = committed()
        assert 0 < filed_by_first < COUNT
        assert imap_server.unseen() == COUNT - filed_by_first + 1  # one message committed, still unseen
        assert smtp_server.messages == []  # the solo worker was busy polling: its acknowledgements wait in Redis
        held_until = Mailbox.objects.get().imap_lease_until
        assert held_until is not None and held_until > timezone.now(), "the dead run's lease still holds the mailbox"
        killed_at = timezone.now()

        with celery_worker(env, tmp_path / "worker-2.log"):
            deadline = time.monotonic() + LEASE_SECONDS + 120
            broker = redis.Redis.from_url(private_redis.url)
            while not (committed() == COUNT and imap_server.unseen() == 0):
                assert time.monotonic() < deadline, f"{committed()} of {COUNT} filed; see {tmp_path / 'worker-2.log'}"
                poll_when_idle(broker)
                time.sleep(0.5)
            acks = smtp_server.wait_for(COUNT, timeout=120)
            smtp_server.wait_quiet(COUNT, QUIET_SECONDS)

    # Nothing lost, nothing twice: one stored message, one ticket, one acknowledgement per email.
    expected = {f"<order-{n}@example.org>" for n in range(COUNT)}
    assert set(InboundMessage.objects.values_list("message_id_header", flat=True)) == expected
    assert Ticket.objects.count() == COUNT
    assert (imap_server.unseen(), imap_server.total()) == (0, COUNT)
    assert Counter(str(ack["To"]) for ack in acks) == Counter(f"customer{n}@example.org" for n in range(COUNT))
    rows = OutboundEmail.objects.filter(kind=OutboundEmail.Kind.ACKNOWLEDGEMENT)
    assert Counter(str(ack["Message-ID"]) for ack in acks) == Counter(rows.values_list("message_id_header", flat=True))

    # The new worker waited for the lease: nothing was filed between the kill and its expiry, and
    # its run found the committed-but-unflagged message first, as a duplicate.
    second = Ticket.objects.filter(created_at__gt=killed_at).order_by("created_at")
    assert second.count() == COUNT - filed_by_first
    first_new, last_new = second.first(), second.last()
    assert first_new is not None and last_new is not None and first_new.created_at >= held_until
    log = (tmp_path / "worker-2.log").read_text()
    assert f"fetched={COUNT - filed_by_first + 1}, stored={COUNT - filed_by_first}, duplicates=1" in log
    seconds = (last_new.created_at - first_new.created_at).total_seconds()
    print(f"killed after {filed_by_first} of {COUNT}; the new worker filed {second.count()} in {seconds:.1f} s")
