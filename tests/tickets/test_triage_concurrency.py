"""Triage under concurrency, on PostgreSQL with real threads, real connections, committed data.

- Two agents merging A into B and B into A at the same instant: both tickets are locked in id
  order, so one merge waits for the other and then finds its ticket closed: no deadlock, no lost
  message, one email.
- A move and the promise sweep at the same instant, on overdue promises: whichever locks the
  promise first decides. The move records it broken without a breach notice; the sweep records it
  broken with one. Never both, never a notice for a promise the move had already settled, never
  an orphan pending promise.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import timezone

from tests.factories import CustomerFactory, MessageFactory, TicketFactory
from tests.services import require_postgres
from tickets.models import Message, Notice, OutboundEmail, Promise, Ticket, TicketEvent
from tickets.services import outbox
from tickets.services.merge import ticket_merge
from tickets.services.sweep import promise_sweep
from tickets.services.triage import ticket_triage

pytestmark = [pytest.mark.postgres]
PAIRS = 8
OVERDUE = 30


@pytest.fixture(autouse=True)
def no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    """The send task is queued after commit; these tests count outbox rows, not deliveries."""
    monkeypatch.setattr(outbox, "kick_now", lambda lane: None)


def at_once(*works: Callable[[], Any]) -> list[Any]:
    """Run each callable in its own thread, released together; results (or exceptions) in order."""
    barrier = threading.Barrier(len(works), timeout=10)
    results: list[Any] = [None] * len(works)

    def run(index: int, work: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = work()
        except BaseException as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, work)) for i, work in enumerate(works)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung (a deadlock?)"
    return results


def merge_or_refusal(source: Ticket, target: Ticket, agent: Any) -> str:
    try:
        ticket_merge(source=source, target=target, agent=agent)
    except ValidationError:
        return "refused"
    return "merged"


def test_two_agents_merging_a_into_b_and_b_into_a_at_once_neither_deadlock_nor_lose_messages(
    transactional_db: None, desk: Any
) -> None:
    require_postgres()
    pairs = []
    for _ in range(PAIRS):
        customer = CustomerFactory()
        a, b = (TicketFactory(queue=desk.queue_a, customer=customer) for _ in range(2))
        for ticket in (a, b):
            MessageFactory.create_batch(3, ticket=ticket)
        pairs.append((a, b))

    for a, b in pairs:
        results = at_once(
            lambda a=a, b=b: merge_or_refusal(a, b, desk.agent_a),
            lambda a=a, b=b: merge_or_refusal(b, a, desk.admin),
        )
        assert sorted(results) == ["merged", "refused"], results  # never an error, never both
        a.refresh_from_db()
        b.refresh_from_db()
        survivor, merged = (b, a) if a.merged_into_id else (a, b)
        assert merged.merged_into_id == survivor.pk and survivor.merged_into_id is None
        assert (merged.status, survivor.status) == (Ticket.Status.CLOSED, Ticket.Status.NEW)
        assert survivor.messages.count() == 6 and not merged.messages.exists()
    assert Message.objects.count() == PAIRS * 6
    assert OutboundEmail.objects.filter(kind=OutboundEmail.Kind.MERGED).count() == PAIRS


@pytest.fixture
def overdue(transactional_db: None, desk: Any) -> list[Promise]:
    """Overdue first-response promises the sweep has not seen yet, each on its own ticket."""
    require_postgres()
    now = timezone.now()
    promises = []
    for i in range(OVERDUE):
        ticket = TicketFactory(queue=desk.queue_a, next_due_at=now - timedelta(minutes=5))
        promises.append(
            Promise.objects.create(
                ticket=ticket,
                kind=Promise.Kind.FIRST_RESPONSE,
                source=Promise.Source.POLICY,
                due_at=now - timedelta(minutes=5, seconds=i),
                remind_at=now - timedelta(minutes=35),
                created_at=now - timedelta(hours=1),
            )
        )
    return promises


def test_a_move_racing_the_sweep_never_gets_a_breach_notice_for_a_promise_it_settled(
    overdue: list[Promise], desk: Any
) -> None:
    def move_all() -> int:
        for promise in overdue:
            ticket_triage(ticket=promise.ticket, agent=desk.agent_a, queue_id=desk.queue_b.pk, kind="complaint")
        return len(overdue)

    def sweep_all() -> int:  # small batches, oldest due first: the moves start from the other end
        done = 0
        while (result := promise_sweep(batch=2)).breaches:
            done += result.breaches
        return done

    results = at_once(move_all, sweep_all)
    assert not [r for r in results if isinstance(r, BaseException)], results

    assert not Promise.objects.filter(state=Promise.State.PENDING).exists()  # no orphan
    assert set(Promise.objects.values_list("state", flat=True)) == {Promise.State.BROKEN}
    breached = set(Notice.objects.filter(kind=Notice.Kind.BREACH).values_list("promise_id", flat=True))
    for promise in Promise.objects.all():
        moved = TicketEvent.objects.get(ticket_id=promise.ticket_id, kind=TicketEvent.Kind.KIND_CHANGED)
        if moved.promise_effect == TicketEvent.PromiseEffect.BROKEN:  # the move got there first
            assert promise.pk not in breached and promise.breach_notified_at is None
        else:  # the sweep got there first: the move found nothing pending
            assert moved.promise_effect == "" and promise.pk in breached
    broken = TicketEvent.objects.filter(kind=TicketEvent.Kind.PROMISE_BROKEN)
    # each broken promise recorded once, by one of them
    assert set(Counter(broken.values_list("ticket_id", flat=True)).values()) == {1}
