"""The complaint-care roll-up sources (tickets' care models): ``DailyComplaint`` (resolutions by
root cause), ``DailyGesture`` (promised goodwill gestures by type and currency) and ``DailyPraise``.

Each counts on the report day of its moment, as ``tickets.selectors_care`` counts it: a resolution
when it was recorded, a gesture when it was requested (only once promised: on the spot within the
limit, or approved by a lead later, which updates the day it was requested), praise when it was
marked. Queue, agent (the ticket's assignee; for praise the agent it credits), kind and channel
are the ticket's as at the last roll-up.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Q

from reporting.models import DailyComplaint, DailyGesture, DailyPraise
from reporting.services.day_recount import DayRecountSource, Raw, Span, tickets_written_since
from tickets.models import ComplaintResolution, Gesture, Praise

PLACE = ("ticket__queue_id", "ticket__assignee_id", "ticket__kind", "ticket__channel")


def _place(queue: int, agent: int | None, kind: str, channel: str) -> dict[str, Any]:
    return {"queue_id": queue, "agent_id": agent, "kind": kind, "channel": channel}


class ComplaintsSource(DayRecountSource):
    name = "complaints"
    table = DailyComplaint
    amounts = ("resolved",)

    def changed_moments(self, since: datetime) -> Iterable[datetime]:
        changed = Q(recorded_at__gte=since) | Q(ticket__in=tickets_written_since(since))
        return ComplaintResolution.objects.filter(changed).values_list("recorded_at", flat=True)

    def raw(self, span: Span) -> Iterable[Raw]:
        found = ComplaintResolution.objects.order_by()
        if span is not None:
            found = found.filter(recorded_at__gte=span[0], recorded_at__lt=span[1])
        for moment, cause, *place in found.values_list("recorded_at", "root_cause_id", *PLACE):
            yield moment, {**_place(*place), "root_cause_id": cause}, {"resolved": 1}


class GesturesSource(DayRecountSource):
    name = "gestures"
    table = DailyGesture
    amounts = ("given", "amount")

    def changed_moments(self, since: datetime) -> Iterable[datetime]:
        changed = Q(requested_at__gte=since) | Q(decided_at__gte=since) | Q(ticket__in=tickets_written_since(since))
        return Gesture.objects.filter(changed).values_list("requested_at", flat=True)

    def raw(self, span: Span) -> Iterable[Raw]:
        found = Gesture.objects.filter(status=Gesture.Status.PROMISED).order_by()
        if span is not None:
            found = found.filter(requested_at__gte=span[0], requested_at__lt=span[1])
        rows = found.values_list("requested_at", "type", "currency", "amount", *PLACE)
        for moment, kind_of, currency, amount, *place in rows:
            group = {**_place(*place), "type": kind_of, "currency": currency}
            yield moment, group, {"given": 1, "amount": amount or 0}


class PraiseSource(DayRecountSource):
    name = "praise"
    table = DailyPraise
    amounts = ("praise",)

    def changed_moments(self, since: datetime) -> Iterable[datetime]:
        changed = Q(created_at__gte=since) | Q(ticket__in=tickets_written_since(since))
        return Praise.objects.filter(changed).values_list("created_at", flat=True)

    def raw(self, span: Span) -> Iterable[Raw]:
        found = Praise.objects.order_by()
        if span is not None:
            found = found.filter(created_at__gte=span[0], created_at__lt=span[1])
        rows = found.values_list("created_at", "agent_id", "ticket__queue_id", "ticket__kind", "ticket__channel")
        for moment, agent, queue, kind, channel in rows:
            yield moment, _place(queue, agent, kind, channel), {"praise": 1}


COMPLAINTS = ComplaintsSource()
GESTURES = GesturesSource()
PRAISE = PraiseSource()
