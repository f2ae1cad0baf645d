"""Queues that cannot starve each other: with 10,000 emails waiting on the broker, the promise sweep
still runs within its minute.

As docker-compose runs them (README, "Workers and queues"): one worker for the ``sweep`` queue, one
for ``mail``, ``notices`` and ``background``, on a private Redis, PostgreSQL and a real SMTP server.
10,000 one-email send tasks are queued first (a backlog, as after a burst of acknowledgements
while the SMTP server was away); then beat's sweep message. The sweep's worker takes it at once,
while the mail worker is still thousands of emails from the end of its queue.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings as django_settings
from django.utils import timezone

from helpdesk.celery import app
from tests.e2e.conftest import Mailbox
from tests.e2e.outbox_load import owe_emails
from tests.e2e.stack import PrivateRedis, celery_worker, publishing_to, stack_env, wait_until
from tests.factories import TicketFactory
from tests.services import require_postgres
from tickets.models import Notice, Promise

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

BACKLOG = 10_000
SWEEP_INTERVAL_SECONDS = 60  # beat's schedule for the sweep (tickets/periodic.py)
OTHER_QUEUES = tuple(queue for queue in django_settings.WORKER_QUEUES if queue != "sweep")


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def queue_backlog(emails: list[Any]) -> None:
    """One send task per email, on the mail queue (the routing in helpdesk/settings.py)."""
    with app.producer_or_acquire() as producer:
        for row in emails:
            app.send_task("tickets.tasks.send_outbound_email", args=[row.pk], producer=producer)


def test_the_sweep_runs_on_time_behind_ten_thousand_queued_emails(
    transactional_db: None, desk: Any, private_redis: PrivateRedis, smtp_server: Mailbox, settings: Any, tmp_path: Path
) -> None:
    require_postgres()
    emails = owe_emails(BACKLOG)
    ticket = TicketFactory(queue=desk.queue_a, assignee=desk.agent_a)
    now = timezone.now()
    promise = Promise.objects.create(
        ticket=ticket, kind=Promise.Kind.FIRST_RESPONSE, source=Promise.Source.POLICY,
        due_at=now - timedelta(minutes=1), remind_at=now - timedelta(minutes=31), created_at=now - timedelta(hours=1),
    )  # fmt: skip
    env = stack_env(redis_url=private_redis.url, smtp_port=int(settings.EMAIL_PORT), var_dir=tmp_path)
    broker = redis.Redis.from_url(private_redis.url)

    with publishing_to(app, private_redis.url):
        queue_backlog(emails)
        assert broker.llen("mail") == BACKLOG
        with (
            celery_worker(env, tmp_path / "worker-mail.log", queues=OTHER_QUEUES),
            celery_worker(env, tmp_path / "worker-sweep.log", queues=("sweep",)),
        ):
            wait_until(lambda: len(smtp_server.messages) > 0, 60, "the mail worker started on its backlog")
            app.send_task("tickets.tasks.promise_sweep")  # what beat sends every minute
            sent = time.monotonic()
            wait_until(
                lambda: Notice.objects.filter(promise=promise, kind=Notice.Kind.BREACH).exists(),
                SWEEP_INTERVAL_SECONDS,
                "the sweep did not run within its interval",
            )
            took = time.monotonic() - sent
            waiting = broker.llen("mail")

    print(f"the sweep ran {took:.1f} s after beat's message, with {waiting} emails still queued")
    assert took < 10
    assert waiting > BACKLOG / 2, "the backlog was still there: the sweep did not wait for it"
    promise.refresh_from_db()
    assert promise.state == Promise.State.BROKEN
