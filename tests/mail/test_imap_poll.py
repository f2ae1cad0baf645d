"""``mail.imap.mailbox_poll`` without an IMAP server: what a failed run leaves on the mailbox.

The runs against a real server (dovecot) are in tests/e2e/test_imap_*_e2e.py.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from mail import imap
from mail.models import ImapAuth, ImapSecurity, Mailbox
from tests.e2e.conftest import free_port
from tests.mail.oauth_provider import oauth_provider


def _imap_mailbox(desk: Any, name: str, **fields: Any) -> Mailbox:
    return Mailbox.objects.create(
        name=name, address=f"{name}@example.com", queue=desk.queue_a, imap_host="127.0.0.1", imap_port=free_port(),
        imap_security=ImapSecurity.PLAIN, imap_username=f"{name}@example.com", **fields,
    )  # fmt: skip


@pytest.mark.django_db
def test_a_refused_refresh_token_is_recorded_on_the_mailbox_and_no_connection_is_opened(
    desk: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("SUPPORT_REFRESH_TOKEN", "revoked-by-the-user")
    with oauth_provider(client_id="desk", client_secret="", refresh_token="the-good-one", username="x") as provider:
        mailbox = _imap_mailbox(
            desk, "support", imap_auth=ImapAuth.OAUTH2, oauth_token_url=provider.token_url, oauth_client_id="desk",
            oauth_refresh_token_env="SUPPORT_REFRESH_TOKEN",
        )  # fmt: skip
        with caplog.at_level(logging.WARNING, logger="mail.imap"):
            result = imap.mailbox_poll(mailbox_id=mailbox.pk)
    # Had it connected, the closed port would have said "Connection refused" instead.
    refused = f"the token endpoint {provider.url.removeprefix('http://')} refused: invalid_grant: "
    assert result is not None and result.error == refused + "The refresh token is not valid."
    [logged] = [record for record in caplog.records if record.name == "mail.imap"]
    assert refused in logged.getMessage() and logged.exc_info is None
    mailbox.refresh_from_db()
    assert (mailbox.imap_error, mailbox.imap_lease_until) == (result.error, None)
    assert mailbox.imap_polled_at is not None


@pytest.mark.django_db
def test_an_unexpected_error_in_one_mailbox_is_recorded_and_the_others_are_still_polled(
    desk: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("SUPPORT_PASSWORD", "secret")
    broken = _imap_mailbox(desk, "broken", imap_password_env="SUPPORT_PASSWORD")
    other = _imap_mailbox(desk, "other", imap_password_env="SUPPORT_PASSWORD")
    connect = imap.connect

    def a_bug_for_the_first(mailbox: Mailbox) -> Any:
        if mailbox.pk == broken.pk:
            raise KeyError("a bug")
        return connect(mailbox)

    monkeypatch.setattr(imap, "connect", a_bug_for_the_first)
    with caplog.at_level(logging.WARNING, logger="mail.imap"):
        results = imap.poll_active_mailboxes()
    assert set(results) == {str(broken.pk), str(other.pk)}
    broken.refresh_from_db()
    other.refresh_from_db()
    assert (broken.imap_error, broken.imap_lease_until) == ("unexpected error: KeyError: 'a bug'", None)
    assert other.imap_error.startswith("ConnectionRefusedError")  # polled all the same
    assert any(record.exc_info for record in caplog.records)  # the bug's traceback is in the log


@pytest.mark.django_db
def test_a_password_variable_missing_from_the_workers_environment_is_named(
    desk: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SUPPORT_PASSWORD", raising=False)
    mailbox = _imap_mailbox(desk, "support", imap_password_env="SUPPORT_PASSWORD")
    result = imap.mailbox_poll(mailbox_id=mailbox.pk)
    assert result == imap.PollResult(error="the environment variable SUPPORT_PASSWORD is not set for the worker")
