"""The private page's "Revoke this link and send me a new one" button."""

from __future__ import annotations

import html

import pytest
from django.test import Client

from tickets.links import link_path
from tickets.models import OutboundEmail, TicketEvent

pytestmark = pytest.mark.django_db


def revoke_url(customer_link: str) -> str:
    return f"{customer_link}revoke/"


def test_the_private_page_offers_the_button(customer_link, client):
    page = html.unescape(client.get(customer_link).content.decode())
    assert "Revoke this link and send me a new one" in page
    assert f'action="{revoke_url(customer_link)}"' in page


def test_revoke_says_the_old_link_is_dead_and_where_the_new_one_goes(ticket, customer_link, client):
    ticket.customer.email = "dana@example.com"
    ticket.customer.save()
    response = client.post(revoke_url(customer_link))
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "same-origin"
    page = html.unescape(response.content.decode())
    assert "Your old link no longer works" in page
    assert "d***@example.com" in page and "dana@example.com" not in page
    ticket.refresh_from_db()
    new_link = link_path(ticket)
    assert new_link not in page  # the new link goes by email only
    assert client.get(customer_link).status_code == 404
    assert client.get(new_link).status_code == 200
    assert OutboundEmail.objects.filter(kind=OutboundEmail.Kind.NEW_LINK, ticket=ticket).count() == 1
    assert ticket.events.filter(kind=TicketEvent.Kind.LINK_REVOKED).count() == 1


def test_a_wrong_link_cannot_revoke(ticket, customer_link, client):
    wrong = customer_link.rstrip("/")[:-2] + "xx/"
    assert client.post(revoke_url(wrong)).status_code == 404
    assert client.get(customer_link).status_code == 200
    assert not OutboundEmail.objects.exists()


def test_revoke_needs_a_post(customer_link, client):
    assert client.get(revoke_url(customer_link)).status_code == 405
    assert client.get(customer_link).status_code == 200


def test_revoke_needs_the_csrf_token(customer_link):
    assert Client(enforce_csrf_checks=True).post(revoke_url(customer_link)).status_code == 403


def test_revoke_is_rate_limited(ticket, customer_link, client, monkeypatch):
    monkeypatch.setattr("portal.views.RATELIMIT_REVOKE", (1, 3600))
    client.post(revoke_url(customer_link))
    ticket.refresh_from_db()
    second_link = link_path(ticket)
    response = client.post(revoke_url(second_link))
    assert response.status_code == 429
    assert "You've asked for new links several times already." in html.unescape(response.content.decode())
    assert client.get(second_link).status_code == 200
    assert OutboundEmail.objects.filter(kind=OutboundEmail.Kind.NEW_LINK).count() == 1
