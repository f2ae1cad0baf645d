"""The roll-up, run by beat every few minutes (tickets/periodic.py names it as a string)."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from reporting.services.rollup import rollup_run
from reporting.sources import SOURCES

PERIODIC_DB_RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 2,
    "retry_backoff_max": 30,
    "retry_jitter": True,
    "max_retries": 3,
}


# Celery ships no type hints, so mypy calls `shared_task` untyped: the ignore says only that.
@shared_task(name="reporting.tasks.rollup", **PERIODIC_DB_RETRY)  # type: ignore[untyped-decorator]
def rollup_task() -> dict[str, int]:
    """Rebuild the report days touched since the last run; safe to run twice at once."""
    return {result.source: result.days for result in rollup_run(SOURCES)}
