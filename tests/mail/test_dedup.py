"""The same message in two mailboxes (sent to support@ and sales@, both read by the desk): one
ticket, one message, one acknowledgement; the second arrival is kept as a duplicate of the first."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from mail.models import InboundMessage, Mailbox
from mail.parsing import fallback_key
from mail.services import email_ingest
from tickets.models import Message, OutboundEmail, Ticket
from tickets.reply_address import reply_address

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales(desk) -> Mailbox:
    return Mailbox.objects.create(name="sales", address="sales@localhost", queue=desk.queue_b)


def to_both(text: str = "Do you ship to Norway?", *, msgid: str | None = "<both@client.example>", **headers: str):
    message = EmailMessage()
    message["From"] = "Grace Hopper <grace@example.org>"
    message["To"] = "support@localhost, sales@localhost"
    message["Subject"] = "Shipping"
    message["Date"] = "Mon, 02 Mar 2026 09:15:00 +0100"
    if msgid:
        message["Message-ID"] = msgid
    for name, value in headers.items():
        message[name] = value
    message.set_content(text)
    return message.as_bytes()


def delivered(raw: bytes, mailbox: str, *, crlf: bool = False) -> bytes:
    """What each mailbox's server adds on the way in; IMAP serves CRLF line ends."""
    trace = f"Received: from mx.example by {mailbox}.example; Mon, 2 Mar 2026 09:15:0{len(mailbox)} +0100\n"
    out = f"Delivered-To: {mailbox}@localhost\nX-Original-To: {mailbox}@localhost\n{trace}".encode() + raw
    return out.replace(b"\n", b"\r\n") if crlf else out


def test_the_same_message_in_two_mailboxes_makes_one_ticket_and_keeps_both_arrivals(mailbox, sales):
    first = email_ingest(mailbox=mailbox, raw=delivered(to_both(), "support"))
    second = email_ingest(mailbox=sales, raw=delivered(to_both(), "sales"))
    assert not first.duplicate and second.duplicate
    ticket = Ticket.objects.get()
    assert ticket.queue == mailbox.queue  # filed where it arrived first
    assert ticket.messages.count() == 1
    assert OutboundEmail.objects.filter(kind=OutboundEmail.Kind.ACKNOWLEDGEMENT).count() == 1
    copy = second.inbound
    assert (copy.mailbox, copy.status, copy.duplicate_of) == (sales, InboundMessage.Status.DUPLICATE, first.inbound)
    assert (copy.ticket, copy.message) == (ticket, first.inbound.message)  # nothing lost: it says where it went
    assert b"Delivered-To: sales@localhost" in copy.raw
    assert "first in the mailbox support" in copy.reason
    # Sales is polled again: still two rows, nothing new.
    again = email_ingest(mailbox=sales, raw=delivered(to_both(), "sales"))
    assert again.duplicate and again.inbound == copy
    assert InboundMessage.objects.count() == 2 and Ticket.objects.count() == 1


def test_a_message_without_message_id_is_recognised_across_mailboxes_by_its_own_headers_and_body(mailbox, sales):
    raw = to_both(msgid=None)
    first = email_ingest(mailbox=mailbox, raw=delivered(raw, "support"))
    second = email_ingest(mailbox=sales, raw=delivered(raw, "sales", crlf=True))
    assert second.duplicate and second.inbound.duplicate_of == first.inbound
    assert first.inbound.dedup_key.startswith("sha256:")
    assert Ticket.objects.count() == 1
    # Another message from the same person, same subject and date, other words: its own ticket.
    other = email_ingest(mailbox=sales, raw=delivered(to_both("And to Iceland?", msgid=None), "sales"))
    assert not other.duplicate and Ticket.objects.count() == 2


def test_the_fallback_key_ignores_relay_headers_and_line_ends_but_not_the_writers_words():
    raw = to_both(msgid=None)
    assert fallback_key(delivered(raw, "support")) == fallback_key(delivered(raw, "sales", crlf=True))
    assert fallback_key(raw) != fallback_key(to_both("Other words.", msgid=None))
    assert fallback_key(raw) != fallback_key(to_both(msgid=None, Cc="lin@example.org"))
    assert fallback_key(b"\x00\xff not a message") == fallback_key(b"\x00\xff not a message")
    assert fallback_key(b"\x00\xff not a message") != fallback_key(b"\x00\xff another")


def test_a_reply_copied_to_a_second_mailbox_is_added_once(mailbox, sales):
    ticket = email_ingest(mailbox=mailbox, raw=to_both(msgid="<first@client.example>")).inbound.ticket
    assert ticket is not None
    reply = EmailMessage()
    reply["From"], reply["To"], reply["Cc"] = "grace@example.org", reply_address(ticket), "sales@localhost"
    reply["Subject"], reply["Message-ID"] = "Re: Shipping", "<reply@client.example>"
    reply.set_content("To Oslo, please.")
    assert email_ingest(mailbox=sales, raw=reply.as_bytes()).inbound.status == InboundMessage.Status.REPLY
    assert email_ingest(mailbox=mailbox, raw=reply.as_bytes()).inbound.status == InboundMessage.Status.DUPLICATE
    customer = ticket.messages.filter(author_kind=Message.Author.CUSTOMER)
    assert list(customer.values_list("body", flat=True)) == ["Do you ship to Norway?", "To Oslo, please."]


def test_a_quarantined_original_keeps_its_copy_quarantined_too(mailbox, sales):
    raw = b"Subject: who am I?\r\nMessage-ID: <nobody@x>\r\n\r\nNo sender at all.\r\n"
    first = email_ingest(mailbox=mailbox, raw=raw).inbound
    copy = email_ingest(mailbox=sales, raw=raw).inbound
    assert first.status == InboundMessage.Status.QUARANTINED
    assert (copy.status, copy.duplicate_of, copy.ticket) == (InboundMessage.Status.DUPLICATE, first, None)
    assert not Ticket.objects.exists()
