"""Praise: a customer's words marked by an agent as praise for whoever helped them.

The agent credited is the one whose public reply came last before the customer's message (the
person the customer was answering), else the ticket's assignee. A message is praised once. A
comment given with a satisfaction rating is marked with ``praise_record`` and its own words.
Praise shows on the credited agent's page and in the team's reports
(``tickets.selectors_care.praise_for_agent``, ``praise_by_agent``).
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tickets.models import Message, Praise, Ticket, TicketEvent
from tickets.services.common import person_label
from tickets.services.events import event_record


def _credited(ticket: Ticket, before: Message | None) -> User | None:
    replies = Message.objects.filter(
        ticket=ticket, author_kind=Message.Author.AGENT, visibility=Message.Visibility.PUBLIC, author_user__isnull=False
    )
    if before is not None:
        replies = replies.filter(created_at__lte=before.created_at, pk__lt=before.pk)
    last = replies.select_related("author_user").order_by("-created_at", "-id").first()
    return last.author_user if last is not None else ticket.assignee


def praise_record(
    *, ticket: Ticket, marked_by: User | None, message: Message | None = None, text: str = "", agent: User | None = None
) -> Praise:
    """Record praise on ``ticket``: a customer's ``message``, or a rating comment's ``text``.
    ``agent``: who is credited (default: as the module says)."""
    credited = agent or _credited(ticket, message)
    if credited is None:
        raise ValidationError("Nobody has answered this ticket yet, so there is no one to credit.")
    now = timezone.now()
    try:
        with transaction.atomic():
            praise = Praise.objects.create(
                ticket=ticket, message=message, text=text.strip(), agent=credited, marked_by=marked_by, created_at=now
            )
            event_record(
                ticket=ticket, kind=TicketEvent.Kind.PRAISE_MARKED, at=now, actor=marked_by, new=person_label(credited)
            )
    except IntegrityError:
        raise ValidationError("This message is already marked as praise.") from None
    return praise


def praise_mark(*, ticket: Ticket, message_id: int, marked_by: User) -> Praise:
    """An agent marks a customer's message on a ticket they may see as praise."""
    message = Message.objects.filter(
        pk=message_id, ticket=ticket, author_kind=Message.Author.CUSTOMER, visibility=Message.Visibility.PUBLIC
    ).first()
    if message is None:
        raise ValidationError("Only a customer's message on this ticket can be marked as praise.")
    return praise_record(ticket=ticket, marked_by=marked_by, message=message)
