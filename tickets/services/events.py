"""The ticket's history: one row per thing that happened."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User

from tickets.models import Ticket, TicketEvent


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
    return TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor=actor,
        actor_is_customer=by_customer,
        old_value=old[:200],
        new_value=new[:200],
        created_at=at,
    )
