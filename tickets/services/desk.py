"""What agents do to a ticket: reply, add notes, change status, priority and assignee.

Callers pass a ticket the agent may see (``selectors.ticket_get_for_agent``); each
function re-reads it under a row lock so two agents acting at once don't lose a change.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from tickets.models import Message, OutboundEmail, Ticket, TicketEvent
from tickets.models.agent import agents
from tickets.services.common import attachments_save, text_required, ticket_save
from tickets.services.events import event_record
from tickets.services.outbox import outbox_enqueue
from tickets.services.portal import BODY_MAX
from tickets.services.promises import promise_on_public_reply
from tickets.services.search_index import search_refresh
from tickets.services.status import STATUS_FIELDS, status_apply


def _locked(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().select_related("customer").get(pk=ticket.pk)


def agent_reply_post(
    *,
    ticket: Ticket,
    agent: User,
    body: str,
    internal: bool = False,
    status_after: str | None = None,
    files: list[UploadedFile[bytes]] | None = None,
    next_due_at: datetime | None = None,
) -> Message:
    """A public reply (emailed to the customer) or an internal note (never shown to them).

    A public reply keeps the pending promise (or fulfils a broken one late) and makes the
    next: ``next_due_at`` when the agent chose one, else the policy's next-update interval.
    """
    body = text_required(body, "body", "a reply" if not internal else "a note", BODY_MAX)
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.status == Ticket.Status.CLOSED and not internal:
            raise ValidationError({"body": "This ticket is closed; add an internal note instead."})
        now = timezone.now()
        message = Message.objects.create(
            ticket=ticket,
            visibility=Message.Visibility.NOTE if internal else Message.Visibility.PUBLIC,
            author_kind=Message.Author.AGENT,
            author_user=agent,
            body=body,
            created_at=now,
        )
        attachments_save(message=message, files=files or [], at=now)
        search_refresh([ticket.pk])
        if internal:
            event_record(ticket=ticket, kind=TicketEvent.Kind.NOTE_ADDED, at=now, actor=agent)
        else:
            event_record(ticket=ticket, kind=TicketEvent.Kind.AGENT_REPLIED, at=now, actor=agent)
            if ticket.first_response_at is None:
                ticket.first_response_at = now
            target = status_after or (Ticket.Status.OPEN if ticket.status == Ticket.Status.NEW else None)
            promise_on_public_reply(
                ticket=ticket, agent=agent, at=now, next_due_at=next_due_at, status_after=target or ticket.status
            )
            if target:
                status_apply(ticket=ticket, status=target, at=now, actor=agent)
            outbox_enqueue(
                key=f"reply:{message.pk}",
                kind=OutboundEmail.Kind.AGENT_REPLY,
                ticket=ticket,
                customer=ticket.customer,
                message=message,
            )
        if internal and status_after:
            status_apply(ticket=ticket, status=status_after, at=now, actor=agent)
        ticket.updated_at = now
        ticket_save(ticket, "first_response_at", *STATUS_FIELDS)
    return message


def ticket_status_change(*, ticket: Ticket, agent: User, status: str) -> bool:
    if status not in Ticket.Status.values:
        raise ValidationError({"status": "Choose a status from the list."})
    with transaction.atomic():
        ticket = _locked(ticket)
        now = timezone.now()
        changed = status_apply(ticket=ticket, status=status, at=now, actor=agent)
        if changed:
            ticket.updated_at = now
            ticket_save(ticket, *STATUS_FIELDS)
    return changed


def ticket_priority_change(*, ticket: Ticket, agent: User, priority: int) -> bool:
    if priority not in Ticket.Priority.values:
        raise ValidationError({"priority": "Choose a priority from the list."})
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.priority == priority:
            return False
        now = timezone.now()
        event_record(
            ticket=ticket,
            kind=TicketEvent.Kind.PRIORITY_CHANGED,
            at=now,
            actor=agent,
            old=ticket.get_priority_display(),
            new=Ticket.Priority(priority).label,
        )
        ticket.priority = priority
        ticket.updated_at = now
        ticket_save(ticket, "priority")
    return True


def _display(user: User | None) -> str:
    if user is None:
        return "Unassigned"
    return user.get_full_name() or user.get_username()


def ticket_assign(*, ticket: Ticket, agent: User, assignee_id: int | None) -> bool:
    """Give the ticket to an agent of its queue (or to nobody)."""
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.assignee_id == assignee_id:
            return False
        assignee = None
        if assignee_id is not None:
            assignee = agents().of_queue(ticket.queue_id).filter(pk=assignee_id).first()
            if assignee is None:
                raise ValidationError({"assignee": "Pick an agent who works in this ticket's queue."})
        now = timezone.now()
        event_record(
            ticket=ticket,
            kind=TicketEvent.Kind.ASSIGNED,
            at=now,
            actor=agent,
            old=_display(ticket.assignee),
            new=_display(assignee),
        )
        ticket.assignee = assignee
        ticket.updated_at = now
        ticket_save(ticket, "assignee")
    return True


def ticket_update(*, ticket: Ticket, agent: User, status: str, priority: int, assignee_id: int | None) -> bool:
    """The desk's "Change" form: all three changes land together or none does."""
    with transaction.atomic():
        changed = [
            ticket_status_change(ticket=ticket, agent=agent, status=status),
            ticket_priority_change(ticket=ticket, agent=agent, priority=priority),
            ticket_assign(ticket=ticket, agent=agent, assignee_id=assignee_id),
        ]
    return any(changed)
