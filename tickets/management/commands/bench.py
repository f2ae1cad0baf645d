"""Benchmark the promise sweep, the "due next" queue page and the desk's search on a large desk (PostgreSQL).

Seeds N tickets straight into the tables with SQL (fast, repeatable), about 1 % of them with a
promise falling due in the next hour and a half, and three messages each with realistic text
(tickets.management.bench_search), then times what production runs every minute (one sweep),
what agents load all day (the queue page sorted by due next, the sidebar's counts of 10 saved
views, the search page), a bulk close of 10,000 tickets as the worker runs it, 50,000 promises
falling due at once and the outbox's sending rate to a local SMTP server
(tickets.management.bench_scale). Prints JSON.
"""

from __future__ import annotations

import json
import statistics
import time
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, reset_queries
from django.db.models import Min
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tickets.management.bench_scale import time_burst, time_drain
from tickets.management.bench_search import seed_conversations, time_search
from tickets.models import Message, Promise, Queue, SavedView, Ticket
from tickets.selectors_views import count_label, saved_view_counts
from tickets.services import bulk
from tickets.services.saved_views import saved_view_create
from tickets.services.sweep import promise_sweep

SEED_SQL = """
INSERT INTO tickets_customer (name, email, timezone, created_at, email_bounce_reason)
SELECT 'Customer ' || g, 'bench-' || g || '@example.com', '', %(now)s - interval '400 days', ''
FROM generate_series(1, %(customers)s) AS g;

INSERT INTO tickets_ticket (kind, status, priority, channel, queue_id, customer_id, subject, link_salt, link_hash,
                            created_at, updated_at, next_due_at, first_response_at, resolved_at, closed_at)
SELECT (ARRAY['info','problem','complaint'])[1 + g %% 3],
       CASE WHEN g %% 10 < 7 THEN (ARRAY['resolved','closed'])[1 + g %% 2]
            ELSE (ARRAY['new','open','waiting'])[1 + g %% 3] END,
       CASE WHEN g %% 3 = 2 THEN 3 ELSE 2 END,
       (ARRAY['web','email','phone','api'])[1 + (g / 3) %% 4],
       (%(queues)s)[1 + g %% %(queue_count)s],
       %(first_customer)s + g %% %(customers)s,
       'Bench ticket ' || g, md5(g::text), md5('h' || g::text),
       %(now)s - (g %% 365) * interval '1 day',
       %(now)s - (g %% 365) * interval '1 day' + interval '1 hour',
       CASE  -- about one ticket in a hundred falls due within the next 90 minutes
         WHEN g %% 10 >= 7 AND g %% 100 = 7 THEN %(now)s + ((g / 100) %% 90) * interval '1 minute'
         WHEN g %% 10 >= 7 AND g %% 3 <> 2 THEN %(now)s + interval '2 hours' + (g %% 43200) * interval '1 minute'
         ELSE NULL
       END,
       -- answered (all but the new ones) 1 to 600 minutes after creation; solved ones a day or so later
       CASE WHEN g %% 10 < 7 OR g %% 3 <> 0
            THEN %(now)s - (g %% 365) * interval '1 day' + (1 + (g * 7) %% 600) * interval '1 minute' END,
       CASE WHEN g %% 10 < 7 AND g %% 2 = 0
            THEN %(now)s - (g %% 365) * interval '1 day' + (60 + (g * 13) %% 3000) * interval '1 minute' END,
       CASE WHEN g %% 10 < 7 AND g %% 2 = 1
            THEN %(now)s - (g %% 365) * interval '1 day' + (60 + (g * 13) %% 3000) * interval '1 minute' END
FROM generate_series(1, %(tickets)s) AS g;

INSERT INTO tickets_promise (ticket_id, kind, source, state, due_at, remind_at, reminder_sent_at, created_at)
SELECT id, 'next_update', 'policy', 'pending', next_due_at, next_due_at - interval '30 minutes',
       CASE WHEN next_due_at - interval '30 minutes' < %(now)s THEN next_due_at - interval '30 minutes' END,
       %(now)s
FROM tickets_ticket WHERE next_due_at IS NOT NULL AND subject LIKE 'Bench ticket %%'
-- in the order a desk writes them: a promise is made and falls due a set time later, so promises
-- due together were written together (their tickets, old and new, are anywhere in the table)
ORDER BY next_due_at, id;

INSERT INTO tickets_promise (ticket_id, kind, source, state, due_at, created_at, settled_at, fulfilled_at)
SELECT id, 'first_response', 'policy', CASE WHEN id %% 5 = 0 THEN 'broken' ELSE 'kept' END,
       created_at + interval '4 hours', created_at, created_at + interval '3 hours', created_at + interval '3 hours'
FROM tickets_ticket WHERE status IN ('resolved', 'closed') AND subject LIKE 'Bench ticket %%';
"""


SWEEP_RUNS = 9  # timed sweeps after the first
SWEEP_STEP = timedelta(minutes=2)


class Command(BaseCommand):
    help = "Seed a large desk on PostgreSQL and time one promise sweep and the due-next queue page (JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tickets", type=int, default=1_000_000)
        parser.add_argument("--repeat", type=int, default=20, help="Queue page loads to time.")
        parser.add_argument("--reseed", action="store_true", help="Drop earlier bench tickets first.")
        parser.add_argument("--bulk", type=int, default=10_000, help="Tickets the bulk close changes (0: skip).")
        parser.add_argument("--search-repeat", type=int, default=5, help="Timed loads of each search query.")
        parser.add_argument("--burst", type=int, default=50_000, help="Promises due at once for the sweep (0: skip).")
        parser.add_argument("--drain", type=int, default=5_000, help="Emails sent to a local SMTP server (0: skip).")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark needs PostgreSQL: set DATABASE_URL=postgres://...")
        name = str(connection.settings_dict["NAME"])
        if "bench" not in name and not name.startswith("test_"):  # test_: a test database (tests/tickets/test_bench.py)
            raise CommandError("The benchmark empties the ticket tables: use a database whose name contains 'bench'.")
        seeded = self._seed(options["tickets"], reseed=options["reseed"])
        conversations = seed_conversations(User.objects.get(username="bench-agent"), log=self._log)
        result = {
            "tickets": Ticket.objects.count(),
            "messages": Message.objects.count(),
            "seed_seconds": seeded,
            "conversations_seed": conversations,
            "sweep": self._time_sweep(),
            "queue_page": self._time_queue(options["repeat"]),
            "view_counts": self._time_view_counts(options["repeat"]),
            "bulk_close": self._time_bulk(options["bulk"]),
            "search_page": time_search(options["search_repeat"]),
            "sweep_burst": time_burst(options["burst"], self._log),
            "outbox_drain": time_drain(options["drain"], self._log),
        }
        self.stdout.write(json.dumps(result, indent=2))

    def _log(self, text: str) -> None:
        self.stderr.write(text)

    def _seed(self, tickets: int, *, reseed: bool) -> float | None:
        existing = Ticket.objects.filter(queue__slug__startswith="bench-").exists()
        if existing and not reseed:
            return None
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE tickets_ticket, tickets_customer, tickets_promise, tickets_notice, tickets_outboundemail, "
                "tickets_ticketevent, tickets_message, tickets_attachment, tickets_ticketsearch "
                "RESTART IDENTITY CASCADE"
            )
        queues = [Queue.objects.get_or_create(slug=f"bench-{n}", defaults={"name": f"Bench {n}"})[0] for n in range(3)]
        agent, _ = User.objects.get_or_create(username="bench-agent", defaults={"is_staff": True})
        for queue in queues:
            queue.agents.add(agent)
            queue.team_lead = agent
            queue.save()
        with connection.cursor() as cursor:
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM tickets_customer")
            first_customer = cursor.fetchone()[0]
            params = {
                "now": timezone.now(),
                "customers": max(tickets // 10, 1),
                "tickets": tickets,
                "queues": [q.pk for q in queues],
                "queue_count": len(queues),
                "first_customer": first_customer + 1,
            }
            for statement in SEED_SQL.split(";\n"):
                if statement.strip():
                    cursor.execute(statement, params)
            cursor.execute("ANALYZE")
        return round(time.perf_counter() - started, 1)

    def _time_sweep(self, runs: int = SWEEP_RUNS) -> dict[str, Any]:
        """The every-minute sweep in steady state: ``runs`` sweeps one after another in this
        process, each ``SWEEP_STEP`` after the last, so each finds only what fell due since (earlier
        windows were swept already). The seed makes about 220 promises due and 220 reminders a
        minute from the earliest due time; a two-minute step gives each sweep about 450, the
        issue's one minute at a million tickets. The first sweep also pays for a cold process and
        cold pages, so it is reported apart and the p50 and p95 are over the runs after it."""
        earliest = Promise.objects.filter(state=Promise.State.PENDING).aggregate(t=Min("due_at"))["t"]
        start = earliest or timezone.now()
        timings, query_counts, due = [], [], []
        for run in range(runs + 1):
            now = start + SWEEP_STEP * run + timedelta(minutes=1)
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                result = promise_sweep(now=now)
                timings.append((time.perf_counter() - started) * 1000)
            query_counts.append(len(queries))
            due.append(result.reminders + result.breaches)
        warm = timings[1:]
        return {
            "first_ms": round(timings[0], 1),
            "p50_ms": round(statistics.median(warm), 1),
            "p95_ms": round(sorted(warm)[max(int(len(warm) * 0.95) - 1, 0)], 1),
            "max_ms": round(max(warm), 1),
            "queries": max(query_counts),
            "due_per_sweep": {"min": min(due), "max": max(due), "first": due[0]},
        }

    def _time_queue(self, repeat: int) -> dict[str, Any]:
        admin, _ = User.objects.get_or_create(username="bench-admin", defaults={"is_staff": True, "is_superuser": True})
        client = Client(HTTP_HOST="localhost")
        client.force_login(admin)
        client.get("/desk/")  # warm caches and connections
        timings, query_counts = [], []
        for _ in range(repeat):
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get("/desk/")
                timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise CommandError(f"The queue page answered {response.status_code}")
            query_counts.append(len(queries))
        return {
            "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(sorted(timings)[max(int(len(timings) * 0.95) - 1, 0)], 1),
            "queries": max(query_counts),
        }

    def _time_view_counts(self, repeat: int) -> dict[str, Any]:
        """The sidebar's counts of 10 saved views of the usual shapes for an agent of every queue:
        counted afresh (the cache emptied before each load), then as a page load finds them cached."""
        agent = User.objects.get(username="bench-agent")
        queues = list(Queue.objects.filter(slug__startswith="bench-").order_by("slug").values_list("pk", flat=True))
        shapes = {
            "Mine": {"assignee": "mine"},
            "Unassigned": {"assignee": "unassigned"},
            "Overdue": {"due": "overdue"},
            "Due within the hour": {"due": "soon"},
            "Complaints": {"kind": "complaint"},
            "Waiting on the customer": {"status": "waiting"},
            "New": {"status": "new"},
            "Bench 1": {"queue": str(queues[1])},
            "Unassigned complaints": {"kind": "complaint", "assignee": "unassigned"},
            "Bench 2, open, recently updated": {"queue": str(queues[2]), "status": "open", "sort": "-updated"},
        }
        SavedView.objects.filter(owner=agent).delete()
        views = [saved_view_create(actor=agent, name=name, params=params) for name, params in shapes.items()]
        cold, queries = [], 0
        for _ in range(repeat):
            cache.clear()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                counts = saved_view_counts(user=agent, views=views)
                cold.append((time.perf_counter() - started) * 1000)
            queries = max(queries, len(captured))
        warm = []
        for _ in range(repeat):
            started = time.perf_counter()
            saved_view_counts(user=agent, views=views)
            warm.append((time.perf_counter() - started) * 1000)
        return {
            "views": len(views),
            "uncached_p50_ms": round(statistics.median(cold), 1),
            "uncached_p95_ms": round(sorted(cold)[max(int(len(cold) * 0.95) - 1, 0)], 1),
            "cached_p50_ms": round(statistics.median(warm), 2),
            "queries": queries,
            "counts": {view.name: count_label(counts[view.pk]) for view in views},
        }

    def _time_bulk(self, size: int) -> dict[str, Any]:
        """Close ``size`` open tickets (new or open, not waiting; with pending promises), as the desk does:
        the request records the job, then the worker's runs (each about TASK_BUDGET_SECONDS) work
        through it, one transaction per ticket. Each run closes other tickets (they stop matching)."""
        if not size:
            return {}
        agent = User.objects.get(username="bench-agent")
        candidates = Ticket.objects.filter(
            status__in=[Ticket.Status.NEW, Ticket.Status.OPEN], queue__slug__startswith="bench-"
        )
        ids = list(candidates.order_by("pk").values_list("pk", flat=True)[:size])
        started = time.perf_counter()
        job = bulk.bulk_job_start(actor=agent, action="close", params={}, ticket_ids=ids)
        request_ms = (time.perf_counter() - started) * 1000
        runs, started = 0, time.perf_counter()
        while True:
            runs += 1
            if bulk.bulk_job_run(job_id=job.pk, budget_seconds=bulk.TASK_BUDGET_SECONDS):
                break
        worker_seconds = time.perf_counter() - started
        job.refresh_from_db()
        # "All N matching" from the desk: the request records the filter; the task lists the tickets.
        started = time.perf_counter()
        matching = bulk.bulk_job_start(actor=agent, action="close", params={}, filters={"due": "soon"})
        matching_ms = (time.perf_counter() - started) * 1000
        matching.delete()
        return {
            "tickets": job.total,
            "request_ms": round(request_ms, 1),  # 10,000 ticked ids, listed in the request
            "request_ms_all_matching": round(matching_ms, 1),
            "worker_seconds": round(worker_seconds, 1),
            "task_runs": runs,
            "changed": job.changed,
            "skipped": job.skipped,
            "tickets_per_second": round(job.total / worker_seconds) if worker_seconds else None,
        }
