"""``mail.oauth``: what the desk asks a provider's token endpoint, and what it does with the answer.

The provider is a real HTTP server on 127.0.0.1 (``oauth_provider``), so every request and refusal
goes over the wire as it would to Microsoft or Google.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from mail import oauth
from mail.models import ImapAuth, Mailbox
from tests.e2e.conftest import free_port
from tests.mail.oauth_provider import Provider, oauth_provider

SECRET_ENV, REFRESH_ENV = "MAILBOX_SUPPORT_CLIENT_SECRET", "MAILBOX_SUPPORT_REFRESH_TOKEN"
SCOPE = "https://outlook.office.com/IMAP.AccessAsUser.All offline_access"


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch) -> Iterator[Provider]:
    monkeypatch.setenv(SECRET_ENV, "client-secret")
    monkeypatch.setenv(REFRESH_ENV, "first-refresh-token")
    with oauth_provider(
        client_id="desk-app", client_secret="client-secret", refresh_token="first-refresh-token",
        username="support@example.com",
    ) as server:  # fmt: skip
        yield server


@pytest.fixture
def oauth_mailbox(mailbox: Mailbox, provider: Provider) -> Mailbox:
    Mailbox.objects.filter(pk=mailbox.pk).update(
        imap_host="imap.example.com", imap_username="support@example.com", imap_auth=ImapAuth.OAUTH2,
        oauth_token_url=provider.token_url, oauth_client_id="desk-app", oauth_client_secret_env=SECRET_ENV,
        oauth_refresh_token_env=REFRESH_ENV, oauth_scope=SCOPE,
    )  # fmt: skip
    mailbox.refresh_from_db()
    return mailbox


@pytest.mark.django_db
def test_a_refresh_token_buys_an_access_token_kept_until_two_minutes_before_it_expires(
    oauth_mailbox: Mailbox, provider: Provider
) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        assert oauth.access_token(oauth_mailbox) == "access-1"
        assert provider.token_requests == [
            {"grant_type": "refresh_token", "refresh_token": "first-refresh-token", "client_id": "desk-app",
             "client_secret": "client-secret", "scope": SCOPE},
        ]  # fmt: skip
        clock.move_to(start + timedelta(minutes=57, seconds=59))
        assert oauth.access_token(oauth_mailbox) == "access-1"  # a poll every minute asks nobody
        assert len(provider.token_requests) == 1
        clock.move_to(start + timedelta(minutes=58))
        assert oauth.access_token(oauth_mailbox) == "access-2"
        assert len(provider.token_requests) == 2


@pytest.mark.django_db
def test_a_refused_access_token_is_forgotten_and_the_next_run_asks_again(
    oauth_mailbox: Mailbox, provider: Provider
) -> None:
    assert oauth.access_token(oauth_mailbox) == "access-1"
    oauth.forget_access_token(oauth_mailbox)
    assert oauth.access_token(oauth_mailbox) == "access-2"


@pytest.mark.django_db
def test_a_rotated_refresh_token_is_used_from_then_on_in_memory_and_after_a_restart_the_variables_again(
    oauth_mailbox: Mailbox, provider: Provider, caplog: pytest.LogCaptureFixture
) -> None:
    provider.rotate_refresh_tokens = True
    with caplog.at_level(logging.INFO, logger="mail.oauth"):
        oauth.access_token(oauth_mailbox)
        oauth.forget_access_token(oauth_mailbox)
        oauth.access_token(oauth_mailbox)
    sent = [request["refresh_token"] for request in provider.token_requests]
    assert sent == ["first-refresh-token", "rotated-1"]
    assert "issued a new refresh token" in caplog.text and REFRESH_ENV in caplog.text
    assert "rotated-" not in caplog.text  # a secret is never logged
    oauth.forget_all()  # what a restart of the worker does
    oauth.access_token(oauth_mailbox)
    assert provider.token_requests[-1]["refresh_token"] == "first-refresh-token"


@pytest.mark.django_db
def test_the_app_itself_signs_in_with_its_client_secret(oauth_mailbox: Mailbox, provider: Provider) -> None:
    Mailbox.objects.filter(pk=oauth_mailbox.pk).update(
        imap_auth=ImapAuth.OAUTH2_APP, oauth_refresh_token_env="", oauth_scope="https://outlook.office365.com/.default"
    )
    oauth_mailbox.refresh_from_db()
    assert oauth.access_token(oauth_mailbox) == "access-1"
    assert provider.token_requests == [
        {"client_id": "desk-app", "client_secret": "client-secret", "grant_type": "client_credentials",
         "scope": "https://outlook.office365.com/.default"},
    ]  # fmt: skip


@pytest.mark.django_db
def test_each_refusal_says_why_in_a_line_an_admin_can_act_on(
    oauth_mailbox: Mailbox, provider: Provider, monkeypatch: pytest.MonkeyPatch
) -> None:
    where = provider.url.removeprefix("http://")
    provider.refusal = "AADSTS70008: The provided authorization code or refresh token has expired."
    with pytest.raises(oauth.OAuthError) as refused:
        oauth.access_token(oauth_mailbox)
    assert str(refused.value) == (
        f"the token endpoint {where} refused: invalid_grant: AADSTS70008: The provided authorization code or "
        "refresh token has expired."
    )

    monkeypatch.setenv(SECRET_ENV, "a-wrong-secret")
    with pytest.raises(oauth.OAuthError, match=f"{where} refused: invalid_client: Unknown client or wrong secret"):
        oauth.access_token(oauth_mailbox)

    monkeypatch.delenv(REFRESH_ENV)
    with pytest.raises(oauth.OAuthError, match=f"the environment variable {REFRESH_ENV} is not set for the worker"):
        oauth.access_token(oauth_mailbox)

    nobody = f"http://127.0.0.1:{free_port()}/token"
    monkeypatch.setenv(REFRESH_ENV, "first-refresh-token")
    Mailbox.objects.filter(pk=oauth_mailbox.pk).update(oauth_token_url=nobody)
    oauth_mailbox.refresh_from_db()
    with pytest.raises(oauth.OAuthError, match=r"the token endpoint 127\.0\.0\.1:\d+ could not be reached: .*refused"):
        oauth.access_token(oauth_mailbox)
