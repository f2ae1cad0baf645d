import pytest
from django.core.exceptions import ValidationError

from tickets import services
from tickets.models import OutboundEmail, Ticket, TicketEvent


def kinds(ticket):
    return list(ticket.events.values_list("kind", flat=True))


@pytest.mark.django_db
def test_public_reply_is_first_response_opens_ticket_and_owes_an_email(desk, ticket):
    message = services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="We're on it.")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    assert ticket.first_response_at == message.created_at
    assert kinds(ticket) == [
        TicketEvent.Kind.AGENT_REPLIED,
        TicketEvent.Kind.ASSIGNED,  # an unassigned ticket is the replying agent's now (ASSIGN_ON_REPLY)
        TicketEvent.Kind.PROMISE_MADE,  # the next update, from the default problem policy
        TicketEvent.Kind.STATUS_CHANGED,
    ]
    email = OutboundEmail.objects.get()
    assert (email.kind, email.message_id, email.to_email) == ("reply", message.pk, ticket.customer.email)


@pytest.mark.django_db
def test_first_response_time_is_kept_on_later_replies(desk, ticket):
    first = services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="One")
    services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="Two")
    ticket.refresh_from_db()
    assert ticket.first_response_at == first.created_at
    assert OutboundEmail.objects.count() == 2


@pytest.mark.django_db
def test_internal_note_owes_no_email_and_is_not_a_first_response(desk, ticket):
    note = services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="Customer is VIP", internal=True)
    ticket.refresh_from_db()
    assert note.is_note
    assert ticket.first_response_at is None
    assert ticket.status == Ticket.Status.NEW
    assert kinds(ticket) == [TicketEvent.Kind.NOTE_ADDED]
    assert not OutboundEmail.objects.exists()


@pytest.mark.django_db
def test_reply_can_set_waiting_on_customer(desk, ticket):
    services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="Which browser?", status_after="waiting")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.WAITING


@pytest.mark.django_db
def test_public_reply_to_closed_ticket_is_refused_and_writes_nothing(desk, ticket):
    services.ticket_status_change(ticket=ticket, agent=desk.agent_a, status="closed")
    events_before = ticket.events.count()
    with pytest.raises(ValidationError, match="closed"):
        services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="Hello?")
    assert ticket.messages.count() == 0
    assert ticket.events.count() == events_before
    assert not OutboundEmail.objects.exists()


@pytest.mark.django_db
def test_empty_reply_is_refused(desk, ticket):
    with pytest.raises(ValidationError) as error:
        services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="   ")
    assert "body" in error.value.message_dict
