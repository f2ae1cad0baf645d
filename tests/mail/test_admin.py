"""The admin: mailboxes are configured there, and every message that came in can be found there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mail.models import InboundMessage, Mailbox
from mail.services import email_ingest
from tests.mail.corpus import LATIN1

NO_IMAP = {"imap_port": 993, "imap_security": "imaps", "imap_folder": "INBOX"}  # the form's defaults
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
         "is_active": "on", **NO_IMAP},
    )  # fmt: skip
    assert response.status_code == 302
    ticket = email_ingest(mailbox=Mailbox.objects.get(name="billing"), raw=LATIN1).inbound.ticket
    assert ticket is not None and (ticket.queue, ticket.kind) == (desk.queue_b, "problem")
    assert InboundMessage.objects.get().status == "ticket"


@pytest.mark.django_db
def test_an_imap_mailbox_names_its_password_variable_and_plain_imap_is_refused_off_this_machine(admin_client_, desk):
    form = {
        "name": "support", "address": "support@example.com", "queue": desk.queue_a.pk, "default_kind": "info",
        "is_active": "on", "imap_host": "imap.gmail.com", "imap_port": 143, "imap_security": "plain",
        "imap_username": "support@example.com", "imap_password_env": "mailbox support", "imap_folder": "INBOX",
    }  # fmt: skip
    refused = admin_client_.post(reverse("admin:mail_mailbox_add"), form).content.decode()
    assert "Plain IMAP sends the password in clear: only for a server on this machine." in refused
    assert "Use a variable name: capital letters, digits and underscores." in refused
    assert not Mailbox.objects.exists()

    form |= {"imap_port": 993, "imap_security": "imaps", "imap_password_env": "MAILBOX_SUPPORT_PASSWORD"}
    assert admin_client_.post(reverse("admin:mail_mailbox_add"), form).status_code == 302
    mailbox = Mailbox.objects.get()
    page = admin_client_.get(reverse("admin:mail_mailbox_change", args=[mailbox.pk])).content.decode()
    assert "MAILBOX_SUPPORT_PASSWORD" in page and 'type="password"' not in page
