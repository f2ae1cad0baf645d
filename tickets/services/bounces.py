"""Bounces: an email of ours that a mail server refused, told to the desk, never to the customer.

Mail intake (``mail.services``) reads the delivery report and finds the ticket and outbox row it
concerns; this module records it. A report is a machine's message, so it never becomes customer
text: it is an event on the ticket (agents see it in the timeline), it does not count as the
customer's answer, changes no status and sends nothing. A permanent failure (5.x.x) flags the
customer's address as bouncing, for agents to see wherever the customer appears; a delay or a
temporary failure (4.x.x) is recorded and flags nothing. The flag clears when the customer
writes in again from that address, or when an agent clears it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction

from tickets.models import Customer, OutboundEmail, Ticket, TicketEvent
from tickets.services.events import event_record

REASON_MAX = 200


@dataclass(frozen=True)
class DeliveryFailure:
    address: str  # the recipient the report names
    permanent: bool  # refused for good (5.x.x); else delayed or a temporary failure (4.x.x)
    detail: str  # the receiving server's answer, for agents: "550 5.1.1 user unknown"


def email_bounce_record(
    *, ticket: Ticket | None, email: OutboundEmail | None, failures: list[DeliveryFailure], at: datetime
) -> Customer | None:
    """Record a delivery report about ``email`` (an outbox row) or ``ticket``; returns the customer
    it flagged as bouncing, if any.

    Only the ticket's own customer can be flagged, and only for a permanent failure of their
    address (the one the report names, or the one the bounced row was sent to): a report never
    flags a stranger. The row is marked Bounced if it was sent (a delay only notes the report).
    """
    ticket = ticket if ticket is not None else (email.ticket if email is not None else None)
    flagged: Customer | None = None
    with transaction.atomic():
        for failure in failures:
            if ticket is not None:
                kind = TicketEvent.Kind.EMAIL_BOUNCED if failure.permanent else TicketEvent.Kind.EMAIL_DELAYED
                event_record(ticket=ticket, kind=kind, at=at, new=f"{failure.address}: {failure.detail}")
            if email is not None:
                _outbox_mark(email, failure)
            addresses = {failure.address.lower()} | ({email.to_email.lower()} if email is not None else set())
            if failure.permanent and ticket is not None and ticket.customer.email.lower() in addresses:
                flagged = _flag(ticket.customer, failure.detail, at)
    return flagged


def _outbox_mark(email: OutboundEmail, failure: DeliveryFailure) -> None:
    word = "Bounced" if failure.permanent else "Delayed"
    report = f"{word}: {failure.address}: {failure.detail}"[:250]
    rows = OutboundEmail.objects.filter(pk=email.pk)
    if failure.permanent:
        rows.filter(status=OutboundEmail.Status.SENT).update(status=OutboundEmail.Status.BOUNCED)
    elif rows.filter(status=OutboundEmail.Status.BOUNCED).exists():
        return  # a late delay report does not hide that it bounced
    rows.update(delivery_report=report)


def _flag(customer: Customer, reason: str, at: datetime) -> Customer:
    """Bouncing since the first failure; the reason is the latest one."""
    Customer.objects.filter(pk=customer.pk, email_bouncing_since__isnull=True).update(email_bouncing_since=at)
    Customer.objects.filter(pk=customer.pk).update(email_bounce_reason=reason[:REASON_MAX])
    customer.refresh_from_db(fields=["email_bouncing_since", "email_bounce_reason"])
    return customer


def customer_bounce_clear(
    *,
    customer: Customer,
    at: datetime,
    ticket: Ticket | None = None,
    agent: User | None = None,
    by_customer: bool = False,
) -> bool:
    """Stop flagging ``customer``'s address as bouncing. True if it was flagged (and is no more).

    Called when the customer writes in again from that address (``by_customer``) and when an agent
    clears it (``agent``); the event goes on ``ticket``, where it happened. Clearing an address
    that is not flagged does nothing, so two agents clicking at once record it once.
    """
    with transaction.atomic():
        cleared = Customer.objects.filter(pk=customer.pk, email_bouncing_since__isnull=False).update(
            email_bouncing_since=None, email_bounce_reason=""
        )
        if cleared and ticket is not None:
            how = f"{customer.email} wrote in" if by_customer else customer.email
            event_record(
                ticket=ticket,
                kind=TicketEvent.Kind.BOUNCE_CLEARED,
                at=at,
                actor=agent,
                by_customer=by_customer,
                new=how,
            )
    customer.email_bouncing_since, customer.email_bounce_reason = None, ""
    return bool(cleared)
