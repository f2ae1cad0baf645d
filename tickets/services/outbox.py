"""The outbox: every email we owe is a row first, sent by a task, exactly once.

The task claims a row with a conditional UPDATE before it talks to SMTP, so a
duplicated or retried task finds the row claimed and stops. A killed worker's claim
expires (the lease, ``OUTBOX_CLAIM_SECONDS``) and the periodic re-queue hands the row to
another run.

A claim is a lease end chosen by the run that takes it (``outbox_claim_token``). A run that
met a database error retries with the tokens it already tried, so it can take back a claim
whose UPDATE committed although the answer never reached it: a database error costs a
retry, not the rest of the lease (docs/reliability.md §5). "Mark as sent" is retried a few
times within the lease, so the same email goes out twice (same Message-ID) only when SMTP
accepted it and the database then stayed down.
"""

from __future__ import annotations

import logging
import random
import smtplib
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from celery import current_app
from django.conf import settings
from django.core.mail.message import make_msgid
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from helpdesk.lib import degraded
from tickets.links import redact_links
from tickets.models import Customer, Message, Notice, OutboundEmail, Ticket
from tickets.selectors import outbox_due_ids

logger = logging.getLogger(__name__)
DATABASE_ERRORS = (OperationalError, InterfaceError)
# What publishing raises when the broker is away: Celery wraps connection errors in kombu's.
BROKER_ERRORS = (KombuOperationalError, OSError)
# Pauses between tries of "mark as sent" (about 8 s in all), cut short when the lease is near its end.
MARK_SENT_PAUSES = (0.2, 0.5, 1.0, 2.0, 4.0)
LEASE_MARGIN_SECONDS = 5
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 600


# Queueing the senders. The tasks call this module (``tickets.tasks``), so this module never imports
# them back: it queues them by their registered names, as beat does, and no import cycle exists
# (import-linter checks it). See docs/architecture.md, "Tasks".
#
# The senders work in batches (``tickets.services.outbox_batch``): a message on the broker says
# "there is mail in this lane", never "send row 42". A transaction that writes any number of emails
# publishes one message per lane after its commit (``kick_after_commit``), and each sender run
# claims the due rows itself. Customer emails and agent notices have lanes of their own, on queues
# of their own (README, "Workers and queues"), so a flood of notices never delays a customer's email.
class Lane(StrEnum):
    MAIL = "mail"  # every email to a customer (or someone they copied)
    NOTICES = "notices"  # agents' notices and digests


LANE_TASKS = {Lane.MAIL: "tickets.tasks.send_customer_emails", Lane.NOTICES: "tickets.tasks.send_agent_notices"}


def lane_of(kind: str) -> Lane:
    return Lane.NOTICES if kind == OutboundEmail.Kind.NOTICE else Lane.MAIL


def kick_now(lane: Lane) -> None:
    """Queue one sender run for ``lane`` now; it claims what is due, so an extra run is harmless.

    When the broker is away, the rows wait for the periodic re-queue (docs/reliability.md §3 C2):
    logged once a minute, never raised into a request.
    """
    if degraded.recently_failed("broker"):
        return  # it failed seconds ago: don't make this request wait on it again
    try:
        publish_lane(lane)
    except BROKER_ERRORS as exc:  # anything else is a bug: on_commit(robust=True) logs it each time
        degraded.report("broker", exc, doing="emails left to the periodic re-queue")
    else:
        degraded.recovered("broker")


def publish_lane(lane: Lane) -> None:
    current_app.send_task(LANE_TASKS[lane])


# One module-level function per lane: a robust on_commit logs a failing callback by its
# __qualname__, and ``kick_after_commit`` finds a lane's callback already registered by identity.
def _kick_mail() -> None:
    kick_now(Lane.MAIL)


def _kick_notices() -> None:
    kick_now(Lane.NOTICES)


_AFTER_COMMIT = {Lane.MAIL: _kick_mail, Lane.NOTICES: _kick_notices}


def kick_after_commit(lane: Lane) -> None:
    """Queue a sender run for ``lane`` when the caller's transaction commits: nothing for a rollback,
    and one message per lane however many emails the transaction (or savepoint) wrote."""
    hook = _AFTER_COMMIT[lane]
    db = transaction.get_connection()
    # Django keeps a transaction's callbacks as (savepoint ids when registered, callback, robust). One
    # registered at this very nesting is ours to share; one from an enclosing block is not relied on,
    # as a test's never-committed transaction keeps its fixtures' callbacks; a callback dropped with
    # a rolled-back savepoint is gone from the list, so the next email registers it again.
    here = set(db.savepoint_ids)
    if db.in_atomic_block and any(entry[1] is hook and entry[0] == here for entry in db.run_on_commit):
        return
    transaction.on_commit(hook, robust=True)


# By id, as before the batches: the row's lane is the caller's to say (customer mail by default).
def send_now(email_id: int, lane: Lane = Lane.MAIL) -> None:
    kick_now(lane)


def send_after_commit(email_id: int, lane: Lane = Lane.MAIL) -> None:
    kick_after_commit(lane)


class SendResult(StrEnum):  # a str, so the send task's result reads as a word
    SENT = "sent"
    SKIPPED = "skipped"  # already sent, or claimed by another run, or not due yet
    RETRY = "retry"
    FAILED = "failed"


def _new_row(
    *,
    key: str,
    kind: str,
    to_email: str,
    now: datetime,
    customer: Customer | None = None,
    ticket: Ticket | None = None,
    message: Message | None = None,
    notice: Notice | None = None,
    context: dict[str, object] | None = None,
) -> OutboundEmail:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].rstrip(">") or "localhost"
    return OutboundEmail(
        key=key,
        kind=kind,
        ticket=ticket,
        message=message,
        customer=customer,
        notice=notice,
        to_email=to_email,
        message_id_header=make_msgid(domain=domain),
        context=context or {},
        next_attempt_at=now,
        created_at=now,
    )


def outbox_enqueue(
    *,
    key: str,
    kind: str,
    customer: Customer | None = None,
    to_email: str | None = None,
    ticket: Ticket | None = None,
    message: Message | None = None,
    notice: Notice | None = None,
    context: dict[str, object] | None = None,
    hold: bool = False,
) -> OutboundEmail:
    """Record an email inside the caller's transaction; queue its task after commit.

    The address is ``to_email``, else the customer's: emails to agents (notices) have no customer.
    A ``hold`` email is recorded as HELD and no task is queued: it is never sent.
    """
    address = to_email or (customer.email if customer is not None else "")
    if not address:
        raise ValueError("outbox_enqueue needs a customer or a to_email")
    email = _new_row(
        key=key,
        kind=kind,
        to_email=address,
        now=timezone.now(),
        customer=customer,
        ticket=ticket,
        message=message,
        notice=notice,
        context=context,
    )
    if hold:
        email.status = OutboundEmail.Status.HELD
    email.save(force_insert=True)
    if not hold:
        kick_after_commit(lane_of(kind))
    return email


@dataclass(frozen=True)
class NoticeRef:
    """What a notice's email needs: the notice, its person and their address, and its ticket."""

    pk: int
    user_id: int
    ticket_id: int | None
    email: str


def _digest_row(user_notices: list[NoticeRef], now: datetime) -> OutboundEmail:
    """One email listing several notices for one agent, keyed by the first: a second sweep that
    raced to the same notices writes the same key, and the conflict keeps one."""
    first = min(notice.pk for notice in user_notices)
    return _new_row(
        key=f"digest:{user_notices[0].user_id}:{first}",
        kind=OutboundEmail.Kind.NOTICE,
        to_email=user_notices[0].email,
        now=now,
        context={"notices": sorted(notice.pk for notice in user_notices)},
    )


def outbox_enqueue_notices(*, notices: Iterable[Notice], batch_size: int = 500) -> list[int]:
    """One NOTICE email per notice whose user has an address, in two queries however many.

    Keyed ``notice:<id>``: a notice already in the outbox is skipped, so calling this again for
    the same notices sends and queues nothing new. Must run inside the caller's transaction; the
    sender goes to the broker after commit (and the periodic re-queue catches any the broker
    loses): one message for the lot. Returns the ids of the rows this call wrote.
    """
    refs = [NoticeRef(pk=n.pk, user_id=n.user_id, ticket_id=n.ticket_id, email=n.user.email) for n in notices]
    return outbox_enqueue_notice_refs(refs, batch_size=batch_size)


def outbox_enqueue_notice_refs(notices: list[NoticeRef], *, batch_size: int = 500, digest: bool = False) -> list[int]:
    """``outbox_enqueue_notices`` for notices known by id. With ``digest``, an agent with several of
    the notices gets one email listing them all instead (``digest:<user>:<first notice>``; the
    sweep, so a morning of due promises is one email per agent per batch, not hundreds)."""
    now = timezone.now()
    by_user: dict[int, list[NoticeRef]] = {}
    for notice in notices:
        if notice.email:
            by_user.setdefault(notice.user_id, []).append(notice)
    rows = []
    for user_notices in by_user.values():
        if digest and len(user_notices) > 1:
            rows.append(_digest_row(user_notices, now))
            continue
        for notice in user_notices:
            row = _new_row(key=f"notice:{notice.pk}", kind=OutboundEmail.Kind.NOTICE, to_email=notice.email, now=now)
            row.notice_id, row.ticket_id = notice.pk, notice.ticket_id  # the ids alone: no query per notice
            rows.append(row)
    if not rows:
        return []
    OutboundEmail.objects.bulk_create(rows, batch_size=batch_size, ignore_conflicts=True)
    # The rows this call wrote are the ones carrying its fresh Message-IDs; a conflicting row
    # (an email some other run already owes) was skipped and is that run's to queue.
    ids = list(
        OutboundEmail.objects.filter(message_id_header__in=[row.message_id_header for row in rows])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if ids:
        kick_after_commit(Lane.NOTICES)
    return ids


def _backoff(attempts: int) -> int:
    delay = min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0))
    return int(delay / 2 + random.uniform(0, delay / 2))  # noqa: S311 - jitter, not crypto


def _is_permanent(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


def outbox_claim_token() -> str:
    """A fresh lease end for one try of the send task, to microseconds: the try's proof of its claim."""
    lease = timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS, microseconds=random.randrange(1_000_000))  # noqa: S311
    return (timezone.now() + lease).isoformat()


def claimable(now: datetime, earlier: list[datetime]) -> Q:
    """Rows a sender may take: pending and due, or claimed by a run whose lease ran out, or (a
    retry's own) claimed under one of ``earlier``, lease ends this run's earlier tries chose."""
    rows = Q(status=OutboundEmail.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=OutboundEmail.Status.SENDING, claimed_until__lt=now
    )
    if earlier:  # our own earlier try's claim, committed although its answer was lost
        rows |= Q(status=OutboundEmail.Status.SENDING, claimed_until__in=earlier)
    return rows


def _claim(pk: int, until: datetime, earlier: list[datetime]) -> bool:
    return (
        OutboundEmail.objects.filter(claimable(timezone.now(), earlier), pk=pk).update(
            status=OutboundEmail.Status.SENDING, claimed_until=until, attempts=F("attempts") + 1
        )
        == 1
    )


def outbox_send(*, email_id: int, claims: list[str] | None = None) -> tuple[SendResult, int]:
    """Send one outbox row if it is ours to send. Returns (result, retry delay in seconds).

    ``claims``: lease ends from ``outbox_claim_token``, the last one this try's, the others those
    of earlier tries of the same task. A database error propagates: the task retries with them.
    """
    from tickets.emails import build_email

    tokens = [datetime.fromisoformat(token) for token in claims or [outbox_claim_token()]]
    until = tokens[-1]
    if not _claim(email_id, until, tokens[:-1]):
        return SendResult.SKIPPED, 0
    email = OutboundEmail.objects.select_related(
        "ticket__customer",
        "message",
        "customer",
        "notice__promise",
        "notice__message",
        "notice__ticket__customer",
        "notice__ticket__queue",
    ).get(pk=email_id)
    try:
        message = build_email(email)
        message.send()
    except DATABASE_ERRORS:
        raise  # building the email read the database: the task retries, the SMTP server saw nothing
    except Exception as exc:
        return record_failure(email, exc)
    mark_sent(email.pk, until, subject=message.subject[:300], body_text=redact_links(str(message.body)))
    return SendResult.SENT, 0


def mark_sent(pk: int, until: datetime, *, subject: str, body_text: str) -> None:
    """The SMTP server said 250: record it, retrying a database error while the lease lasts.

    Giving up raises; the row then goes out again, with the same Message-ID, when the claim is
    taken back or expires (docs/reliability.md §1: the one window no system closes).
    """
    for pause in (*MARK_SENT_PAUSES, None):
        try:
            OutboundEmail.objects.filter(pk=pk).update(
                status=OutboundEmail.Status.SENT,
                sent_at=timezone.now(),
                claimed_until=None,
                subject=subject,
                body_text=body_text,
                last_error="",
            )
            return
        except DATABASE_ERRORS as exc:
            left = (until - timezone.now()).total_seconds()
            if pause is None or left < pause + LEASE_MARGIN_SECONDS:
                raise
            logger.warning("Email %s was sent but not yet marked sent; trying again in %ss: %s", pk, pause, exc)
            connection.close()  # a broken connection is not reused; the next query opens a fresh one
            time.sleep(pause)


def record_failure(email: OutboundEmail, exc: Exception) -> tuple[SendResult, int]:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if _is_permanent(exc) or email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        logger.error("Email %s to %s failed for good: %s", email.key, email.to_email, error)
        OutboundEmail.objects.filter(pk=email.pk).update(
            status=OutboundEmail.Status.FAILED, claimed_until=None, last_error=error
        )
        return SendResult.FAILED, 0
    delay = _backoff(email.attempts)
    logger.warning("Email %s to %s will be retried in %ss: %s", email.key, email.to_email, delay, error)
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=OutboundEmail.Status.PENDING,
        claimed_until=None,
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
        last_error=error,
    )
    return SendResult.RETRY, delay


def outbox_requeue_due() -> int:
    """A sender run for each lane with rows stuck or due (``outbox_due_ids``): rows whose message the
    broker lost, claims of a dead worker, retries whose time has come. Claims keep this safe to run
    anywhere, any time. Returns the number of rows found (at most a page of them)."""
    ids = outbox_due_ids()
    kinds = set(OutboundEmail.objects.filter(pk__in=ids).values_list("kind", flat=True).distinct()) if ids else set()
    for lane in sorted({lane_of(kind) for kind in kinds}):
        # Straight to the broker, never skipped for a recent failure: this is the repair path, and
        # a broker still away fails the periodic task, which beat runs again in a minute.
        publish_lane(lane)
    return len(ids)


def outbox_retry(*, email_ids: list[int]) -> list[int]:
    """Put pending or failed rows up for an attempt now (the admin's "Send again now").

    Rows being sent or already sent are left alone, so a click never sends an email
    twice. Returns the ids queued; the tasks go to the broker after commit.
    """
    retryable = [OutboundEmail.Status.PENDING, OutboundEmail.Status.FAILED]
    with transaction.atomic():
        ids = list(
            OutboundEmail.objects.select_for_update()
            .filter(pk__in=email_ids, status__in=retryable)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        OutboundEmail.objects.filter(pk__in=ids).update(
            status=OutboundEmail.Status.PENDING, next_attempt_at=timezone.now(), claimed_until=None
        )
        for lane in {lane_of(kind) for kind in OutboundEmail.objects.filter(pk__in=ids).values_list("kind", flat=True)}:
            kick_after_commit(lane)
    return ids
