"""The satisfaction, complaint and praise figures counted again straight from surveys,
resolutions, gestures and praise, in plain Python: what each figure must equal."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from decimal import Decimal

from reporting.formatting import percent_text
from reporting.report import ReportQuery, Scope
from satisfaction.models import Survey
from tests.reporting.recount import day
from tickets.models import ComplaintResolution, Gesture, Praise, Ticket


def placed(queue_id: int, agent_id: int | None, ticket: Ticket, scope: Scope, query: ReportQuery) -> bool:
    return (
        queue_id in scope.queue_ids
        and query.queue_id in (None, queue_id)
        and query.agent_id in (None, agent_id)
        and query.kind in (None, ticket.kind)
        and query.channel in (None, ticket.channel)
    )


def in_range(moment: datetime, query: ReportQuery, zone: str) -> bool:
    found: date = day(moment, zone)
    return query.start <= found <= query.end


def csat(scope: Scope, query: ReportQuery, zone: str, group: str) -> dict[object, Counter[str]]:
    """Queue, agent or kind -> surveys sent, rated, good in the range (by the day sent)."""
    counts: dict[object, Counter[str]] = {}
    for survey in Survey.objects.select_related("ticket").filter(status="sent"):
        ticket = survey.ticket
        if placed(survey.queue_id, survey.agent_id, ticket, scope, query) and in_range(survey.created_at, query, zone):
            key = {"queue": survey.queue_id, "agent": survey.agent_id, "kind": ticket.kind}[group]
            found = counts.setdefault(key, Counter())
            found["sent"] += 1
            found["rated"] += survey.rated_at is not None
            found["good"] += survey.is_good
    return counts


def csat_row(name: str, found: Counter[str]) -> list[object]:
    sent, rated, good = found["sent"], found["rated"], found["good"]
    return [name, sent, rated, good, percent_text(good, rated), percent_text(rated, sent)]


def causes(scope: Scope, query: ReportQuery, zone: str) -> list[list[object]]:
    counts: Counter[str] = Counter()
    for resolution in ComplaintResolution.objects.select_related("ticket", "root_cause"):
        ticket = resolution.ticket
        if placed(ticket.queue_id, ticket.assignee_id, ticket, scope, query) and in_range(
            resolution.recorded_at, query, zone
        ):
            counts[resolution.root_cause.name] += 1
    return [[name, total] for name, total in sorted(counts.items(), key=lambda c: (-c[1], c[0]))]


def gestures(scope: Scope, query: ReportQuery, zone: str) -> list[list[object]]:
    given: Counter[tuple[int, str, str]] = Counter()
    amounts: dict[tuple[int, str, str], Decimal] = {}
    types = list(Gesture.Type.values)
    for gesture in Gesture.objects.select_related("ticket").filter(status="promised"):
        ticket = gesture.ticket
        if placed(ticket.queue_id, ticket.assignee_id, ticket, scope, query) and in_range(
            gesture.requested_at, query, zone
        ):
            key = (types.index(gesture.type), gesture.get_type_display(), gesture.currency)
            given[key] += 1
            amounts[key] = amounts.get(key, Decimal(0)) + (gesture.amount or 0)
    return [
        [label, currency or "—", given[key], f"{amounts[key]:.2f}" if currency else "—"]
        for key in sorted(given)
        for _, label, currency in [key]
    ]


def praise(scope: Scope, query: ReportQuery, zone: str) -> Counter[int]:
    counts: Counter[int] = Counter()
    for found in Praise.objects.select_related("ticket"):
        ticket = found.ticket
        if placed(ticket.queue_id, found.agent_id, ticket, scope, query) and in_range(found.created_at, query, zone):
            counts[found.agent_id] += 1
    return counts
