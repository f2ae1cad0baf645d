"""The dispatcher: new history rows become deliveries, once each, in a constant number of queries.

It reads three append-only tables past a stored cursor each (``DispatchCursor``): the ticket
history (``TicketEvent``: ticket.created, ticket.updated, promise.broken), the conversation
(``Message``: message.created) and the agents' notices (``Notice`` of kind reminder:
promise.reminder, one per promise however many agents were reminded). Signals would not do:
services write history with ``bulk_create``, which sends none.

Each run, in one transaction: lock the cursors, read up to ``batch`` rows of each table past
its cursor, write one ``WebhookDelivery`` per (active endpoint that wants it, source row) with
``ignore_conflicts`` on the unique (endpoint, source), and move the cursors. Running it twice,
or twice at once, never writes a delivery twice.

Id gaps. Ids are handed out when a row is inserted, but rows become visible when their
transaction commits, which may be out of order: row 11 can be readable while row 10's
transaction is still running. A cursor that jumped to 11 would never see 10. So a cursor moves
only over rows whose ids follow on without a gap, or over rows older than
``WEBHOOKS_SETTLE_SECONDS`` (60 s): by then a transaction that held a lower id has committed or
rolled back (a rollback leaves a gap for ever, which is why waiting has to end). Rows past a gap
are delivered at once all the same (their deliveries exist, the unique constraint keeps re-reads
harmless); only the cursor waits. A transaction that takes longer than the settle time to commit
would have its rows missed: the desk's transactions take milliseconds to a few seconds.
Endpoints get the events of the time they are active: a new endpoint gets no history.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tickets.models import Message, Notice, Promise, TicketEvent
from webhooks import payloads
from webhooks.events import EventType, event_type_for
from webhooks.models import DispatchCursor, WebhookDelivery, WebhookEndpoint

SOURCES = ("events", "messages", "reminders")
TICKET_RELATED = ("ticket__queue", "ticket__customer", "ticket__assignee")


@dataclass(frozen=True)
class _Owed:
    """One event, before it is multiplied by the endpoints that want it."""

    source: str
    event_type: str
    ticket_id: int
    created_at: datetime
    payload: payloads.Payload
    is_note: bool = False


def webhooks_dispatch(*, batch: int = 500) -> int:
    """Write the deliveries owed for up to ``batch`` new rows of each source; returns how many it wrote."""
    now = timezone.now()
    settled_before = now - timedelta(seconds=settings.WEBHOOKS_SETTLE_SECONDS)
    with transaction.atomic():
        cursors = _lock_cursors()
        endpoints = list(WebhookEndpoint.objects.filter(active=True).order_by("pk"))
        owed: list[_Owed] = []
        moved: dict[str, int] = {}
        for name, read in (("events", _read_events), ("messages", _read_messages), ("reminders", _read_reminders)):
            rows, found = read(after=cursors[name].last_id, batch=batch, wanted=bool(endpoints))
            owed.extend(found)
            last_id = _advance(cursors[name].last_id, rows, settled_before)
            if last_id != cursors[name].last_id:
                moved[name] = last_id
        deliveries = _new_only(_deliveries(owed, endpoints, now))
        # ignore_conflicts still: a dispatcher that raced past the cursor lock (none should) writes nothing twice.
        WebhookDelivery.objects.bulk_create(deliveries, batch_size=500, ignore_conflicts=True)
        for name, last_id in moved.items():
            DispatchCursor.objects.filter(name=name).update(last_id=last_id, updated_at=now)
    return len(deliveries)


def _new_only(deliveries: list[WebhookDelivery]) -> list[WebhookDelivery]:
    """Leave out the deliveries an earlier run wrote (rows read again past a gap): one query."""
    if not deliveries:
        return []
    written = set(
        WebhookDelivery.objects.filter(source__in={d.source for d in deliveries}).values_list("endpoint_id", "source")
    )
    return [d for d in deliveries if (d.endpoint_id, d.source) not in written]


def _lock_cursors() -> dict[str, DispatchCursor]:
    cursors = {c.name: c for c in DispatchCursor.objects.select_for_update().filter(name__in=SOURCES)}
    if len(cursors) < len(SOURCES):  # the migration writes them; a flushed test database does not
        DispatchCursor.objects.bulk_create(
            [DispatchCursor(name=name) for name in SOURCES if name not in cursors], ignore_conflicts=True
        )
        cursors = {c.name: c for c in DispatchCursor.objects.select_for_update().filter(name__in=SOURCES)}
    return cursors


def _advance(last_id: int, rows: Iterable[tuple[int, datetime]], settled_before: datetime) -> int:
    """The new cursor: over rows that follow on without a gap, or that are old enough (module docstring)."""
    for pk, created_at in rows:
        if pk != last_id + 1 and created_at > settled_before:
            break
        last_id = pk
    return last_id


Read = tuple[list[tuple[int, datetime]], list[_Owed]]


def _read_events(*, after: int, batch: int, wanted: bool) -> Read:
    rows = TicketEvent.objects.filter(pk__gt=after).order_by("pk")
    if not wanted:
        return list(rows.values_list("pk", "created_at")[:batch]), []
    events = list(rows.select_related(*TICKET_RELATED)[:batch])
    broken = _broken_promises([e.ticket_id for e in events if e.kind == TicketEvent.Kind.PROMISE_BROKEN])
    owed = []
    for event in events:
        event_type = event_type_for(event.kind)
        if event_type is None:
            continue
        promise = _promise_broken_by(broken.get(event.ticket_id, []), event.created_at)
        owed.append(
            _Owed(
                source=f"event:{event.pk}",
                event_type=event_type,
                ticket_id=event.ticket_id,
                created_at=event.created_at,
                payload=payloads.event_payload(event, event_type, broken=promise),
            )
        )
    return [(e.pk, e.created_at) for e in events], owed


def _broken_promises(ticket_ids: list[int]) -> dict[int, list[Promise]]:
    """The broken promises of these tickets, latest due first: one query, none when there are no ids."""
    found: dict[int, list[Promise]] = defaultdict(list)
    if ticket_ids:
        for promise in Promise.objects.filter(ticket_id__in=ticket_ids, state=Promise.State.BROKEN).order_by(
            "ticket_id", "-due_at", "-pk"
        ):
            found[promise.ticket_id].append(promise)
    return found


def _promise_broken_by(promises: list[Promise], at: datetime) -> Promise | None:
    """The promise a "promise broken" event at ``at`` speaks of: the latest one due by then."""
    for promise in promises:
        if promise.due_at is not None and promise.due_at <= at:
            return promise
    return promises[0] if promises else None


def _read_messages(*, after: int, batch: int, wanted: bool) -> Read:
    rows = Message.objects.filter(pk__gt=after).order_by("pk")
    if not wanted:
        return list(rows.values_list("pk", "created_at")[:batch]), []
    messages = list(rows.select_related(*TICKET_RELATED)[:batch])
    owed = [
        _Owed(
            source=f"message:{m.pk}",
            event_type=EventType.MESSAGE_CREATED,
            ticket_id=m.ticket_id,
            created_at=m.created_at,
            payload=payloads.message_payload(m),
            is_note=m.is_note,
        )
        for m in messages
    ]
    return [(m.pk, m.created_at) for m in messages], owed


def _read_reminders(*, after: int, batch: int, wanted: bool) -> Read:
    rows = Notice.objects.filter(pk__gt=after).order_by("pk")
    if not wanted:
        return list(rows.values_list("pk", "created_at")[:batch]), []
    notices = list(rows.select_related("promise", *TICKET_RELATED)[:batch])
    owed = []
    seen: set[int] = set()
    for notice in notices:
        if notice.kind != Notice.Kind.REMINDER or notice.promise_id is None or notice.promise_id in seen:
            continue
        seen.add(notice.promise_id)  # one per promise, however many agents were reminded
        owed.append(
            _Owed(
                source=f"reminder:{notice.promise_id}",
                event_type=EventType.PROMISE_REMINDER,
                ticket_id=notice.ticket_id,
                created_at=notice.created_at,
                payload=payloads.reminder_payload(notice),
            )
        )
    return [(n.pk, n.created_at) for n in notices], owed


def _deliveries(owed: list[_Owed], endpoints: list[WebhookEndpoint], now: datetime) -> list[WebhookDelivery]:
    """One delivery per endpoint that wants each event, in the order things happened (ids follow it)."""
    # At the same moment, a ticket's creation before its first message, before anything else.
    rank = {"event": 0, "message": 1, "reminder": 2}
    owed.sort(key=lambda o: (o.created_at, rank[o.source.split(":", 1)[0]]))
    return [
        WebhookDelivery(
            endpoint=endpoint,
            webhook_id=f"msg_{uuid.uuid4().hex}",
            source=item.source,
            event_type=item.event_type,
            ticket_id=item.ticket_id,
            payload=item.payload,
            next_attempt_at=now,
            created_at=now,
        )
        for item in owed
        for endpoint in endpoints
        if endpoint.wants(item.event_type) and (not item.is_note or endpoint.include_notes)
    ]
