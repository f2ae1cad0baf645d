"""A customer whose address bounces, on the desk: the warning on the ticket page, the badge
wherever the customer appears, and the agent's "Clear" (POST /desk/t/<ref>/bounce/clear/)."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest

from tests.desk.test_page_desk_queue import QUEUE_QUERIES
from tests.desk.test_page_desk_ticket import TICKET_QUERIES, url
from tests.factories import TicketFactory
from tickets import services
from tickets.models import Customer, Ticket, TicketEvent
from tickets.services.bounces import DeliveryFailure
from tickets.sla_config import sla_config

pytestmark = pytest.mark.django_db
SINCE = datetime(2026, 11, 30, 10, 5, tzinfo=UTC)
WARNING = "Emails to {email} bounce: 550 5.1.1 user unknown"


def bounced(ticket: Ticket) -> Customer:
    failure = DeliveryFailure(address=ticket.customer.email, permanent=True, detail="550 5.1.1 user unknown")
    flagged = services.email_bounce_record(ticket=ticket, email=None, failures=[failure], at=SINCE)
    assert flagged is not None
    return flagged


def page(client, ticket: Ticket) -> str:
    response = client.get(url(ticket))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_agent_sees_that_the_customers_emails_bounce_and_since_when(desk, ticket, alice):
    assert "bounce" not in page(alice, ticket).lower()
    customer = bounced(ticket)
    content = page(alice, ticket)
    assert WARNING.format(email=customer.email) in content
    assert "(since Mon 30 Nov, 10:05)" in re.sub(r"<[^>]+>", "", content)  # the desk's zone is UTC in tests
    assert "Clear: the address works again" in content
    assert "email bounced" in content  # the report in the timeline
    assert 'class="badge text-bg-danger bounce-badge"' in content  # beside the address in the Customer card


def test_the_queue_and_the_bell_mark_the_customer_too(desk, ticket, alice):
    bounced(ticket)
    TicketFactory(queue=desk.queue_a, subject="Someone fine")
    queue = html.unescape(alice.get("/desk/").content.decode())
    assert queue.count("email bounces</span>") == 1
    assert (
        f'title="Emails to {ticket.customer.email} bounce: 550 5.1.1 user unknown (since 30 Nov 2026 10:05)"' in queue
    )


@pytest.mark.parametrize("rows", [1, 20])
def test_the_badge_costs_no_query(desk, alice, django_assert_max_num_queries, rows):
    for n in range(rows):
        bounced(TicketFactory(queue=desk.queue_a, subject=f"Ticket {n}"))
    with django_assert_max_num_queries(QUEUE_QUERIES):
        content = alice.get("/desk/").content.decode()
    assert content.count("email bounces</span>") == rows
    sla_config()  # as after the process's first request
    with django_assert_max_num_queries(TICKET_QUERIES):
        page(alice, Ticket.objects.first())


def test_the_agent_clears_it_and_the_timeline_says_who(desk, ticket, alice):
    customer = bounced(ticket)
    response = alice.post(url(ticket, "bounce/clear"), follow=True)
    content = html.unescape(response.content.decode())
    assert f"Cleared: emails to {customer.email} are no longer flagged as bouncing." in content
    assert WARNING.format(email=customer.email) not in content
    customer.refresh_from_db()
    assert (customer.email_bouncing_since, customer.email_bounce_reason) == (None, "")
    event = ticket.events.get(kind=TicketEvent.Kind.BOUNCE_CLEARED)
    assert (event.actor, event.new_value) == (desk.agent_a, customer.email)
    again = html.unescape(alice.post(url(ticket, "bounce/clear"), follow=True).content.decode())
    assert f"Emails to {customer.email} were not flagged as bouncing." in again
    assert ticket.events.filter(kind=TicketEvent.Kind.BOUNCE_CLEARED).count() == 1


def test_an_agent_of_another_queue_cannot_clear_it(desk, ticket, bob, stranger):
    bounced(ticket)
    assert bob.post(url(ticket, "bounce/clear")).status_code == 404
    answer = stranger.post(url(ticket, "bounce/clear"))
    assert answer.status_code == 302 and "/desk/login/" in answer["Location"]
    assert Customer.objects.get(pk=ticket.customer_id).email_bouncing_since == SINCE


def test_clearing_needs_a_post(desk, ticket, alice):
    bounced(ticket)
    assert alice.get(url(ticket, "bounce/clear")).status_code == 405
    assert Customer.objects.get(pk=ticket.customer_id).email_bouncing_since == SINCE
