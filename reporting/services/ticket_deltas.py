"""What a change of facts adds to or takes from the daily rows, applied in place.

Each fact counts in a few daily rows (the day it was created, answered, solved; the day a promise
was settled). A refresh takes the old fact's part out and puts the new one's in, so a run costs
what the changed tickets cost, however old the days they touch (solving a year-old ticket changes
that day's "still open"). Re-applying an unchanged fact is a zero change: runs are idempotent.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from reporting import buckets
from reporting.models import DailyTicketStats, PromiseFact, TicketFact

logger = logging.getLogger(__name__)
Key = tuple[date, int, int | None, str, str]
COUNTS = ("created", "open_now", "solved", "first_responses", "promises_kept", "promises_broken")


@dataclass
class Delta:
    counts: Counter[str] = field(default_factory=Counter)
    first_response: Counter[int] = field(default_factory=Counter)
    resolution: Counter[int] = field(default_factory=Counter)

    def __bool__(self) -> bool:
        return any(self.counts.values()) or any(self.first_response.values()) or any(self.resolution.values())


@dataclass
class Deltas:
    by_key: defaultdict[Key, Delta] = field(default_factory=lambda: defaultdict(Delta))

    def ticket(self, fact: TicketFact, sign: int) -> None:
        dims = (fact.queue_id, fact.assignee_id, fact.kind, fact.channel)
        created = self.by_key[(fact.created_day, *dims)]
        created.counts["created"] += sign
        created.counts["open_now"] += sign * fact.is_open
        if fact.first_response_day is not None and fact.first_response_bucket is not None:
            answered = self.by_key[(fact.first_response_day, *dims)]
            answered.counts["first_responses"] += sign
            answered.first_response[fact.first_response_bucket] += sign
        if fact.solved_day is not None and fact.resolution_bucket is not None:
            solved = self.by_key[(fact.solved_day, *dims)]
            solved.counts["solved"] += sign
            solved.resolution[fact.resolution_bucket] += sign

    def promise(self, fact: PromiseFact, sign: int) -> None:
        delta = self.by_key[(fact.day, fact.queue_id, fact.assignee_id, fact.kind, fact.channel)]
        delta.counts["promises_kept" if fact.kept else "promises_broken"] += sign

    def apply(self) -> set[date]:
        """Write the changes into ``DailyTicketStats``; returns the days whose rows changed."""
        changed = {key: delta for key, delta in self.by_key.items() if delta}
        if not changed:
            return set()
        days, queues = {key[0] for key in changed}, {key[1] for key in changed}
        rows = {
            (row.day, row.queue_id, row.agent_id, row.kind, row.channel): row
            for row in DailyTicketStats.objects.filter(day__in=days, queue_id__in=queues)
        }
        updated, created, emptied = [], [], []
        for key, delta in changed.items():
            row = rows.get(key) or DailyTicketStats(
                day=key[0], queue_id=key[1], agent_id=key[2], kind=key[3], channel=key[4]
            )
            _add(row, delta)
            if not any(getattr(row, name) for name in COUNTS):
                if row.pk:
                    emptied.append(row.pk)
            elif row.pk:
                updated.append(row)
            else:
                created.append(row)
        DailyTicketStats.objects.bulk_update(
            updated, [*COUNTS, "first_response_hist", "resolution_hist"], batch_size=500
        )
        DailyTicketStats.objects.bulk_create(created, batch_size=500)
        DailyTicketStats.objects.filter(pk__in=emptied).delete()
        return {key[0] for key in changed}


def _add(row: DailyTicketStats, delta: Delta) -> None:
    for name, amount in delta.counts.items():
        setattr(row, name, _floor(row, name, getattr(row, name) + amount))
    for name, counts in (("first_response_hist", delta.first_response), ("resolution_hist", delta.resolution)):
        hist = list(getattr(row, name) or []) + [0] * buckets.SIZE
        hist = hist[: buckets.SIZE]
        for bucket, amount in counts.items():
            hist[bucket] = _floor(row, name, hist[bucket] + amount)
        setattr(row, name, hist)


def _floor(row: DailyTicketStats, name: str, value: int) -> int:
    """Never below zero: a row can only drift low if its tickets were deleted; a backfill repairs it."""
    if value < 0:
        logger.warning(
            "reports roll-up: %s of %s on %s went below zero; run reports_backfill", name, row.queue_id, row.day
        )
        return 0
    return value
