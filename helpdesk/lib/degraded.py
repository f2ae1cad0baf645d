"""Which optional part of the system is failing in this process, logged once per interval.

The request path depends hard on the database only (docs/reliability.md §5). The cache, the
broker and the side effects after a ticket's commit may fail without costing anyone their
ticket; when they do, callers ``report`` it here and carry on in a degraded way:

- the first failure of a part is logged with its traceback; further failures of the same part
  within ``LOG_INTERVAL_SECONDS`` are only counted, and the next log line says how many there
  were (a Redis outage under load must not write one traceback per request);
- ``recently_failed`` lets a caller skip a part for ``SKIP_SECONDS`` after it failed, so a
  hung Redis costs one timeout every few seconds per process, not one per request;
- ``snapshot`` tells ``/healthz`` which parts failed lately in this process.

State is per process and kept in memory on purpose: it must work while the shared services
are the thing that is down.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

logger = logging.getLogger("helpdesk.degraded")

LOG_INTERVAL_SECONDS = 60.0
SKIP_SECONDS = 5.0
RECENT_SECONDS = 60.0  # how long a failure shows in /healthz after it happened


@dataclass
class _State:
    last_failure: float = 0.0
    last_logged: float = float("-inf")
    unlogged: int = 0


_lock = threading.Lock()
_parts: dict[str, _State] = {}


def report(part: str, exc: BaseException, *, doing: str = "") -> None:
    """Record that ``part`` failed (``doing`` says what we did instead); log at most once per interval."""
    now = time.monotonic()
    with _lock:
        state = _parts.setdefault(part, _State())
        state.last_failure = now
        if now - state.last_logged < LOG_INTERVAL_SECONDS:
            state.unlogged += 1
            return
        suppressed, state.unlogged, state.last_logged = state.unlogged, 0, now
    extra = f" ({suppressed} more failure(s) since the last message)" if suppressed else ""
    logger.warning(
        "%s unavailable, degraded: %s%s. Next message in %ds at most.",
        part,
        doing or "carrying on without it",
        extra,
        LOG_INTERVAL_SECONDS,
        exc_info=exc,
    )


def recovered(part: str) -> None:
    """``part`` answered again: say so once, and stop skipping it."""
    with _lock:
        state = _parts.pop(part, None)
    if state is not None:
        logger.info("%s is available again", part)


def recently_failed(part: str, within: float = SKIP_SECONDS) -> bool:
    with _lock:
        state = _parts.get(part)
        return state is not None and time.monotonic() - state.last_failure < within


def snapshot() -> list[str]:
    """The parts that failed in this process in the last ``RECENT_SECONDS``, sorted."""
    now = time.monotonic()
    with _lock:
        return sorted(part for part, state in _parts.items() if now - state.last_failure < RECENT_SECONDS)


def reset() -> None:
    """Forget every failure (tests)."""
    with _lock:
        _parts.clear()
