""" "Take it" and assign-on-reply: an unassigned ticket becomes the agent's, recorded as an event."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import UserFactory
from tickets import services
from tickets.models import TicketEvent
from tickets.services.triage import ticket_take

pytestmark = pytest.mark.django_db


def assigned(ticket) -> list[tuple[str, str, str]]:
    events = ticket.events.filter(kind=TicketEvent.Kind.ASSIGNED).order_by("id")
    return list(events.values_list("old_value", "new_value", "actor__username"))


def test_take_it_makes_an_unassigned_ticket_yours(desk, ticket):
    assert ticket_take(ticket=ticket, agent=desk.agent_a)
    ticket.refresh_from_db()
    assert ticket.assignee == desk.agent_a
    assert assigned(ticket) == [("Unassigned", "Alice Agent", "alice")]
    assert not ticket_take(ticket=ticket, agent=desk.agent_a)  # already yours: nothing more recorded
    assert len(assigned(ticket)) == 1


def test_a_second_agent_is_told_who_took_it_first(desk, ticket):
    carl = UserFactory(username="carl", first_name="Carl", last_name="Clerk")
    desk.queue_a.agents.add(carl)
    ticket_take(ticket=ticket, agent=carl)
    with pytest.raises(ValidationError, match="Carl Clerk has already taken this ticket"):
        ticket_take(ticket=ticket, agent=desk.agent_a)
    ticket.refresh_from_db()
    assert ticket.assignee == carl


def test_only_an_agent_of_the_queue_can_take_it(desk, ticket):
    with pytest.raises(ValidationError, match="Only agents of the Billing queue"):
        ticket_take(ticket=ticket, agent=desk.admin)  # sees every ticket, works in no queue
    ticket.refresh_from_db()
    assert ticket.assignee is None and not ticket.events.exists()


def test_a_public_reply_to_an_unassigned_ticket_assigns_the_replying_agent(desk, ticket):
    services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="On it")
    ticket.refresh_from_db()
    assert ticket.assignee == desk.agent_a
    assert assigned(ticket) == [("Unassigned", "Alice Agent", "alice")]


def test_a_note_a_taken_ticket_and_an_outsider_assign_nobody(desk, ticket):
    services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="Hmm", internal=True)
    services.agent_reply_post(ticket=ticket, agent=desk.admin, body="Answered by the admin")
    ticket.refresh_from_db()
    assert ticket.assignee is None and not assigned(ticket)
    carl = UserFactory(username="carl")
    desk.queue_a.agents.add(carl)
    ticket_take(ticket=ticket, agent=carl)
    services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="Helping Carl")
    ticket.refresh_from_db()
    assert ticket.assignee == carl


def test_assign_on_reply_can_be_switched_off(desk, ticket, settings):
    settings.ASSIGN_ON_REPLY = False
    services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="On it")
    ticket.refresh_from_db()
    assert ticket.assignee is None and not assigned(ticket)
