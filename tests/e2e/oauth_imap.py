"""An IMAP server that signs people in with OAuth 2.0, as Microsoft 365 and Gmail do: a local
provider (``tests.mail.oauth_provider``) and a dovecot asking it about each access token, over
IMAPS with a certificate from the test's own CA (trusted through ``IMAP_CA_FILE``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from mail import oauth
from tests.e2e.conftest import free_port
from tests.e2e.imap_server import ImapServer, dovecot, make_certificates
from tests.mail.oauth_provider import Provider, oauth_provider
from tests.services import require_dovecot

SECRET_ENV, REFRESH_ENV = "MAILBOX_SUPPORT_CLIENT_SECRET", "MAILBOX_SUPPORT_REFRESH_TOKEN"
CLIENT_ID, SCOPE = "desk-app", "https://outlook.office.com/IMAP.AccessAsUser.All offline_access"


@contextmanager
def oauth_imap(tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Provider, ImapServer]]:
    require_dovecot()
    monkeypatch.setenv(SECRET_ENV, "client-secret")  # the worker's environment: never in the database
    monkeypatch.setenv(REFRESH_ENV, "first-refresh-token")
    certificates = make_certificates(tmp_path)
    settings.IMAP_CA_FILE = str(certificates.ca)
    oauth.forget_all()
    try:
        with (
            oauth_provider(
                client_id=CLIENT_ID, client_secret="client-secret", refresh_token="first-refresh-token",
                username="support",
            ) as provider,
            dovecot(
                free_port(), tls=certificates, imaps_port=free_port(),
                oauth_introspection_url=provider.introspection_url,
            ) as server,
        ):  # fmt: skip
            yield provider, server
    finally:
        oauth.forget_all()
