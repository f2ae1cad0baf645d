"""Which real services a test needs, and what to do when one is missing.

On CI (``CI=true``) a missing service fails the test: nothing may skip there.
Elsewhere the test skips with a message saying how to run it.
"""

from __future__ import annotations

import os
import shutil

import pytest
from django.conf import settings
from django.db import connection

CHROMIUM = "/usr/bin/chromium"


def _missing(reason: str) -> None:
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"CI requires this service: {reason}", pytrace=False)
    pytest.skip(reason)


def require_postgres() -> None:
    if connection.vendor != "postgresql":
        _missing("needs PostgreSQL: run with DATABASE_URL=postgres://user@host:5432/name")


def require_redis() -> None:
    url = settings.CELERY_BROKER_URL
    if not url.startswith("redis://"):
        _missing("needs Redis as the broker: run with CELERY_BROKER_URL=redis://host:6379/0")
        return
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        _missing(f"Redis at {url} is not reachable: {exc}")


def require_chromium() -> None:
    if not shutil.which(CHROMIUM):
        _missing(f"needs Chromium at {CHROMIUM} (apt-get install chromium)")


def require_redis_server() -> None:
    """The ``redis-server`` binary, for tests that start (and stop) a Redis of their own."""
    if not shutil.which("redis-server"):
        _missing("needs the redis-server binary on PATH (apt-get install redis-server)")


DOVECOT = "/usr/sbin/dovecot"


def require_dovecot() -> None:
    """Debian's dovecot, for the IMAP tests that start a server of their own."""
    if not os.access(DOVECOT, os.X_OK):
        _missing(f"needs Dovecot at {DOVECOT} (apt-get install dovecot-imapd)")


def require_openssl() -> None:
    """The openssl command, for the tests that make a CA and a server certificate of their own."""
    if not shutil.which("openssl"):
        _missing("needs the openssl command (apt-get install openssl)")
