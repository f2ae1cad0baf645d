"""Several runs of one bulk job at once (several worker processes): they share the tickets batch
by batch, each ticket is changed exactly once, and the job ends done. Needs PostgreSQL (row
locks with SKIP LOCKED)."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from tests.factories import TicketFactory
from tests.services import require_postgres
from tickets.models import Ticket, TicketEvent
from tickets.services import bulk

pytestmark = pytest.mark.postgres


def test_four_runs_at_once_change_each_ticket_once(transactional_db, desk, monkeypatch):
    require_postgres()
    monkeypatch.setattr(bulk, "CHUNK", 12)
    monkeypatch.setattr(bulk, "BATCH", 3)
    tickets = TicketFactory.create_batch(60, queue=desk.queue_a, status="open")
    job = bulk.bulk_job_start(actor=desk.agent_a, action="close", params={}, ticket_ids=[t.pk for t in tickets])
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait(timeout=10)
            bulk.bulk_job_run(job_id=job.pk)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    job.refresh_from_db()  # the run that did the last batch found nothing left and ended the job
    assert (job.state, job.changed, job.skipped) == ("done", 60, 0)
    assert Ticket.objects.filter(status="closed").count() == 60
    changes = TicketEvent.objects.filter(kind=TicketEvent.Kind.STATUS_CHANGED)
    assert changes.count() == 60 and changes.values("ticket").distinct().count() == 60
