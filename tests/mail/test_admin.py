"""The admin: mailboxes are configured there, and every message that came in can be found there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mail import imap
from mail.models import InboundMessage, Mailbox
from mail.services import email_ingest
from tests.mail.corpus import LATIN1

NO_IMAP = {"imap_port": 993, "imap_security": "imaps", "imap_folder": "INBOX", "imap_auth": "password"}  # defaults
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
        "imap_auth": "password",
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


MICROSOFT_TOKEN_URL = "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"
IMAP_FORM = {
    "name": "support", "address": "support@example.com", "default_kind": "info", "is_active": "on",
    "imap_host": "outlook.office365.com", "imap_port": 993, "imap_security": "imaps",
    "imap_username": "support@example.com", "imap_folder": "INBOX",
}  # fmt: skip


@pytest.mark.django_db
def test_an_oauth_mailbox_names_its_token_endpoint_and_variables_and_each_missing_piece_is_said(admin_client_, desk):
    form = IMAP_FORM | {
        "queue": desk.queue_a.pk, "imap_auth": "oauth2", "oauth_token_url": "http://login.example.com/token",
        "oauth_client_secret_env": "client-secret",
    }  # fmt: skip
    refused = admin_client_.post(reverse("admin:mail_mailbox_add"), form).content.decode()
    for said in (
        "Use https: the endpoint receives the client secret and the refresh token.",
        "Needed for OAuth 2.0: the app&#x27;s client ID.",
        "Name the variable that holds the refresh token.",
        "Use a variable name: capital letters, digits and underscores.",
    ):
        assert said in refused
    assert "Name the variable that holds the password." not in refused  # OAuth needs no password
    assert not Mailbox.objects.exists()

    form |= {
        "oauth_token_url": MICROSOFT_TOKEN_URL, "oauth_client_id": "0b7a-desk", "oauth_client_secret_env": "",
        "oauth_refresh_token_env": "MAILBOX_SUPPORT_REFRESH_TOKEN",
        "oauth_scope": "https://outlook.office.com/IMAP.AccessAsUser.All offline_access",
    }  # fmt: skip
    assert admin_client_.post(reverse("admin:mail_mailbox_add"), form).status_code == 302
    mailbox = Mailbox.objects.get()
    assert (mailbox.imap_auth, mailbox.oauth_token_url, mailbox.oauth_client_secret_env) == (
        "oauth2", MICROSOFT_TOKEN_URL, "",
    )  # fmt: skip
    page = admin_client_.get(reverse("admin:mail_mailbox_change", args=[mailbox.pk])).content.decode()
    assert "MAILBOX_SUPPORT_REFRESH_TOKEN" in page and 'type="password"' not in page


@pytest.mark.django_db
def test_the_app_itself_needs_its_secret_variable_and_a_scope_and_a_password_mailbox_its_variable(admin_client_, desk):
    form = IMAP_FORM | {
        "queue": desk.queue_a.pk, "imap_auth": "oauth2_app", "oauth_token_url": MICROSOFT_TOKEN_URL,
        "oauth_client_id": "0b7a-desk",
    }  # fmt: skip
    refused = admin_client_.post(reverse("admin:mail_mailbox_add"), form).content.decode()
    assert "The app signs in with its client secret: name its variable." in refused
    assert "Microsoft 365: https://outlook.office365.com/.default" in refused
    assert "Name the variable that holds the refresh token." not in refused

    password = admin_client_.post(reverse("admin:mail_mailbox_add"), form | {"imap_auth": "password"})
    assert "Name the variable that holds the password." in password.content.decode()

    form |= {
        "oauth_client_secret_env": "MAILBOX_SUPPORT_CLIENT_SECRET",
        "oauth_scope": "https://outlook.office365.com/.default",
    }
    assert admin_client_.post(reverse("admin:mail_mailbox_add"), form).status_code == 302
    assert Mailbox.objects.get().imap_auth == "oauth2_app"


@pytest.mark.django_db
def test_the_mailbox_list_shows_when_each_was_last_polled_and_what_went_wrong(admin_client_, mailbox, monkeypatch):
    monkeypatch.delenv("MAILBOX_SUPPORT_PASSWORD", raising=False)
    Mailbox.objects.filter(pk=mailbox.pk).update(
        imap_host="127.0.0.1",
        imap_security="plain",
        imap_username="support",
        imap_password_env="MAILBOX_SUPPORT_PASSWORD",
    )
    listing = admin_client_.get(reverse("admin:mail_mailbox_changelist")).content.decode()
    assert '<td class="field-last_poll">never</td>' in listing

    imap.mailbox_poll(mailbox_id=mailbox.pk)
    listing = admin_client_.get(reverse("admin:mail_mailbox_changelist")).content.decode()
    assert ": the environment variable MAILBOX_SUPPORT_PASSWORD is not set for the worker</td>" in listing
    detail = admin_client_.get(reverse("admin:mail_mailbox_change", args=[mailbox.pk])).content.decode()
    assert "the environment variable MAILBOX_SUPPORT_PASSWORD is not set for the worker" in detail
