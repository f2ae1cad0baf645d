"""Thin Celery tasks: an id in, one service call, retries handled here."""

from __future__ import annotations

from celery import shared_task

from tickets.services import sweep
from tickets.services.outbox import SendResult, outbox_requeue_due, outbox_send


@shared_task(bind=True, max_retries=None, acks_late=True)
def send_outbound_email(self, email_id: int) -> str:  # type: ignore[no-untyped-def]
    result, delay = outbox_send(email_id=email_id)
    if result is SendResult.RETRY:
        # The row records the next attempt; this retry is the fast path, the re-queue the safety net.
        raise self.retry(countdown=delay)
    return result.value


@shared_task
def requeue_stuck_emails() -> int:
    return outbox_requeue_due()


@shared_task
def promise_sweep() -> dict[str, int]:
    """Reminders and breach notices due now; safe under two beats or a redelivered message."""
    result = sweep.promise_sweep()
    return {"reminders": result.reminders, "breaches": result.breaches}
