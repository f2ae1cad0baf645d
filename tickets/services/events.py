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


@contextmanager
def events_via(*, via: str, label: str = "") -> Iterator[None]:
    """Every event written inside the block records ``via`` (a ``TicketEvent.Via``) and ``label``."""
    reset = _VIA.set((via, label[:100]))
    try:
        yield
    finally:
        _VIA.reset(reset)


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
    event.save()
    return event


def events_record(events: list[TicketEvent]) -> None:
    """Write ``events`` (from ``event_build``) in one INSERT, in list order."""
    TicketEvent.objects.bulk_create(events)
