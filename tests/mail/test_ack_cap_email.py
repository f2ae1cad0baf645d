"""At most ACK_PER_RECIPIENT_PER_HOUR acknowledgements per sender per hour, however many tickets
they open by email (and by the web form: one count); the rest are held, shown in the desk, and
nothing they wrote is lost."""

from __future__ import annotations

import html
from datetime import timedelta
from email.message import EmailMessage

import pytest
import time_machine
from django.utils import timezone

from mail.models import InboundMessage
from mail.services import email_ingest
from tickets import services
from tickets.models import OutboundEmail, Ticket

HELD_TEXT = "Acknowledgement held: too many to this address in the last hour"

pytestmark = pytest.mark.django_db


def written(n: int, sender: str = "grace@example.org") -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, "support@localhost", f"Request {n}"
    message["Message-ID"] = f"<request-{n}-{sender}@client.example>"
    message.set_content(f"This is request number {n}.")
    return message.as_bytes()


def ack_statuses() -> list[str]:
    acks = OutboundEmail.objects.filter(kind=OutboundEmail.Kind.ACKNOWLEDGEMENT).order_by("created_at", "id")
    return list(acks.values_list("status", flat=True))


def test_a_sender_opening_many_tickets_gets_at_most_the_cap_and_nothing_is_lost(mailbox, settings, alice):
    settings.ACK_PER_RECIPIENT_PER_HOUR = 3
    arrivals = [email_ingest(mailbox=mailbox, raw=written(n)).inbound for n in range(7)]
    assert ack_statuses() == ["pending"] * 3 + ["held"] * 4
    for n, inbound in enumerate(arrivals):  # every request filed, each on its own ticket, with its words
        assert inbound.status == InboundMessage.Status.NEW_TICKET and inbound.ticket is not None
        assert inbound.ticket.messages.get().body == f"This is request number {n}."
        assert inbound.ticket.promises.exists()
    held = arrivals[-1].ticket
    assert held is not None
    page = html.unescape(alice.get(f"/desk/t/{held.reference}/").content.decode())
    assert HELD_TEXT in page and "Email" in page
    # The agent's first reply to a held one reaches the sender as usual.
    services.agent_reply_post(ticket=held, agent=mailbox.queue.agents.get(), body="We're on it.")
    reply = OutboundEmail.objects.get(ticket=held, kind=OutboundEmail.Kind.AGENT_REPLY)
    assert (reply.status, reply.to_email) == (OutboundEmail.Status.PENDING, "grace@example.org")


def test_the_cap_is_per_sender_whatever_the_case_and_shared_with_the_web_form(mailbox, settings):
    settings.ACK_PER_RECIPIENT_PER_HOUR = 2
    services.ticket_submit(
        name="Grace", email="grace@example.org", kind=Ticket.Kind.INFO, subject="Web", description="From the form."
    )
    email_ingest(mailbox=mailbox, raw=written(1, "Grace@Example.ORG"))
    email_ingest(mailbox=mailbox, raw=written(2, "grace@example.org"))  # the third in the hour: held
    email_ingest(mailbox=mailbox, raw=written(3, "ada@example.com"))  # someone else: her own count
    assert ack_statuses() == ["pending", "pending", "held", "pending"]


def test_an_hour_later_the_sender_is_acknowledged_again(mailbox, settings):
    settings.ACK_PER_RECIPIENT_PER_HOUR = 1
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        email_ingest(mailbox=mailbox, raw=written(1))
        email_ingest(mailbox=mailbox, raw=written(2))
    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        email_ingest(mailbox=mailbox, raw=written(3))
    assert ack_statuses() == ["pending", "held", "pending"]


def test_replies_by_email_are_never_held_back_by_the_cap(mailbox, settings):
    settings.ACK_PER_RECIPIENT_PER_HOUR = 1
    ticket = email_ingest(mailbox=mailbox, raw=written(1)).inbound.ticket
    assert ticket is not None
    for n in range(3):
        reply = EmailMessage()
        reply["From"], reply["To"] = "grace@example.org", "support@localhost"
        reply["Subject"], reply["Message-ID"] = f"Re: [{ticket.reference}] Request 1", f"<re-{n}@client.example>"
        reply.set_content(f"More detail {n}.")
        assert email_ingest(mailbox=mailbox, raw=reply.as_bytes()).inbound.ticket == ticket
    assert ticket.messages.count() == 4 and ack_statuses() == ["pending"]
