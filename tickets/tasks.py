"""Thin Celery tasks: an id in, one service call, retries handled here.

A database error (the database restarting, a dropped connection) is retried with backoff and
jitter, bounded; the outbox and the sweep re-read their rows, so a retry is safe
(docs/reliability.md §3 C10, §5).
"""

from __future__ import annotations

import random

from celery import Task, current_app, shared_task
from django.db import InterfaceError, OperationalError

from tickets.services import bulk, check_ins, sweep
from tickets.services.outbox import (
    Lane,
    SendResult,
    outbox_claim_token,
    outbox_requeue_due,
    outbox_send,
    publish_lane,
)
from tickets.services.outbox_batch import outbox_send_batch

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


def _send_batch(task: Task, lane: Lane, claims: list[str] | None) -> str:
    # Each try brings a fresh lease end; the earlier ones let it take back the claims that committed
    # although the database error hid them (tickets/services/outbox_batch.py).
    claims = [*(claims or []), outbox_claim_token()]
    try:
        result = outbox_send_batch(lane=lane, claims=claims)
    except DATABASE_ERRORS as exc:
        if task.request.retries >= DB_RETRIES:
            raise
        raise task.retry(
            exc=exc, args=(), kwargs={"claims": claims}, countdown=database_backoff(task.request.retries)
        ) from exc
    if result.more:
        publish_lane(lane)  # the next run, behind whatever else waits on the lane's queue
    return str(result)


# The batch senders, one per lane (queue ``mail`` and queue ``notices``, helpdesk/settings.py). Rows
# due for a retry are found by the re-queue below; a run never waits on a broker countdown.
@shared_task(name="tickets.tasks.send_customer_emails", bind=True, max_retries=None, acks_late=True)  # type: ignore[untyped-decorator]
def send_customer_emails_task(self: Task, claims: list[str] | None = None) -> str:
    return _send_batch(self, Lane.MAIL, claims)


@shared_task(name="tickets.tasks.send_agent_notices", bind=True, max_retries=None, acks_late=True)  # type: ignore[untyped-decorator]
def send_agent_notices_task(self: Task, claims: list[str] | None = None) -> str:
    return _send_batch(self, Lane.NOTICES, claims)


@shared_task(name="tickets.tasks.requeue_stuck_emails", **PERIODIC_DB_RETRY)  # type: ignore[untyped-decorator]
def requeue_stuck_emails_task() -> int:
    return outbox_requeue_due()


SWEEP_TASK_NAME = "tickets.tasks.promise_sweep"


@shared_task(name=SWEEP_TASK_NAME, **PERIODIC_DB_RETRY)  # type: ignore[untyped-decorator]
def promise_sweep_task() -> dict[str, int]:
    """Reminders and breach notices due now, batch after batch for about ``sweep.BUDGET_SECONDS``;
    queues its next run at once while promises are still due. Safe under two beats or a
    redelivered message."""
    result, more = sweep.promise_sweep_for(budget_seconds=sweep.BUDGET_SECONDS)
    if more:
        current_app.send_task(SWEEP_TASK_NAME)
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
