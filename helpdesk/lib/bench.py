"""Timing a request path for the bench commands (`make bench`): p50, p95 and the query counts."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext


def timed(call: Callable[[], Any], repeat: int, *, ok: Callable[[int], bool], warm_up: bool = False) -> dict[str, Any]:
    """``call`` (a test-client request) ``repeat`` times, after one untimed call if ``warm_up``.

    Every answer's status must pass ``ok``, or the bench stops saying which it got. ``queries``
    lists each distinct count seen: one number when the path's cost does not vary.
    """
    if warm_up:
        call()
    timings, queries = [], set()
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = call()
            timings.append((time.perf_counter() - started) * 1000)
        if not ok(response.status_code):
            raise CommandError(f"Answered {response.status_code}: {response.content[:300]!r}")
        queries.add(len(captured))
    ordered = sorted(timings)
    return {
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(ordered[max(int(len(ordered) * 0.95) - 1, 0)], 1),
        "queries": sorted(queries),
    }


def status_is(code: int) -> Callable[[int], bool]:
    return lambda status: status == code
