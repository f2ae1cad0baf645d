"""The tickets roll-up source: ``DailyTicketStats`` from ticket and promise facts.

Changes are found two ways, both cheap at any size: history rows past an id cursor (the sweep
breaks promises without touching the ticket row) and tickets whose ``updated_at`` passed the last
run's watermark (the ``ticket_sort_updated`` index). Both read a little behind (``SETTLE``): a
transaction that started before the last run and committed after it is still seen, as long as it
took less than that. The changed tickets' facts are refreshed and the difference applied to the
daily rows (reporting/services/ticket_deltas.py); the backfill rebuilds every day from the facts
instead, in five queries.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Max, Q

from reporting import buckets
from reporting.models import DailyTicketStats, PromiseFact, RollupCursor, TicketFact
from reporting.services.ticket_facts import facts_refresh, facts_refresh_all
from tickets.models import Ticket, TicketEvent

SETTLE = timedelta(minutes=10)
DIMS = ("queue_id", "assignee_id", "kind", "channel")
Key = tuple[date, int, int | None, str, str]


class TicketsSource:
    name = "tickets"

    def start(self, cursor: RollupCursor, now: datetime) -> None:
        cursor.last_id = TicketEvent.objects.aggregate(top=Max("id"))["top"] or 0
        cursor.watermark = now

    def catch_up(self, cursor: RollupCursor, now: datetime) -> int:
        events = list(TicketEvent.objects.filter(id__gt=cursor.last_id).values_list("id", "ticket_id", "created_at"))
        ticket_ids = {ticket_id for _, ticket_id, _ in events}
        since = (cursor.watermark or now) - SETTLE
        ticket_ids.update(Ticket.objects.filter(updated_at__gte=since).order_by().values_list("pk", flat=True))
        # Read again next time: history of the last few minutes, whose lower ids may still be committing.
        settled = [event_id for event_id, _, at in events if at < now - SETTLE]
        cursor.last_id = max(settled, default=cursor.last_id)
        cursor.watermark = now
        return len(facts_refresh(ticket_ids).apply())

    def rebuild_all(self) -> int:
        facts_refresh_all()
        days = set(DailyTicketStats.objects.order_by().values_list("day", flat=True).distinct())
        facts = TicketFact.objects.order_by()
        for name in ("created_day", "first_response_day", "solved_day"):
            days.update(facts.exclude(**{name: None}).values_list(name, flat=True).distinct())
        days.update(PromiseFact.objects.order_by().values_list("day", flat=True).distinct())
        self.rebuild(days)
        return len(days)

    def rebuild(self, days: Collection[date]) -> None:
        """Recount these days whole from the facts."""
        days = list(days)
        if not days:
            return
        rows: dict[Key, DailyTicketStats] = {}

        def row(day: date, values: dict[str, Any]) -> DailyTicketStats:
            key: Key = (day, values["queue_id"], values["assignee_id"], values["kind"], values["channel"])
            if key not in rows:
                rows[key] = DailyTicketStats(
                    day=day,
                    queue_id=key[1],
                    agent_id=key[2],
                    kind=key[3],
                    channel=key[4],
                    first_response_hist=buckets.empty(),
                    resolution_hist=buckets.empty(),
                )
            return rows[key]

        facts = TicketFact.objects.order_by()
        created = facts.filter(created_day__in=days).values("created_day", *DIMS)
        for values in created.annotate(n=Count("pk"), still_open=Count("pk", filter=Q(is_open=True))):
            stats = row(values["created_day"], values)
            stats.created, stats.open_now = values["n"], values["still_open"]
        responded = facts.filter(first_response_day__in=days).values(
            "first_response_day", *DIMS, "first_response_bucket"
        )
        for values in responded.annotate(n=Count("pk")):
            stats = row(values["first_response_day"], values)
            stats.first_responses += values["n"]
            stats.first_response_hist[values["first_response_bucket"]] += values["n"]
        solved = facts.filter(solved_day__in=days).values("solved_day", *DIMS, "resolution_bucket")
        for values in solved.annotate(n=Count("pk")):
            stats = row(values["solved_day"], values)
            stats.solved += values["n"]
            stats.resolution_hist[values["resolution_bucket"]] += values["n"]
        promises = PromiseFact.objects.order_by().filter(day__in=days).values("day", *DIMS)
        kept, broken = Count("pk", filter=Q(kept=True)), Count("pk", filter=Q(kept=False))
        for values in promises.annotate(n_kept=kept, n_broken=broken):
            stats = row(values["day"], values)
            stats.promises_kept, stats.promises_broken = values["n_kept"], values["n_broken"]
        DailyTicketStats.objects.filter(day__in=days).delete()
        DailyTicketStats.objects.bulk_create(rows.values(), batch_size=1000)


TICKETS = TicketsSource()
