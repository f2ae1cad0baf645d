"""Customer satisfaction (CSAT) by queue, agent and kind: surveys sent, rated, rated good, the
score (good among rated) and the response rate (rated among sent).

Good is 4 or 5 on the 5-point scale and "Good" on the 3-point one (``satisfaction.models``). A
survey counts on the day it was sent, in the queue and for the agent of the solve (as the agent's
own page counts it); a rating given later updates that day.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from reporting.formatting import percent_text
from reporting.models import DailySatisfaction
from reporting.report import Cell, Figure, ReportContext, Series
from reporting.sections.people import visible_agent_names
from tickets.models import Ticket

AMOUNTS = ("sent", "rated", "good")


def _share(part: int, whole: int) -> float:
    return part * 100 / whole if whole else 0.0


def _figure(key: str, what: str, names: dict[Any, str], sums: dict[Any, Counter[str]]) -> Figure:
    rows: list[list[Cell]] = []
    total: Counter[str] = Counter()
    for group, name in names.items():
        found = sums.get(group, Counter())
        total.update(found)
        sent, rated, good = (found[amount] for amount in AMOUNTS)
        rows.append([name, sent, rated, good, percent_text(good, rated), percent_text(rated, sent)])
    values = [sums.get(group, Counter()) for group in names]
    return Figure(
        key=key,
        title=f"Satisfaction by {what}",
        description=f"Surveys sent in the period by {what}: score = ratings that are good (4 or 5 out of 5, or "
        "“Good”) ÷ ratings; response rate = ratings ÷ surveys sent. Both rounded down.",
        columns=[what.capitalize(), "Surveys sent", "Rated", "Good", "Score", "Response rate"],
        rows=rows,
        footer=[
            "Total",
            total["sent"],
            total["rated"],
            total["good"],
            percent_text(total["good"], total["rated"]),
            percent_text(total["rated"], total["sent"]),
        ],
        labels=list(names.values()),
        series=[
            Series("Score", [_share(v["good"], v["rated"]) for v in values]),
            Series("Response rate", [_share(v["rated"], v["sent"]) for v in values]),
        ],
        chart="grouped",
        unit="%",
    )


class SatisfactionSection:
    key = "csat"
    title = "Customer satisfaction"

    def figures(self, context: ReportContext) -> list[Figure]:
        query = context.query
        found = DailySatisfaction.objects.filter(context.ticket_filter(), day__gte=query.start, day__lte=query.end)
        by: dict[str, dict[Any, Counter[str]]] = {"queue_id": {}, "agent_id": {}, "kind": {}}
        for row in found.order_by().values("queue_id", "agent_id", "kind", *AMOUNTS):
            for field, sums in by.items():
                sums.setdefault(row[field], Counter()).update({amount: row[amount] for amount in AMOUNTS})
        queues = {queue.pk: queue.name for queue in context.scope.queues if queue.pk in context.queue_ids}
        kinds = dict(zip(Ticket.Kind.values, Ticket.Kind.labels, strict=True))
        if query.kind is not None:
            kinds = {query.kind: kinds[query.kind]} if query.kind in kinds else {}
        return [
            _figure("csat-queue", "queue", queues, by["queue_id"]),
            _figure("csat-agent", "agent", visible_agent_names(context, by["agent_id"]), by["agent_id"]),
            _figure("csat-kind", "kind", kinds, by["kind"]),
        ]


SATISFACTION = SatisfactionSection()
