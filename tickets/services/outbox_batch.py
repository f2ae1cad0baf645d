"""The outbox's batch sender: one run claims many due rows and sends them over one SMTP connection.

A run (``tickets.tasks.send_customer_emails`` or ``send_agent_notices``, one per lane) loops:

1. claim up to ``OUTBOX_BATCH_SIZE`` due rows of its lane in one transaction, with
   ``SELECT ... FOR UPDATE SKIP LOCKED`` and then a conditional UPDATE to SENDING under the run's
   lease end (``outbox_claim_token``), so two runs never hold one row;
2. send them one by one over one open SMTP connection, recording each result as it comes: a 250
   marks the row sent at once (``mark_sent``), a refusal records the error (``record_failure``: a
   5xx fails the row, anything else retries it later with backoff);
3. stop after ``BUDGET_SECONDS`` (well inside the task's time limits), giving back the rows it
   claimed and did not reach, and say whether work remains: the task then queues the next run.

Exactly once is the row's, as for one email (``tickets.services.outbox``): a row is claimed by one
run at a time and marked sent right after the server's 250. A worker killed mid-batch leaves at
most one email in the window no system closes (accepted by SMTP, not yet marked sent: sent again,
with the same Message-ID, after the lease); the rows it claimed but had not sent stay SENDING until
their lease ends (``OUTBOX_CLAIM_SECONDS``), then the periodic re-queue hands them to another run.
"""

from __future__ import annotations

import logging
import smtplib
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from tickets.links import redact_links
from tickets.models import OutboundEmail
from tickets.services.outbox import (
    DATABASE_ERRORS,
    Lane,
    SendResult,
    claimable,
    mark_sent,
    outbox_claim_token,
    record_failure,
)

logger = logging.getLogger(__name__)
BUDGET_SECONDS = 20.0  # a run's sending time: the soft time limit is 30 s, the hard one 60 s

RELATED = (
    "ticket__customer",
    "ticket__queue",
    "message",
    "customer",
    "notice__promise",
    "notice__message",
    "notice__user__agent_profile",
    "notice__ticket__customer",
    "notice__ticket__queue",
)


@dataclass
class BatchResult:
    counts: Counter[str] = field(default_factory=Counter)
    more: bool = False  # rows may be left: queue another run

    def __str__(self) -> str:
        done = " ".join(f"{result.value}={self.counts[result.value]}" for result in SendResult)
        return f"{done} more={'yes' if self.more else 'no'}"


def _lane_rows(lane: Lane) -> QuerySet[OutboundEmail]:
    rows = OutboundEmail.objects.all()
    if lane is Lane.NOTICES:
        return rows.filter(kind=OutboundEmail.Kind.NOTICE)
    return rows.exclude(kind=OutboundEmail.Kind.NOTICE)


def _claim_batch(lane: Lane, until: datetime, earlier: list[datetime], limit: int) -> list[OutboundEmail]:
    """Up to ``limit`` due rows of the lane, claimed under ``until``, oldest first."""
    due = _lane_rows(lane).filter(claimable(timezone.now(), earlier))
    with transaction.atomic():
        ids = list(
            due.select_for_update(skip_locked=True)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return []
        # Conditional, so a run on a database without row locks (SQLite) takes only what is still free.
        due.filter(pk__in=ids).update(
            status=OutboundEmail.Status.SENDING, claimed_until=until, attempts=F("attempts") + 1
        )
    mine = OutboundEmail.objects.filter(pk__in=ids, status=OutboundEmail.Status.SENDING, claimed_until=until)
    return list(mine.select_related(*RELATED).order_by("next_attempt_at", "pk"))


def _give_back(rows: list[OutboundEmail], until: datetime) -> None:
    """Rows claimed and not reached: due again at once, the attempt not counted."""
    if rows:
        OutboundEmail.objects.filter(
            pk__in=[row.pk for row in rows], status=OutboundEmail.Status.SENDING, claimed_until=until
        ).update(status=OutboundEmail.Status.PENDING, claimed_until=None, attempts=F("attempts") - 1)


def _connection_lost(exc: Exception) -> bool:
    """The error ended the SMTP session (not one recipient's or one message's refusal)."""
    return not isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPResponseException)


class _Smtp:
    """One SMTP session for the run, opened when first needed and again after a lost connection."""

    def __init__(self) -> None:
        self.backend: BaseEmailBackend = get_connection(fail_silently=False)
        self.is_open = False
        self.used = False  # the session has carried a message already

    def send(self, email: OutboundEmail) -> tuple[str, str]:
        from tickets.emails import build_email

        message = build_email(email)
        reused = self.used
        try:
            self._send(message)
        except smtplib.SMTPServerDisconnected:
            if not reused:
                raise
            # A server may close an idle or long session between messages: once more on a fresh one.
            self._send(message)
        self.used = True
        return message.subject[:300], redact_links(str(message.body))

    def _send(self, message: EmailMessage) -> None:
        if not self.is_open:
            self.backend.open()
            self.is_open = True
        try:
            self.backend.send_messages([message])
        except Exception as exc:
            if _connection_lost(exc):
                self.close()
            raise

    def close(self) -> None:
        if self.is_open:
            self.is_open = self.used = False
            try:
                self.backend.close()
            except Exception:  # closing a broken session: nothing left to save
                logger.debug("closing the SMTP session failed", exc_info=True)


def _send_one(smtp: _Smtp, email: OutboundEmail, until: datetime) -> SendResult:
    try:
        subject, body_text = smtp.send(email)
    except DATABASE_ERRORS:
        raise  # building the email read the database: the run retries, the SMTP server saw nothing
    except Exception as exc:
        return record_failure(email, exc)[0]
    mark_sent(email.pk, until, subject=subject, body_text=body_text)
    return SendResult.SENT


def outbox_send_batch(
    *, lane: Lane, claims: list[str] | None = None, budget_seconds: float = BUDGET_SECONDS, limit: int | None = None
) -> BatchResult:
    """Send the lane's due rows, batch after batch, for about ``budget_seconds``.

    ``claims``: lease ends from ``outbox_claim_token``, the last one this try's, the others those of
    earlier tries of the same run (a retry after a database error takes back their claims). A
    database error propagates: the task retries with them.
    """
    tokens = [datetime.fromisoformat(token) for token in claims or [outbox_claim_token()]]
    until, earlier = tokens[-1], tokens[:-1]
    limit = limit or settings.OUTBOX_BATCH_SIZE
    started = time.monotonic()
    result = BatchResult()
    smtp = _Smtp()
    _commit_without_waiting(True)
    try:
        while True:
            rows = _claim_batch(lane, until, earlier, limit)
            earlier = []  # taken back (or gone) with the first batch
            for index, email in enumerate(rows):
                if time.monotonic() - started > budget_seconds:
                    _give_back(rows[index:], until)
                    result.more = True
                    return result
                result.counts[_send_one(smtp, email, until).value] += 1
            if len(rows) < limit:
                return result
            if time.monotonic() - started > budget_seconds:
                result.more = True
                return result
    finally:
        smtp.close()
        _commit_without_waiting(False)


def _commit_without_waiting(on: bool) -> None:
    """PostgreSQL: this run's commits (claims, "sent" marks) return before the WAL reaches the disk.

    A worker killed loses nothing by it (the database has the commit); only a crash of the database
    server itself can lose the last fraction of a second of marks, and those emails then go out
    again with the same Message-ID: the window "SMTP said 250, then the database failed" that no
    system closes (docs/reliability.md §1). It saves the disk flush per email, most of a send's time.
    """
    if connection.vendor != "postgresql":
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off" if on else "RESET synchronous_commit")
    except DATABASE_ERRORS:
        if on:
            raise
        logger.debug("could not reset synchronous_commit", exc_info=True)  # the connection is gone anyway
