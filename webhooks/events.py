"""The event types an endpoint can ask for, and which history rows become which."""

from __future__ import annotations

from django.db import models

from tickets.models import TicketEvent


class EventType(models.TextChoices):
    TICKET_CREATED = "ticket.created", "ticket.created: a ticket was opened"
    TICKET_UPDATED = "ticket.updated", "ticket.updated: status, priority, assignee, queue, kind, tags, links, merges"
    MESSAGE_CREATED = "message.created", "message.created: a public reply (internal notes if asked for)"
    PROMISE_REMINDER = "promise.reminder", "promise.reminder: a promise is due soon"
    PROMISE_BROKEN = "promise.broken", "promise.broken: a promise was not kept"
    CSAT_RECEIVED = "csat.received", "csat.received: a customer rated the help on a solved ticket"

# History rows that are a change of the ticket a receiver can see. The rest are covered by other
# types (created, replies and notes come from the messages themselves, the broken promise) or are
# bookkeeping no other system needs (links resent, acknowledgements held, bounces, promise clocks).
UPDATE_KINDS = frozenset(
    {
        TicketEvent.Kind.STATUS_CHANGED,
        TicketEvent.Kind.PRIORITY_CHANGED,
        TicketEvent.Kind.ASSIGNED,
        TicketEvent.Kind.QUEUE_CHANGED,
        TicketEvent.Kind.KIND_CHANGED,
        TicketEvent.Kind.TAG_ADDED,
        TicketEvent.Kind.TAG_REMOVED,
        TicketEvent.Kind.LINKED,
        TicketEvent.Kind.UNLINKED,
        TicketEvent.Kind.MERGED_INTO,
        TicketEvent.Kind.MERGED_FROM,
        TicketEvent.Kind.FOLLOWED_UP,
        TicketEvent.Kind.CUSTOMER_MERGED,
        TicketEvent.Kind.COPIED,
    }
)


def event_type_for(kind: str) -> EventType | None:
    """The webhook event a history row of ``kind`` is, or None when it is none."""
    if kind == TicketEvent.Kind.CREATED:
        return EventType.TICKET_CREATED
    if kind == TicketEvent.Kind.PROMISE_BROKEN:
        return EventType.PROMISE_BROKEN
    if kind == TicketEvent.Kind.RATED:
        return EventType.CSAT_RECEIVED
    if kind in UPDATE_KINDS:
        return EventType.TICKET_UPDATED
    return None
