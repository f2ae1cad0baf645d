"""Two senders at once (two worker processes): each delivery is POSTed exactly once. Needs
PostgreSQL (row locks with SKIP LOCKED); so does two dispatchers at once writing each delivery once."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connections

from tests.services import require_postgres
from tests.webhooks.conftest import Reply, start_cursors, submit
from webhooks.dispatch import webhooks_dispatch
from webhooks.models import WebhookDelivery
from webhooks.services.endpoints import endpoint_create
from webhooks.services.sending import deliveries_send_due

pytestmark = pytest.mark.postgres


def at_once(target: Callable[[], object], runs: int = 2) -> None:
    start = threading.Barrier(runs)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait(timeout=10)
            target()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors


def test_two_senders_deliver_each_delivery_once(transactional_db, desk, receiver):
    require_postgres()
    start_cursors()
    endpoint_create(url=receiver.url, events=["ticket.created", "message.created"])
    for n in range(12):
        submit(subject=f"Ticket {n}", email=f"c{n}@example.com")
    webhooks_dispatch()
    receiver.script = [Reply(delay=0.05)] * 48  # slow enough that the two runs overlap
    at_once(lambda: deliveries_send_due(budget_seconds=30))
    ids = receiver.ids()
    assert len(ids) == 24
    assert Counter(ids).most_common(1)[0][1] == 1
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}


def test_two_dispatchers_write_each_delivery_once(transactional_db, desk, receiver):
    require_postgres()
    start_cursors()
    endpoint_create(url=receiver.url, events=["ticket.created"])
    for n in range(10):
        submit(subject=f"Ticket {n}", email=f"c{n}@example.com")
    at_once(webhooks_dispatch, runs=3)
    assert WebhookDelivery.objects.count() == 10
