import pytest

from tests.factories import TicketFactory
from tickets import services
from tickets.links import link_token
from tickets.models import OutboundEmail, Ticket


@pytest.mark.django_db
def test_resend_rotates_links_of_open_tickets_only(desk, ticket):
    closed = TicketFactory(queue=desk.queue_a, customer=ticket.customer, status=Ticket.Status.CLOSED)
    old_token = link_token(ticket)
    old_closed_salt = closed.link_salt
    assert services.links_resend(email=ticket.customer.email.upper()) == 1
    ticket.refresh_from_db()
    closed.refresh_from_db()
    assert link_token(ticket) != old_token
    assert closed.link_salt == old_closed_salt
    email = OutboundEmail.objects.get()
    assert email.kind == "links" and email.context == {"ticket_ids": [ticket.pk]}
    assert ticket.events.filter(kind="link_resent").count() == 1


@pytest.mark.django_db
def test_unknown_address_sends_nothing(desk):
    assert services.links_resend(email="nobody@example.com") == 0
    assert not OutboundEmail.objects.exists()
