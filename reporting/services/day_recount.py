"""Roll-up sources that recount whole days (satisfaction, complaints, gestures, praise).

Each keeps one small daily table from raw rows that are few next to tickets (a survey per solve,
a resolution per complaint, ...). ``catch_up`` finds the raw rows that changed since the cursor
(new, rated or decided since, or on a ticket written since: moved, reassigned, re-kinded), takes
the report days they count on, and recounts those days whole from the raw rows; recounting a day
twice gives the same rows, so runs are idempotent. ``rebuild_all`` recounts everything.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection, Iterable
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

from django.db import models

from reporting.days import day_of, day_span
from reporting.models import RollupCursor
from tickets.models import Ticket

SETTLE = timedelta(minutes=10)  # as the tickets source: a transaction open at the last run is seen
Span = tuple[datetime, datetime] | None  # [start, end) of the raw rows' moments; None: all of them
Raw = tuple[datetime, dict[str, Any], dict[str, Any]]  # the moment, the group, the amounts


def tickets_written_since(since: datetime) -> Any:
    """Ids of tickets written since ``since`` (the ``ticket_sort_updated`` index), as a subquery."""
    return Ticket.objects.filter(updated_at__gte=since).values("pk")


class DayRecountSource(ABC):
    name: str
    table: ClassVar[type[models.Model]]
    amounts: ClassVar[tuple[str, ...]]

    @abstractmethod
    def changed_moments(self, since: datetime) -> Iterable[datetime]:
        """The moments that place raw rows changed since ``since`` on their report days."""

    @abstractmethod
    def raw(self, span: Span) -> Iterable[Raw]:
        """Every raw row whose moment is in ``span``, as (moment, group fields, amounts)."""

    def start(self, cursor: RollupCursor, now: datetime) -> None:
        cursor.watermark = now

    def catch_up(self, cursor: RollupCursor, now: datetime) -> int:
        since = (cursor.watermark or now) - SETTLE
        days = {day_of(moment) for moment in self.changed_moments(since)}
        cursor.watermark = now
        self.rebuild(days)
        return len(days)

    def rebuild_all(self) -> int:
        rows = self._counted(None, None)
        self.table._default_manager.all().delete()
        self.table._default_manager.bulk_create(rows)
        return len({row.day for row in rows})  # type: ignore[attr-defined]

    def rebuild(self, days: Collection[date]) -> None:
        wanted = set(days)
        if not wanted:
            return
        rows = self._counted(day_span(min(wanted), max(wanted)), wanted)
        self.table._default_manager.filter(day__in=wanted).delete()
        self.table._default_manager.bulk_create(rows)

    def _counted(self, span: Span, days: set[date] | None) -> list[models.Model]:
        sums: dict[tuple[Any, ...], dict[str, Any]] = {}
        for moment, group, amounts in self.raw(span):
            day = day_of(moment)
            if days is not None and day not in days:
                continue
            key = (day, *sorted(group.items()))
            row = sums.setdefault(key, {"day": day, **group, **dict.fromkeys(self.amounts, 0)})
            for name, value in amounts.items():
                row[name] += value
        return [self.table(**row) for row in sums.values()]
