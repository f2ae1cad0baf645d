"""The ticket's history: one row per thing that happened."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User

from tickets.models import Ticket, TicketEvent


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
    return TicketEvent(
        ticket=ticket,
        kind=kind,
        actor=actor,
        actor_is_customer=by_customer,
        old_value=old[:200],
        new_value=new[:200],
        created_at=at,
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
