"""The knowledge-base deflection roll-up source: ``DailyDeflection`` from the suggestion events.

The public form records, per form (an opaque key, no personal data), that suggestions were shown,
that one was opened, and that the form was submitted anyway (``knowledgebase.DeflectionEvent``;
the knowledge base knows nothing of tickets, and this app reads its rows). A form counts on the
report day of its first event; "not submitted" are forms where a suggestion was opened and no
submission followed (yet: a later submission makes that day's count drop at the next run).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Min, Q, QuerySet

from knowledgebase.models import DeflectionEvent
from reporting.days import day_of, day_span
from reporting.models import DailyDeflection, RollupCursor

SETTLE = timedelta(minutes=10)
KINDS = DeflectionEvent.Kind


def _forms(form_ids: QuerySet[DeflectionEvent, Any]) -> Iterable[dict[str, Any]]:
    """Per form: its first event, and whether it was shown, opened, submitted."""
    forms: Any = (
        DeflectionEvent.objects.filter(form_id__in=form_ids)
        .order_by()
        .values("form_id")
        .annotate(
            first=Min("created_at"),
            shown=Count("pk", filter=Q(kind=KINDS.SHOWN)),
            opened=Count("pk", filter=Q(kind=KINDS.OPENED)),
            submitted=Count("pk", filter=Q(kind=KINDS.SUBMITTED)),
        )
    )
    return list(forms)


class DeflectionSource:
    name = "deflection"

    def start(self, cursor: RollupCursor, now: datetime) -> None:
        cursor.watermark = now

    def catch_up(self, cursor: RollupCursor, now: datetime) -> int:
        """Recount whole the days of the forms that had news since the cursor (a few a day)."""
        since = (cursor.watermark or now) - SETTLE
        recent = DeflectionEvent.objects.filter(kind__in=KINDS.values, created_at__gte=since).values("form_id")
        cursor.watermark = now
        days = {day_of(form["first"]) for form in _forms(recent)}
        self.rebuild(days)
        return len(days)

    def rebuild_all(self) -> int:
        every = DeflectionEvent.objects.values("form_id")
        days = {day_of(form["first"]) for form in _forms(every)}
        days |= set(DailyDeflection.objects.values_list("day", flat=True))
        self.rebuild(days)
        return len(days)

    def rebuild(self, days: Collection[date]) -> None:
        wanted = set(days)
        if not wanted:
            return
        start, end = day_span(min(wanted), max(wanted))
        in_span = DeflectionEvent.objects.filter(kind__in=KINDS.values, created_at__gte=start, created_at__lt=end)
        counts = {day: DailyDeflection(day=day) for day in wanted}
        for form in _forms(in_span.values("form_id")):
            row = counts.get(day_of(form["first"]))
            if row is None:
                continue
            row.shown += bool(form["shown"])
            row.opened += bool(form["opened"])
            row.not_submitted += bool(form["opened"] and not form["submitted"])
        DailyDeflection.objects.filter(day__in=wanted).delete()
        DailyDeflection.objects.bulk_create([row for row in counts.values() if row.shown or row.opened])


DEFLECTION = DeflectionSource()
