"""Ticket and promise facts: each changed ticket's report days and business-time durations.

A ticket's figures depend on the ticket row and its promises only, so a change is found by the
ticket's history (``TicketEvent``, append-only, every service writes one) and by ``updated_at``
(every service saves it), and refreshed for that ticket alone. Durations are in business time on
the queue's calendar (around the clock when it has none): first response from creation to the first
public reply, resolution from creation to solving (resolved, else closed). Facts are attributed to
the ticket's queue, assignee, kind and channel as they are at the refresh: a move or reassignment
refreshes the ticket, and so every day it counts on, to its new place.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from django.db.models.functions import Coalesce

from reporting import buckets
from reporting.days import day_of
from reporting.models import PromiseFact, TicketFact
from reporting.services.ticket_deltas import Deltas
from tickets.business_hours import Schedule, business_minutes_between
from tickets.models import Promise, Queue, Ticket
from tickets.models.ticket import OPEN_STATUSES

BATCH = 1000
SOLVED = (Ticket.Status.RESOLVED, Ticket.Status.CLOSED)
TICKET_FIELDS = (
    "id",
    "queue_id",
    "assignee_id",
    "kind",
    "channel",
    "status",
    "created_at",
    "first_response_at",
    "resolved_at",
    "closed_at",
)


def queue_schedules() -> dict[int, Schedule | None]:
    """Queue id -> its calendar's schedule, or None for around the clock (plain elapsed time)."""
    queues = Queue.objects.select_related("calendar").prefetch_related("calendar__opening_hours", "calendar__holidays")
    return {queue.pk: queue.calendar.schedule() if queue.calendar else None for queue in queues}


def business_seconds(schedule: Schedule | None, start: datetime, end: datetime) -> int:
    if end <= start:
        return 0
    if schedule is None:
        return round((end - start).total_seconds())
    return round(business_minutes_between(schedule, start, end) * 60)


def _ticket_fact(row: dict[str, Any], schedule: Schedule | None) -> TicketFact:
    fact = TicketFact(
        ticket_id=row["id"],
        queue_id=row["queue_id"],
        assignee_id=row["assignee_id"],
        kind=row["kind"],
        channel=row["channel"],
        created_day=day_of(row["created_at"]),
        is_open=row["status"] in OPEN_STATUSES,
    )
    if row["first_response_at"] is not None:
        fact.first_response_day = day_of(row["first_response_at"])
        fact.first_response_seconds = business_seconds(schedule, row["created_at"], row["first_response_at"])
        fact.first_response_bucket = buckets.bucket_of(fact.first_response_seconds)
    solved_at = row["resolved_at"] or row["closed_at"]
    if row["status"] in SOLVED and solved_at is not None:
        fact.solved_day = day_of(solved_at)
        fact.resolution_seconds = business_seconds(schedule, row["created_at"], solved_at)
        fact.resolution_bucket = buckets.bucket_of(fact.resolution_seconds)
    return fact


def _refresh_batch(ticket_ids: list[int], schedules: dict[int, Schedule | None], deltas: Deltas) -> None:
    for old in TicketFact.objects.filter(ticket_id__in=ticket_ids):
        deltas.ticket(old, -1)
    for old_promise in PromiseFact.objects.filter(ticket_id__in=ticket_ids):
        deltas.promise(old_promise, -1)
    tickets = {row["id"]: row for row in Ticket.objects.filter(pk__in=ticket_ids).order_by().values(*TICKET_FIELDS)}
    facts = [_ticket_fact(row, schedules.get(row["queue_id"])) for row in tickets.values()]
    settled = (
        Promise.objects.filter(ticket_id__in=ticket_ids, state__in=[Promise.State.KEPT, Promise.State.BROKEN])
        .order_by()
        .values_list("id", "ticket_id", "state", Coalesce("settled_at", "due_at", "created_at"))
    )
    promise_facts = []
    for promise_id, ticket_id, state, at in settled:
        ticket = tickets[ticket_id]
        promise_facts.append(
            PromiseFact(
                promise_id=promise_id,
                ticket_id=ticket_id,
                day=day_of(at),
                kept=state == Promise.State.KEPT,
                queue_id=ticket["queue_id"],
                assignee_id=ticket["assignee_id"],
                kind=ticket["kind"],
                channel=ticket["channel"],
            )
        )
    TicketFact.objects.filter(ticket_id__in=ticket_ids).delete()
    PromiseFact.objects.filter(ticket_id__in=ticket_ids).delete()
    TicketFact.objects.bulk_create(facts, batch_size=BATCH)
    PromiseFact.objects.bulk_create(promise_facts, batch_size=BATCH)
    for fact in facts:
        deltas.ticket(fact, +1)
    for promise_fact in promise_facts:
        deltas.promise(promise_fact, +1)


def _chunks(ids: Iterable[int], size: int) -> Iterator[list[int]]:
    chunk: list[int] = []
    for ticket_id in ids:
        chunk.append(ticket_id)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def facts_refresh(ticket_ids: Iterable[int]) -> Deltas:
    """Recompute the facts of these tickets; returns what that changes in the daily rows."""
    schedules = queue_schedules()
    deltas = Deltas()
    for chunk in _chunks(sorted(set(ticket_ids)), BATCH):
        _refresh_batch(chunk, schedules, deltas)
    return deltas


def facts_refresh_all() -> None:
    """Every ticket's facts, in id order, batch by batch (the backfill rebuilds the days after)."""
    schedules = queue_schedules()
    last = 0
    while True:
        chunk = list(Ticket.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not chunk:
            break
        _refresh_batch(chunk, schedules, Deltas())
        last = chunk[-1]
