"""Backlog by age: open tickets now, by how many days ago they came in, stacked by kind.

A snapshot as of the last roll-up, whatever the date range (the filters apply): each daily row
keeps how many of the tickets created that day are still open.
"""

from __future__ import annotations

from collections import Counter

from django.db.models import Sum
from django.utils import timezone

from reporting.days import day_of
from reporting.models import DailyTicketStats
from reporting.report import Cell, Figure, ReportContext, Series
from tickets.models import Ticket

# (label, youngest age in days): a ticket created today is 0 days old.
AGES = (
    ("Today", 0),
    ("1 to 2 days", 1),
    ("3 to 6 days", 3),
    ("1 to 4 weeks", 7),
    ("1 to 3 months", 30),
    ("3 months or more", 90),
)


def age_label(days: int) -> str:
    return next(label for label, youngest in reversed(AGES) if days >= youngest)


class BacklogSection:
    key = "backlog"
    title = "Backlog"

    def figures(self, context: ReportContext) -> list[Figure]:
        today = day_of(timezone.now())
        kinds = Ticket.Kind
        open_rows = (
            DailyTicketStats.objects.filter(context.ticket_filter(), open_now__gt=0)
            .order_by()
            .values("day", "kind")
            .annotate(n=Sum("open_now"))
        )
        counts: dict[str, Counter[str]] = {label: Counter() for label, _ in AGES}
        for row in open_rows:
            counts[age_label(max((today - row["day"]).days, 0))][row["kind"]] += row["n"]
        rows: list[list[Cell]] = []
        for label, _ in AGES:
            values = [counts[label][kind] for kind in kinds.values]
            rows.append([label, *values, sum(values)])
        totals = [sum(counts[label][kind] for label, _ in AGES) for kind in kinds.values]
        return [
            Figure(
                key="backlog-age",
                title="Open tickets by age",
                description="Tickets open now (new, open or waiting on the customer), by the day they came in, "
                "stacked by kind. Not limited to the date range.",
                columns=["Age", *kinds.labels, "Total"],
                rows=rows,
                footer=["Total", *totals, sum(totals)],
                labels=[label for label, _ in AGES],
                series=[
                    Series(name, [float(counts[label][kind]) for label, _ in AGES])
                    for kind, name in zip(kinds.values, kinds.labels, strict=True)
                ],
                unit="tickets",
            )
        ]


BACKLOG = BacklogSection()
