"""A complaint's resolution: what went wrong and its root cause, recorded before it is solved.

The rule ("a complaint is not solved without a resolution") is checked by ``status_check``, which
every way of changing a status goes through (the desk's form, a bulk change, the API), at
**resolved** as well as closed: a complaint is solved when we tell the customer it is (resolved),
and closing it straight from open would otherwise slip past. A merged duplicate is exempt: it is
closed, not solved. Recording a resolution again replaces the note and the cause (the timeline
keeps each recording).
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tickets.models import ComplaintResolution, RootCause, Ticket, TicketEvent
from tickets.services.common import text_required
from tickets.services.events import event_record

NOTE_MAX = 5000
SOLVED = (Ticket.Status.RESOLVED, Ticket.Status.CLOSED)
REFUSAL = "A complaint can't be solved without its resolution: record what went wrong and its root cause first."


def resolution_refusal(ticket: Ticket, status: str) -> str:
    """Why ``ticket`` may not move to ``status`` for want of a resolution ("" when it may)."""
    if ticket.kind != Ticket.Kind.COMPLAINT or status not in SOLVED or ticket.status in SOLVED:
        return ""
    if ticket.merged_into_id is not None:
        return ""
    try:
        ticket.resolution  # noqa: B018 - read from select_related("resolution") when the caller joined it
    except ComplaintResolution.DoesNotExist:
        return REFUSAL
    return ""


def resolution_record(*, ticket: Ticket, agent: User, note: str, root_cause_id: int | None) -> ComplaintResolution:
    """Record (or replace) the complaint's resolution; the ticket is one the agent may see."""
    if ticket.kind != Ticket.Kind.COMPLAINT:
        raise ValidationError("Only a complaint takes a resolution.")
    note = text_required(note, "note", "what went wrong", NOTE_MAX)
    cause = RootCause.objects.filter(pk=root_cause_id, active=True).first() if root_cause_id else None
    if cause is None:
        raise ValidationError({"root_cause": "Choose the root cause from the list."})
    now = timezone.now()
    with transaction.atomic():
        Ticket.objects.select_for_update(no_key=True).filter(pk=ticket.pk).values_list("pk").first()
        resolution, _ = ComplaintResolution.objects.update_or_create(
            ticket=ticket,
            defaults={"note": note, "root_cause": cause, "recorded_by": agent},
            # The complaint's resolution counts on the day it was first recorded (the reports);
            # each later change is in the history with its own time.
            create_defaults={"note": note, "root_cause": cause, "recorded_by": agent, "recorded_at": now},
        )
        event_record(ticket=ticket, kind=TicketEvent.Kind.RESOLUTION_RECORDED, at=now, actor=agent, new=cause.name)
        ticket.updated_at = now
        ticket.save(update_fields=["updated_at"])
    return resolution
