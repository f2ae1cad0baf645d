"""Many emails owed at once, for the batch sender's and the queues' end-to-end tests: a customer
each and a "your ticket links" email each (the simplest email with a real template), written in
bulk as the outbox would hold them after a burst of requests."""

from __future__ import annotations

from django.core.mail.message import make_msgid
from django.utils import timezone

from tickets.models import Customer, OutboundEmail


def owe_emails(count: int, prefix: str = "customer") -> list[OutboundEmail]:
    now = timezone.now()
    customers = Customer.objects.bulk_create(
        [Customer(name=f"Customer {n}", email=f"{prefix}{n}@example.org", created_at=now) for n in range(count)],
        batch_size=1000,
    )
    return OutboundEmail.objects.bulk_create(
        [
            OutboundEmail(
                key=f"links:{prefix}:{customer.pk}",
                kind=OutboundEmail.Kind.TICKET_LINKS,
                customer=customer,
                to_email=customer.email,
                context={"ticket_ids": []},
                message_id_header=make_msgid(domain="desk.example"),
                next_attempt_at=now,
                created_at=now,
            )
            for customer in customers
        ],
        batch_size=1000,
    )
