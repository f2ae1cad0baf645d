"""Fixed duration buckets, and percentiles read from bucket counts (pure, no Django).

A day's durations are stored as a count per bucket; counts add up across days, queues and agents,
percentiles don't. A percentile over any range is the *upper bound of the bucket that holds the
nearest-rank value* (the value at rank ceil(p x n) of the sorted durations): "half were answered
within 2 h". It is never below the exact value and at most one bucket above it; the buckets are
about 1.5x apart, finer at the short end where desks promise. The last bucket has no bound: a
percentile that falls there is "over 60 days" (``None`` as a bound).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR
# Upper bounds (inclusive), in seconds of business time.
BOUNDS: tuple[int, ...] = (
    5 * MINUTE,
    10 * MINUTE,
    15 * MINUTE,
    20 * MINUTE,
    30 * MINUTE,
    45 * MINUTE,
    1 * HOUR,
    90 * MINUTE,
    2 * HOUR,
    3 * HOUR,
    4 * HOUR,
    6 * HOUR,
    8 * HOUR,
    12 * HOUR,
    16 * HOUR,
    1 * DAY,
    36 * HOUR,
    2 * DAY,
    3 * DAY,
    4 * DAY,
    5 * DAY,
    7 * DAY,
    10 * DAY,
    14 * DAY,
    21 * DAY,
    30 * DAY,
    45 * DAY,
    60 * DAY,
)
SIZE = len(BOUNDS) + 1  # the last bucket: longer than the last bound


def bucket_of(seconds: int) -> int:
    """The index of the bucket that holds ``seconds``."""
    for index, bound in enumerate(BOUNDS):
        if seconds <= bound:
            return index
    return len(BOUNDS)


def bound_of(bucket: int) -> int | None:
    return BOUNDS[bucket] if bucket < len(BOUNDS) else None


def empty() -> list[int]:
    return [0] * SIZE


def add(total: list[int], counts: Sequence[int]) -> None:
    """Add ``counts`` into ``total`` in place (a stored list may be shorter than SIZE)."""
    for index, count in enumerate(counts):
        total[index] += count


def from_buckets(buckets: Iterable[tuple[int, int]]) -> list[int]:
    """A histogram from (bucket, count) pairs."""
    counts = empty()
    for bucket, count in buckets:
        counts[bucket] += count
    return counts


@dataclass(frozen=True)
class Percentile:
    """A percentile as a bucket bound: ``seconds`` is None when no duration was counted."""

    seconds: int | None
    over_last: bool = False  # beyond the last bound: "over 60 days"


def percentile(counts: Sequence[int], fraction: float) -> Percentile:
    """The bound of the bucket holding the nearest-rank value at ``fraction`` (0.5, 0.9)."""
    total = sum(counts)
    if not total:
        return Percentile(None)
    rank = max(math.ceil(fraction * total), 1)
    seen = 0
    for index, count in enumerate(counts):
        seen += count
        if seen >= rank:
            bound = bound_of(index)
            return Percentile(BOUNDS[-1], over_last=True) if bound is None else Percentile(bound)
    raise AssertionError("unreachable: the ranks add up to the total")
