"""The people a customer copies on an email are kept on the ticket, and answers from them join it
as theirs: Cc and other To addresses, never our mailboxes, never a machine's list."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from mail.models import InboundMessage, Mailbox
from mail.services import email_ingest
from tickets import services
from tickets.models import Message, OutboundEmail, Ticket
from tickets.reply_address import reply_address

pytestmark = pytest.mark.django_db


def written(text: str, *, sender: str = "Grace Hopper <grace@example.org>", to: str = "support@localhost",
            subject: str = "Printer", **headers: str) -> bytes:  # fmt: skip
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Message-ID"] = f"<{abs(hash((text, sender, to)))}@client.example>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    return message.as_bytes()


def copied(ticket: Ticket) -> list[str]:
    return list(ticket.copied.order_by("id").values_list("email", flat=True))


@pytest.fixture
def sales(desk) -> Mailbox:
    return Mailbox.objects.create(name="sales", address="sales@localhost", queue=desk.queue_b)


def test_cc_and_other_to_addresses_are_kept_but_never_ours(mailbox, sales):
    raw = written(
        "Blank pages since Monday.",
        to="support@localhost, Lin Ma <lin@work.example>, Sales <SALES@localhost>",
        Cc="bob@example.com, support+urgent@localhost, sales+eu@localhost, Grace <GRACE@example.org>",
    )
    ticket = email_ingest(mailbox=mailbox, raw=raw).inbound.ticket
    assert ticket is not None
    assert copied(ticket) == ["lin@work.example", "bob@example.com"]


def test_each_later_email_adds_the_new_people_once_whatever_the_case(mailbox):
    ticket = email_ingest(mailbox=mailbox, raw=written("First.", Cc="lin@work.example")).inbound.ticket
    assert ticket is not None
    later = written("Second.", to=reply_address(ticket), Cc="LIN@Work.Example, carol@example.com")
    assert email_ingest(mailbox=mailbox, raw=later).inbound.ticket == ticket
    assert copied(ticket) == ["lin@work.example", "carol@example.com"]


def test_a_machines_message_copies_nobody(mailbox):
    ticket = email_ingest(mailbox=mailbox, raw=written("First.")).inbound.ticket
    assert ticket is not None
    away = written("Out of office.", to=reply_address(ticket), Cc="team@work.example", Auto_Submitted="auto-replied")
    assert email_ingest(mailbox=mailbox, raw=away).inbound.ticket == ticket
    assert copied(ticket) == []


def test_a_copied_person_answering_our_copy_joins_the_ticket_as_themselves(mailbox, desk):
    ticket = email_ingest(mailbox=mailbox, raw=written("Blank pages.", Cc="Lin Ma <lin@work.example>")).inbound.ticket
    assert ticket is not None
    services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="Which model?", status_after="waiting")
    assert OutboundEmail.objects.filter(kind=OutboundEmail.Kind.REPLY_COPY, to_email="lin@work.example").exists()
    # Lin presses "Reply all" on her copy: to the signed Reply-To, Grace in Cc.
    answer = written(
        "It's the LaserJet 4.", sender="Lin Ma <lin@work.example>", to=reply_address(ticket), Cc="grace@example.org"
    )
    inbound = email_ingest(mailbox=mailbox, raw=answer).inbound
    ticket.refresh_from_db()
    assert (inbound.status, inbound.ticket) == (InboundMessage.Status.REPLY, ticket)
    message = ticket.messages.filter(author_kind=Message.Author.CUSTOMER).last()
    assert message is not None and message.body == "It's the LaserJet 4."
    assert (message.author_email, message.author_name) == ("lin@work.example", "Lin Ma")
    assert ticket.status == Ticket.Status.OPEN  # an answer from Grace's side: back to the desk
    assert copied(ticket) == ["lin@work.example"]  # Grace is the customer, not a copy
