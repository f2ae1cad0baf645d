"""What agents do to a ticket: reply, add notes, change status, priority and assignee.

Callers pass a ticket the agent may see (``selectors.ticket_get_for_agent``); each
function re-reads it under a row lock so two agents acting at once don't lose a change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from tickets.conversation import conversation_check
from tickets.models import Message, OutboundEmail, Promise, Ticket, TicketEvent
from tickets.models.agent import agents
from tickets.selectors import promise_pending
from tickets.services.common import attachments_save, person_label, text_required, ticket_save
from tickets.services.copies import CopyChoice, reply_copies_send
from tickets.services.events import event_record, events_deferred
from tickets.services.mentions import note_mentions_notify
from tickets.services.outbox import outbox_enqueue
from tickets.services.portal import BODY_MAX
from tickets.services.promises import promise_on_public_reply
from tickets.services.search_index import search_refresh
from tickets.services.status import STATUS_FIELDS, status_apply, status_apply_many, status_check


def _locked(ticket: Ticket) -> Ticket:
    # NO KEY UPDATE: rows that merely reference the ticket (the sweep's events and notices) don't wait on it.
    return Ticket.objects.select_for_update(no_key=True, of=("self",)).select_related("customer").get(pk=ticket.pk)


@dataclass(frozen=True)
class Replied:
    message: Message
    promise: Promise | None  # the ticket's pending promise after the reply (None: none pending)


def agent_reply_post(
    *,
    ticket: Ticket,
    agent: User,
    body: str,
    internal: bool = False,
    status_after: str | None = None,
    files: list[UploadedFile[bytes]] | None = None,
    next_due_at: datetime | None = None,
    copies: CopyChoice | None = None,
    seen_event_id: int | None = None,
) -> Message:
    """A public reply (emailed to the customer) or an internal note (never shown to them).

    A public reply keeps the pending promise (or fulfils a broken one late) and makes the
    next: ``next_due_at`` when the agent chose one, else the policy's next-update interval.
    It is also copied to the addresses the customer copied that the agent keeps ticked
    (``copies``; None: as last chosen for this ticket), each a separate email without the
    private link (``tickets.services.copies``). A note ignores ``copies``.
    ``seen_event_id`` is the ticket's newest event when the agent's page was loaded: if the
    conversation changed since, ``ConversationChanged`` is raised and nothing is written. The
    check runs under the ticket's row lock, so of two agents sending at once the second is asked
    (tickets/conversation.py). A note notifies the agents it @mentions (tickets/mentions.py).
    A public reply to an unassigned ticket also assigns it to the agent (``_assign_on_reply``).
    """
    return agent_reply_write(
        ticket=ticket,
        agent=agent,
        body=body,
        internal=internal,
        status_after=status_after,
        files=files,
        next_due_at=next_due_at,
        copies=copies,
        seen_event_id=seen_event_id,
    ).message


def agent_reply_write(
    *,
    ticket: Ticket,
    agent: User,
    body: str,
    internal: bool = False,
    status_after: str | None = None,
    files: list[UploadedFile[bytes]] | None = None,
    next_due_at: datetime | None = None,
    copies: CopyChoice | None = None,
    seen_event_id: int | None = None,
) -> Replied:
    """``agent_reply_post``, also returning the promise pending after it (the desk says what was promised).

    Its events are written in one INSERT, and the ticket's row in one UPDATE at the end (the new
    promise's due time included)."""
    body = text_required(body, "body", "a reply" if not internal else "a note", BODY_MAX)
    promise: Promise | None = None
    with transaction.atomic(), events_deferred():
        ticket = _locked(ticket)
        if seen_event_id is not None:
            conversation_check(ticket=ticket, seen_event_id=seen_event_id, viewer=agent)
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
            note_mentions_notify(message=message, at=now)
        else:
            event_record(ticket=ticket, kind=TicketEvent.Kind.AGENT_REPLIED, at=now, actor=agent)
            _assign_on_reply(ticket, agent, now)
            if ticket.first_response_at is None:
                ticket.first_response_at = now
            target = status_after or (Ticket.Status.OPEN if ticket.status == Ticket.Status.NEW else None)
            promise = promise_on_public_reply(
                ticket=ticket,
                agent=agent,
                at=now,
                next_due_at=next_due_at,
                status_after=target or ticket.status,
                write_due=False,  # saved with the rest of the row below
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
            reply_copies_send(ticket=ticket, message=message, choice=copies)
        if internal and status_after:
            status_apply(ticket=ticket, status=status_after, at=now, actor=agent)
        ticket.updated_at = now
        ticket_save(ticket, "first_response_at", "assignee", "next_due_at", *STATUS_FIELDS)
        if internal:
            promise = promise_pending(ticket)
    return Replied(message=message, promise=promise)


def _assign_on_reply(ticket: Ticket, agent: User, at: datetime) -> None:
    """A public reply to an unassigned ticket makes it the replying agent's (``ASSIGN_ON_REPLY``, on
    by default), when they work its queue; recorded like any assignment. The caller saves it."""
    if not settings.ASSIGN_ON_REPLY or ticket.assignee_id is not None:
        return
    if not agents().of_queue(ticket.queue_id).filter(pk=agent.pk).exists():
        return  # e.g. a superuser answering in a queue they are not in: left for the queue to take
    event_record(
        ticket=ticket, kind=TicketEvent.Kind.ASSIGNED, at=at, actor=agent, old="Unassigned", new=person_label(agent)
    )
    ticket.assignee = agent


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


def tickets_status_change(*, ticket_ids: list[int], agent: User, status: str) -> dict[int, bool | str]:
    """``ticket_status_change`` for many tickets in one transaction (a bulk job's batch): the
    same table, events and promise bookkeeping (``status_apply_many``), a handful of statements
    for the lot. Per ticket id: True (changed), False (had that status), or why it was refused.
    Ids the caller may not see must not be passed; ids of no ticket are left out of the result."""
    if status not in Ticket.Status.values:
        raise ValidationError({"status": "Choose a status from the list."})
    outcomes: dict[int, bool | str] = {}
    with transaction.atomic():
        # The resolution joined: a complaint's "no resolution, no solve" check costs no query per ticket.
        rows = Ticket.objects.select_for_update(no_key=True, of=("self",)).select_related("customer", "resolution")
        moving = []
        for ticket in rows.filter(pk__in=ticket_ids).order_by("pk"):
            try:
                outcomes[ticket.pk] = status_check(ticket, status)
            except ValidationError as exc:
                outcomes[ticket.pk] = exc.messages[0]
            if outcomes[ticket.pk] is True:
                moving.append(ticket)
        if moving:
            now = timezone.now()
            status_apply_many(tickets=moving, status=status, at=now, actor=agent)
            for ticket in moving:
                ticket.updated_at = now
            Ticket.objects.bulk_update(moving, [*STATUS_FIELDS, "updated_at"])
    return outcomes


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
            old=person_label(ticket.assignee),
            new=person_label(assignee),
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
