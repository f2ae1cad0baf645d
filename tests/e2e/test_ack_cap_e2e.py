"""Someone types a victim's address into the public form from several client addresses: every
request becomes a ticket, but at most the cap of acknowledgements reach the real SMTP server
through the real worker on Redis, and the desk says which acknowledgements were held."""

from __future__ import annotations

import html
import threading
from typing import Any

import pytest
from django.db import connections
from django.test import Client

from tests.e2e.conftest import Mailbox, Worker
from tests.services import require_postgres
from tickets import services
from tickets.models import OutboundEmail, Ticket
from tickets.services import outbox

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

VICTIM = "victim@example.com"
HELD = "Acknowledgement held: too many to this address in the last hour"


def submit_from(client: Client, n: int) -> None:
    response = client.post(
        "/support/new/",
        {
            "name": "Not the victim",
            "email": VICTIM,
            "kind": Ticket.Kind.INFO,
            "subject": f"Request {n}",
            "description": "Flooding someone else's inbox.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]


def test_twenty_submissions_to_one_address_send_at_most_the_cap(
    celery_worker_process: Worker, smtp_server: Mailbox, desk: Any, settings: Any
) -> None:
    cap = settings.ACK_PER_RECIPIENT_PER_HOUR
    assert cap == 5  # the documented default
    for address in ("198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4"):
        client = Client(REMOTE_ADDR=address)
        for _ in range(5):  # under the per-address form limit (10 an hour)
            submit_from(client, Ticket.objects.count() + 1)

    assert Ticket.objects.filter(customer__email=VICTIM).count() == 20
    smtp_server.wait_for(cap)
    acks = smtp_server.wait_quiet(cap, 1.0)  # and no more arrive
    assert [ack["To"] for ack in acks] == [VICTIM] * cap
    celery_worker_process.wait_for_runs(cap)  # each send task has recorded its result
    assert OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).count() == cap
    assert OutboundEmail.objects.filter(status=OutboundEmail.Status.HELD).count() == 20 - cap

    agent = Client()
    agent.force_login(desk.agent_a)
    first, *_, last = Ticket.objects.order_by("id")
    assert HELD not in html.unescape(agent.get(f"/desk/t/{first.reference}/").content.decode())
    page = html.unescape(agent.get(f"/desk/t/{last.reference}/").content.decode())
    assert HELD in page
    assert last.subject in page


class RecordingTask:
    """Stands in for the broker: counts the sender runs queued after commit (one per email sent here)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.queued: list[str] = []

    def delay(self, pk: str) -> None:
        with self._lock:
            self.queued.append(pk)


def test_simultaneous_submissions_to_one_address_still_send_at_most_the_cap(
    transactional_db: None, desk: Any, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    """Eight submissions at the same instant, each in its own thread and connection, to an
    address never seen before: the lock on the customer row makes them count one by one."""
    require_postgres()
    settings.ACK_PER_RECIPIENT_PER_HOUR = 3
    task = RecordingTask()
    monkeypatch.setattr(outbox, "kick_now", task.delay)
    threads_n = 8
    barrier = threading.Barrier(threads_n, timeout=10)
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            barrier.wait()
            services.ticket_submit(
                name="Not the victim", email=VICTIM, kind=Ticket.Kind.INFO, subject=f"Race {n}", description="Hi."
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a submission hung"
    assert not errors, errors
    assert Ticket.objects.count() == threads_n
    assert OutboundEmail.objects.exclude(status=OutboundEmail.Status.HELD).count() == 3
    assert len(task.queued) == 3  # one per submission whose acknowledgement goes out; none for a held one
