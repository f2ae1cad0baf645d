"""Promises kept: of the promises settled in the period (kept, or broken), the share kept.

A promise counts on the day it was settled (kept by a reply in time, or broken when it fell due),
in the ticket's queue and for its assignee (docs/promises.md has what kept and broken mean).
"""

from __future__ import annotations

from collections import Counter

from reporting.formatting import percent_text
from reporting.report import Cell, Figure, ReportContext, Series

KEPT_TARGET_PERCENT = 80


def _figure(key: str, what: str, names: dict[int, str], kept: Counter[int], broken: Counter[int]) -> Figure:
    rows: list[list[Cell]] = []
    for group, name in names.items():
        rows.append([name, kept[group], broken[group], percent_text(kept[group], kept[group] + broken[group])])
    all_kept, all_broken = sum(kept[g] for g in names), sum(broken[g] for g in names)
    return Figure(
        key=key,
        title=f"Promises kept by {what}",
        description=f"Promises settled in the period by {what}: kept (the customer heard from us in time) and "
        f"broken, stacked. Kept rate = kept ÷ (kept + broken); the target is {KEPT_TARGET_PERCENT} %.",
        columns=[what.capitalize(), "Kept", "Broken", "Kept rate"],
        rows=rows,
        footer=["Total", all_kept, all_broken, percent_text(all_kept, all_kept + all_broken)],
        labels=list(names.values()),
        series=[
            Series("Kept", [float(kept[g]) for g in names]),
            Series("Broken", [float(broken[g]) for g in names]),
        ],
        unit="promises",
    )


class PromisesSection:
    key = "promises"
    title = "Promises kept"

    def figures(self, context: ReportContext) -> list[Figure]:
        by_queue: tuple[Counter[int], Counter[int]] = (Counter(), Counter())
        by_agent: tuple[Counter[int], Counter[int]] = (Counter(), Counter())
        for row in context.daily_rows():
            by_queue[0][row["queue_id"]] += row["promises_kept"]
            by_queue[1][row["queue_id"]] += row["promises_broken"]
            if row["agent_id"] is not None:
                by_agent[0][row["agent_id"]] += row["promises_kept"]
                by_agent[1][row["agent_id"]] += row["promises_broken"]
        queues = {queue.pk: queue.name for queue in context.scope.queues if queue.pk in context.queue_ids}
        return [
            _figure("promises-queue", "queue", queues, *by_queue),
            _figure("promises-agent", "agent", context.agent_names(), *by_agent),
        ]


PROMISES = PromisesSection()
