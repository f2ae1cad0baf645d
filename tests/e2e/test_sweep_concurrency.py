"""Two sweeps at the same moment, on PostgreSQL: each notice once, each email once.

docs/reliability.md §1 ("two beats, two sweeps in the same second") and C13: the row
claims (``FOR UPDATE SKIP LOCKED`` plus a conditional UPDATE) split the work between the
sweeps, and the unique (promise, kind, user) and ``notice:<id>`` keys hold even for two
sweeps that both got past the claim. Real threads, real connections, committed data.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

import pytest
from django.db import connections, transaction
from django.utils import timezone

from tests.factories import TicketFactory, UserFactory
from tests.services import require_postgres
from tickets.models import Notice, OutboundEmail, Promise, TicketEvent
from tickets.services import outbox, sweep
from tickets.services.outbox import Lane
from tickets.services.sweep import SweepResult, promise_sweep

pytestmark = [pytest.mark.postgres]

PROMISES = 50
T = TypeVar("T")


class RecordingTask:
    """Stands in for the broker: records each sender run queued after a commit (one per lane)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.queued: list[str] = []

    def delay(self, lane: str) -> None:
        with self._lock:
            self.queued.append(lane)


@pytest.fixture
def send_task(monkeypatch: pytest.MonkeyPatch) -> RecordingTask:
    task = RecordingTask()
    monkeypatch.setattr(outbox, "kick_now", task.delay)
    return task


@pytest.fixture
def due_promises(transactional_db: None, desk: Any) -> list[Promise]:
    """50 overdue promises: half assigned to Alice, half unassigned (Alice and Carl on the queue);
    Lena leads the queue."""
    require_postgres()
    lead = UserFactory(username="lena")
    desk.queue_a.team_lead = lead
    desk.queue_a.save(update_fields=["team_lead"])
    desk.queue_a.agents.add(UserFactory(username="carl"))
    now = timezone.now()
    promises = []
    for i in range(PROMISES):
        ticket = TicketFactory(queue=desk.queue_a, assignee=desk.agent_a if i % 2 else None, next_due_at=now)
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


def in_two_threads(work: Callable[[], T]) -> list[T]:
    """Run ``work`` in two threads released at the same instant; each closes its connections."""
    barrier = threading.Barrier(2, timeout=10)
    results: list[T] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait()
            result = work()
            with lock:
                results.append(result)
        except BaseException as exc:
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a sweep hung"
    assert not errors, errors
    return results


def expected_recipients() -> dict[int, set[str]]:
    recipients = {}
    for promise in Promise.objects.select_related("ticket__assignee"):
        assigned = promise.ticket.assignee
        recipients[promise.pk] = {"alice", "lena"} if assigned else {"alice", "carl", "lena"}
    return recipients


def assert_each_notice_and_email_once(send_task: RecordingTask, batches: int) -> None:
    """Each notice once, and in exactly one email (its own, or one agent's digest of a batch);
    a sender run queued for each batch that wrote emails, never for one that wrote none."""
    breaches = Notice.objects.filter(kind=Notice.Kind.BREACH).select_related("user")
    got: dict[int, set[str]] = {}
    for notice in breaches:
        got.setdefault(notice.promise_id, set()).add(notice.user.username)
    assert got == expected_recipients()
    assert not Notice.objects.filter(kind=Notice.Kind.REMINDER).exists()  # no stale reminder, ever
    covered: Counter[int] = Counter()
    for email in OutboundEmail.objects.filter(kind=OutboundEmail.Kind.NOTICE):
        covered.update([email.notice_id] if email.notice_id else email.context["notices"])
    assert covered == Counter(breaches.values_list("pk", flat=True))
    assert 1 <= len(send_task.queued) <= batches and set(send_task.queued) == {Lane.NOTICES}
    assert TicketEvent.objects.filter(kind=TicketEvent.Kind.PROMISE_BROKEN).count() == PROMISES
    assert set(Promise.objects.values_list("state", flat=True)) == {Promise.State.BROKEN}


def test_two_sweeps_at_the_same_moment_notify_each_promise_once(
    due_promises: list[Promise], send_task: RecordingTask
) -> None:
    now = timezone.now()

    results = in_two_threads(lambda: promise_sweep(now=now))

    assert sum(r.breaches for r in results) == PROMISES
    assert sum(r.reminders for r in results) == 0
    assert_each_notice_and_email_once(send_task, batches=sum(1 for r in results if r.breaches))
    assert promise_sweep(now=now) == SweepResult(reminders=0, breaches=0)


def test_two_sweeps_taking_small_batches_share_the_work_without_overlap(
    due_promises: list[Promise], send_task: RecordingTask
) -> None:
    now = timezone.now()

    def drain() -> list[int]:
        counts = []
        while (result := promise_sweep(now=now, batch=3)).breaches:
            counts.append(result.breaches)
        return counts

    results = in_two_threads(drain)

    assert sum(sum(counts) for counts in results) == PROMISES
    assert_each_notice_and_email_once(send_task, batches=sum(len(counts) for counts in results))


def test_two_sweeps_that_both_got_past_the_claim_still_write_each_notice_once(
    due_promises: list[Promise], send_task: RecordingTask
) -> None:
    """As if the row locks had failed: both notify the same promises at once; the keys hold."""
    promises = sweep.due_rows(Promise.objects.all(), PROMISES)
    Promise.objects.update(state=Promise.State.BROKEN)
    TicketEvent.objects.bulk_create(
        [
            TicketEvent(ticket_id=p.ticket_id, kind=TicketEvent.Kind.PROMISE_BROKEN, created_at=timezone.now())
            for p in promises
        ]
    )

    def notify() -> None:
        with transaction.atomic():
            sweep._notify([(p, Notice.Kind.BREACH) for p in promises], now=timezone.now())

    in_two_threads(notify)

    assert_each_notice_and_email_once(send_task, batches=1)  # the second wrote nothing new: queued nothing
