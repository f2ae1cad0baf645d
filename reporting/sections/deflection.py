"""Knowledge-base deflection on the public form: forms shown suggestions, forms where one was
opened, and of those, forms never submitted (the question answered without a ticket).

Desk-wide: the form asks before any queue is chosen, so the queue, agent, kind and channel filters
do not apply.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from reporting.formatting import day_label, percent_text
from reporting.models import DailyDeflection
from reporting.report import Cell, Figure, ReportContext, Series

FIELDS = (("shown", "Suggestions shown"), ("opened", "An article opened"), ("not_submitted", "Not submitted"))


class DeflectionSection:
    key = "deflection"
    title = "Knowledge base"

    def figures(self, context: ReportContext) -> list[Figure]:
        query = context.query
        counts: dict[date, Counter[str]] = {period: Counter() for period in query.periods}
        for row in DailyDeflection.objects.filter(day__gte=query.start, day__lte=query.end):
            for field, _ in FIELDS:
                counts[query.period_of(row.day)][field] += getattr(row, field)
        rows: list[list[Cell]] = [
            [day_label(period), *(counts[period][field] for field, _ in FIELDS)] for period in query.periods
        ]
        totals = [sum(counts[p][field] for p in query.periods) for field, _ in FIELDS]
        return [
            Figure(
                key="deflection-kb",
                title="Questions answered by the knowledge base",
                description="Ticket forms (whole desk) where articles were suggested, where the customer opened "
                f"one, and where they then did not submit the form ({percent_text(totals[2], totals[1])} of "
                "those opened).",
                columns=["Week of" if query.weekly else "Day", *(label for _, label in FIELDS)],
                rows=rows,
                footer=["Total", *totals],
                labels=[str(row[0]) for row in rows],
                series=[Series(label, [float(counts[p][field]) for p in query.periods]) for field, label in FIELDS],
                chart="grouped",
                unit="forms",
            )
        ]


DEFLECTION = DeflectionSection()
