"""The roll-up run: each source finds the report days touched since its cursor and rebuilds them.

A *source* (``RollupSource``) owns one daily table. ``changed_days`` reads what changed after the
cursor (and refreshes any facts it keeps), moving the cursor forward; ``rebuild`` recomputes whole
days from scratch (delete the day's rows, insert them again), so running it twice, or over a day
that did not change, gives the same rows. ``all_days`` lists every day with data, for a backfill.

Each source runs in its own transaction holding its cursor row's lock (``SKIP LOCKED``): a second
worker running at the same time skips that source instead of waiting or doubling the work, and a
run that fails leaves the cursor where it was, so the next one redoes the same days.
Adding a source: docs/reports.md.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from django.db import transaction
from django.utils import timezone

from reporting.models import RollupCursor

logger = logging.getLogger(__name__)


class RollupSource(Protocol):
    name: str

    def changed_days(self, cursor: RollupCursor, now: datetime) -> set[date]:
        """Days touched since the cursor; moves ``cursor.watermark`` / ``cursor.last_id`` (not saved)."""
        ...

    def rebuild(self, days: Collection[date]) -> None:
        """Recompute these days' rows from the raw rows (or the source's facts)."""
        ...

    def all_days(self) -> set[date]:
        """Every day with data: what a backfill rebuilds (refreshing all facts first)."""
        ...

    def start(self, cursor: RollupCursor, now: datetime) -> None:
        """Place a new cursor at ``now``: history before it is the backfill's job."""
        ...


@dataclass(frozen=True)
class RunResult:
    source: str
    days: int
    skipped: bool = False


def _cursor_locked(name: str) -> RollupCursor | None:
    RollupCursor.objects.get_or_create(source=name)
    return RollupCursor.objects.select_for_update(skip_locked=True).filter(source=name).first()


def rollup_source_run(source: RollupSource, *, now: datetime | None = None) -> RunResult:
    now = now or timezone.now()
    with transaction.atomic():
        cursor = _cursor_locked(source.name)
        if cursor is None:
            return RunResult(source.name, 0, skipped=True)  # another worker is on it
        if cursor.ran_at is None:
            source.start(cursor, now)
            days: set[date] = set()
        else:
            days = source.changed_days(cursor, now)
            source.rebuild(sorted(days))
        cursor.ran_at = now
        cursor.save()
    return RunResult(source.name, len(days))


def rollup_run(sources: Sequence[RollupSource], *, now: datetime | None = None) -> list[RunResult]:
    """Each source on its own (the periodic task runs ``reporting.sources.SOURCES``)."""
    results = [rollup_source_run(source, now=now) for source in sources]
    logger.info("reports roll-up: %s", {r.source: r.days for r in results})
    return results


def rollup_backfill(sources: Sequence[RollupSource], *, now: datetime | None = None) -> list[RunResult]:
    """Rebuild every day of every source from the raw rows, then place the cursors at ``now``."""
    now = now or timezone.now()
    results = []
    for source in sources:
        with transaction.atomic():
            cursor = _cursor_locked(source.name)
            if cursor is None:
                results.append(RunResult(source.name, 0, skipped=True))
                continue
            source.start(cursor, now)
            days = source.all_days()
            source.rebuild(sorted(days))
            cursor.ran_at = now
            cursor.save()
        results.append(RunResult(source.name, len(days)))
    return results
