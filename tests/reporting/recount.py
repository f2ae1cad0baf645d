"""The reports' figures counted again straight from tickets, promises and suggestion events, in
plain Python (no roll-up, no facts): what each figure must equal."""

from __future__ import annotations

import math
from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from knowledgebase.models import DeflectionEvent
from reporting import buckets
from reporting.formatting import percent_text, percentile_text
from reporting.report import ReportQuery, Scope
from reporting.sections.backlog import age_label
from tickets.business_hours import business_minutes_between
from tickets.models import Promise, Ticket


def day(moment: datetime, zone: str) -> date:
    return moment.astimezone(ZoneInfo(zone)).date()


def in_scope(ticket: Ticket, scope: Scope, query: ReportQuery) -> bool:
    return (
        ticket.queue_id in scope.queue_ids
        and query.queue_id in (None, ticket.queue_id)
        and query.agent_id in (None, ticket.assignee_id)
        and query.kind in (None, ticket.kind)
        and query.channel in (None, ticket.channel)
    )


def tickets(scope: Scope, query: ReportQuery) -> list[Ticket]:
    found = Ticket.objects.select_related("queue__calendar").prefetch_related(
        "queue__calendar__opening_hours", "queue__calendar__holidays"
    )
    return [t for t in found if in_scope(t, scope, query)]


def volume(scope: Scope, query: ReportQuery, zone: str, field: str, values: list[str]) -> list[list[object]]:
    counts: dict[date, Counter[str]] = {}
    for ticket in tickets(scope, query):
        created = day(ticket.created_at, zone)
        if query.start <= created <= query.end:
            counts.setdefault(query.period_of(created), Counter())[getattr(ticket, field)] += 1
    rows = []
    for period in query.periods:
        found = [counts.get(period, Counter())[value] for value in values]
        rows.append([period.isoformat(), *found, sum(found)])
    return rows


def backlog(scope: Scope, query: ReportQuery, zone: str, today: date) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {}
    for ticket in tickets(scope, query):
        if ticket.is_open:
            counts.setdefault(age_label((today - day(ticket.created_at, zone)).days), Counter())[ticket.kind] += 1
    return counts


def business_seconds(ticket: Ticket, end: datetime) -> int:
    calendar = ticket.queue.calendar
    if calendar is None:
        return round((end - ticket.created_at).total_seconds())
    return round(business_minutes_between(calendar.schedule(), ticket.created_at, end) * 60)


def nearest_rank(values: list[int], fraction: float) -> int | None:
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)), 1) - 1] if ordered else None


def as_bucket_text(value: int | None) -> str:
    if value is None:
        return "—"
    bound = buckets.bound_of(buckets.bucket_of(value))
    over = bound is None
    return percentile_text(buckets.Percentile(buckets.BOUNDS[-1] if over else bound, over_last=over))


def durations(scope: Scope, query: ReportQuery, zone: str, measure: str) -> dict[int, list[int]]:
    """Queue id -> business seconds of the first responses (or resolutions) that fell in the range."""
    found: dict[int, list[int]] = {queue_id: [] for queue_id in scope.queue_ids if query.queue_id in (None, queue_id)}
    for ticket in tickets(scope, query):
        if measure == "first-response":
            end = ticket.first_response_at
        else:
            solved = ticket.status in ("resolved", "closed")
            end = (ticket.resolved_at or ticket.closed_at) if solved else None
        if end is not None and query.start <= day(end, zone) <= query.end:
            found[ticket.queue_id].append(business_seconds(ticket, end))
    return found


def times_rows(scope: Scope, query: ReportQuery, zone: str, measure: str) -> list[list[object]]:
    names = {queue.pk: queue.name for queue in scope.queues}
    return [
        [
            names[queue_id],
            len(values),
            as_bucket_text(nearest_rank(values, 0.5)),
            as_bucket_text(nearest_rank(values, 0.9)),
        ]
        for queue_id, values in durations(scope, query, zone, measure).items()
    ]


def promises(scope: Scope, query: ReportQuery, zone: str, group: str) -> dict[int | None, tuple[int, int]]:
    """Queue or assignee id -> (kept, broken) of the promises settled in the range."""
    kept: Counter[int | None] = Counter()
    broken: Counter[int | None] = Counter()
    for promise in Promise.objects.select_related("ticket").filter(state__in=["kept", "broken"]):
        ticket = promise.ticket
        settled = promise.settled_at or promise.due_at or promise.created_at
        if in_scope(ticket, scope, query) and query.start <= day(settled, zone) <= query.end:
            key = ticket.queue_id if group == "queue" else ticket.assignee_id
            (kept if promise.state == "kept" else broken)[key] += 1
    return {key: (kept[key], broken[key]) for key in set(kept) | set(broken)}


def promise_row(name: str, kept: int, broken: int) -> list[object]:
    return [name, kept, broken, percent_text(kept, kept + broken)]


def deflection(query: ReportQuery, zone: str) -> list[list[object]]:
    forms: dict[str, list[DeflectionEvent]] = {}
    for event in DeflectionEvent.objects.all():
        forms.setdefault(event.form_id, []).append(event)
    counts: dict[date, Counter[str]] = {}
    for events in forms.values():
        first = day(min(e.created_at for e in events), zone)
        if not query.start <= first <= query.end:
            continue
        kinds = {e.kind for e in events}
        counter = counts.setdefault(query.period_of(first), Counter())
        counter["shown"] += "shown" in kinds
        counter["opened"] += "opened" in kinds
        counter["not_submitted"] += "opened" in kinds and "submitted" not in kinds
    return [
        [p.isoformat(), *(counts.get(p, Counter())[f] for f in ("shown", "opened", "not_submitted"))]
        for p in query.periods
    ]


def last_days(days: int, today: date) -> tuple[date, date]:
    return today - timedelta(days=days - 1), today
