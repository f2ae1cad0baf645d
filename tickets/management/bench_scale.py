"""The benchmark's burst and mail parts (``manage.py bench --burst N --drain N``).

- **Burst**: N promises falling due at the same minute (a holiday morning), on a queue of its own
  with five agents (two on duty) and a lead: four in five tickets assigned, the rest not. Timed:
  the sweep task's work until nothing is due, every notice committed and its email queued.
- **Drain**: N customer emails owed at once, sent by the batch sender (as one worker process runs
  it) to an SMTP server on this machine (aiosmtpd, from requirements-dev.txt) that accepts all.
  Timed: emails per second until none is left.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.mail.message import make_msgid
from django.db import connection
from django.db.models import Max
from django.test.utils import override_settings
from django.utils import timezone

from tickets.models import AgentProfile, Customer, Notice, OutboundEmail, Promise, Queue, Ticket
from tickets.services.outbox import Lane
from tickets.services.outbox_batch import outbox_send_batch
from tickets.services.sweep import promise_sweep_for

BURST_SQL = """
INSERT INTO tickets_ticket (kind, status, priority, channel, queue_id, customer_id, subject, link_salt, link_hash,
                            created_at, updated_at, next_due_at, assignee_id)
SELECT 'problem', 'open', 2, 'web', %(queue)s, %(customer)s, 'Burst ticket ' || g, md5(g::text), md5('b' || g::text),
       %(now)s - interval '1 day', %(now)s - interval '1 day', %(due)s,
       CASE WHEN g %% 5 = 0 THEN NULL ELSE (%(agents)s)[1 + g %% %(agent_count)s] END
FROM generate_series(1, %(count)s) AS g;

INSERT INTO tickets_promise (ticket_id, kind, source, state, due_at, remind_at, reminder_sent_at, created_at)
SELECT id, 'next_update', 'policy', 'pending', next_due_at, next_due_at - interval '30 minutes',
       next_due_at - interval '30 minutes', %(now)s - interval '1 day'
FROM tickets_ticket WHERE queue_id = %(queue)s AND id > %(after)s
"""


def _agent(username: str) -> User:
    return User.objects.get_or_create(username=username, defaults={"is_staff": True, "email": f"{username}@b.test"})[0]


def time_burst(count: int, log: Callable[[str], None]) -> dict[str, Any]:
    if not count:
        return {}
    now = timezone.now().replace(second=0, microsecond=0)
    queue, _ = Queue.objects.get_or_create(slug="burst", defaults={"name": "Burst"})
    lead = _agent("bench-burst-lead")
    agents = [_agent(f"bench-burst-{n}") for n in range(5)]
    for n, agent in enumerate(agents):
        AgentProfile.objects.update_or_create(user=agent, defaults={"on_duty": n < 2})
    queue.agents.add(*agents)
    queue.team_lead = lead
    queue.save()
    customer, _ = Customer.objects.get_or_create(email="burst@example.com", defaults={"name": "B", "created_at": now})
    after = Ticket.objects.aggregate(last=Max("pk"))["last"] or 0  # an earlier run's tickets stay as they are
    log(f"bench: seeding {count} promises due at once")
    with connection.cursor() as cursor:
        params: dict[str, Any] = {
            "queue": queue.pk,
            "customer": customer.pk,
            "now": now,
            "due": now - timedelta(minutes=1),
            "agents": [agent.pk for agent in agents],
            "agent_count": len(agents),
            "count": count,
            "after": after,
        }
        for statement in BURST_SQL.split(";\n"):
            cursor.execute(statement, params)
        cursor.execute("ANALYZE tickets_ticket, tickets_promise")
    notices_before, emails_before = Notice.objects.count(), OutboundEmail.objects.count()
    started, runs, breaches = time.perf_counter(), 0, 0
    more = True
    while more:  # what the task does, run after run (each queues the next while promises are due)
        result, more = promise_sweep_for(budget_seconds=20)
        runs, breaches = runs + 1, breaches + result.breaches
    seconds = time.perf_counter() - started
    left = Promise.objects.filter(ticket__queue=queue, state=Promise.State.PENDING, due_at__lte=now).count()
    Ticket.objects.filter(queue=queue).update(next_due_at=None)
    return {
        "promises": count,
        "seconds": round(seconds, 2),
        "task_runs": runs,
        "breaches": breaches,
        "left_due": left,
        "notices": Notice.objects.count() - notices_before,
        "emails": OutboundEmail.objects.count() - emails_before,
        "promises_per_second": round(breaches / seconds) if seconds else None,
    }


@contextmanager
def _smtp_sink() -> Iterator[int]:
    """An SMTP server in a process of its own on 127.0.0.1 that accepts and drops every message
    (aiosmtpd's Sink, from requirements-dev.txt), as a nearby relay would; yields its port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    command = [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Sink"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def time_drain(count: int, log: Callable[[str], None]) -> dict[str, Any]:
    if not count:
        return {}
    now = timezone.now()
    OutboundEmail.objects.filter(key__startswith="bench-drain:").delete()
    Customer.objects.filter(email__startswith="drain-", email__endswith="@example.com").delete()
    customers = Customer.objects.bulk_create(
        [Customer(name=f"Drain {n}", email=f"drain-{n}@example.com", created_at=now) for n in range(count)],
        batch_size=2000,
    )
    OutboundEmail.objects.bulk_create(
        [
            OutboundEmail(
                key=f"bench-drain:{customer.pk}",
                kind=OutboundEmail.Kind.TICKET_LINKS,
                customer=customer,
                to_email=customer.email,
                context={"ticket_ids": []},
                message_id_header=make_msgid(domain="bench.example"),
                next_attempt_at=now,
                created_at=now,
            )
            for customer in customers
        ],
        batch_size=2000,
    )
    smtp = {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "127.0.0.1"}
    with _smtp_sink() as port:
        log(f"bench: sending {count} emails to 127.0.0.1:{port}")
        runs, started = 0, time.perf_counter()
        with override_settings(**smtp, EMAIL_PORT=port, EMAIL_USE_TLS=False, EMAIL_USE_SSL=False, EMAIL_HOST_USER=""):
            while True:
                runs += 1
                if not outbox_send_batch(lane=Lane.MAIL).more:
                    break
        seconds = time.perf_counter() - started
    sent = OutboundEmail.objects.filter(key__startswith="bench-drain:", status=OutboundEmail.Status.SENT).count()
    return {
        "emails": count,
        "sent": sent,
        "seconds": round(seconds, 2),
        "task_runs": runs,
        "emails_per_second": round(sent / seconds) if seconds else None,
    }
