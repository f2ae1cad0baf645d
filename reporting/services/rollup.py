"""The roll-up run: each source catches up with what changed since its cursor.

A *source* owns one daily table. ``catch_up`` reads what changed after the cursor, brings the
daily rows up to date (a delta, or whole days recounted) and moves the cursor; running it again
over the same changes leaves the same rows. ``rebuild_all`` recounts every day from the raw rows
(the backfill, and the repair for anything a delta could miss, such as a deleted ticket or a
calendar changed after the fact).

Each source runs in its own transaction holding its cursor row's lock (``SKIP LOCKED``): a second
worker running at the same time skips that source instead of waiting or doubling the work, and a
run that fails leaves the cursor where it was, so the next one redoes the same changes.
Adding a source: docs/reports.md.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.db import transaction
from django.utils import timezone

from reporting.models import RollupCursor

logger = logging.getLogger(__name__)


class RollupSource(Protocol):
    name: str

    def start(self, cursor: RollupCursor, now: datetime) -> None:
        """Place a new cursor at ``now`` (not saved): history before it is the backfill's job."""
        ...

    def catch_up(self, cursor: RollupCursor, now: datetime) -> int:
        """Apply the changes since the cursor and move it (not saved); returns the days touched."""
        ...

    def rebuild_all(self) -> int:
        """Recount every day from the raw rows; returns the days rebuilt."""
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
            days = 0
        else:
            days = source.catch_up(cursor, now)
        cursor.ran_at = now
        cursor.save()
    return RunResult(source.name, days)


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
            days = source.rebuild_all()
            cursor.ran_at = now
            cursor.save()
        results.append(RunResult(source.name, days))
    return results
