"""IMAP over TLS against a real dovecot whose certificate comes from a CA the test made.

The desk trusts that CA only through ``IMAP_CA_FILE``; it checks the chain and the host name, on
IMAPS and on STARTTLS alike. A certificate it cannot trust, or a server that does not offer
STARTTLS, stops the run before the password is sent: the error is recorded on the mailbox for the
admin and the message stays on the server, unread.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from mail import imap
from mail.models import ImapSecurity, Mailbox
from tests.e2e.conftest import _poll, free_port
from tests.e2e.imap_server import ImapServer, TlsFiles, dovecot, make_certificates
from tests.services import require_dovecot
from tickets.models import Ticket

pytestmark = [pytest.mark.postgres]

PASSWORD_ENV = "MAILBOX_SUPPORT_PASSWORD"
UNTRUSTED = "the server's TLS certificate is not trusted: "


@pytest.fixture
def certificates(tmp_path: Path) -> TlsFiles:
    return make_certificates(tmp_path, host="localhost")


@pytest.fixture
def tls_server(certificates: TlsFiles) -> Iterator[ImapServer]:
    require_dovecot()
    with dovecot(free_port(), tls=certificates, imaps_port=free_port()) as server:
        server.append(message())
        yield server


def message() -> bytes:
    written = EmailMessage()
    written["From"], written["To"], written["Subject"] = "ada@example.org", "support@localhost", "Over TLS"
    written["Message-ID"] = "<tls@example.org>"
    written.set_content("Sent over an encrypted connection.")
    return written.as_bytes()


def imap_mailbox(desk: Any, server: ImapServer, security: str, host: str = "localhost") -> Mailbox:
    port = server.imaps_port if security == ImapSecurity.IMAPS else server.port
    return Mailbox.objects.create(
        name="support", address="support@localhost", queue=desk.queue_a, imap_host=host, imap_port=port,
        imap_security=security, imap_username=server.user, imap_password_env=PASSWORD_ENV,
    )  # fmt: skip


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "imap-test-password")


@pytest.mark.parametrize("security", [ImapSecurity.IMAPS, ImapSecurity.STARTTLS])
def test_a_server_certified_by_the_trusted_private_ca_is_polled_over_tls(
    desk: Any, tls_server: ImapServer, certificates: TlsFiles, settings: Any, security: str
) -> None:
    settings.IMAP_CA_FILE = str(certificates.ca)
    mailbox = imap_mailbox(desk, tls_server, security)
    client = imap.connect(mailbox)
    try:
        sock = client.socket()
        assert isinstance(sock, ssl.SSLSocket) and sock.version() in {"TLSv1.2", "TLSv1.3"}
    finally:
        client.logout()
    assert imap.mailbox_poll(mailbox_id=mailbox.pk) == imap.PollResult(fetched=1, stored=1)
    assert (Ticket.objects.get().subject, tls_server.unseen()) == ("Over TLS", 0)
    mailbox.refresh_from_db()
    assert mailbox.imap_error == ""


@pytest.mark.parametrize("security", [ImapSecurity.IMAPS, ImapSecurity.STARTTLS])
def test_a_certificate_from_an_unknown_ca_or_for_another_name_is_refused_and_the_message_stays_unread(
    desk: Any, tls_server: ImapServer, certificates: TlsFiles, settings: Any, security: str
) -> None:
    settings.IMAP_CA_FILE = ""  # the system's CAs only: they never signed the test's certificate
    mailbox = imap_mailbox(desk, tls_server, security)
    result = imap.mailbox_poll(mailbox_id=mailbox.pk)
    assert result == imap.PollResult(error=UNTRUSTED + "unable to get local issuer certificate")
    mailbox.refresh_from_db()
    assert mailbox.imap_error == result.error

    settings.IMAP_CA_FILE = str(certificates.ca)  # trusted, but issued for "localhost", not this address
    Mailbox.objects.filter(pk=mailbox.pk).update(imap_host="127.0.0.1")
    result = imap.mailbox_poll(mailbox_id=mailbox.pk)
    assert result == imap.PollResult(error=UNTRUSTED + "IP address mismatch, certificate is not valid for '127.0.0.1'.")
    assert (Ticket.objects.exists(), tls_server.unseen()) == (False, 1)
    assert _poll(lambda: len(refused_handshakes(tls_server)) == 2, 5), tls_server.logged()
    assert all("no auth attempts" in line for line in refused_handshakes(tls_server))  # no password was sent


def refused_handshakes(server: ImapServer) -> list[str]:
    return [line for line in server.logged().splitlines() if "Disconnected" in line and "SSL_accept" in line]


def test_a_server_that_does_not_offer_starttls_is_never_sent_the_password(desk: Any) -> None:
    require_dovecot()
    with dovecot(free_port()) as plain_only:  # no TLS at all: it does not announce STARTTLS
        plain_only.append(message())
        mailbox = imap_mailbox(desk, plain_only, ImapSecurity.STARTTLS, host="127.0.0.1")
        sign_ins = plain_only.logged().count("Login: user=<support>")  # the test's own, to append
        result = imap.mailbox_poll(mailbox_id=mailbox.pk)
        assert result == imap.PollResult(error="the server does not offer STARTTLS: not signing in without encryption")
        assert not Ticket.objects.exists()
        # dovecot's log: our connection closed without signing in.
        assert _poll(lambda: "no auth attempts" in plain_only.logged(), 5), plain_only.logged()
        assert plain_only.logged().count("Login: user=<support>") == sign_ins
