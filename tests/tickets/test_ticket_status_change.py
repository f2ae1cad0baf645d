import pytest
from django.core.exceptions import ValidationError

from tickets import services
from tickets.models import Ticket, TicketEvent


@pytest.mark.django_db
def test_status_change_records_who_and_what(desk, ticket):
    assert services.ticket_status_change(ticket=ticket, agent=desk.agent_a, status="resolved")
    ticket.refresh_from_db()
    assert ticket.status == "resolved" and ticket.resolved_at is not None
    event = ticket.events.get()
    assert (event.kind, event.actor, event.old_value, event.new_value) == (
        TicketEvent.Kind.STATUS_CHANGED,
        desk.agent_a,
        "New",
        "Resolved",
    )


@pytest.mark.django_db
def test_same_status_is_not_a_change(desk, ticket):
    assert not services.ticket_status_change(ticket=ticket, agent=desk.agent_a, status="new")
    assert not ticket.events.exists()


@pytest.mark.django_db
def test_closing_stamps_closed_at_and_closed_is_final(desk, ticket):
    services.ticket_status_change(ticket=ticket, agent=desk.agent_a, status="closed")
    ticket.refresh_from_db()
    assert ticket.closed_at is not None
    with pytest.raises(ValidationError, match="can't become open"):
        services.ticket_status_change(ticket=ticket, agent=desk.agent_a, status="open")
    assert Ticket.objects.get(pk=ticket.pk).status == "closed"
    assert ticket.events.count() == 1


@pytest.mark.django_db
def test_reopening_a_resolved_ticket_clears_resolved_at(desk, ticket):
    services.ticket_status_change(ticket=ticket, agent=desk.agent_a, status="resolved")
    services.ticket_status_change(ticket=ticket, agent=desk.agent_a, status="open")
    ticket.refresh_from_db()
    assert ticket.resolved_at is None


@pytest.mark.django_db
def test_unknown_status_is_refused(desk, ticket):
    with pytest.raises(ValidationError):
        services.ticket_status_change(ticket=ticket, agent=desk.agent_a, status="archived")
