"""'Did this solve it?' on the private page and behind the solved email's links."""

from __future__ import annotations

import html

import pytest
from django.test import Client

from tests.satisfaction.helpers import solve
from tickets.links import link_path
from tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_private_page_asks_only_while_solved(desk, ticket):
    client = Client()
    assert "Did this solve it?" not in text(client.get(link_path(ticket)))
    solve(ticket, desk.agent_a)
    page = text(client.get(link_path(ticket)))
    assert "Did this solve it?" in page
    assert f'action="{link_path(ticket)}solved/"' in page and f'action="{link_path(ticket)}still-need-help/"' in page


def test_opening_the_emails_links_changes_nothing(desk, ticket, django_assert_max_num_queries):
    solve(ticket, desk.agent_a)
    client = Client()
    for suffix, words in (("solved/", "Yes, this solved it"), ("still-need-help/", "No, I still need help")):
        with django_assert_max_num_queries(4):
            response = client.get(link_path(ticket) + suffix)
        assert response.status_code == 200 and words in text(response)
        assert response["Referrer-Policy"] == "same-origin"
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.RESOLVED


def test_yes_closes_it_and_the_page_says_thanks(desk, ticket):
    solve(ticket, desk.agent_a)
    client = Client(enforce_csrf_checks=True)
    page = client.get(link_path(ticket))
    token = page.cookies["csrftoken"].value
    response = client.post(link_path(ticket) + "solved/", {"csrfmiddlewaretoken": token}, follow=True)
    assert "We've closed your request" in text(response)
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.CLOSED
    assert "Did this solve it?" not in text(response)


def test_yes_without_csrf_is_refused(desk, ticket):
    solve(ticket, desk.agent_a)
    response = Client(enforce_csrf_checks=True).post(link_path(ticket) + "solved/")
    assert response.status_code == 403
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.RESOLVED


def test_no_reopens_with_the_customers_words(desk, ticket):
    solve(ticket, desk.agent_a)
    client = Client()
    response = client.post(link_path(ticket) + "still-need-help/", {"body": "Still blank pages"})
    assert response["Location"] == link_path(ticket)  # back to the request's own page
    page = text(client.get(response["Location"]))
    assert "Thanks, we've reopened your request." in page and "Did this solve it?" not in page
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    assert ticket.messages.latest("id").body == "Still blank pages"
    assert ticket.events.filter(kind=TicketEvent.Kind.CUSTOMER_REOPENED).count() == 1


def test_the_confirmation_page_of_an_open_ticket_says_so(desk, ticket):
    response = Client().post(link_path(ticket) + "solved/")
    assert response.status_code == 400
    assert "open again" in text(response)


def test_a_wrong_link_is_not_found(desk, ticket):
    solve(ticket, desk.agent_a)
    ref = ticket.reference
    assert Client().get(f"/support/t/{ref}/not-the-token/solved/").status_code == 404
    assert Client().post(f"/support/t/{ref}/not-the-token/still-need-help/").status_code == 404
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.RESOLVED
