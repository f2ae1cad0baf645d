"""OAuth 2.0 access tokens for signing in to IMAP with SASL XOAUTH2 (Microsoft 365, Gmail).

A mailbox names the provider's token endpoint, its client ID and the *environment variables* of
the worker holding the client secret and the refresh token: like the IMAP password, no secret is
ever stored in the database or shown in the admin. Two grants (RFC 6749):

- ``refresh_token`` (a signed-in user, ``ImapAuth.OAUTH2``): the refresh token from the variable is
  exchanged for an access token. Gmail and Microsoft 365 delegated access (scope
  ``https://outlook.office.com/IMAP.AccessAsUser.All offline_access``).
- ``client_credentials`` (the app itself, ``ImapAuth.OAUTH2_APP``): the client secret alone buys the
  token. Microsoft 365 app-only access (scope ``https://outlook.office365.com/.default``).

The access token is kept in this process's memory until two minutes before it expires (or until
the IMAP server refuses it), so a worker asks the endpoint about once an hour, not every minute.
When the endpoint answers a refresh with a *new* refresh token (Microsoft does every time), this
process uses the newest one from then on; nothing is written anywhere, so after a restart the
worker starts again from the variable's token. That works as long as the provider keeps older
refresh tokens valid (Microsoft does until each one's own lifetime ends, Google does not rotate).
A refused or unreachable endpoint raises ``OAuthError`` with a message for the admin.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urlsplit
from urllib.request import Request, urlopen

from django.utils import timezone

from mail.models import ImapAuth, Mailbox
from mail.tls import tls_context

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 30
RENEW_BEFORE = timedelta(minutes=2)
DEFAULT_LIFETIME_SECONDS = 3600  # when the endpoint does not say (expires_in is only RECOMMENDED)
ERROR_MAX = 300


class OAuthError(Exception):
    """No access token: the message says why, for the mailbox's admin page and the log."""


@dataclass(frozen=True)
class _Grant:
    form: dict[str, str]
    key: tuple[str, ...]  # what the token is for; holds a hash of the secrets, never the secrets


@dataclass(frozen=True)
class _Token:
    value: str
    renew_at: datetime


_lock = threading.Lock()
_tokens: dict[tuple[str, ...], _Token] = {}
_newest_refresh_tokens: dict[tuple[str, ...], str] = {}


def access_token(mailbox: Mailbox) -> str:
    """A current access token for the mailbox: the cached one, else a fresh one from the endpoint."""
    grant = _grant(mailbox)
    with _lock:
        cached = _tokens.get(grant.key)
        form = dict(grant.form)
        if "refresh_token" in form:
            form["refresh_token"] = _newest_refresh_tokens.get(grant.key, form["refresh_token"])
    if cached is not None and timezone.now() < cached.renew_at:
        return cached.value
    answer = _post(mailbox.oauth_token_url, form)
    token = answer.get("access_token")
    if not isinstance(token, str) or not token:
        raise OAuthError(f"the token endpoint {_where(mailbox)} answered without an access_token")
    lifetime = _lifetime(answer.get("expires_in"))
    with _lock:
        _tokens[grant.key] = _Token(token, timezone.now() + max(lifetime - RENEW_BEFORE, lifetime / 2))
        rotated = answer.get("refresh_token")
        if "refresh_token" in form and isinstance(rotated, str) and rotated and rotated != form["refresh_token"]:
            _newest_refresh_tokens[grant.key] = rotated
            logger.info(
                "IMAP %s: the token endpoint issued a new refresh token; this worker uses it until it restarts, "
                "then %s's again",
                mailbox.name, mailbox.oauth_refresh_token_env,
            )  # fmt: skip
    return token


def forget_access_token(mailbox: Mailbox) -> None:
    """The IMAP server refused the token: the next run asks the endpoint for a new one."""
    try:
        key = _grant(mailbox).key
    except OAuthError:
        return
    with _lock:
        _tokens.pop(key, None)


def forget_all() -> None:
    """Drop every cached token (tests; a worker never needs to)."""
    with _lock:
        _tokens.clear()
        _newest_refresh_tokens.clear()


def _grant(mailbox: Mailbox) -> _Grant:
    form = {"client_id": mailbox.oauth_client_id}
    if mailbox.oauth_client_secret_env:
        form["client_secret"] = _from_env(mailbox.oauth_client_secret_env)
    if mailbox.imap_auth == ImapAuth.OAUTH2_APP:
        form["grant_type"] = "client_credentials"
    else:
        form["grant_type"] = "refresh_token"
        form["refresh_token"] = _from_env(mailbox.oauth_refresh_token_env)
    if mailbox.oauth_scope:
        form["scope"] = mailbox.oauth_scope
    secrets = hashlib.sha256(f"{form.get('client_secret', '')}\0{form.get('refresh_token', '')}".encode()).hexdigest()
    key = (str(mailbox.pk), mailbox.oauth_token_url, mailbox.oauth_client_id, mailbox.oauth_scope, form["grant_type"])
    return _Grant(form=form, key=(*key, secrets))


def _from_env(name: str) -> str:
    value = os.environ.get(name, "") if name else ""
    if not value:
        raise OAuthError(f"the environment variable {name or '(not named)'} is not set for the worker")
    return value


def _post(url: str, form: dict[str, str]) -> dict[str, object]:
    where = urlsplit(url).netloc
    request = Request(  # noqa: S310 - the URL is an http(s) URL checked by the mailbox's validation
        url,
        data=urlencode(form).encode(),
        headers={"Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    try:
        with urlopen(request, timeout=TIMEOUT_SECONDS, context=tls_context()) as response:  # noqa: S310
            body = response.read()
    except HTTPError as refused:
        raise OAuthError(f"the token endpoint {where} refused: {_reason(refused)}"[:ERROR_MAX]) from None
    except (URLError, OSError) as exc:
        reason = exc.reason if isinstance(exc, URLError) else exc
        raise OAuthError(f"the token endpoint {where} could not be reached: {reason}"[:ERROR_MAX]) from None
    try:
        answer = json.loads(body)
    except ValueError:
        raise OAuthError(f"the token endpoint {where} answered something other than JSON") from None
    if not isinstance(answer, dict):
        raise OAuthError(f"the token endpoint {where} answered something other than a JSON object")
    return answer


def _reason(refused: HTTPError) -> str:
    """``invalid_grant: the refresh token has expired`` from an RFC 6749 error answer, else the status."""
    try:
        answer = json.loads(refused.read())
    except (ValueError, OSError):
        answer = None
    finally:
        refused.close()
    if isinstance(answer, dict) and isinstance(answer.get("error"), str):
        description = answer.get("error_description")
        first_line = description.splitlines()[0] if isinstance(description, str) and description else ""
        return f"{answer['error']}: {first_line}" if first_line else answer["error"]
    return f"HTTP {refused.code} {refused.reason}"


def _lifetime(expires_in: object) -> timedelta:
    try:
        seconds = int(str(expires_in))
    except ValueError:
        seconds = DEFAULT_LIFETIME_SECONDS
    return timedelta(seconds=max(seconds, 0))


def _where(mailbox: Mailbox) -> str:
    return urlsplit(mailbox.oauth_token_url).netloc
