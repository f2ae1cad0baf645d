"""/healthz: is the database reachable, is the broker reachable.

The answer names which part failed but never the error itself (hostnames and driver
messages are for the logs, not for anyone who can reach the URL).
"""

from __future__ import annotations

import logging

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from helpdesk.celery import app as celery_app

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


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    healthy = all(checks.values())
    body = {
        "status": "ok" if healthy else "unavailable",
        "checks": {name: "ok" if ok else "failed" for name, ok in checks.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)
