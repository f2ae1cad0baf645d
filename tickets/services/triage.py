"""Triage on one ticket: move it to another queue or correct its kind (the promise follows), take it,
tag it, link it to related tickets, follow it. Merging is in ``tickets.services.merge``.

Callers pass tickets the agent may see (``selectors.ticket_get_for_agent``): that is the rule for
moving *from* a queue. Moving *into* a queue the agent is not in is allowed (that is what triage
is for); afterwards they no longer see the ticket.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from tickets.models import Queue, Tag, Ticket, TicketEvent, TicketFollower, TicketLink, TicketTag
from tickets.models.agent import agents
from tickets.services.common import person_label, ticket_save
from tickets.services.events import event_record
from tickets.services.promises import Replanned, promise_replan
from tickets.tags import NAME_MAX, NAME_PATTERN, split_tag_names

TAGS_PER_TICKET = 20


def _locked(ticket: Ticket) -> Ticket:
    rows = Ticket.objects.select_for_update(no_key=True, of=("self",)).select_related("customer", "queue", "assignee")
    return rows.get(pk=ticket.pk)


# --- Move and correct the kind ---------------------------------------------------------------------


@dataclass(frozen=True)
class Triaged:
    changed: bool
    queue: Queue
    replanned: Replanned


def ticket_triage(*, ticket: Ticket, agent: User, queue_id: int, kind: str) -> Triaged:
    """Move the ticket to ``queue_id`` and/or correct its ``kind``: one event per change, the last
    saying what became of the pending promise (``promise_replan``, docs/promises.md "Moves").

    An assignee who is not an agent of the new queue is unassigned (they could no longer open it).
    """
    if kind not in Ticket.Kind.values:
        raise ValidationError({"kind": "Choose a kind from the list."})
    queue = Queue.objects.filter(pk=queue_id).first()
    if queue is None:
        raise ValidationError({"queue": "Choose a queue from the list."})
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.queue_id == queue.pk and ticket.kind == kind:
            return Triaged(changed=False, queue=queue, replanned=Replanned(effect=""))
        now = timezone.now()
        events = []
        if ticket.queue_id != queue.pk:
            events.append(_event(ticket, TicketEvent.Kind.QUEUE_CHANGED, now, agent, ticket.queue.name, queue.name))
            ticket.queue = queue
            _unassign_outsider(ticket, agent, now)
        if ticket.kind != kind:
            old, new = ticket.get_kind_display(), Ticket.Kind(kind).label
            events.append(_event(ticket, TicketEvent.Kind.KIND_CHANGED, now, agent, old, new))
            ticket.kind = kind
        ticket.updated_at = now
        ticket_save(ticket, "queue", "kind", "assignee")
        replanned = promise_replan(ticket=ticket, at=now, actor=agent)
        last = events[-1]
        last.promise_effect, last.due_at = replanned.effect, replanned.due_at
        last.save(update_fields=["promise_effect", "due_at"])
    return Triaged(changed=True, queue=queue, replanned=replanned)


def _event(ticket: Ticket, kind: str, at: datetime, agent: User, old: str, new: str) -> TicketEvent:
    return event_record(ticket=ticket, kind=kind, at=at, actor=agent, old=old, new=new)


def _unassign_outsider(ticket: Ticket, agent: User, at: datetime) -> None:
    assignee = ticket.assignee
    if assignee is None or agents().of_queue(ticket.queue_id).filter(pk=assignee.pk).exists():
        return
    event_record(
        ticket=ticket, kind=TicketEvent.Kind.ASSIGNED, at=at, actor=agent, old=person_label(assignee), new="Unassigned"
    )
    ticket.assignee = None


# --- Take it ------------------------------------------------------------------------------------------


def ticket_take(*, ticket: Ticket, agent: User) -> bool:
    """ "Take it": an unassigned ticket becomes the agent's. Compare-and-set under the row lock, so
    of two agents pressing it at once one gets it and the other is told who did."""
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.assignee_id == agent.pk:
            return False
        if ticket.assignee is not None:
            raise ValidationError({"assignee": f"{person_label(ticket.assignee)} has already taken this ticket."})
        if not agents().of_queue(ticket.queue_id).filter(pk=agent.pk).exists():
            raise ValidationError({"assignee": f"Only agents of the {ticket.queue.name} queue can take its tickets."})
        now = timezone.now()
        label = person_label(agent)
        event_record(ticket=ticket, kind=TicketEvent.Kind.ASSIGNED, at=now, actor=agent, old="Unassigned", new=label)
        ticket.assignee = agent
        ticket.updated_at = now
        ticket_save(ticket, "assignee")
    return True


# --- Tags -----------------------------------------------------------------------------------------------


def tag_name_check(name: str) -> None:
    """Refuse a tag name that is too long or uses other characters (``ValidationError`` on ``tags``)."""
    if len(name) > NAME_MAX:
        raise ValidationError({"tags": f"Keep each tag under {NAME_MAX} characters (“{name[:20]}…” is longer)."})
    if not NAME_PATTERN.match(name):
        raise ValidationError({"tags": f"“{name}”: use letters, digits, spaces and - _ . & + / # only."})


def tag_get_or_create(name: str, at: datetime) -> Tag:
    """The tag called ``name`` whatever its case, made (grey) on first use; safe against a race."""
    existing = Tag.objects.annotate(lname=Lower("name")).filter(lname=name.lower()).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Tag.objects.create(name=name, created_at=at)
    except IntegrityError:  # another agent made it a moment ago
        return Tag.objects.annotate(lname=Lower("name")).get(lname=name.lower())


def ticket_tags_change(*, ticket: Ticket, agent: User, add: str = "", remove: list[int] | None = None) -> int:
    """Add the comma-separated tag names in ``add`` and take off the tags with ids in ``remove``.

    One event per tag added or removed; returns how many changes there were. A tag already on
    the ticket (or not on it) changes nothing.
    """
    names = split_tag_names(add)
    for name in names:
        tag_name_check(name)
    with transaction.atomic():
        ticket = _locked(ticket)
        now = timezone.now()
        changes = 0
        for link in TicketTag.objects.filter(ticket=ticket, tag_id__in=remove or []).select_related("tag"):
            link.delete()
            event_record(ticket=ticket, kind=TicketEvent.Kind.TAG_REMOVED, at=now, actor=agent, new=link.tag.name)
            changes += 1
        on_ticket = TicketTag.objects.filter(ticket=ticket).count()
        for name in names:
            tag = tag_get_or_create(name, now)
            if TicketTag.objects.filter(ticket=ticket, tag=tag).exists():
                continue
            if on_ticket >= TAGS_PER_TICKET:
                raise ValidationError({"tags": f"A ticket can carry at most {TAGS_PER_TICKET} tags."})
            TicketTag.objects.create(ticket=ticket, tag=tag, created_at=now)
            event_record(ticket=ticket, kind=TicketEvent.Kind.TAG_ADDED, at=now, actor=agent, new=tag.name)
            on_ticket += 1
            changes += 1
        if changes:
            ticket.updated_at = now
            ticket_save(ticket)
    return changes


# --- Links between related tickets -------------------------------------------------------------------


def ticket_link(*, ticket: Ticket, other: Ticket, agent: User) -> bool:
    """Link two tickets the agent can see (the caller looked both up for them); shown on both."""
    if ticket.pk == other.pk:
        raise ValidationError({"reference": "A ticket can't be linked to itself."})
    low, high = sorted((ticket.pk, other.pk))
    with transaction.atomic():
        _, created = TicketLink.objects.get_or_create(
            low_id=low, high_id=high, defaults={"created_by": agent, "created_at": timezone.now()}
        )
        if created:
            _link_events(TicketEvent.Kind.LINKED, ticket, other, agent)
    return created


def ticket_unlink(*, ticket: Ticket, other: Ticket, agent: User) -> bool:
    low, high = sorted((ticket.pk, other.pk))
    with transaction.atomic():
        deleted, _ = TicketLink.objects.filter(low_id=low, high_id=high).delete()
        if deleted:
            _link_events(TicketEvent.Kind.UNLINKED, ticket, other, agent)
    return bool(deleted)


def _link_events(kind: str, ticket: Ticket, other: Ticket, agent: User) -> None:
    now = timezone.now()
    event_record(ticket=ticket, kind=kind, at=now, actor=agent, new=other.reference)
    event_record(ticket=other, kind=kind, at=now, actor=agent, new=ticket.reference)


# --- Follow ---------------------------------------------------------------------------------------------


def ticket_follow(*, ticket: Ticket, user: User, follow: bool) -> bool:
    """Follow (or stop following) a ticket: followers hear of the customer's replies. Returns
    whether anything changed; following twice is once."""
    if follow:
        _, created = TicketFollower.objects.get_or_create(
            ticket=ticket, user=user, defaults={"created_at": timezone.now()}
        )
        return created
    deleted, _ = TicketFollower.objects.filter(ticket=ticket, user=user).delete()
    return bool(deleted)
