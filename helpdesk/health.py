"""/healthz: is the database reachable, is the broker reachable, is the cache reachable.

The database and the broker decide the status code (503 when either fails), as load balancers
and compose rely on. The cache and the steps after a ticket's commit are optional on the
request path (docs/reliability.md §5): when they fail the answer stays 200 with status
"degraded" and names the part, so trouble shows without taking every web process out of
rotation at once. The answer names which part failed but never the error itself (hostnames
and driver messages are for the logs, not for anyone who can reach the URL).
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from helpdesk.celery import app as celery_app
from helpdesk.lib import degraded
from helpdesk.lib.ratelimit import CACHE_ERRORS

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any driver error means "not reachable"
        logger.exception("Health check: database unreachable")
        return False
    return True


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # kombu raises several unrelated types
        logger.exception("Health check: broker unreachable")
        return False
    return True


def _cache_ok() -> bool:
    try:
        cache.get("healthz:probe")
    except CACHE_ERRORS:
        logger.exception("Health check: cache unreachable")
        return False
    return True


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    required = {"database": _database_ok(), "broker": _broker_ok()}
    checks = {name: "ok" if ok else "failed" for name, ok in required.items()}
    checks["cache"] = "ok" if _cache_ok() else "failed"
    # Optional parts this process had to do without in the last minute (a deflection record...).
    checks.update({part: "degraded" for part in degraded.snapshot() if part not in checks})
    if not all(required.values()):
        status = "unavailable"
    else:
        status = "ok" if all(value == "ok" for value in checks.values()) else "degraded"
    return JsonResponse({"status": status, "checks": checks}, status=503 if status == "unavailable" else 200)
