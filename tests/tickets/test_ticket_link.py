"""Related tickets: linked once, shown on both, each agent sees only the links into their queues."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import TicketFactory
from tickets.models import TicketEvent, TicketLink
from tickets.selectors_triage import related_tickets_for_agent
from tickets.services.triage import ticket_link, ticket_unlink

pytestmark = pytest.mark.django_db


def test_a_link_shows_on_both_tickets_once_whichever_way_it_was_made(desk, ticket):
    other = TicketFactory(queue=desk.queue_a)
    assert ticket_link(ticket=other, other=ticket, agent=desk.agent_a)
    assert not ticket_link(ticket=ticket, other=other, agent=desk.agent_a)
    assert TicketLink.objects.count() == 1
    assert list(related_tickets_for_agent(user=desk.agent_a, ticket=ticket)) == [other]
    assert list(related_tickets_for_agent(user=desk.agent_a, ticket=other)) == [ticket]
    assert ticket.events.get(kind=TicketEvent.Kind.LINKED).new_value == other.reference
    assert other.events.get(kind=TicketEvent.Kind.LINKED).new_value == ticket.reference


def test_unlinking_removes_it_from_both(desk, ticket):
    other = TicketFactory(queue=desk.queue_a)
    ticket_link(ticket=ticket, other=other, agent=desk.agent_a)
    assert ticket_unlink(ticket=other, other=ticket, agent=desk.agent_a)
    assert not ticket_unlink(ticket=other, other=ticket, agent=desk.agent_a)
    assert not list(related_tickets_for_agent(user=desk.agent_a, ticket=ticket))
    assert other.events.filter(kind=TicketEvent.Kind.UNLINKED).count() == 1


def test_a_ticket_cannot_be_linked_to_itself(desk, ticket):
    with pytest.raises(ValidationError, match="linked to itself"):
        ticket_link(ticket=ticket, other=ticket, agent=desk.agent_a)


def test_a_link_into_another_teams_queue_is_not_listed_for_those_outside_it(desk, ticket):
    theirs = TicketFactory(queue=desk.queue_b)
    ticket_link(ticket=ticket, other=theirs, agent=desk.admin)
    assert list(related_tickets_for_agent(user=desk.admin, ticket=ticket)) == [theirs]
    assert not list(related_tickets_for_agent(user=desk.agent_a, ticket=ticket))
    assert not list(related_tickets_for_agent(user=desk.agent_b, ticket=theirs))
