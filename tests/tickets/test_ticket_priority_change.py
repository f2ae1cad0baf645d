import pytest
from django.core.exceptions import ValidationError

from tickets import services
from tickets.models import Ticket


@pytest.mark.django_db
def test_priority_change_is_recorded(desk, ticket):
    assert services.ticket_priority_change(ticket=ticket, agent=desk.agent_a, priority=Ticket.Priority.URGENT)
    ticket.refresh_from_db()
    assert ticket.priority == Ticket.Priority.URGENT
    event = ticket.events.get()
    assert (event.kind, event.old_value, event.new_value) == ("priority_changed", "Normal", "Urgent")


@pytest.mark.django_db
def test_unknown_priority_is_refused(desk, ticket):
    with pytest.raises(ValidationError):
        services.ticket_priority_change(ticket=ticket, agent=desk.agent_a, priority=99)
    assert not ticket.events.exists()
