import pytest
from django.core.exceptions import ValidationError

from tickets import services
from tickets.models import TicketEvent


@pytest.mark.django_db
def test_assign_to_an_agent_of_the_queue_and_back_to_nobody(desk, ticket):
    assert services.ticket_assign(ticket=ticket, agent=desk.agent_a, assignee_id=desk.agent_a.pk)
    ticket.refresh_from_db()
    assert ticket.assignee == desk.agent_a
    assert services.ticket_assign(ticket=ticket, agent=desk.agent_a, assignee_id=None)
    ticket.refresh_from_db()
    assert ticket.assignee is None
    values = list(ticket.events.filter(kind=TicketEvent.Kind.ASSIGNED).values_list("old_value", "new_value"))
    assert values == [("Unassigned", "Alice Agent"), ("Alice Agent", "Unassigned")]


@pytest.mark.django_db
def test_agent_outside_the_queue_cannot_be_assigned(desk, ticket):
    with pytest.raises(ValidationError, match="works in this ticket's queue"):
        services.ticket_assign(ticket=ticket, agent=desk.agent_a, assignee_id=desk.agent_b.pk)
    ticket.refresh_from_db()
    assert ticket.assignee is None
    assert not ticket.events.exists()


@pytest.mark.django_db
def test_reassigning_the_same_agent_is_not_a_change(desk, ticket):
    services.ticket_assign(ticket=ticket, agent=desk.agent_a, assignee_id=desk.agent_a.pk)
    assert not services.ticket_assign(ticket=ticket, agent=desk.agent_a, assignee_id=desk.agent_a.pk)
    assert ticket.events.count() == 1
