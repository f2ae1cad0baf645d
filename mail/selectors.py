"""Reads of the mail app for pages: the inbound message behind a ticket's message, for an agent."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.http import Http404

from mail.models import InboundMessage
from tickets.selectors import ticket_get_for_agent


def inbound_get_for_agent(*, user: User | AnonymousUser, reference: str, message_id: int) -> InboundMessage:
    """The email that became message ``message_id`` of ticket ``reference``, if the agent may see
    that ticket; 404 alike for an unknown ticket, one outside the agent's queues, and a message
    that did not come by email."""
    ticket = ticket_get_for_agent(user=user, reference=reference)
    inbound = (
        InboundMessage.objects.select_related("mailbox", "message__ticket")
        .filter(message_id=message_id, message__ticket=ticket)
        .first()
    )
    if inbound is None:
        raise Http404("No such email")
    return inbound
