"""The ticket's history: one row per thing that happened.

Which way in a write came through is recorded on each of its events (``TicketEvent.via``): a way
in other than the desk's pages and the portal (the REST API) wraps its call to a service in
``events_via``, and every event the service writes, down to the promise bookkeeping, carries it.
The services themselves take no extra argument, so each keeps today's behaviour.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.contrib.auth.models import User

from tickets.models import Ticket, TicketEvent

_VIA: ContextVar[tuple[str, str]] = ContextVar("event_via", default=("", ""))
_DEFERRED: ContextVar[list[TicketEvent] | None] = ContextVar("events_deferred", default=None)


@contextmanager
def events_via(*, via: str, label: str = "") -> Iterator[None]:
    """Every event written inside the block records ``via`` (a ``TicketEvent.Via``) and ``label``."""
    reset = _VIA.set((via, label[:100]))
    try:
        yield
    finally:
        _VIA.reset(reset)


@contextmanager
def events_deferred() -> Iterator[None]:
    """Inside the block ``event_record`` only collects its events; they are written in one INSERT,
    in the order they were recorded, when the block ends without an exception (a block inside
    another joins the outer one). For a service that records several events in one transaction:
    one statement instead of one per event. Use it inside the transaction, so the events commit
    with the rest; their ids are set when they are written, not when recorded."""
    if _DEFERRED.get() is not None:
        yield
        return
    pending: list[TicketEvent] = []
    reset = _DEFERRED.set(pending)
    try:
        yield
    finally:
        _DEFERRED.reset(reset)
    events_record(pending)  # not reached when the block raised: the transaction rolls back anyway


def event_build(
    *,
    ticket: Ticket,
    kind: str,
    at: datetime,
    actor: User | None = None,
    by_customer: bool = False,
    old: str = "",
    new: str = "",
) -> TicketEvent:
    """An event not yet saved: for ``events_record``, which writes many in one statement."""
    via, via_label = _VIA.get()
    return TicketEvent(
        ticket=ticket,
        kind=kind,
        actor=actor,
        actor_is_customer=by_customer,
        old_value=old[:200],
        new_value=new[:200],
        created_at=at,
        via=via,
        via_label=via_label,
    )


def event_record(
    *,
    ticket: Ticket,
    kind: str,
    at: datetime,
    actor: User | None = None,
    by_customer: bool = False,
    old: str = "",
    new: str = "",
) -> TicketEvent:
    event = event_build(ticket=ticket, kind=kind, at=at, actor=actor, by_customer=by_customer, old=old, new=new)
    deferred = _DEFERRED.get()
    if deferred is not None:
        deferred.append(event)  # written when the ``events_deferred`` block ends
    else:
        event.save()
    return event


def events_record(events: list[TicketEvent]) -> None:
    """Write ``events`` (from ``event_build``) in one INSERT, in list order (inside an
    ``events_deferred`` block: with the block's others, keeping the order they were recorded in)."""
    deferred = _DEFERRED.get()
    if deferred is not None:
        deferred.extend(events)
    else:
        TicketEvent.objects.bulk_create(events)
