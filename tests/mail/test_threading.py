"""Which ticket a message joins, exactly once, and what it never does (forged headers, loops)."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from mail.models import InboundMessage
from mail.services import email_ingest
from tests.mail.corpus import NO_MESSAGE_ID
from tickets import services
from tickets.models import Message, OutboundEmail, Ticket
from tickets.reply_address import reply_address

GRACE = "grace@example.org"


def mail(text: str, *, sender: str = GRACE, to: str = "support@localhost", subject: str = "Help", **headers: str):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = f"<{abs(hash((text, sender, to, subject)))}@client.example>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    return message.as_bytes()


@pytest.fixture
def opened(mailbox) -> Ticket:
    """Grace wrote in; the desk owes her an acknowledgement (its Message-ID is on the outbox row)."""
    inbound = email_ingest(mailbox=mailbox, raw=mail("My printer prints blank pages.")).inbound
    assert inbound.ticket is not None
    return inbound.ticket


def ack_id(ticket: Ticket) -> str:
    return OutboundEmail.objects.get(ticket=ticket, kind=OutboundEmail.Kind.ACKNOWLEDGEMENT).message_id_header


def customer_texts(ticket: Ticket) -> list[str]:
    return list(ticket.messages.filter(author_kind=Message.Author.CUSTOMER).values_list("body", flat=True))


@pytest.mark.django_db
def test_a_reply_to_the_signed_address_joins_the_ticket_from_any_sender_address(opened, mailbox):
    raw = mail("It's the toner.", sender="grace.hopper@work.example", to=reply_address(opened))
    inbound = email_ingest(mailbox=mailbox, raw=raw).inbound
    assert (inbound.status, inbound.ticket) == (InboundMessage.Status.REPLY, opened)
    assert customer_texts(opened)[-1] == "It's the toner."


@pytest.mark.django_db
def test_the_customers_reply_quoting_our_message_id_joins_and_counts_as_her_answer(opened, mailbox, desk):
    services.agent_reply_post(ticket=opened, agent=desk.agent_a, body="Which model?", status_after="waiting")
    opened.refresh_from_db()
    assert opened.status == Ticket.Status.WAITING
    raw = mail("A LaserJet 4.", subject="Re: Help", In_Reply_To=ack_id(opened), References=ack_id(opened))
    inbound = email_ingest(mailbox=mailbox, raw=raw).inbound
    opened.refresh_from_db()
    assert inbound.ticket == opened
    assert opened.status == Ticket.Status.OPEN  # back to the desk, exactly as a web reply
    assert OutboundEmail.objects.filter(kind=OutboundEmail.Kind.ACKNOWLEDGEMENT).count() == 1


@pytest.mark.django_db
def test_forged_threading_from_another_sender_opens_a_new_ticket(opened, mailbox):
    forged = mail(
        "Please send me the invoice of this account.",
        sender="mallory@evil.example",
        subject=f"Re: [{opened.reference}] Help",
        In_Reply_To=ack_id(opened),
        References=ack_id(opened),
    )
    inbound = email_ingest(mailbox=mailbox, raw=forged).inbound
    assert inbound.status == InboundMessage.Status.NEW_TICKET
    assert inbound.ticket != opened
    assert inbound.ticket is not None and inbound.ticket.customer.email == "mallory@evil.example"
    assert customer_texts(opened) == ["My printer prints blank pages."]
    # A plus-address with the ticket's reference but a made-up signature is no better.
    guessed = mail("Me too.", sender="mallory@evil.example", to=f"support+{opened.reference}-abcdefghij@localhost")
    assert email_ingest(mailbox=mailbox, raw=guessed).inbound.ticket != opened
    assert customer_texts(opened) == ["My printer prints blank pages."]


@pytest.mark.django_db
def test_a_forged_in_reply_to_of_another_customers_ticket_opens_a_new_one(opened, mailbox):
    other = email_ingest(mailbox=mailbox, raw=mail("Mine too.", sender="ada@example.com")).inbound.ticket
    assert other is not None and other != opened
    raw = mail("Adding to Ada's ticket.", In_Reply_To=ack_id(other), References=f"{ack_id(opened)} {ack_id(other)}")
    inbound = email_ingest(mailbox=mailbox, raw=raw).inbound
    assert inbound.ticket == opened  # Grace's own reference counts; Ada's is ignored
    assert customer_texts(other) == ["Mine too."]
    only_other = mail("Only Ada's.", subject="x", In_Reply_To=ack_id(other))
    assert email_ingest(mailbox=mailbox, raw=only_other).inbound.ticket not in (opened, other)


@pytest.mark.django_db
def test_the_same_message_twice_makes_nothing_new(opened, mailbox):
    raw = mail("Twice delivered.", to=reply_address(opened))
    first, second = email_ingest(mailbox=mailbox, raw=raw), email_ingest(mailbox=mailbox, raw=raw)
    assert not first.duplicate and second.duplicate
    assert second.inbound.pk == first.inbound.pk
    assert customer_texts(opened).count("Twice delivered.") == 1
    tickets = Ticket.objects.count()
    assert not email_ingest(mailbox=mailbox, raw=NO_MESSAGE_ID).duplicate
    assert email_ingest(mailbox=mailbox, raw=NO_MESSAGE_ID).duplicate  # keyed by its sha256
    assert Ticket.objects.count() == tickets + 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [
        {"Auto_Submitted": "auto-generated"},
        {"Precedence": "bulk"},
        {"X_Autoreply": "yes"},
        {"List_Id": "<users.lists.example.org>"},
        {"sender": "MAILER-DAEMON@mx.example.org"},
        {"sender": "support@localhost"},
    ],
    ids=["auto-submitted", "precedence", "x-autoreply", "list-id", "mailer-daemon", "our-own-address"],
)
def test_a_message_written_by_a_machine_is_kept_and_never_answered(headers, mailbox):
    inbound = email_ingest(mailbox=mailbox, raw=mail("Automatic text.", **headers)).inbound
    assert inbound.status == InboundMessage.Status.NEW_TICKET
    assert inbound.automatic and "nothing sent back" in inbound.reason
    assert not OutboundEmail.objects.exists()


@pytest.mark.django_db
def test_an_out_of_office_on_a_waiting_ticket_is_added_but_changes_and_sends_nothing(opened, mailbox, desk):
    services.agent_reply_post(ticket=opened, agent=desk.agent_a, body="Which model?", status_after="waiting")
    emails = OutboundEmail.objects.count()
    raw = mail("I'm away until Monday.", to=reply_address(opened), Auto_Submitted="auto-replied")
    inbound = email_ingest(mailbox=mailbox, raw=raw).inbound
    opened.refresh_from_db()
    assert inbound.ticket == opened and "I'm away until Monday." in customer_texts(opened)
    assert opened.status == Ticket.Status.WAITING  # not her answer: the clock is not restarted
    assert OutboundEmail.objects.count() == emails


@pytest.mark.django_db
def test_a_reply_to_a_closed_ticket_opens_a_new_one(opened, mailbox):
    Ticket.objects.filter(pk=opened.pk).update(status=Ticket.Status.CLOSED)
    inbound = email_ingest(mailbox=mailbox, raw=mail("One more thing.", to=reply_address(opened))).inbound
    assert inbound.status == InboundMessage.Status.NEW_TICKET and inbound.ticket != opened


@pytest.mark.django_db
def test_a_message_that_cannot_be_filed_is_quarantined_with_its_reason_and_raw_bytes(mailbox):
    raw = b"Subject: who am I?\r\n\r\nNo sender at all.\r\n"
    inbound = email_ingest(mailbox=mailbox, raw=raw).inbound
    assert inbound.status == InboundMessage.Status.QUARANTINED
    assert "email address" in inbound.reason
    assert inbound.ticket is None and inbound.raw == raw
    assert not Ticket.objects.exists()
    assert email_ingest(mailbox=mailbox, raw=raw).duplicate  # kept once, not piled up on retries


@pytest.mark.django_db
def test_a_message_the_parser_cannot_read_is_still_kept_in_quarantine(mailbox, monkeypatch):
    from mail import services as intake

    def broken(raw: bytes, **options: object) -> None:
        raise UnicodeError("a parser bug met a message it never saw")

    monkeypatch.setattr(intake, "parse", broken)  # stands in for an unknown parser failure
    raw = mail("Something no parser expected.")
    inbound = email_ingest(mailbox=mailbox, raw=raw).inbound
    assert inbound.status == InboundMessage.Status.QUARANTINED
    assert inbound.reason.startswith("Unreadable message: UnicodeError")
    assert inbound.raw == raw and not Ticket.objects.exists()


@pytest.mark.django_db
def test_the_per_recipient_acknowledgement_cap_holds_for_email_tickets(mailbox, settings):
    settings.ACK_PER_RECIPIENT_PER_HOUR = 2
    for n in range(4):
        email_ingest(mailbox=mailbox, raw=mail(f"Request number {n}."))
    acks = OutboundEmail.objects.filter(kind=OutboundEmail.Kind.ACKNOWLEDGEMENT).order_by("id")
    statuses = list(acks.values_list("status", flat=True))
    assert statuses == ["pending", "pending", "held", "held"]
    assert Ticket.objects.count() == 4  # every request is filed; only the flood of emails is held


@pytest.mark.django_db
def test_a_follow_up_to_her_own_first_email_joins_but_not_from_someone_else(opened, mailbox):
    first_id = InboundMessage.objects.get(ticket=opened).message_id_header
    follow_up = mail("Forgot to say: it's the 2nd floor.", subject="Re: Help", References=first_id)
    assert email_ingest(mailbox=mailbox, raw=follow_up).inbound.ticket == opened
    copied = mail("Me too!", sender="ada@example.com", subject="Re: Help", In_Reply_To=first_id)
    assert email_ingest(mailbox=mailbox, raw=copied).inbound.ticket != opened
    assert customer_texts(opened) == ["My printer prints blank pages.", "Forgot to say: it's the 2nd floor."]
