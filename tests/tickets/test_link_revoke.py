"""link_revoke: the holder of a private link replaces it; the new one goes by email."""

import pytest

from tickets import services
from tickets.links import link_matches, link_token
from tickets.models import OutboundEmail, TicketEvent

pytestmark = pytest.mark.django_db


def test_revoke_kills_the_old_link_and_emails_a_new_one(ticket, django_capture_on_commit_callbacks):
    old_token = link_token(ticket)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.link_revoke(ticket=ticket)
    ticket.refresh_from_db()
    assert not link_matches(ticket, old_token)
    assert link_matches(ticket, link_token(ticket))
    email = OutboundEmail.objects.get()
    assert email.kind == OutboundEmail.Kind.NEW_LINK
    assert email.to_email == ticket.customer.email and email.ticket == ticket
    assert len(callbacks) == 1  # the send task, after commit
    event = ticket.events.get(kind=TicketEvent.Kind.LINK_REVOKED)
    assert event.actor_is_customer


def test_each_revoke_is_its_own_email(ticket):
    services.link_revoke(ticket=ticket)
    services.link_revoke(ticket=ticket)
    assert OutboundEmail.objects.filter(kind=OutboundEmail.Kind.NEW_LINK).count() == 2
