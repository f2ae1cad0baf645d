"""A customer's reply tells the desk once: the assignee, or the queue's agents on duty."""

import pytest
from django.core import mail
from django.urls import reverse

from mail.models import Mailbox
from mail.services import email_ingest
from tests.factories import UserFactory
from tickets import services
from tickets.models import AgentProfile, Notice, OutboundEmail
from tickets.reply_address import reply_address
from tickets.services.notices import customer_reply_notify
from tickets.services.outbox import outbox_send


def reply_notices():
    return list(Notice.objects.filter(kind=Notice.Kind.CUSTOMER_REPLY).values_list("user__username", flat=True))


def reply_emails():
    return list(
        OutboundEmail.objects.filter(kind=OutboundEmail.Kind.NOTICE)
        .order_by("to_email")
        .values_list("to_email", flat=True)
    )


@pytest.mark.django_db
def test_the_assignee_alone_hears_of_the_reply(desk, ticket):
    ticket.assignee = desk.agent_b  # not of queue A: the assignee, not the queue, is told
    ticket.save()
    services.customer_reply_post(ticket=ticket, body="Still broken, sorry")
    assert reply_notices() == ["bob"]
    assert reply_emails() == [desk.agent_b.email]


@pytest.mark.django_db
def test_unassigned_the_queues_agents_on_duty_hear_of_it(desk, ticket):
    carol = UserFactory(username="carol")
    dave = UserFactory(username="dave")
    desk.queue_a.agents.add(carol, dave)
    AgentProfile.objects.create(user=dave, on_duty=False)  # off duty: not disturbed
    services.customer_reply_post(ticket=ticket, body="Hello?")
    assert sorted(reply_notices()) == ["alice", "carol"]
    assert reply_emails() == sorted([desk.agent_a.email, carol.email])
    assert ticket.customer.email not in reply_emails()


@pytest.mark.django_db
def test_a_deactivated_assignee_is_replaced_by_the_queue(desk, ticket):
    desk.agent_b.is_active = False
    desk.agent_b.save()
    ticket.assignee = desk.agent_b
    ticket.save()
    services.customer_reply_post(ticket=ticket, body="Hello?")
    assert reply_notices() == ["alice"]


@pytest.mark.django_db
def test_an_automatic_reply_notifies_nobody(desk, ticket):
    services.customer_reply_post(ticket=ticket, body="I am out of the office", automatic=True)
    assert not Notice.objects.exists()
    assert not OutboundEmail.objects.exists()


@pytest.mark.django_db
def test_notifying_again_for_the_same_message_writes_and_sends_nothing(desk, ticket):
    message = services.customer_reply_post(ticket=ticket, body="Hello?")
    [email] = OutboundEmail.objects.all()
    customer_reply_notify(message=message, at=message.created_at)  # a retried task
    assert reply_notices() == ["alice"]
    assert OutboundEmail.objects.get() == email
    outbox_send(email_id=email.pk)
    outbox_send(email_id=email.pk)
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_email_names_the_reply_and_links_to_the_desk_page(desk, ticket, settings):
    ticket.assignee = desk.agent_a
    ticket.save()
    services.customer_reply_post(ticket=ticket, body="It is the LaserJet on the 2nd floor")
    outbox_send(email_id=OutboundEmail.objects.get().pk)
    [sent] = mail.outbox
    assert sent.to == [desk.agent_a.email]
    assert sent.subject == f"Customer replied: {ticket.reference} {ticket.subject}"
    assert "It is the LaserJet on the 2nd floor" in sent.body
    assert settings.SITE_URL + reverse("desk:ticket", kwargs={"reference": ticket.reference}) in sent.body
    assert "you are assigned to this ticket" in sent.body
    assert sent.reply_to == []  # an agent's notice never answers to the customer's thread


@pytest.mark.django_db
def test_the_reply_shows_under_the_bell(desk, ticket, alice):
    services.customer_reply_post(ticket=ticket, body="Hello?")
    page = alice.get(reverse("desk:notices"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Customer replied" in text
    assert ticket.reference in text


@pytest.mark.django_db
def test_an_emailed_reply_notifies_once_and_an_out_of_office_not_at_all(desk, ticket):
    mailbox = Mailbox.objects.create(name="support", address="support@localhost", queue=desk.queue_a)
    to = reply_address(ticket)
    raw = (
        f"From: {ticket.customer.email}\r\nTo: {to}\r\nSubject: Re: printer\r\n"
        "Message-ID: <r1@example.org>\r\n\r\nStill blank.\r\n"
    ).encode()
    email_ingest(mailbox=mailbox, raw=raw)
    email_ingest(mailbox=mailbox, raw=raw)  # delivered twice
    away = raw.replace(b"<r1@", b"<r2@").replace(b"Subject:", b"Auto-Submitted: auto-replied\r\nSubject:")
    email_ingest(mailbox=mailbox, raw=away)
    assert ticket.messages.count() == 2
    assert reply_notices() == ["alice"]
    assert reply_emails() == [desk.agent_a.email]
