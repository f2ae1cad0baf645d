"""The customer closes the loop on a solved ticket, and solved tickets close by themselves.

- "Yes, this solved it" (``solved_confirm``): the ticket is closed at once, by the customer, and
  the solve's survey is asked for straight away (it would otherwise wait for the delay).
- "No, I still need help" (``solved_reopen``): the customer's words (or, when they wrote none,
  the words of the button) go through ``customer_write``, the one rule for a customer writing
  about a ticket: a recently solved ticket reopens with a fresh promise and the desk is told;
  one solved too long ago, or closed, gets a follow-up request.
- ``solved_auto_close``: beat closes tickets solved ``auto_close_days`` ago and not reopened,
  in batches, each batch one transaction; a second run finds them closed and does nothing.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from satisfaction.services.config import settings_get
from satisfaction.services.surveys import survey_for_solve
from tickets.models import Ticket, TicketEvent
from tickets.services.common import ticket_save
from tickets.services.events import event_record
from tickets.services.follow_up import Written, customer_write
from tickets.services.status import STATUS_FIELDS, status_apply, status_apply_many

STILL_NEED_HELP = "No, I still need help."
AUTO_CLOSE_BATCH = 200


def solved_confirm(*, ticket: Ticket) -> bool:
    """The customer says the solve worked: close it. False when it was closed already (a second
    click); a ticket that is open again can't be confirmed (ValidationError)."""
    survey_for_solve(ticket_id=ticket.pk)  # its own transaction, before the ticket's lock: lock order as the task
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update(no_key=True, of=("self",)).get(pk=ticket.pk)
        if ticket.status == Ticket.Status.CLOSED:
            return False
        if ticket.status != Ticket.Status.RESOLVED:
            raise ValidationError("This request is open again: we're still working on it.")
        now = timezone.now()
        event_record(ticket=ticket, kind=TicketEvent.Kind.CUSTOMER_CONFIRMED, at=now, by_customer=True)
        status_apply(ticket=ticket, status=Ticket.Status.CLOSED, at=now, by_customer=True)
        ticket.updated_at = now
        ticket_save(ticket, *STATUS_FIELDS)
    return True


def solved_reopen(*, ticket: Ticket, body: str = "") -> Written:
    """The customer still needs help: their message (or the button's words) goes onto the ticket,
    which reopens with a fresh promise, or into a follow-up when it no longer takes replies."""
    with transaction.atomic():
        was_solved = (
            Ticket.objects.select_for_update(no_key=True, of=("self",))
            .filter(pk=ticket.pk, status=Ticket.Status.RESOLVED)
            .exists()
        )
        written = customer_write(ticket=ticket, body=body.strip() or STILL_NEED_HELP)
        if was_solved and written.ticket.pk == ticket.pk:
            event_record(
                ticket=written.ticket, kind=TicketEvent.Kind.CUSTOMER_REOPENED, at=timezone.now(), by_customer=True
            )
    return written


def solved_auto_close(*, batch: int = AUTO_CLOSE_BATCH) -> int:
    """Close up to ``batch`` tickets solved ``auto_close_days`` ago or more. Returns how many."""
    cutoff = timezone.now() - timedelta(days=settings_get().auto_close_days)
    with transaction.atomic():
        tickets = list(
            Ticket.objects.select_for_update(no_key=True, skip_locked=True, of=("self",))
            .filter(status=Ticket.Status.RESOLVED, resolved_at__lte=cutoff)
            .order_by("resolved_at", "id")[:batch]
        )
        if not tickets:
            return 0
        now = timezone.now()
        status_apply_many(tickets=tickets, status=Ticket.Status.CLOSED, at=now)
        for ticket in tickets:
            ticket.updated_at = now
        Ticket.objects.bulk_update(tickets, [*STATUS_FIELDS, "updated_at"])
    return len(tickets)
