"""Thin Celery tasks: an id in, one service call, retries handled here.

A database error (the database restarting, a dropped connection) is retried with backoff and
jitter, bounded; the outbox and the sweep re-read their rows, so a retry is safe
(docs/reliability.md §3 C10, §5).
"""

from __future__ import annotations

import random

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError

from tickets.services import bulk, check_ins, sweep
from tickets.services.outbox import SendResult, outbox_claim_token, outbox_requeue_due, outbox_send

DATABASE_ERRORS = (OperationalError, InterfaceError)
DB_RETRIES = 10  # about 4 minutes of backoff in all; then the claim's lease and the re-queue take over
DB_BACKOFF_MAX_SECONDS = 30
# For the periodic tasks: beat runs them again within a minute anyway, so a few quick retries.
PERIODIC_DB_RETRY = {
    "autoretry_for": DATABASE_ERRORS,
    "retry_backoff": 2,
    "retry_backoff_max": DB_BACKOFF_MAX_SECONDS,
    "retry_jitter": True,
    "max_retries": 3,
}


def database_backoff(retries: int) -> float:
    """1, 2, 4, ... 30 s, full jitter on the upper half, so restarted workers don't stampede."""
    delay = min(DB_BACKOFF_MAX_SECONDS, 1 << retries)
    return delay / 2 + random.uniform(0, delay / 2)  # noqa: S311 - jitter, not crypto


# Registered names stay as first published: queued messages and beat's rows refer to them.
# Celery ships no type hints, so mypy calls `shared_task` untyped: each ignore below says only that.
@shared_task(name="tickets.tasks.send_outbound_email", bind=True, max_retries=None, acks_late=True)  # type: ignore[untyped-decorator]
def send_outbound_email_task(self: Task, email_id: int, claims: list[str] | None = None) -> str:
    # Each try brings a fresh lease end; the earlier ones let it take back a claim that committed
    # although the database error hid it (tickets/services/outbox.py).
    claims = [*(claims or []), outbox_claim_token()]
    try:
        result, delay = outbox_send(email_id=email_id, claims=claims)
    except DATABASE_ERRORS as exc:
        if self.request.retries >= DB_RETRIES:
            raise
        raise self.retry(
            exc=exc, args=(email_id,), kwargs={"claims": claims}, countdown=database_backoff(self.request.retries)
        ) from exc
    if result is SendResult.RETRY:
        # The row records the next attempt; this retry is the fast path, the re-queue the safety net.
        raise self.retry(args=(email_id,), kwargs={}, countdown=delay)
    return result.value


@shared_task(name="tickets.tasks.requeue_stuck_emails", **PERIODIC_DB_RETRY)  # type: ignore[untyped-decorator]
def requeue_stuck_emails_task() -> int:
    return outbox_requeue_due()


@shared_task(name="tickets.tasks.promise_sweep", **PERIODIC_DB_RETRY)  # type: ignore[untyped-decorator]
def promise_sweep_task() -> dict[str, int]:
    """Reminders and breach notices due now; safe under two beats or a redelivered message."""
    result = sweep.promise_sweep()
    return {"reminders": result.reminders, "breaches": result.breaches}


@shared_task(name="tickets.tasks.bulk_job_run", bind=True, max_retries=DB_RETRIES, acks_late=True)  # type: ignore[untyped-decorator]
def bulk_job_run_task(self: Task, job_id: int) -> str:
    """About TASK_BUDGET_SECONDS of a bulk job, then the next run is queued: each run stays well
    inside the time limits, and the job page sees progress after every batch of tickets."""
    try:
        finished = bulk.bulk_job_run(job_id=job_id, budget_seconds=bulk.TASK_BUDGET_SECONDS)
    except DATABASE_ERRORS as exc:
        raise self.retry(exc=exc, countdown=database_backoff(self.request.retries)) from exc
    if not finished:
        bulk.bulk_job_queue(job_id)
    return "done" if finished else "more"


@shared_task(name="tickets.tasks.bulk_jobs_requeue", **PERIODIC_DB_RETRY)  # type: ignore[untyped-decorator]
def bulk_jobs_requeue_task() -> int:
    """Bulk jobs whose message was lost or whose worker died are queued again."""
    return bulk.bulk_jobs_requeue_stalled()


@shared_task(name="tickets.tasks.check_ins_send", **PERIODIC_DB_RETRY)  # type: ignore[untyped-decorator]
def check_ins_send_task() -> int:
    """Follow-ups due now, each sent once (the row's lock and the outbox key ``checkin:<id>``)."""
    return check_ins.check_ins_send_due()
