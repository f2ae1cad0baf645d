"""The ticket's status: which status may follow which (``TRANSITIONS``), and the one function
that moves a ticket and records the change (``status_apply``)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from tickets.models import Ticket, TicketEvent
from tickets.services.events import event_record
from tickets.services.promises import promise_on_status

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
    if status == ticket.status:
        return False
    if status not in TRANSITIONS[ticket.status]:
        raise ValidationError(
            {"status": f"A {ticket.get_status_display().lower()} ticket can't become {Status(status).label.lower()}."}
        )
    old_label = ticket.get_status_display()
    old_status = ticket.status
    ticket.status = status
    if status == Status.RESOLVED:
        ticket.resolved_at = at
    elif status == Status.CLOSED:
        ticket.closed_at = at
    elif status == Status.OPEN:
        ticket.resolved_at = None
    event_record(
        ticket=ticket,
        kind=TicketEvent.Kind.STATUS_CHANGED,
        at=at,
        actor=actor,
        by_customer=by_customer,
        old=old_label,
        new=Status(status).label,
    )
    promise_on_status(ticket=ticket, old=old_status, new=status, at=at, actor=actor, by_customer=by_customer)
    return True
