"""IMAP polling: each unseen message goes through ``email_ingest``, then is marked \\Seen.

Exactly once, nothing lost:
- a message is fetched with ``BODY.PEEK[]`` (which leaves it unseen), stored and routed by
  ``email_ingest`` in its own committed transaction, and only then flagged \\Seen;
- a crash or a dropped connection between the commit and the flag leaves it unseen: the next run
  fetches it again and the per-mailbox key (Message-ID, else a hash of the bytes) makes that a
  duplicate that does nothing, after which it is flagged;
- a message that cannot be filed is kept quarantined by ``email_ingest`` and flagged like any other,
  so it is never fetched forever;
- when the database fails the run stops without flagging: the next run retries the message.
Connection, TLS, sign-in and protocol errors (and an OAuth token endpoint's refusal) are logged on
one line and recorded on the mailbox (``imap_error``, with ``imap_polled_at``) for the admin; the
next beat run (every minute) tries again. A run handles at most ``BATCH`` messages, oldest first.

TLS is verified against the system's certificates plus ``IMAP_CA_FILE``'s (a private CA), host
name included; STARTTLS is required when chosen, never skipped because the server does not offer
it. Sign-in is the password from the environment, or an OAuth 2.0 access token (``mail.oauth``)
with SASL XOAUTH2.

Two beats or two workers never poll one mailbox at once: a run first claims the mailbox with a
conditional UPDATE of ``imap_lease_until`` (only if no lease is running). A row lock
(``select_for_update``) would need one transaction around the whole run, and then no message would
be committed before the end of the batch, which is what flagging after the commit relies on. The
lease (``IMAP_LEASE_SECONDS``, 300 s) outlives the task's time limit, so a killed run frees the
mailbox within five minutes. Two runs at once would still be safe (the key makes the second copy a
duplicate); the lease only spares the work.
"""

from __future__ import annotations

import contextlib
import logging
import os
import ssl
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError
from django.db.models import Q
from django.utils import timezone
from imapclient import IMAPClient
from imapclient.exceptions import CapabilityError, IMAPClientError, LoginError

from mail import oauth
from mail.models import ImapSecurity, InboundMessage, Mailbox
from mail.services import email_ingest
from mail.tls import tls_context

logger = logging.getLogger(__name__)

BATCH = 200
TIMEOUT_SECONDS = 30
TASK_TIME_LIMIT_SECONDS = 240  # the poll task's hard limit (mail.tasks); IMAP_LEASE_SECONDS is longer
SEEN = b"\\Seen"
ERROR_MAX = 300  # Mailbox.imap_error's length


class SignInError(Exception):
    """Nothing to sign in with: the message says why, for the admin."""


# What a broken network or server raises: logged, recorded, retried next run. Database errors are
# not here. (OSError covers refused connections, timeouts and TLS failures; IMAPClientError a
# refused sign-in; SignInError a missing variable; OAuthError a token endpoint's refusal.)
CONNECTION_ERRORS: tuple[type[Exception], ...] = (OSError, IMAPClientError, SignInError, oauth.OAuthError)


@dataclass
class PollResult:
    fetched: int = 0
    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0
    error: str = ""


def mailboxes_to_poll() -> list[int]:
    active = Mailbox.objects.filter(is_active=True).exclude(imap_host="")
    return list(active.order_by("pk").values_list("pk", flat=True))


def poll_active_mailboxes() -> dict[str, PollResult | None]:
    """Poll every active mailbox with an IMAP host; ``None`` for one another run is polling."""
    return {str(pk): mailbox_poll(mailbox_id=pk) for pk in mailboxes_to_poll()}


def mailbox_poll(*, mailbox_id: int, batch: int = BATCH) -> PollResult | None:
    """One run for one mailbox, under its lease; ``None`` when another run holds it.

    How it went is recorded on the mailbox (``imap_polled_at``, ``imap_error``) when the lease is
    given back. An unexpected error is logged with its traceback and recorded too: one broken
    mailbox never stops the others' polls.
    """
    now = timezone.now()
    claimed = (
        Mailbox.objects.filter(pk=mailbox_id, is_active=True)
        .filter(Q(imap_lease_until__isnull=True) | Q(imap_lease_until__lt=now))
        .update(imap_lease_until=now + timedelta(seconds=settings.IMAP_LEASE_SECONDS))
    )
    if claimed != 1:
        return None
    mailbox = Mailbox.objects.get(pk=mailbox_id)
    result = PollResult(error="the run stopped at the task's time limit; the next run carries on")
    try:
        result = _poll(mailbox, batch)
    except SoftTimeLimitExceeded:
        raise
    except Exception as exc:
        logger.exception("IMAP %s: the run failed", mailbox.name)
        result = PollResult(error=f"unexpected error: {type(exc).__name__}: {exc}")
    finally:
        error = result.error.splitlines()[0][:ERROR_MAX] if result.error else ""
        done = {"imap_lease_until": None, "imap_polled_at": timezone.now(), "imap_error": error}
        Mailbox.objects.filter(pk=mailbox_id).update(**done)
    return result


def _poll(mailbox: Mailbox, batch: int) -> PollResult:
    result = PollResult()
    client: IMAPClient | None = None
    try:
        client = connect(mailbox)
        client.select_folder(mailbox.imap_folder)
        uids = sorted(client.search(["UNSEEN"]))[:batch]
        for uid in uids:
            raw = _fetch(client, uid)
            if raw is None:
                continue  # expunged by someone else since the search
            result.fetched += 1
            try:
                ingested = email_ingest(mailbox=mailbox, raw=raw)
            except DatabaseError as exc:
                result.error = f"database error, the message stays unseen: {exc}".splitlines()[0]
                logger.error("IMAP %s: uid %s not filed, %s", mailbox.name, uid, result.error)
                return result
            if ingested.duplicate:
                result.duplicates += 1
            elif ingested.inbound.status == InboundMessage.Status.QUARANTINED:
                result.quarantined += 1
            else:
                result.stored += 1
            mark_seen(client, uid)
    except CONNECTION_ERRORS as exc:
        result.error = describe(exc)
        logger.warning(
            "IMAP %s: %s:%s failed (%s); the next run retries", mailbox.name, mailbox.imap_host, mailbox.imap_port,
            result.error,
        )  # fmt: skip
    finally:
        if client is not None:
            _logout(client)
    if result.fetched:
        logger.info("IMAP %s: %s", mailbox.name, result)
    return result


def connect(mailbox: Mailbox) -> IMAPClient:
    """Connected, secured as the mailbox says, signed in. Raises one of ``CONNECTION_ERRORS``.

    The secret comes first (an OAuth token may need the endpoint): when there is none, no
    connection is opened at all.
    """
    token = oauth.access_token(mailbox) if mailbox.uses_oauth else ""
    password = "" if mailbox.uses_oauth else _password(mailbox)
    context = tls_context()
    security = mailbox.imap_security
    client = IMAPClient(
        mailbox.imap_host,
        port=mailbox.imap_port,
        ssl=security == ImapSecurity.IMAPS,
        ssl_context=context,
        timeout=TIMEOUT_SECONDS,
    )
    try:
        if security == ImapSecurity.STARTTLS:
            client.starttls(context)  # CapabilityError when not offered: never sign in unencrypted
        if mailbox.uses_oauth:
            try:
                client.oauth2_login(mailbox.imap_username, token)
            except LoginError:
                oauth.forget_access_token(mailbox)  # revoked or for another account: ask again next run
                raise
        else:
            client.login(mailbox.imap_username, password)
    except CONNECTION_ERRORS:
        with contextlib.suppress(*CONNECTION_ERRORS):
            client.shutdown()  # close the socket: a refused sign-in every minute must not leak one each time
        raise
    return client


def _password(mailbox: Mailbox) -> str:
    name = mailbox.imap_password_env
    password = os.environ.get(name, "") if name else ""
    if not password:
        raise SignInError(f"the environment variable {name or '(not named)'} is not set for the worker")
    return password


def describe(exc: Exception) -> str:
    """One line for the admin: what went wrong, in the words of the part that refused."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        text = f"the server's TLS certificate is not trusted: {exc.verify_message}"
    elif isinstance(exc, CapabilityError) and "STARTTLS" in str(exc):
        text = "the server does not offer STARTTLS: not signing in without encryption"
    elif isinstance(exc, LoginError):
        said = str(exc)
        if said[:2] in {"b'", 'b"'} and said[-1:] == said[1]:
            said = said[2:-1]  # imaplib's words arrive as the repr of bytes
        text = f"sign-in refused by the IMAP server: {said}"
    elif isinstance(exc, SignInError | oauth.OAuthError):
        text = str(exc)
    else:
        text = f"{type(exc).__name__}: {exc}"
    return text.splitlines()[0][:ERROR_MAX] if text else type(exc).__name__


def _fetch(client: IMAPClient, uid: int) -> bytes | None:
    # BODY.PEEK[] leaves the message unseen; RFC822 or BODY[] would flag it before it is stored.
    data: dict[int, dict[bytes, Any]] = client.fetch([uid], ["BODY.PEEK[]"])
    raw = data.get(uid, {}).get(b"BODY[]")
    return bytes(raw) if raw is not None else None


def mark_seen(client: IMAPClient, uid: int) -> None:
    """Flag one message \\Seen: called only once it is committed."""
    client.add_flags([uid], [SEEN], silent=True)


def _logout(client: IMAPClient) -> None:
    with contextlib.suppress(*CONNECTION_ERRORS):  # the connection may be gone already: nothing to tidy
        client.logout()
