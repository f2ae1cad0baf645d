"""Merge a duplicate into another ticket of the same customer.

One transaction, both tickets row-locked in id order (so two agents merging A into B and B into A
at once queue up instead of deadlocking, and the second finds its ticket closed and stops):

- the duplicate's messages and attachments move to the target, keeping their times, each message
  marked "from HD-1001" (``Message.merged_from``; one moved twice keeps its first origin);
- the duplicate's pending promise ends (recorded as broken if already overdue: a merge never
  hides a broken promise); the target keeps its own, so no pending promise is left behind;
- the duplicate is closed with a pointer to the target (``Ticket.merged_into``); its followers
  follow the target;
- the customer is told once: one outbox row keyed ``merged:<duplicate id>``, sent after commit.

docs/promises.md ("Merges") states the promise rule; the desk and the portal follow the pointer.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tickets.models import Attachment, Message, OutboundEmail, Ticket, TicketEvent, TicketFollower
from tickets.services.common import ticket_save
from tickets.services.events import event_record
from tickets.services.outbox import outbox_enqueue
from tickets.services.promises import mark_overdue_broken, promise_pending_locked
from tickets.services.search_index import search_refresh
from tickets.services.status import STATUS_FIELDS, status_apply


@dataclass(frozen=True)
class Merged:
    source: Ticket
    target: Ticket
    messages: int


def merge_refusal(source: Ticket, target: Ticket) -> str | None:
    """Why ``source`` can't be merged into ``target`` (None: it can). Checked again under the locks."""
    if source.pk == target.pk:
        return "A ticket can't be merged into itself."
    if source.customer_id != target.customer_id:
        return f"{target.reference} belongs to another customer: only one customer's requests can be merged."
    if source.merged_into_id is not None:
        return f"{source.reference} was already merged into {Ticket.reference_for(source.merged_into_id)}."
    if source.status == Ticket.Status.CLOSED:
        return f"{source.reference} is closed, so it can't be merged."
    if target.merged_into_id is not None:
        return f"{target.reference} was itself merged into {Ticket.reference_for(target.merged_into_id)}."
    if target.status in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED):
        state = target.get_status_display().lower()
        return f"{target.reference} is {state}: reopen it first, or merge it into this one."
    return None


def ticket_merge(*, source: Ticket, target: Ticket, agent: User) -> Merged:
    """Merge ``source`` (the duplicate) into ``target``; both must be tickets the agent can see."""
    with transaction.atomic():
        # Both rows locked in id order: the ORDER BY is applied below PostgreSQL's LockRows, so every
        # merge (and every other writer that locks two tickets) takes the locks in the same order.
        rows = Ticket.objects.select_for_update(no_key=True, of=("self",)).select_related("customer")
        locked = {t.pk: t for t in rows.filter(pk__in={source.pk, target.pk}).order_by("pk")}
        source, target = locked[source.pk], locked[target.pk]
        refusal = merge_refusal(source, target)
        if refusal:
            raise ValidationError({"reference": refusal})
        now = timezone.now()
        current = promise_pending_locked(source)
        if current is not None:
            mark_overdue_broken(ticket=source, promise=current, at=now, actor=agent)
        Message.objects.filter(ticket=source, merged_from__isnull=True).update(merged_from=source)
        moved = Message.objects.filter(ticket=source).update(ticket=target)
        Attachment.objects.filter(ticket=source).update(ticket=target)
        followers = TicketFollower.objects.filter(ticket=source).values_list("user_id", flat=True)
        TicketFollower.objects.bulk_create(
            [TicketFollower(ticket=target, user_id=user_id, created_at=now) for user_id in followers],
            ignore_conflicts=True,
        )
        event_record(ticket=source, kind=TicketEvent.Kind.MERGED_INTO, at=now, actor=agent, new=target.reference)
        # Merged first: a duplicate's close is no solve (no follow-up, no complaint resolution needed).
        source.merged_into = target
        status_apply(ticket=source, status=Ticket.Status.CLOSED, at=now, actor=agent)  # ends its pending promise
        source.updated_at = now
        ticket_save(source, "merged_into", *STATUS_FIELDS)
        event_record(ticket=target, kind=TicketEvent.Kind.MERGED_FROM, at=now, actor=agent, new=source.reference)
        target.updated_at = now
        ticket_save(target)
        search_refresh([source.pk, target.pk])  # the moved messages are found under the target now
        outbox_enqueue(
            key=f"merged:{source.pk}",
            kind=OutboundEmail.Kind.MERGED,
            ticket=target,
            customer=target.customer,
            context={"merged_reference": source.reference, "merged_subject": source.subject},
        )
    return Merged(source=source, target=target, messages=moved)
