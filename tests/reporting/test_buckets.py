"""reporting/buckets.py: percentiles over bucket counts are the bound of the bucket holding the
nearest-rank value, so they add up across days and never understate a wait."""

from __future__ import annotations

import random

import pytest

from reporting import buckets
from reporting.formatting import duration_text, percentile_text

MIN, HOUR = 60, 3600


def hist(*seconds: int) -> list[int]:
    return buckets.from_buckets((buckets.bucket_of(s), 1) for s in seconds)


def test_median_and_p90_by_hand():
    counts = hist(10 * MIN, 50 * MIN, 50 * MIN, 3 * HOUR, 30 * HOUR)
    assert percentile_text(buckets.percentile(counts, 0.5)) == "within 1 h"  # 50 min, in (45 min, 1 h]
    assert percentile_text(buckets.percentile(counts, 0.9)) == "within 36 h"  # 30 h, in (24 h, 36 h]


def test_nothing_counted_and_beyond_the_last_bound():
    assert percentile_text(buckets.percentile(buckets.empty(), 0.5)) == "—"
    assert percentile_text(buckets.percentile(hist(100 * 24 * HOUR), 0.5)) == "over 1440 h"


def test_a_bound_is_inclusive():
    assert buckets.bucket_of(2 * HOUR) == buckets.bucket_of(2 * HOUR - 1)
    assert buckets.bucket_of(2 * HOUR + 1) == buckets.bucket_of(2 * HOUR) + 1


@pytest.mark.parametrize("seed", range(20))
def test_days_added_up_give_the_same_percentile_as_all_the_values_at_once(seed):
    rng = random.Random(seed)
    days = [[rng.randint(0, 10 * 24 * HOUR) for _ in range(rng.randint(0, 30))] for _ in range(7)]
    total = buckets.empty()
    for values in days:
        buckets.add(total, hist(*values))
    everything = sorted(v for values in days for v in values)
    for fraction in (0.5, 0.9):
        found = buckets.percentile(total, fraction)
        if not everything:
            assert found.seconds is None
            continue
        exact = everything[max(int(-(-fraction * len(everything) // 1)), 1) - 1]
        assert found.seconds is not None and exact <= found.seconds
        below = buckets.bucket_of(exact) - 1
        assert below < 0 or buckets.BOUNDS[below] < exact


def test_durations_read_in_hours_and_minutes():
    assert duration_text(45 * MIN) == "45 min"
    assert duration_text(90 * MIN) == "1 h 30 min"
    assert duration_text(36 * HOUR) == "36 h"
