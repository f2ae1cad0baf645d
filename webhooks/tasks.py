"""Beat runs the dispatcher and the sender every few seconds (tickets/periodic.py names them).

The rows are the record of truth: a lost message or a dead worker costs a few seconds, never a
delivery. Both are safe to run twice at once (webhooks/dispatch.py, webhooks/services/sending.py).
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as KombuOperationalError

from webhooks.dispatch import webhooks_dispatch
from webhooks.services.retention import deliveries_purge
from webhooks.services.sending import deliveries_send_due

logger = logging.getLogger(__name__)
PERIODIC_DB_RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 2,
    "retry_backoff_max": 30,
    "retry_jitter": True,
    "max_retries": 3,
}


# Celery ships no type hints, so mypy calls `shared_task` untyped: each ignore below says only that.
@shared_task(name="webhooks.tasks.dispatch", **PERIODIC_DB_RETRY)  # type: ignore[untyped-decorator]
def dispatch_task() -> int:
    """New history rows become deliveries; if there are any, the sender is queued at once."""
    written = webhooks_dispatch()
    if written:
        send_due_soon()
    return written


@shared_task(name="webhooks.tasks.send_due", acks_late=True, **PERIODIC_DB_RETRY)  # type: ignore[untyped-decorator]
def send_due_task() -> dict[str, int]:
    summary = deliveries_send_due()
    return {"delivered": summary.delivered, "failed": summary.failed}


@shared_task(name="webhooks.tasks.purge_deliveries", soft_time_limit=270, time_limit=300)  # type: ignore[untyped-decorator]
def purge_deliveries_task() -> int:
    """Daily: finished deliveries past WEBHOOKS_LOG_RETENTION_DAYS; a run cut short goes on the next day."""
    return deliveries_purge()


def send_due_soon() -> None:
    """Queue the sender now (the admin's "Send again"); if the broker is away, beat's run does it."""
    try:
        send_due_task.delay()
    except (KombuOperationalError, OSError) as exc:
        logger.warning("Could not queue the webhook sender; its periodic run will send: %s", exc)
