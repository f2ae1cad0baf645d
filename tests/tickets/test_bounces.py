"""email_bounce_record and customer_bounce_clear: what a delivery report does to the desk's records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from tests.factories import TicketFactory
from tickets import services
from tickets.models import Customer, OutboundEmail, Ticket, TicketEvent
from tickets.services.bounces import DeliveryFailure
from tickets.services.outbox import outbox_enqueue

pytestmark = pytest.mark.django_db
AT = datetime(2026, 11, 30, 10, 5, tzinfo=UTC)


def failure(address: str, *, permanent: bool = True, detail: str = "550 5.1.1 user unknown") -> DeliveryFailure:
    return DeliveryFailure(address=address, permanent=permanent, detail=detail)


def sent_reply(ticket: Ticket) -> OutboundEmail:
    email = outbox_enqueue(key=f"test:{ticket.pk}", kind=OutboundEmail.Kind.AGENT_REPLY, ticket=ticket,
                           customer=ticket.customer)  # fmt: skip
    OutboundEmail.objects.filter(pk=email.pk).update(status=OutboundEmail.Status.SENT)
    email.refresh_from_db()
    return email


def test_a_permanent_failure_flags_the_customer_once_keeping_the_first_date_and_the_latest_reason(ticket):
    address = ticket.customer.email
    services.email_bounce_record(ticket=ticket, email=None, failures=[failure(address)], at=AT)
    later = failure(address.upper(), detail="550 5.2.1 mailbox disabled")
    services.email_bounce_record(ticket=ticket, email=None, failures=[later], at=AT + timedelta(days=1))
    customer = Customer.objects.get(pk=ticket.customer_id)
    assert (customer.email_bouncing_since, customer.email_bounce_reason) == (AT, "550 5.2.1 mailbox disabled")
    assert ticket.events.filter(kind=TicketEvent.Kind.EMAIL_BOUNCED).count() == 2


def test_the_email_that_bounced_is_marked_and_a_later_delay_does_not_hide_it(ticket):
    email = sent_reply(ticket)
    services.email_bounce_record(ticket=None, email=email, failures=[failure(email.to_email)], at=AT)
    email.refresh_from_db()
    assert (email.status, email.delivery_report) == ("bounced", f"Bounced: {email.to_email}: 550 5.1.1 user unknown")
    late = failure(email.to_email, permanent=False, detail="4.4.1 timed out")
    services.email_bounce_record(ticket=None, email=email, failures=[late], at=AT)
    email.refresh_from_db()
    assert email.delivery_report.startswith("Bounced:")
    assert ticket.events.filter(kind=TicketEvent.Kind.EMAIL_DELAYED).count() == 1  # the ticket's ticket, from the row


def test_a_delay_or_a_temporary_failure_flags_nobody(ticket):
    services.email_bounce_record(
        ticket=ticket, email=None, failures=[failure(ticket.customer.email, permanent=False)], at=AT
    )
    assert Customer.objects.get(pk=ticket.customer_id).email_bouncing_since is None


def test_only_the_tickets_own_customer_can_be_flagged(desk, ticket):
    other = TicketFactory(queue=desk.queue_a)
    flagged = services.email_bounce_record(ticket=ticket, email=None, failures=[failure(other.customer.email)], at=AT)
    assert flagged is None
    assert not Customer.objects.filter(email_bouncing_since__isnull=False).exists()


def test_a_report_without_a_ticket_or_an_email_records_nothing(ticket):
    assert (
        services.email_bounce_record(ticket=None, email=None, failures=[failure(ticket.customer.email)], at=AT) is None
    )
    assert not TicketEvent.objects.filter(kind=TicketEvent.Kind.EMAIL_BOUNCED).exists()
    assert not Customer.objects.filter(email_bouncing_since__isnull=False).exists()


def test_clearing_an_address_that_is_not_flagged_does_nothing(ticket):
    assert not services.customer_bounce_clear(customer=ticket.customer, ticket=ticket, at=AT)
    assert not ticket.events.filter(kind=TicketEvent.Kind.BOUNCE_CLEARED).exists()


def test_the_admin_lists_bouncing_customers_and_clears_them(admin_client_, ticket):
    services.email_bounce_record(ticket=ticket, email=None, failures=[failure(ticket.customer.email)], at=AT)
    listing = admin_client_.get(reverse("admin:tickets_customer_changelist"), {"email_bouncing_since__isempty": "0"})
    assert ticket.customer.email in listing.content.decode()
    detail = admin_client_.get(reverse("admin:tickets_customer_change", args=[ticket.customer_id])).content.decode()
    assert "550 5.1.1 user unknown" in detail
    admin_client_.post(
        reverse("admin:tickets_customer_changelist"),
        {"action": "clear_bouncing", "_selected_action": [ticket.customer_id]},
    )
    assert Customer.objects.get(pk=ticket.customer_id).email_bouncing_since is None
