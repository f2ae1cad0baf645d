"""Time the reports on the desk ``manage.py bench`` seeded (PostgreSQL). Prints JSON.

Run after ``manage.py bench`` (``make bench`` does). Three figures:

1. the backfill (``reports_backfill``), once, when the roll-ups are empty or ``--backfill``;
2. the worker's roll-up after one day's changes: a day's worth of new tickets (the desk's tickets
   over 365 days), as many older open ones answered and solved, and as many promises broken by the
   sweep (history only), each with its history row, as the services write them;
3. ``/desk/reports/`` for the last 90 days, all queues, as an admin and as an agent of every queue,
   through the whole stack with Django's test client (as the queue page's timing does).
"""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from helpdesk.lib.bench import status_is, timed
from reporting.days import day_of
from reporting.models import RollupCursor
from reporting.services.rollup import rollup_backfill, rollup_run
from reporting.services.tickets_source import SETTLE
from reporting.sources import SOURCES
from tickets.links import link_hash_for_salt, new_link_secret
from tickets.models import Promise, Ticket, TicketEvent


class Command(BaseCommand):
    help = "Time the reports' roll-up and the reports page on the benchmark desk (JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repeat", type=int, default=20, help="Reports page loads to time.")
        parser.add_argument("--days", type=int, default=90, help="The page's date range.")
        parser.add_argument("--backfill", action="store_true", help="Rebuild the roll-ups even if they exist.")
        parser.add_argument(
            "--skip-changes",
            action="store_true",
            help="Leave the desk's tickets as they are: no one-day roll-up timing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = str(connection.settings_dict["NAME"])
        if connection.vendor != "postgresql" or ("bench" not in name and not name.startswith("test_")):
            raise CommandError("Run on the benchmark's PostgreSQL database (its name contains 'bench').")
        admin, _ = User.objects.get_or_create(username="bench-admin", defaults={"is_staff": True, "is_superuser": True})
        agent = User.objects.get(username="bench-agent")
        result = {
            "tickets": Ticket.objects.count(),
            "backfill": self._backfill(force=options["backfill"]),
            "rollup_one_day": None if options["skip_changes"] else self._one_day(),
            "page_admin": self._time_page(admin, options["days"], options["repeat"]),
            "page_agent": self._time_page(agent, options["days"], options["repeat"]),
        }
        self.stdout.write(json.dumps(result, indent=2))

    def _backfill(self, *, force: bool) -> dict[str, Any] | None:
        done = RollupCursor.objects.filter(source="tickets", ran_at__isnull=False).exists()
        if done and not force:
            return None
        started = time.perf_counter()
        results = rollup_backfill(SOURCES)
        return {"seconds": round(time.perf_counter() - started, 1), "days": {r.source: r.days for r in results}}

    def _one_day(self) -> dict[str, Any]:
        # Each run reads again what changed in the SETTLE minutes before the last one (late commits).
        # So the clock steps past that window: the catch-up run takes whatever the bench did before
        # (a bulk close, a burst of breaches), and the timed run reads one day's changes, no more.
        now = timezone.now() + SETTLE + timedelta(minutes=1)
        rollup_run(SOURCES, now=now)  # catch up with anything earlier, so the timing is one day's work
        per_day = max(Ticket.objects.count() // 365, 1)
        with transaction.atomic():
            self._day_of_changes(per_day, now)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            results = rollup_run(SOURCES, now=now + timedelta(seconds=1))
            elapsed = time.perf_counter() - started
        return {
            "changes": {"new_tickets": per_day, "solved": per_day, "promises_broken": per_day},
            "seconds": round(elapsed, 2),
            "queries": len(queries),
            "days_touched": {r.source: r.days for r in results},
        }

    def _day_of_changes(self, count: int, now: Any) -> None:
        template = Ticket.objects.filter(queue__slug__startswith="bench-").order_by("pk").first()
        if template is None:
            raise CommandError("No benchmark desk: run manage.py bench first.")
        new = []
        for n in range(count):
            salt = new_link_secret()[0]
            new.append(
                Ticket(
                    kind=Ticket.Kind.values[n % 3],
                    channel=Ticket.Channel.values[n % 4],
                    queue_id=template.queue_id,
                    customer_id=template.customer_id,
                    subject=f"Reports bench {n}",
                    link_salt=salt,
                    link_hash=link_hash_for_salt(salt),
                    created_at=now,
                    updated_at=now,
                )
            )
        Ticket.objects.bulk_create(new)
        events = [TicketEvent(ticket=t, kind=TicketEvent.Kind.CREATED, created_at=now) for t in new]
        # Older open tickets, spread over the year, answered and solved today.
        solved = list(Ticket.objects.open().exclude(subject__startswith="Reports bench").order_by("?")[:count])
        Ticket.objects.filter(pk__in=[t.pk for t in solved]).update(
            status=Ticket.Status.RESOLVED, resolved_at=now, first_response_at=now, updated_at=now
        )
        events += [TicketEvent(ticket=t, kind=TicketEvent.Kind.STATUS_CHANGED, created_at=now) for t in solved]
        # Promises broken by the sweep: the promise and its history row, the ticket row untouched.
        pending = list(Promise.objects.filter(state=Promise.State.PENDING).order_by("due_at")[:count])
        Promise.objects.filter(pk__in=[p.pk for p in pending]).update(state=Promise.State.BROKEN, settled_at=now)
        events += [
            TicketEvent(ticket_id=p.ticket_id, kind=TicketEvent.Kind.PROMISE_BROKEN, created_at=now) for p in pending
        ]
        TicketEvent.objects.bulk_create(events)

    def _time_page(self, user: User, days: int, repeat: int) -> dict[str, Any]:
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        today = day_of(timezone.now())
        params = {"start": (today - timedelta(days=days - 1)).isoformat(), "end": today.isoformat()}
        page = timed(lambda: client.get("/desk/reports/", params), repeat, ok=status_is(200), warm_up=True)
        return {"days": days, **page}
