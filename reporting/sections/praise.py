"""Praise per agent: customers' words marked as praise for the agent they credit, on the day they
were marked, in the ticket's queue. Agents see their own count, leads and admins everyone's."""

from __future__ import annotations

from django.db.models import Sum

from reporting.models import DailyPraise
from reporting.report import Cell, Figure, ReportContext, Series
from reporting.sections.people import visible_agent_names


class PraiseSection:
    key = "praise"
    title = "Praise"

    def figures(self, context: ReportContext) -> list[Figure]:
        query = context.query
        found = (
            DailyPraise.objects.filter(context.ticket_filter(), day__gte=query.start, day__lte=query.end)
            .order_by()
            .values("agent_id")
            .annotate(total=Sum("praise"))
        )
        counts = {row["agent_id"]: row["total"] for row in found}
        names = visible_agent_names(context, counts)
        rows: list[list[Cell]] = [[name, counts[pk]] for pk, name in names.items()]
        return [
            Figure(
                key="praise-agent",
                title="Praise by agent",
                description="Customers' words marked as praise in the period, for the agent they credit.",
                columns=["Agent", "Praise"],
                rows=rows,
                footer=["Total", sum(counts[pk] for pk in names)],
                labels=list(names.values()),
                series=[Series("Praise", [float(counts[pk]) for pk in names])],
                unit="praise",
            )
        ]


PRAISE = PraiseSection()
