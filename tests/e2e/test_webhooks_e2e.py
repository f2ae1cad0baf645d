"""Webhooks sent by a real Celery worker on Redis, on PostgreSQL, to a real receiver: a ticket
opened through the form reaches it signed, once, with a 500 retried."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from tests.e2e.conftest import WAIT_SECONDS, Worker, _poll
from tests.webhooks.conftest import Receiver, Reply, start_cursors, submit
from tests.webhooks.test_signing import verify
from webhooks.models import WebhookDelivery
from webhooks.services.endpoints import endpoint_create
from webhooks.tasks import dispatch_task, send_due_task

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def receiver(settings: Any) -> Iterator[Receiver]:
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOKS_ALLOW_HTTP = True
    settings.WEBHOOKS_TIMEOUT_SECONDS = 2
    server = Receiver()
    yield server
    server.close()


def wait_for(receiver: Receiver, count: int) -> None:
    if not _poll(lambda: len(receiver.received) >= count, WAIT_SECONDS):
        pytest.fail(f"expected {count} POST(s), got {len(receiver.received)}")


def test_beats_dispatch_then_the_worker_sends_signed_once(celery_worker_process: Worker, desk, receiver):
    start_cursors()
    endpoint = endpoint_create(url=receiver.url, events=["ticket.created", "message.created"])
    submit()
    dispatch_task.delay()  # what beat does every 5 s; it queues the sender itself
    wait_for(receiver, 2)
    for got in receiver.received:
        assert verify(endpoint.secret, got.headers, got.body)
    dispatch_task.delay()
    send_due_task.delay()
    celery_worker_process.wait_for_runs(len(celery_worker_process.runs) + 2)
    assert len(receiver.received) == 2
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}


def test_a_500_is_retried_by_the_next_sender_run(celery_worker_process: Worker, desk, receiver):
    start_cursors()
    endpoint_create(url=receiver.url, events=["ticket.created"])
    receiver.script = [Reply(status=500)]
    submit()
    dispatch_task.delay()
    wait_for(receiver, 1)
    assert _poll(lambda: WebhookDelivery.objects.filter(status="pending", attempts=1).exists(), WAIT_SECONDS)
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())  # its retry time has come
    send_due_task.delay()  # beat's next run of the sender
    wait_for(receiver, 2)
    assert _poll(lambda: WebhookDelivery.objects.filter(status="delivered", attempts=2).exists(), WAIT_SECONDS)
    assert receiver.ids()[0] == receiver.ids()[1]
