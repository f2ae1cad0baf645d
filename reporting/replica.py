"""The reports page may read its daily roll-ups from a read replica (``REPORTS_DATABASE_URL``).

Only reads of this app's tables, and only inside ``replica_reads()`` (the desk's reports page and
its CSV downloads enter it): the worker's roll-up reads the rows it is about to change, so it
always reads and writes the primary. Without the setting there is no ``reports`` database and
everything reads the primary. A replica is a few seconds behind at most; the roll-ups are already
minutes behind by design (docs/reports.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings

ALIAS = "reports"
_reading = ContextVar("reports_replica_reads", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def configured() -> bool:
    return ALIAS in settings.DATABASES


class ReportsReplicaRouter:
    """Sends the reports' reads to the ``reports`` database while ``replica_reads()`` is on."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if _reading.get() and model._meta.app_label == "reporting" and configured():
            return ALIAS
        return None

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == ALIAS else None  # a replica follows the primary's schema
