"""A customer's reply reaches the desk once, by the real worker and a real SMTP server: from the
private page and by email alike, the assignee gets one email and one notice under the bell."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from mail.models import Mailbox
from mail.services import email_ingest
from tests.e2e.conftest import Mailbox as SmtpSink
from tests.e2e.conftest import Worker
from tests.factories import TicketFactory
from tickets.links import link_path
from tickets.reply_address import reply_address

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
QUIET_SECONDS = 2.0


def test_a_web_reply_and_an_emailed_reply_each_tell_the_assignee_once(
    desk: Any, smtp_server: SmtpSink, celery_worker_process: Worker
) -> None:
    ticket = TicketFactory(queue=desk.queue_a, assignee=desk.agent_a, subject="Printer prints blank pages")
    alice = Client()
    alice.force_login(desk.agent_a)

    page = Client().post(link_path(ticket), {"body": "It is the LaserJet on the 2nd floor."})
    assert page.status_code == 302
    [email] = smtp_server.wait_for(1)
    assert email["To"] == desk.agent_a.email
    assert email["Subject"] == f"Customer replied: {ticket.reference} Printer prints blank pages"
    text = str(email.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    assert "It is the LaserJet on the 2nd floor." in text
    assert reverse("desk:ticket", kwargs={"reference": ticket.reference}) in text
    assert "1 unread notice" in alice.get(reverse("desk:queue")).content.decode()

    mailbox = Mailbox.objects.create(name="support", address="support@localhost", queue=desk.queue_a)
    raw = (
        f"From: {ticket.customer.email}\r\nTo: {reply_address(ticket)}\r\nSubject: Re: {email['Subject']}\r\n"
        "Message-ID: <again@mail.example.org>\r\n\r\nStill blank this afternoon.\r\n"
    ).encode()
    email_ingest(mailbox=mailbox, raw=raw)
    email_ingest(mailbox=mailbox, raw=raw)  # the same message delivered twice
    second = smtp_server.wait_for(2)[1]
    assert "Still blank this afternoon." in str(second.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    smtp_server.wait_quiet(2, QUIET_SECONDS)
    assert [m["To"] for m in smtp_server.messages] == [desk.agent_a.email] * 2
    assert "2 unread notices" in alice.get(reverse("desk:queue")).content.decode()
    assert "Customer replied" in alice.get(reverse("desk:notices")).content.decode()
