import pytest
from django.core.exceptions import ValidationError

from tickets import services
from tickets.models import OutboundEmail, Ticket, TicketEvent


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["waiting", "resolved"])
def test_customer_reply_brings_the_ticket_back_to_open(desk, ticket, status):
    ticket.status = status
    ticket.save()
    services.customer_reply_post(ticket=ticket, body="Still broken, sorry")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    assert ticket.resolved_at is None
    kinds = list(ticket.events.values_list("kind", "actor_is_customer"))
    assert kinds == [
        (TicketEvent.Kind.CUSTOMER_REPLIED, True),
        (TicketEvent.Kind.STATUS_CHANGED, True),
        (TicketEvent.Kind.PROMISE_MADE, False),  # a fresh next-update promise from their reply
    ]
    # The customer isn't emailed about their own reply; the desk is told (tests/tickets/test_reply_notice.py).
    assert not OutboundEmail.objects.filter(to_email=ticket.customer.email).exists()
    assert not OutboundEmail.objects.exclude(kind=OutboundEmail.Kind.NOTICE).exists()


@pytest.mark.django_db
def test_customer_reply_to_a_new_ticket_keeps_it_new(desk, ticket):
    services.customer_reply_post(ticket=ticket, body="One more detail")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.NEW
    assert ticket.messages.get().author_kind == "customer"


@pytest.mark.django_db
def test_closed_ticket_takes_no_reply(desk, ticket):
    ticket.status = Ticket.Status.CLOSED
    ticket.save()
    with pytest.raises(ValidationError, match="new request"):
        services.customer_reply_post(ticket=ticket, body="Hello?")
    assert not ticket.messages.exists()


@pytest.mark.django_db
def test_an_email_reply_keeps_its_whole_text_beside_the_new_words(desk, ticket):
    whole = "Still broken.\n\nOn Mon, 30 Nov 2026 at 09:12, Support wrote:\n> Is it fixed?"
    message = services.customer_reply_post(ticket=ticket, body="Still broken.", full_body=whole)
    assert (message.body, message.full_body) == ("Still broken.", whole)
    untrimmed = services.customer_reply_post(ticket=ticket, body="Thanks", full_body="Thanks")
    assert untrimmed.full_body == ""
