import pytest

from tests.factories import TicketFactory
from tickets import services
from tickets.links import link_token
from tickets.models import OutboundEmail, Ticket


@pytest.mark.django_db
def test_resend_sends_the_working_links_of_open_tickets_and_rotates_nothing(desk, ticket):
    closed = TicketFactory(queue=desk.queue_a, customer=ticket.customer, status=Ticket.Status.CLOSED)
    old_token = link_token(ticket)
    assert services.links_resend(email=ticket.customer.email.upper()) == 1
    ticket.refresh_from_db()
    assert link_token(ticket) == old_token  # anyone may ask: it must not break the customer's links
    email = OutboundEmail.objects.get()
    assert email.kind == "links" and email.context == {"ticket_ids": [ticket.pk]}
    assert ticket.events.filter(kind="link_resent").count() == 1
    assert not closed.events.exists()


@pytest.mark.django_db
def test_unknown_address_sends_nothing(desk):
    assert services.links_resend(email="nobody@example.com") == 0
    assert not OutboundEmail.objects.exists()


@pytest.mark.django_db
def test_one_address_gets_at_most_the_hourly_cap_of_link_emails(desk, ticket, settings, time_machine):
    settings.LINKS_PER_RECIPIENT_PER_HOUR = 2
    time_machine.move_to("2026-11-30 10:00Z")
    for _ in range(5):  # someone who knows the address asks again and again
        services.links_resend(email=ticket.customer.email)
    assert OutboundEmail.objects.filter(kind="links").count() == 2
    time_machine.move_to("2026-11-30 11:01Z")  # an hour later the customer can ask again
    assert services.links_resend(email=ticket.customer.email) == 1
    assert OutboundEmail.objects.filter(kind="links").count() == 3
