"""Which ticket a message joins, exactly once, and what it never does (forged headers, loops)."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

import pytest
import time_machine

from mail.models import InboundMessage
from mail.services import email_ingest
from tests.mail.corpus import NO_MESSAGE_ID
from tickets import services
from tickets.models import Message, OutboundEmail, Ticket
from tickets.reply_address import reply_address
from tickets.services.customers import customer_merge

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
def test_the_customers_new_email_naming_her_ticket_in_the_subject_joins_it(opened, mailbox):
    raw = mail("Still blank, any news?", subject=f"About [{opened.reference}] the printer")
    inbound = email_ingest(mailbox=mailbox, raw=raw).inbound
    assert (inbound.status, inbound.ticket) == (InboundMessage.Status.REPLY, opened)
    bare = mail("And a bare reference.", sender="GRACE@example.org", subject=f"{opened.reference.lower()} again")
    assert email_ingest(mailbox=mailbox, raw=bare).inbound.ticket == opened  # any case, with or without brackets
    assert customer_texts(opened)[-2:] == ["Still blank, any news?", "And a bare reference."]
    assert Ticket.objects.count() == 1


@pytest.mark.django_db
def test_a_reference_in_the_subject_from_another_sender_opens_a_new_ticket(opened, mailbox):
    forged = mail("Cancel this order please.", sender="mallory@evil.example", subject=f"[{opened.reference}] Cancel")
    inbound = email_ingest(mailbox=mailbox, raw=forged).inbound
    assert inbound.status == InboundMessage.Status.NEW_TICKET
    assert inbound.ticket is not None and inbound.ticket != opened
    assert inbound.ticket.customer.email == "mallory@evil.example"
    assert customer_texts(opened) == ["My printer prints blank pages."]
    # Nor does Grace's email naming Ada's ticket go into Ada's.
    ada = email_ingest(mailbox=mailbox, raw=mail("Mine.", sender="ada@example.com", subject="Ada's")).inbound.ticket
    assert ada is not None
    crossed = email_ingest(mailbox=mailbox, raw=mail("Hi!", subject=f"Re: [{ada.reference}] Ada's")).inbound
    assert crossed.ticket not in (opened, ada)
    assert customer_texts(ada) == ["Mine."]


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
def test_a_reply_to_a_closed_ticket_opens_a_new_one_that_follows_it(opened, mailbox, desk):
    Ticket.objects.filter(pk=opened.pk).update(status=Ticket.Status.CLOSED, kind=Ticket.Kind.PROBLEM)
    inbound = email_ingest(mailbox=mailbox, raw=mail("One more thing.", to=reply_address(opened))).inbound
    assert inbound.status == InboundMessage.Status.NEW_TICKET and inbound.ticket != opened
    assert inbound.ticket is not None and inbound.ticket.follows == opened
    assert (inbound.ticket.kind, inbound.ticket.channel) == (Ticket.Kind.PROBLEM, Ticket.Channel.EMAIL)
    assert inbound.message == inbound.ticket.messages.get()
    again = email_ingest(mailbox=mailbox, raw=mail("And another.", to=reply_address(opened))).inbound
    assert (again.status, again.ticket) == (InboundMessage.Status.REPLY, inbound.ticket)  # one follow-up


@pytest.mark.django_db
def test_an_emailed_reply_reopens_a_solved_ticket_only_within_the_window(opened, mailbox, desk, settings):
    settings.REOPEN_WITHIN_DAYS = 14
    services.ticket_status_change(ticket=opened, agent=desk.agent_a, status=Ticket.Status.RESOLVED)
    opened.refresh_from_db()
    with time_machine.travel(opened.resolved_at + timedelta(days=13)):
        inbound = email_ingest(mailbox=mailbox, raw=mail("Blank again.", subject=f"Re: [{opened.reference}]")).inbound
    opened.refresh_from_db()
    assert (inbound.ticket, opened.status) == (opened, Ticket.Status.OPEN)
    services.ticket_status_change(ticket=opened, agent=desk.agent_a, status=Ticket.Status.RESOLVED)
    opened.refresh_from_db()
    with time_machine.travel(opened.resolved_at + timedelta(days=15)):
        late = email_ingest(mailbox=mailbox, raw=mail("And again.", to=reply_address(opened))).inbound
    opened.refresh_from_db()
    assert opened.status == Ticket.Status.RESOLVED and "And again." not in customer_texts(opened)
    assert late.status == InboundMessage.Status.NEW_TICKET
    assert late.ticket is not None and late.ticket.follows == opened


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
def test_a_follow_up_to_her_own_first_email_joins_but_not_from_someone_else(opened, mailbox):
    first_id = InboundMessage.objects.get(ticket=opened).message_id_header
    follow_up = mail("Forgot to say: it's the 2nd floor.", subject="Re: Help", References=first_id)
    assert email_ingest(mailbox=mailbox, raw=follow_up).inbound.ticket == opened
    copied = mail("Me too!", sender="ada@example.com", subject="Re: Help", In_Reply_To=first_id)
    assert email_ingest(mailbox=mailbox, raw=copied).inbound.ticket != opened
    assert customer_texts(opened) == ["My printer prints blank pages.", "Forgot to say: it's the 2nd floor."]


@pytest.mark.django_db
def test_a_reply_from_an_address_merged_into_the_customer_threads_by_its_headers(opened, mailbox, desk):
    """Grace's work address was merged into her customer record: her reply from it, quoting our
    Message-ID, joins her ticket (the sender is matched through the merge, in any case)."""
    work = services.ticket_submit(
        name="Grace H.", email="grace.hopper@work.example", kind="info", subject="Old", description="Earlier"
    ).ticket
    customer_merge(agent=desk.admin, target=opened.customer, source=work.customer)
    raw = mail(
        "The toner, from my work address.",
        sender="Grace.Hopper@Work.example",
        subject="Re: Help",
        In_Reply_To=ack_id(opened),
        References=ack_id(opened),
    )
    inbound = email_ingest(mailbox=mailbox, raw=raw).inbound
    assert (inbound.status, inbound.ticket) == (InboundMessage.Status.REPLY, opened)
    assert customer_texts(opened)[-1] == "The toner, from my work address."
