"""Beat's tasks for the satisfaction app (tickets/periodic.py names them as strings).

Both are safe to run twice at once: surveys are unique per solve under the customer's lock
(satisfaction/services/surveys.py), and the auto-close skips rows another run holds.
"""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from satisfaction.services.loop import AUTO_CLOSE_BATCH, solved_auto_close
from satisfaction.services.surveys import surveys_create_due

PERIODIC_DB_RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 2,
    "retry_backoff_max": 30,
    "retry_jitter": True,
    "max_retries": 3,
}


# Celery ships no type hints, so mypy calls `shared_task` untyped: each ignore below says only that.
@shared_task(name="satisfaction.tasks.surveys_send", **PERIODIC_DB_RETRY)  # type: ignore[untyped-decorator]
def surveys_send_task() -> int:
    """Each solve that has waited its delay gets its survey row, and its email when due."""
    return surveys_create_due()


@shared_task(name="satisfaction.tasks.auto_close", soft_time_limit=50, time_limit=60)  # type: ignore[untyped-decorator]
def auto_close_task(batch: int = AUTO_CLOSE_BATCH) -> int:
    """Close solved tickets past the admin's auto-close days, a batch at a time, up to 20 batches
    a run (the next hourly run goes on)."""
    closed = 0
    for _ in range(20):
        done = solved_auto_close(batch=batch)
        closed += done
        if not done:
            break
    return closed
