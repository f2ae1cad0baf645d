"""The ticket's status: which status may follow which (``TRANSITIONS``), and the one function
that moves a ticket and records the change (``status_apply``, or ``status_apply_many`` for a batch)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from tickets.models import Ticket, TicketEvent
from tickets.services.check_ins import check_ins_on_status
from tickets.services.events import event_build, events_record
from tickets.services.promises import promises_on_status
from tickets.services.resolutions import resolution_refusal

Status = Ticket.Status
STATUS_FIELDS = ("status", "resolved_at", "closed_at")  # what status_apply may change on the ticket

# Which status may follow which. Closed is final: the customer opens a new request.
TRANSITIONS: dict[str, set[str]] = {
    Status.NEW: {Status.OPEN, Status.WAITING, Status.RESOLVED, Status.CLOSED},
    Status.OPEN: {Status.WAITING, Status.RESOLVED, Status.CLOSED},
    Status.WAITING: {Status.OPEN, Status.RESOLVED, Status.CLOSED},
    Status.RESOLVED: {Status.OPEN, Status.CLOSED},
    Status.CLOSED: set(),
}


def status_check(ticket: Ticket, status: str) -> bool:
    """Whether moving the ticket to ``status`` changes it (False: it has that status already);
    raises ``ValidationError`` when the table doesn't allow it, or a complaint has no resolution yet
    (``tickets.services.resolutions``)."""
    if status == ticket.status:
        return False
    if status not in TRANSITIONS[ticket.status]:
        raise ValidationError(
            {"status": f"A {ticket.get_status_display().lower()} ticket can't become {Status(status).label.lower()}."}
        )
    refusal = resolution_refusal(ticket, status)
    if refusal:
        raise ValidationError({"status": refusal})
    return True


def status_apply(
    *,
    ticket: Ticket,
    status: str,
    at: datetime,
    actor: User | None = None,
    by_customer: bool = False,
) -> bool:
    """Move the ticket to ``status`` if the table allows it; record the change.

    Returns False when the ticket already has that status. The caller saves ``STATUS_FIELDS``
    (with ``ticket_save``); the promise bookkeeping it triggers saves itself.
    """
    if not status_check(ticket, status):
        return False
    status_apply_many(tickets=[ticket], status=status, at=at, actor=actor, by_customer=by_customer)
    return True


def status_apply_many(
    *,
    tickets: list[Ticket],
    status: str,
    at: datetime,
    actor: User | None = None,
    by_customer: bool = False,
) -> None:
    """``status_apply`` for tickets each already passed by ``status_check``: their events written
    together, their promises kept in step together (a bulk job's batch, or one ticket)."""
    old = {ticket.pk: ticket.status for ticket in tickets}
    events = []
    for ticket in tickets:
        events.append(
            event_build(
                ticket=ticket,
                kind=TicketEvent.Kind.STATUS_CHANGED,
                at=at,
                actor=actor,
                by_customer=by_customer,
                old=ticket.get_status_display(),
                new=Status(status).label,
            )
        )
        ticket.status = status
        if status == Status.RESOLVED:
            ticket.resolved_at = at
        elif status == Status.CLOSED:
            ticket.closed_at = at
        elif status == Status.OPEN:
            ticket.resolved_at = None
    events_record(events)
    promises_on_status(tickets=tickets, old=old, new=status, at=at, actor=actor, by_customer=by_customer)
    check_ins_on_status(tickets=tickets, old=old, new=status, at=at)
