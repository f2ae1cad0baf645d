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
Connection, sign-in and protocol errors are logged on one line; the next beat run (every minute)
tries again. A run handles at most ``BATCH`` messages, oldest first.

Two beats or two workers never poll one mailbox at once: a run first claims the mailbox with a
conditional UPDATE of ``imap_lease_until`` (only if no lease is running). A row lock
(``select_for_update``) would need one transaction around the whole run, and then no message would
be committed before the end of the batch, which is what flagging after the commit relies on. The
lease outlives the task's time limit, so a killed run frees the mailbox by the next minute or five.
"""

from __future__ import annotations

import contextlib
import logging
import os
import ssl
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import DatabaseError
from django.db.models import Q
from django.utils import timezone
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from mail.models import ImapSecurity, InboundMessage, Mailbox
from mail.services import email_ingest

logger = logging.getLogger(__name__)

BATCH = 200
TIMEOUT_SECONDS = 30
TASK_TIME_LIMIT_SECONDS = 240  # the poll task's hard limit (mail.tasks)
LEASE = timedelta(seconds=TASK_TIME_LIMIT_SECONDS + 60)
SEEN = b"\\Seen"
# What a broken network or server raises: logged, retried next run. Database errors are not here.
# (OSError covers refused connections, timeouts and TLS failures; IMAPClientError a refused sign-in.)
CONNECTION_ERRORS: tuple[type[Exception], ...] = (OSError, IMAPClientError)


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
    """One run for one mailbox, under its lease; ``None`` when another run holds it."""
    now = timezone.now()
    claimed = (
        Mailbox.objects.filter(pk=mailbox_id, is_active=True)
        .filter(Q(imap_lease_until__isnull=True) | Q(imap_lease_until__lt=now))
        .update(imap_lease_until=now + LEASE)
    )
    if claimed != 1:
        return None
    mailbox = Mailbox.objects.get(pk=mailbox_id)
    try:
        return _poll(mailbox, batch)
    finally:
        Mailbox.objects.filter(pk=mailbox_id).update(imap_lease_until=None)


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
        result.error = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
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
    """Connected, secured as the mailbox says, signed in. Raises one of ``CONNECTION_ERRORS``."""
    context = ssl.create_default_context()
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
            client.starttls(context)
        password = os.environ.get(mailbox.imap_password_env, "") if mailbox.imap_password_env else ""
        client.login(mailbox.imap_username, password)
    except CONNECTION_ERRORS:
        with contextlib.suppress(*CONNECTION_ERRORS):
            client.shutdown()  # close the socket: a refused sign-in every minute must not leak one each time
        raise
    return client


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
