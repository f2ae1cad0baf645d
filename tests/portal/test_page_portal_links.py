"""The "send me my links again" page at /support/links/."""

from __future__ import annotations

import html
import re

import pytest

from tests.factories import CustomerFactory
from tickets.links import link_path
from tickets.models import OutboundEmail, TicketEvent

URL = "/support/links/"

pytestmark = pytest.mark.django_db


def ask(client, email: str):
    return client.post(URL, {"email": email})


def page_text(response, email: str) -> str:
    """The visible page with the address typed and the CSRF token blanked out."""
    page = html.unescape(response.content.decode()).replace(email, "EMAIL")
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    return re.sub(r'nonce="[^"]+"', "", page)


def test_the_page_explains_what_it_does(desk, client):
    response = client.get(URL)
    assert response.status_code == 200
    assert "Links you already have keep working." in response.content.decode()


def test_known_and_unknown_addresses_get_the_same_answer(desk, ticket, client, django_capture_on_commit_callbacks):
    known = ticket.customer.email
    with django_capture_on_commit_callbacks(execute=False):
        known_response = ask(client, known)
    unknown_response = ask(client, "nobody@example.com")
    assert known_response.status_code == unknown_response.status_code == 200
    assert page_text(known_response, known) == page_text(unknown_response, "nobody@example.com")
    assert "Check your inbox" in page_text(known_response, known)


def test_a_known_address_gets_its_links_and_they_keep_working(
    desk, ticket, customer_link, client, django_capture_on_commit_callbacks
):
    assert client.get(customer_link).status_code == 200
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ask(client, ticket.customer.email.upper())
    email = OutboundEmail.objects.get(kind=OutboundEmail.Kind.TICKET_LINKS)
    assert email.to_email == ticket.customer.email
    assert email.context == {"ticket_ids": [ticket.pk]}
    assert len(callbacks) == 1
    # Anyone who knows the address can ask: that must never break the link the customer holds.
    assert client.get(customer_link).status_code == 200
    ticket.refresh_from_db()
    assert link_path(ticket) == customer_link
    assert ticket.events.filter(kind=TicketEvent.Kind.LINK_RESENT).count() == 1


def test_an_address_with_no_open_tickets_gets_no_email(desk, client):
    customer = CustomerFactory()
    assert ask(client, customer.email).status_code == 200
    assert not OutboundEmail.objects.exists()


def test_a_malformed_address_is_refused_beside_the_field(desk, client):
    response = ask(client, "not-an-email")
    assert response.status_code == 400
    page = response.content.decode()
    assert 'aria-describedby="id_email_error"' in page and "Please give an email address like name@example.com." in page
    assert 'value="not-an-email"' in page


def test_rate_limit_refuses_further_requests(desk, ticket, client, settings):
    settings.RATELIMIT_RESEND_LINKS = (2, 3600)
    assert ask(client, "a@example.com").status_code == 200
    assert ask(client, "b@example.com").status_code == 200
    response = ask(client, ticket.customer.email)
    assert response.status_code == 429
    page = html.unescape(response.content.decode())
    assert "You've asked several times already." in page
    assert f'value="{ticket.customer.email}"' in page
    assert not OutboundEmail.objects.exists()
