"""Two mailboxes take the same message at the same instant, on PostgreSQL: one ticket.

Real threads, real connections, committed data. Filing is slowed down (``_route`` sleeps while
its transaction is open), so the second mailbox's run certainly meets the first one's
uncommitted original: it must wait on the unique index and then become the duplicate. A
read-then-write check would let both through and open two tickets.
"""

from __future__ import annotations

import time
from email.message import EmailMessage
from typing import Any

import pytest

from mail import services as intake
from mail.models import InboundMessage, Mailbox
from mail.services import Ingested, email_ingest
from tests.e2e.test_sweep_concurrency import in_two_threads
from tests.services import require_postgres
from tickets.models import Message, OutboundEmail, Ticket
from tickets.services import outbox

pytestmark = [pytest.mark.postgres]

ROUNDS = 3
HOLD_SECONDS = 0.4


@pytest.fixture
def two_mailboxes(transactional_db: None, desk: Any, monkeypatch: pytest.MonkeyPatch) -> list[Mailbox]:
    require_postgres()
    monkeypatch.setattr(outbox, "kick_now", lambda lane: None)  # no broker needed: the rows are what we count
    route = intake._route

    def slow_route(*args: Any, **kwargs: Any) -> None:
        route(*args, **kwargs)
        time.sleep(HOLD_SECONDS)  # the original's row stays uncommitted a while

    monkeypatch.setattr(intake, "_route", slow_route)
    return [
        Mailbox.objects.create(name="support", address="support@localhost", queue=desk.queue_a),
        Mailbox.objects.create(name="sales", address="sales@localhost", queue=desk.queue_b),
    ]


def written(n: int, *, with_message_id: bool) -> bytes:
    message = EmailMessage()
    message["From"] = f"customer{n}@example.org"
    message["To"] = "support@localhost, sales@localhost"
    message["Subject"] = f"Question {n}"
    message["Date"] = "Mon, 02 Mar 2026 09:15:00 +0100"
    if with_message_id:
        message["Message-ID"] = f"<race-{n}@client.example>"
    message.set_content(f"Question number {n}.")
    return message.as_bytes()


@pytest.mark.parametrize("with_message_id", [True, False], ids=["message-id", "fallback-hash"])
def test_two_mailboxes_ingesting_the_same_message_at_once_make_one_ticket(two_mailboxes, with_message_id):
    for n in range(ROUNDS):
        raw = written(n, with_message_id=with_message_id)
        pool = iter(two_mailboxes)

        def ingest(raw: bytes = raw, pool: Any = pool) -> Ingested:
            return email_ingest(mailbox=next(pool), raw=raw)  # each thread its own mailbox

        results = in_two_threads(ingest)
        assert sorted(r.duplicate for r in results) == [False, True]
        first = next(r.inbound for r in results if not r.duplicate)
        copy = next(r.inbound for r in results if r.duplicate)
        assert copy.status == InboundMessage.Status.DUPLICATE and copy.duplicate_of_id == first.pk
        assert copy.mailbox_id != first.mailbox_id and copy.ticket_id == first.ticket_id
    assert Ticket.objects.count() == ROUNDS
    assert Message.objects.count() == ROUNDS
    assert OutboundEmail.objects.filter(kind=OutboundEmail.Kind.ACKNOWLEDGEMENT).count() == ROUNDS
    assert InboundMessage.objects.filter(duplicate_of__isnull=True).count() == ROUNDS
    assert InboundMessage.objects.filter(status=InboundMessage.Status.DUPLICATE).count() == ROUNDS
