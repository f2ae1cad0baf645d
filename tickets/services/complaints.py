"""Where a complaint lands at intake: the queue an admin ticked "Takes complaints" (at most one),
and that queue's team lead as its assignee (docs/care.md). Called by ``ticket_submit``."""

from __future__ import annotations

from datetime import datetime

from tickets.models import Queue, Ticket, TicketEvent
from tickets.models.agent import agents
from tickets.services.common import person_label
from tickets.services.events import event_record


def complaints_queue() -> Queue | None:
    """The queue every complaint lands in, when an admin ticked one (``Queue.takes_complaints``)."""
    return Queue.objects.select_related("team_lead").filter(takes_complaints=True).first()


def complaint_to_lead(ticket: Ticket, at: datetime) -> None:
    """A complaint in the complaints queue goes to its team lead, recorded as an assignment, when
    the lead works that queue (as any assignee must); the acknowledgement names the lead either
    way (``tickets.emails.complaint_owner``). The caller saves the ticket."""
    lead = ticket.queue.team_lead
    if not ticket.queue.takes_complaints or lead is None:
        return
    if not agents().of_queue(ticket.queue_id).filter(pk=lead.pk).exists():
        return
    ticket.assignee = lead
    event_record(ticket=ticket, kind=TicketEvent.Kind.ASSIGNED, at=at, old="Unassigned", new=person_label(lead))
