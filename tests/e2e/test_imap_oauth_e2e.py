"""OAuth 2.0 sign-in (SASL XOAUTH2), as Microsoft 365 and Gmail require, against a real dovecot.

A small local provider (``tests.mail.oauth_provider``) plays Microsoft's part: its token endpoint
turns the refresh token into an access token, and dovecot's oauth2 passdb asks its introspection
endpoint whether the access token the desk presents is good and whose it is. The connection is
IMAPS with a certificate from the test's own CA, as with a real provider.
"""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from helpdesk.celery import app
from mail import imap
from mail.models import ImapAuth, ImapSecurity, Mailbox
from tests.e2e.conftest import Mailbox as SmtpSink
from tests.e2e.conftest import Worker, _poll
from tests.e2e.imap_server import ImapServer
from tests.e2e.oauth_imap import CLIENT_ID, REFRESH_ENV, SCOPE, SECRET_ENV, oauth_imap
from tests.mail.oauth_provider import Provider
from tickets.models import Ticket

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

QUIET_SECONDS = 2.0


@pytest.fixture
def stack(tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Provider, ImapServer]]:
    with oauth_imap(tmp_path, settings, monkeypatch) as both:
        yield both


@pytest.fixture
def provider(stack: tuple[Provider, ImapServer]) -> Provider:
    return stack[0]


@pytest.fixture
def imap_server(stack: tuple[Provider, ImapServer]) -> ImapServer:
    return stack[1]


@pytest.fixture
def mailbox(desk: Any, imap_server: ImapServer, provider: Provider) -> Mailbox:
    return Mailbox.objects.create(
        name="support", address="support@localhost", queue=desk.queue_a, imap_host="localhost",
        imap_port=imap_server.imaps_port, imap_security=ImapSecurity.IMAPS, imap_username=imap_server.user,
        imap_auth=ImapAuth.OAUTH2, oauth_token_url=provider.token_url, oauth_client_id=CLIENT_ID,
        oauth_client_secret_env=SECRET_ENV, oauth_refresh_token_env=REFRESH_ENV, oauth_scope=SCOPE,
    )  # fmt: skip


def written(n: int) -> bytes:
    message = EmailMessage()
    message["From"], message["To"] = f"Customer {n} <customer{n}@example.org>", "support@localhost"
    message["Subject"], message["Message-ID"] = f"Question {n}", f"<oauth-{n}@example.org>"
    message.set_content(f"Question number {n}.")
    return message.as_bytes()


def test_the_worker_signs_in_with_xoauth2_files_the_message_and_reuses_the_token(
    mailbox: Mailbox, imap_server: ImapServer, provider: Provider, smtp_server: SmtpSink,
    celery_worker_process: Worker,
) -> None:  # fmt: skip
    imap_server.append(written(1))
    app.send_task("mail.tasks.poll_mailboxes")  # the beat's task, by name, run by the real worker
    assert _poll(lambda: Ticket.objects.exists() and imap_server.unseen() == 0, 20), "the poll filed nothing"
    assert Ticket.objects.get().subject == "Question 1"
    assert provider.token_requests == [
        {"grant_type": "refresh_token", "refresh_token": "first-refresh-token", "client_id": "desk-app",
         "client_secret": "client-secret", "scope": SCOPE},
    ]  # fmt: skip
    assert provider.introspected == ["access-1"]  # dovecot checked the token the desk presented
    assert "method=XOAUTH2" in imap_server.logged()
    [ack] = smtp_server.wait_for(1)
    assert ack["To"] == "customer1@example.org"

    imap_server.append(written(2))
    app.send_task("mail.tasks.poll_mailboxes")  # a minute later: the same access token, no new request
    assert _poll(lambda: Ticket.objects.count() == 2 and imap_server.unseen() == 0, 20), "the second poll filed nothing"
    assert (len(provider.token_requests), provider.introspected) == (1, ["access-1", "access-1"])
    smtp_server.wait_for(2)
    smtp_server.wait_quiet(2, QUIET_SECONDS)
    mailbox.refresh_from_db()
    assert (mailbox.imap_error, mailbox.imap_polled_at is not None) == ("", True)


def test_a_refused_refresh_token_or_access_token_shows_on_the_mailbox_and_the_message_stays_unread(
    mailbox: Mailbox, imap_server: ImapServer, provider: Provider, admin_client_: Any
) -> None:
    imap_server.append(written(1))
    provider.refusal = "AADSTS700082: The refresh token has expired due to inactivity."
    endpoint_refused = (
        f"the token endpoint {provider.url.removeprefix('http://')} refused: invalid_grant: "
        "AADSTS700082: The refresh token has expired due to inactivity."
    )
    assert imap.mailbox_poll(mailbox_id=mailbox.pk) == imap.PollResult(error=endpoint_refused)
    assert (provider.introspected, imap_server.unseen()) == ([], 1)  # the IMAP server was never asked
    listing = admin_client_.get(reverse("admin:mail_mailbox_changelist")).content.decode()
    assert "AADSTS700082: The refresh token has expired due to inactivity." in listing

    provider.refusal = ""  # the admin put a new refresh token in place
    assert imap.mailbox_poll(mailbox_id=mailbox.pk) == imap.PollResult(fetched=1, stored=1)
    mailbox.refresh_from_db()
    assert (mailbox.imap_error, imap_server.unseen()) == ("", 0)

    imap_server.append(written(2))
    provider.revoke_access_tokens()  # e.g. the user's password changed: the cached token is dead
    refused = "sign-in refused by the IMAP server: [AUTHENTICATIONFAILED] Authentication failed."
    assert imap.mailbox_poll(mailbox_id=mailbox.pk) == imap.PollResult(error=refused)
    mailbox.refresh_from_db()
    assert (mailbox.imap_error, imap_server.unseen()) == (refused, 1)
    # The refused token was forgotten: the next run asks for a new one and carries on.
    assert imap.mailbox_poll(mailbox_id=mailbox.pk) == imap.PollResult(fetched=1, stored=1)
    assert provider.introspected == ["access-1", "access-1", "access-2"]
    assert (Ticket.objects.count(), imap_server.unseen()) == (2, 0)
