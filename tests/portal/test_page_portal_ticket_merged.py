"""A merged request's private link: it says where the conversation continues, without giving
away the other request's link; a reply sent through it still reaches us, in the other request."""

from __future__ import annotations

import html

import pytest

from tests.factories import MessageFactory, TicketFactory
from tickets.links import link_path, link_token
from tickets.services.merge import ticket_merge

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def merged(desk, ticket):
    ticket.customer.email = "dana@example.com"
    ticket.customer.save()
    MessageFactory(ticket=ticket, body="The first time I wrote")
    duplicate = TicketFactory(queue=desk.queue_a, customer=ticket.customer, subject="Printer again")
    MessageFactory(ticket=duplicate, body="Writing again about the printer")
    ticket_merge(source=duplicate, target=ticket, agent=desk.agent_a)
    return duplicate, ticket


def test_the_duplicates_link_says_where_it_continues_and_keeps_the_other_link_private(merged, client):
    duplicate, target = merged
    response = client.get(link_path(duplicate))
    assert response.status_code == 200
    page = text(response)
    assert f"This request continues in {target.reference}" in page
    assert "d***@example.com" in page and "dana@example.com" not in page
    assert link_token(target) not in page  # that link went to the customer's address only
    assert "Writing again about the printer" not in page  # it's in the other request now
    assert response["Referrer-Policy"] == "same-origin"
    assert "Send reply" not in page  # nothing to answer here: the conversation goes on in the other one


def test_the_target_shows_the_moved_messages_marked_with_where_they_came_from(merged, client):
    duplicate, target = merged
    page = text(client.get(link_path(target)))
    assert "Writing again about the printer" in page and f"(from {duplicate.reference})" in page


def test_a_reply_through_the_duplicates_link_joins_the_other_request(merged, client):
    duplicate, target = merged
    response = client.post(link_path(duplicate), {"body": "Any news?"}, follow=True)
    assert response.redirect_chain == [(link_path(duplicate), 302)]
    assert "Thanks, your reply has been added." in text(response)
    assert target.messages.filter(body="Any news?").exists() and not duplicate.messages.exists()
