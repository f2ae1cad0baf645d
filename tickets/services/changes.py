"""Several changes to a ticket as one, and the next-update promise set on its own.

For callers that send a ticket's new state in one request (the REST API's ``PATCH``): each change
is the same service the desk's cards call, and they all land together or none does (a refused
assignee leaves the status as it was).
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tickets.models import Promise, Ticket
from tickets.promise_text import pauses_when_waiting
from tickets.selectors import policy_for
from tickets.services.common import ticket_save
from tickets.services.desk import ticket_assign, ticket_priority_change, ticket_status_change
from tickets.services.promises import promise_make, validate_agent_due
from tickets.services.triage import ticket_triage

UNCHANGED = -1  # ``assignee_id``'s "leave it": None means unassign


def _locked(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update(no_key=True).select_related("customer", "queue").get(pk=ticket.pk)


def ticket_change(
    *,
    ticket: Ticket,
    agent: User,
    status: str | None = None,
    priority: int | None = None,
    assignee_id: int | None = UNCHANGED,
    queue_id: int | None = None,
    kind: str | None = None,
) -> bool:
    """Apply the given changes (None: leave it) in one transaction; True if anything changed.

    The move comes first, so an assignee is checked against the queue the ticket ends up in."""
    changed = False
    with transaction.atomic():
        if queue_id is not None or kind is not None:
            moved = ticket_triage(
                ticket=ticket, agent=agent, queue_id=queue_id or ticket.queue_id, kind=kind or ticket.kind
            )
            changed |= moved.changed
            ticket.refresh_from_db()
        if status is not None:
            changed |= ticket_status_change(ticket=ticket, agent=agent, status=status)
        if priority is not None:
            changed |= ticket_priority_change(ticket=ticket, agent=agent, priority=priority)
        if assignee_id != UNCHANGED:
            changed |= ticket_assign(ticket=ticket, agent=agent, assignee_id=assignee_id)
    return changed


def ticket_promise_set(*, ticket: Ticket, agent: User, due_at: datetime) -> Promise:
    """The agent promises the next update by ``due_at`` without writing to the customer: the pending
    promise is replaced (recorded as superseded), by the same rules as a reply's custom time
    (``validate_agent_due``: in the future, within a year; docs/promises.md)."""
    with transaction.atomic():
        ticket = _locked(ticket)
        now = timezone.now()
        validate_agent_due(due_at, now)
        if ticket.status in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED):
            raise ValidationError({"next_update_at": "This ticket is solved: there is no next update to promise."})
        policy = policy_for(ticket)
        if ticket.status == Ticket.Status.WAITING and pauses_when_waiting(policy):
            raise ValidationError(
                {"next_update_at": "The clock is paused while waiting on the customer: no update time is promised."}
            )
        promise = promise_make(
            ticket=ticket, kind=Promise.Kind.NEXT_UPDATE, due_at=due_at, at=now, policy=policy, agent=agent
        )
        ticket.updated_at = now
        ticket_save(ticket)
    return promise
