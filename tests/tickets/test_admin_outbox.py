"""The outbox in the admin: a list that says how each email stands, a detail page with the text
that went out (escaped, private links hidden) and the whole error, times on a 24-hour clock."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from tickets.links import link_token
from tickets.models import OutboundEmail, Ticket
from tickets.services import agent_reply_post, outbox_send, ticket_submit

pytestmark = pytest.mark.django_db
SENT_AT = datetime(2031, 3, 10, 13, 42, tzinfo=UTC)  # later than any row the test makes
LONG_ERROR = "SMTPRecipientsRefused: 550 5.1.1 " + "the mailbox does not exist; " * 6 + "END-OF-ERROR"


@pytest.fixture
def ticket(desk) -> Ticket:
    return ticket_submit(
        name="Rosa Diaz",
        email="rosa@example.com",
        kind=Ticket.Kind.PROBLEM,
        subject="Invoice shows the wrong company name",
        description="The PDF says ACME Ltd.",
    ).ticket


def change_page(client, email: OutboundEmail) -> str:
    response = client.get(reverse("admin:tickets_outboundemail_change", args=[email.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_detail_page_shows_the_text_sent_escaped_and_without_the_private_link(admin_client_, ticket, desk):
    agent_reply_post(ticket=ticket, agent=desk.agent_a, body="Fixed: <b>ACME GmbH</b> from now on.")
    reply = ticket.emails.get(kind=OutboundEmail.Kind.AGENT_REPLY)
    with time_machine.travel(SENT_AT, tick=False):
        outbox_send(email_id=reply.pk)
    assert link_token(ticket) in str(mail.outbox[0].body)  # the customer did get their link

    reply.refresh_from_db()
    page = change_page(admin_client_, reply)
    assert html.escape(reply.subject) in page
    assert "Fixed: &lt;b&gt;ACME GmbH&lt;/b&gt; from now on." in page  # shown, never rendered
    assert "<b>ACME GmbH</b>" not in page
    assert f"/support/t/{ticket.reference}/[private link]/" in page
    assert link_token(ticket) not in page and link_token(ticket) not in reply.body_text
    assert "10 Mar 2031, 13:42" in page  # one 24-hour clock: never "1:42 p.m."
    assert "p.m." not in page


def test_an_unsent_email_says_its_text_is_kept_once_sent(admin_client_, ticket):
    page = change_page(admin_client_, ticket.emails.get())
    assert "Not sent yet: the text is kept here once it is sent." in page


def test_the_list_fits_short_values_and_the_detail_page_has_the_whole_error(admin_client_, ticket):
    ack = ticket.emails.get()
    OutboundEmail.objects.filter(pk=ack.pk).update(status="failed", attempts=10, last_error=LONG_ERROR)
    listing = admin_client_.get(reverse("admin:tickets_outboundemail_changelist")).content.decode()
    assert re.search(r"SMTPRecipientsRefused: 550 5\.1\.1 the ma\w*…", listing)
    assert "END-OF-ERROR" not in listing
    assert "END-OF-ERROR" in change_page(admin_client_, ack)


def test_the_list_shows_sent_times_on_a_24_hour_clock(admin_client_, ticket):
    OutboundEmail.objects.update(status="sent", sent_at=SENT_AT)
    listing = admin_client_.get(reverse("admin:tickets_outboundemail_changelist")).content.decode()
    assert "10 Mar 13:42" in listing
