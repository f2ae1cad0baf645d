"""The emails that tell a customer their request is solved ask "Did this solve it?"."""

from __future__ import annotations

import pytest
from django.core import mail

from tickets import services
from tickets.links import link_path
from tickets.models import OutboundEmail, Ticket
from tickets.services.outbox import outbox_send

pytestmark = pytest.mark.django_db


def reply_email(desk, ticket: Ticket, status_after: str | None):
    message = services.agent_reply_post(
        ticket=ticket, agent=desk.agent_a, body="Try a new cartridge.", status_after=status_after
    )
    outbox_send(email_id=OutboundEmail.objects.get(message=message, kind=OutboundEmail.Kind.AGENT_REPLY).pk)
    return mail.outbox[-1]


def test_a_reply_that_solves_it_asks(desk, ticket):
    sent = reply_email(desk, ticket, Ticket.Status.RESOLVED)
    assert "Did this solve it?" in sent.body
    lines = dict(line.split(": ", 1) for line in sent.body.splitlines() if line.startswith(("Yes, ", "No, ")))
    assert lines["Yes, this solved it"].endswith(f"{link_path(ticket)}solved/")
    assert lines["No, I still need help"].endswith(f"{link_path(ticket)}still-need-help/")
    html = sent.alternatives[0][0]
    assert f"{link_path(ticket)}solved/" in html and "No, I still need help" in html
    email = OutboundEmail.objects.get(kind=OutboundEmail.Kind.AGENT_REPLY)
    assert "[private link]/solved/" in email.body_text  # the copy kept holds no link token


def test_a_reply_that_keeps_it_open_does_not_ask(desk, ticket):
    sent = reply_email(desk, ticket, None)
    assert "Did this solve it?" not in sent.body and "solved/" not in sent.alternatives[0][0]
