"""Volume over time: tickets created per day (per week past 92 days), by kind and by channel."""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.db.models import TextChoices

from reporting.formatting import day_label
from reporting.report import Cell, Figure, ReportContext, Series
from tickets.models import Ticket


def _figure(context: ReportContext, key: str, what: str, field: str, choices: type[TextChoices]) -> Figure:
    query = context.query
    counts: dict[date, Counter[str]] = {period: Counter() for period in query.periods}
    for row in context.daily_rows():
        if row["created"]:
            counts[query.period_of(row["day"])][row[field]] += row["created"]
    rows: list[list[Cell]] = []
    for period in query.periods:
        values = [counts[period][value] for value in choices.values]
        rows.append([day_label(period), *values, sum(values)])
    totals = [sum(counts[p][value] for p in query.periods) for value in choices.values]
    step = "week (from Monday)" if query.weekly else "day"
    return Figure(
        key=key,
        title=f"New tickets by {what}",
        description=f"Tickets created each {step} in the period, stacked by {what}.",
        columns=["Week of" if query.weekly else "Day", *choices.labels, "Total"],
        rows=rows,
        footer=["Total", *totals, sum(totals)],
        labels=[str(row[0]) for row in rows],
        series=[
            Series(label, [float(counts[p][value]) for p in query.periods])
            for value, label in zip(choices.values, choices.labels, strict=True)
        ],
        unit="tickets",
    )


class VolumeSection:
    key = "volume"
    title = "Volume"

    def figures(self, context: ReportContext) -> list[Figure]:
        return [
            _figure(context, "volume-kind", "kind", "kind", Ticket.Kind),
            _figure(context, "volume-channel", "channel", "channel", Ticket.Channel),
        ]


VOLUME = VolumeSection()
