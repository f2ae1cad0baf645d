"""Delivery reports (bounces) coming in: recognised in every common shape, attached to the ticket
they concern for agents to see, never a ticket or a customer's answer, and nothing sent back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage

import pytest
from django.core import mail as django_mail
from django.urls import reverse

from mail.bounces import delivery_report
from mail.models import Mailbox
from mail.services import email_ingest
from tests.mail import bounces
from tests.mail.bounces import GRACE
from tests.mail.corpus import CORPUS, OUT_OF_OFFICE
from tickets.models import Customer, Message, OutboundEmail, Ticket, TicketEvent
from tickets.reply_address import reply_address
from tickets.services.outbox import outbox_send

Sample = Callable[..., bytes]
PERMANENT = list(bounces.PERMANENT.items())


def written(
    text: str, *, sender: str = GRACE, to: str = "support@localhost", subject: str = "My printer", **headers: str
) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Message-ID"] = f"<{abs(hash((text, sender, subject)))}@client.example>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    return message.as_bytes()


@dataclass
class Sent:
    ticket: Ticket
    ack: OutboundEmail
    raw: bytes  # the acknowledgement as it went out


@pytest.fixture
def sent_ack(mailbox: Mailbox) -> Sent:
    """Grace wrote in and her acknowledgement went out (through the outbox, to Django's test outbox)."""
    ticket = email_ingest(mailbox=mailbox, raw=written("Every page comes out blank.")).inbound.ticket
    assert ticket is not None
    ack = OutboundEmail.objects.get(ticket=ticket, kind=OutboundEmail.Kind.ACKNOWLEDGEMENT)
    outbox_send(email_id=ack.pk)
    ack.refresh_from_db()
    assert ack.status == OutboundEmail.Status.SENT
    [sent] = django_mail.outbox
    django_mail.outbox.clear()
    return Sent(ticket=ticket, ack=ack, raw=sent.message().as_bytes())


def nothing_written_for_the_customer(ticket: Ticket) -> None:
    assert ticket.messages.count() == 1  # only Grace's first message
    assert not OutboundEmail.objects.exclude(kind=OutboundEmail.Kind.ACKNOWLEDGEMENT).exists()
    assert OutboundEmail.objects.count() == 1
    assert Ticket.objects.count() == 1


# Recognising reports


@pytest.mark.parametrize(("name", "sample"), PERMANENT, ids=[name for name, _ in PERMANENT])
def test_each_shape_names_the_failed_address_the_permanent_status_and_our_message(name: str, sample: Sample):
    ours = written("Hello", sender="support@localhost", Reply_To="support+HD-1001-abcdefghij@localhost")
    report = delivery_report(sample(ours))
    assert report is not None
    [failure] = report.failures
    assert (failure.address, failure.action, failure.permanent) == (GRACE, "failed", True)
    assert failure.status.startswith("5.1.1")
    assert failure.detail.startswith("550 5.1.1")
    assert report.message_ids[0] == _message_id(ours)
    assert "support+hd-1001-abcdefghij@localhost" in report.addresses


def _message_id(raw: bytes) -> str:
    return next(line for line in raw.decode().splitlines() if line.startswith("Message-ID:")).split(" ", 1)[1]


def test_a_delay_warning_is_a_report_but_not_a_permanent_failure():
    report = delivery_report(bounces.postfix_delayed(written("Hello", sender="support@localhost")))
    assert report is not None
    [failure] = report.failures
    assert (failure.action, failure.status, failure.permanent) == ("delayed", "4.4.1", False)
    assert failure.detail == "connect to mail.example.org[192.0.2.25]:25: Connection timed out (4.4.1)"


def test_exims_plain_delay_warning_is_not_permanent():
    raw = b"\r\n".join(
        [
            b"From: Mail Delivery System <Mailer-Daemon@mx.example.net>",
            b"To: support@localhost",
            b"Subject: Warning: message 1vQx29-0004Zy-3J delayed 24 hours",
            b"X-Failed-Recipients: grace@example.org",
            b"",
            b"This message was created automatically by mail delivery software.",
            b"A message that you sent has not yet been delivered to one or more of its",
            b"recipients after more than 24 hours on the queue on mx.example.net.",
            b"",
            b"  grace@example.org",
            b"    Delay reason: SMTP error from remote mail server after RCPT TO:<grace@example.org>:",
            b"    451 4.3.0 Mailbox temporarily unavailable",
            b"",
            b"No action is required on your part. Delivery attempts will continue for some time.",
        ]
    )
    report = delivery_report(raw)
    assert report is not None
    [failure] = report.failures
    assert (failure.action, failure.status, failure.permanent) == ("delayed", "4.3.0", False)
    assert failure.detail == "451 4.3.0 Mailbox temporarily unavailable"


@pytest.mark.parametrize("sample", CORPUS, ids=[s.name for s in CORPUS])
def test_ordinary_email_is_not_a_report(sample):
    assert delivery_report(sample.raw) is None


def test_a_customer_forwarding_a_bounce_they_got_is_not_a_report():
    forwarded = written(
        "I tried to email you and got this back:\n\n> Undelivered Mail Returned to Sender\n> 550 5.1.1 User unknown",
        subject="Fwd: Undelivered Mail Returned to Sender",
    )
    assert delivery_report(forwarded) is None
    assert delivery_report(OUT_OF_OFFICE) is None


def test_a_read_receipt_is_not_a_bounce():
    receipt = b"\r\n".join(
        [
            b"From: grace@example.org",
            b"To: support@localhost",
            b"Subject: Read: We've got your request",
            b'Content-Type: multipart/report; report-type=disposition-notification; boundary="r"',
            b"",
            b"--r",
            b"Content-Type: text/plain",
            b"",
            b"Your message was read.",
            b"--r",
            b"Content-Type: message/disposition-notification",
            b"",
            b"Final-Recipient: rfc822; grace@example.org",
            b"Disposition: manual-action/MDN-sent-manually; displayed",
            b"--r--",
        ]
    )
    assert delivery_report(receipt) is None


# Filing reports


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "sample"), PERMANENT, ids=[name for name, _ in PERMANENT])
def test_a_bounced_acknowledgement_flags_the_customer_and_marks_the_email_and_sends_nothing(
    name: str, sample: Sample, sent_ack: Sent, django_capture_on_commit_callbacks
):
    status_before = sent_ack.ticket.status
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        inbound = email_ingest(mailbox=Mailbox.objects.get(), raw=sample(sent_ack.raw)).inbound
    assert callbacks == []  # no task queued: nothing is sent to anyone
    assert django_mail.outbox == []

    assert (inbound.status, inbound.ticket, inbound.automatic) == ("bounce", sent_ack.ticket, True)
    assert f"Attached to {sent_ack.ticket.reference}, found by the acknowledgement (ack:" in inbound.reason
    assert "grace@example.org is now flagged as bouncing." in inbound.reason

    grace = Customer.objects.get(email=GRACE)
    assert grace.email_bouncing_since is not None
    assert grace.email_bounce_reason.startswith("550 5.1.1")
    sent_ack.ack.refresh_from_db()
    assert sent_ack.ack.status == OutboundEmail.Status.BOUNCED
    assert sent_ack.ack.delivery_report.startswith("Bounced: grace@example.org: 550 5.1.1")

    event = sent_ack.ticket.events.get(kind=TicketEvent.Kind.EMAIL_BOUNCED)
    assert event.new_value.startswith("grace@example.org: 550 5.1.1")
    sent_ack.ticket.refresh_from_db()
    assert sent_ack.ticket.status == status_before  # not an answer: nothing reopens or moves
    nothing_written_for_the_customer(sent_ack.ticket)


@pytest.mark.django_db
def test_a_delay_is_recorded_on_the_ticket_and_the_email_but_flags_nobody(sent_ack: Sent):
    inbound = email_ingest(mailbox=Mailbox.objects.get(), raw=bounces.postfix_delayed(sent_ack.raw)).inbound
    assert (inbound.status, inbound.ticket) == ("bounce", sent_ack.ticket)
    assert Customer.objects.get(email=GRACE).email_bouncing_since is None
    sent_ack.ack.refresh_from_db()
    assert sent_ack.ack.status == OutboundEmail.Status.SENT
    assert sent_ack.ack.delivery_report.startswith("Delayed: grace@example.org: connect to mail.example.org")
    assert sent_ack.ticket.events.filter(kind=TicketEvent.Kind.EMAIL_DELAYED).count() == 1
    assert not sent_ack.ticket.events.filter(kind=TicketEvent.Kind.EMAIL_BOUNCED).exists()
    nothing_written_for_the_customer(sent_ack.ticket)


@pytest.mark.django_db
def test_the_same_report_delivered_twice_is_recorded_once(sent_ack: Sent):
    raw = bounces.postfix(sent_ack.raw)
    email_ingest(mailbox=Mailbox.objects.get(), raw=raw)
    assert email_ingest(mailbox=Mailbox.objects.get(), raw=raw).duplicate
    assert sent_ack.ticket.events.filter(kind=TicketEvent.Kind.EMAIL_BOUNCED).count() == 1


@pytest.mark.django_db
def test_a_report_matching_none_of_our_emails_is_filed_and_opens_no_ticket(mailbox: Mailbox):
    stranger = written("Hello", sender="someone@elsewhere.example", subject="Lunch?")
    inbound = email_ingest(mailbox=mailbox, raw=bounces.exim(stranger)).inbound
    assert (inbound.status, inbound.ticket, inbound.automatic) == ("bounce", None, True)
    assert "Matched none of our emails: filed only." in inbound.reason
    assert not Ticket.objects.exists()
    assert not Customer.objects.exists()
    assert not OutboundEmail.objects.exists()


@pytest.mark.django_db
def test_without_our_message_id_the_signed_reply_address_finds_the_ticket(sent_ack: Sent):
    headers_only = b"\r\n".join(
        line for line in sent_ack.raw.split(b"\r\n\r\n", 1)[0].split(b"\n") if not line.startswith(b"Message-ID")
    )
    assert reply_address(sent_ack.ticket).encode() in headers_only
    inbound = email_ingest(mailbox=Mailbox.objects.get(), raw=bounces.microsoft365(headers_only)).inbound
    assert (inbound.status, inbound.ticket) == ("bounce", sent_ack.ticket)
    assert "found by its signed address" in inbound.reason
    assert Customer.objects.get(email=GRACE).email_bouncing_since is not None
    sent_ack.ack.refresh_from_db()
    assert sent_ack.ack.status == OutboundEmail.Status.SENT  # which email bounced is not known


@pytest.mark.django_db
def test_a_ticket_reference_alone_counts_only_when_the_failed_address_is_that_customers(sent_ack: Sent):
    mailbox = Mailbox.objects.get()
    subject = f"We've got your request [{sent_ack.ticket.reference}] My printer"
    copied = written("A copy", sender="support@localhost", subject=subject)
    forged = email_ingest(mailbox=mailbox, raw=bounces.rfc3464(copied, recipient="mallory@evil.example")).inbound
    assert (forged.status, forged.ticket) == ("bounce", None)
    genuine = email_ingest(mailbox=mailbox, raw=bounces.exim(copied)).inbound
    assert (genuine.status, genuine.ticket) == ("bounce", sent_ack.ticket)
    assert sent_ack.ticket.events.filter(kind=TicketEvent.Kind.EMAIL_BOUNCED).count() == 1


@pytest.mark.django_db
def test_a_bounce_of_our_email_further_down_a_forward_still_flags_the_address_we_wrote_to(sent_ack: Sent):
    forwarded_on = bounces.gmail(sent_ack.raw, recipient="grace.hopper@mail.example.net")
    inbound = email_ingest(mailbox=Mailbox.objects.get(), raw=forwarded_on).inbound
    assert inbound.ticket == sent_ack.ticket  # by our Message-ID: the report is about the email we sent Grace
    assert Customer.objects.get(email=GRACE).email_bouncing_since is not None


@pytest.mark.django_db
def test_a_report_about_someone_else_is_shown_on_the_ticket_but_never_flags_the_customer(sent_ack: Sent):
    copy = written("x", sender="support@localhost", Reply_To=reply_address(sent_ack.ticket))
    inbound = email_ingest(
        mailbox=Mailbox.objects.get(), raw=bounces.rfc3464(copy, recipient="ada@else.example")
    ).inbound
    assert inbound.ticket == sent_ack.ticket
    assert Customer.objects.get(email=GRACE).email_bouncing_since is None
    assert sent_ack.ticket.events.get(kind=TicketEvent.Kind.EMAIL_BOUNCED).new_value.startswith("ada@else.example")


@pytest.mark.django_db
def test_the_customer_writing_in_again_from_that_address_clears_the_flag(sent_ack: Sent):
    mailbox = Mailbox.objects.get()
    email_ingest(mailbox=mailbox, raw=bounces.postfix(sent_ack.raw))
    away = written("Out of office", subject="Automatic reply", Auto_Submitted="auto-replied")
    email_ingest(mailbox=mailbox, raw=away)
    assert Customer.objects.get(email=GRACE).email_bouncing_since is not None  # a machine proves nothing
    colleague = written("About Grace's printer", sender="ada@example.net", to=reply_address(sent_ack.ticket))
    email_ingest(mailbox=mailbox, raw=colleague)
    assert Customer.objects.get(email=GRACE).email_bouncing_since is not None  # someone else wrote

    back = written("Sorry, my mailbox was full. It works again.", to=reply_address(sent_ack.ticket), subject="Re: it")
    reply = email_ingest(mailbox=mailbox, raw=back).inbound
    assert (reply.status, reply.ticket) == ("reply", sent_ack.ticket)
    grace = Customer.objects.get(email=GRACE)
    assert (grace.email_bouncing_since, grace.email_bounce_reason) == (None, "")
    cleared = sent_ack.ticket.events.get(kind=TicketEvent.Kind.BOUNCE_CLEARED)
    assert (cleared.actor_is_customer, cleared.new_value) == (True, "grace@example.org wrote in")


@pytest.mark.django_db
def test_a_new_request_from_the_address_clears_the_flag_too(sent_ack: Sent):
    mailbox = Mailbox.objects.get()
    email_ingest(mailbox=mailbox, raw=bounces.exim(sent_ack.raw))
    new = email_ingest(mailbox=mailbox, raw=written("Another thing", subject="The scanner too")).inbound
    assert new.status == "ticket" and new.ticket != sent_ack.ticket
    assert Customer.objects.get(email=GRACE).email_bouncing_since is None
    assert new.ticket is not None and new.ticket.events.filter(kind=TicketEvent.Kind.BOUNCE_CLEARED).exists()


@pytest.mark.django_db
def test_a_bounce_never_adds_a_message_even_when_sent_to_the_signed_address(sent_ack: Sent):
    signed = b"To: " + reply_address(sent_ack.ticket).encode()
    raw = bounces.postfix(sent_ack.raw).replace(b"To: support@localhost", signed, 1)
    inbound = email_ingest(mailbox=Mailbox.objects.get(), raw=raw).inbound
    assert (inbound.status, inbound.message) == ("bounce", None)
    assert not Message.objects.filter(ticket=sent_ack.ticket).exclude(pk=sent_ack.ticket.messages.get().pk).exists()


@pytest.mark.django_db
def test_the_admin_lists_reports_under_their_own_status_with_what_they_said(mailbox: Mailbox, admin_client_):
    stranger = written("Hello", sender="someone@elsewhere.example", subject="Lunch?")
    report = email_ingest(mailbox=mailbox, raw=bounces.exim(stranger)).inbound
    email_ingest(mailbox=mailbox, raw=written("A real question"))
    listing = admin_client_.get(reverse("admin:mail_inboundmessage_changelist"), {"status__exact": "bounce"})
    rows = listing.content.decode()
    assert "Mail delivery failed: returning message to sender" in rows and "A real question" not in rows
    detail = admin_client_.get(reverse("admin:mail_inboundmessage_change", args=[report.pk])).content.decode()
    assert "Delivery report: grace@example.org failed: 550 5.1.1 No such user here." in detail
    assert "Retry filing" not in detail  # only a quarantined message can be retried
