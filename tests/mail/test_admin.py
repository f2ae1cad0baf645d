"""The admin: mailboxes are configured there, and every message that came in can be found there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mail.models import InboundMessage, Mailbox
from mail.services import email_ingest
from tests.mail.corpus import LATIN1

QUARANTINED = b"Subject: =?utf-8?q?Qui_suis-je=3F?=\r\n\r\nNo sender at all.\r\n"


@pytest.mark.django_db
def test_an_admin_finds_a_quarantined_message_with_its_reason_and_downloads_the_original(admin_client_, mailbox):
    email_ingest(mailbox=mailbox, raw=LATIN1)
    stuck = email_ingest(mailbox=mailbox, raw=QUARANTINED).inbound
    listing = admin_client_.get(reverse("admin:mail_inboundmessage_changelist"), {"status__exact": "quarantined"})
    assert listing.status_code == 200
    rows = listing.content.decode()
    assert "Quarantined" in rows and "Qui suis-je?" in rows
    assert "Café machine" not in rows  # the filed one is not in the quarantine filter
    detail = admin_client_.get(reverse("admin:mail_inboundmessage_change", args=[stuck.pk])).content.decode()
    assert "Please give an email address" in detail
    download = admin_client_.post(
        reverse("admin:mail_inboundmessage_changelist"),
        {"action": "download_raw", "_selected_action": [stuck.pk]},
    )
    assert download["Content-Type"] == "message/rfc822"
    assert download.content == QUARANTINED


@pytest.mark.django_db
def test_an_admin_adds_a_mailbox_that_opens_email_tickets_in_its_queue_as_its_kind(admin_client_, desk):
    response = admin_client_.post(
        reverse("admin:mail_mailbox_add"),
        {"name": "billing", "address": "billing@example.com", "queue": desk.queue_b.pk, "default_kind": "problem",
         "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    ticket = email_ingest(mailbox=Mailbox.objects.get(name="billing"), raw=LATIN1).inbound.ticket
    assert ticket is not None and (ticket.queue, ticket.kind) == (desk.queue_b, "problem")
    assert InboundMessage.objects.get().status == "ticket"
