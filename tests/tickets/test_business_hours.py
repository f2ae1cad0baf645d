"""tickets.business_hours: due-time arithmetic in the calendar's zone (docs/reliability.md §2, rules 1, 7-10).

Pure functions: no database, no Django. Dates used: 2026-01-09 and 2026-01-13 are a Friday and a Tuesday; Europe/London
changes clocks on 2026-03-29 and 2026-10-25, America/New_York on 2026-03-08 and 2026-11-01, Australia/Lord_Howe
(a 30-minute change) on 2026-04-05 and 2026-10-04.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tickets.business_hours import (
    ALWAYS_OPEN,
    Closure,
    OpeningInterval,
    Schedule,
    ScheduleError,
    add_business_minutes,
    always_open,
    business_minutes_between,
    is_open,
    next_opening,
)

LONDON, NEW_YORK = "Europe/London", "America/New_York"
ZONES = [LONDON, NEW_YORK, "Asia/Kolkata", "Australia/Lord_Howe", "UTC"]


def at(zone: str, year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A wall-clock time in `zone` (fold=0)."""
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone))


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def weekdays(zone: str, opens: int, closes: int, closures: tuple[Closure, ...] = ()) -> Schedule:
    """Monday to Friday, `opens`:00 to `closes`:00."""
    return Schedule(zone, tuple(OpeningInterval(day, opens * 60, closes * 60) for day in range(5)), closures)


def local(value: datetime, zone: str) -> tuple[int, int, int, int, int]:
    shown = value.astimezone(ZoneInfo(zone))
    return (shown.year, shown.month, shown.day, shown.hour, shown.minute)


TICK = timedelta(microseconds=1)


def assert_only_open_period(schedule: Schedule, start: datetime, end: datetime, opens: datetime, closes: datetime):
    """[opens, closes) is the calendar's only open time in [start, end), seen through the public functions."""
    length = (closes - opens) / timedelta(minutes=1)
    assert next_opening(schedule, start) == opens  # nothing open before it
    assert business_minutes_between(schedule, opens, closes) == length  # all of it open
    assert business_minutes_between(schedule, start, end) == length  # nothing else open in the range
    assert is_open(schedule, closes - TICK)
    assert closes == end or not is_open(schedule, closes)


# --- business days ------------------------------------------------------------------------------------------------


def test_weekend_is_skipped_friday_afternoon_lands_monday_morning():
    due = add_business_minutes(weekdays(LONDON, 9, 17), at(LONDON, 2026, 1, 9, 16), 120)
    assert due == utc(2026, 1, 12, 10)


def test_osticket_example_17_plus_4_hours_on_08_18_is_11_next_business_day():
    due = add_business_minutes(weekdays(LONDON, 8, 18), at(LONDON, 2026, 1, 13, 17), 4 * 60)
    assert due == utc(2026, 1, 14, 11)


def test_arrival_out_of_hours_starts_the_clock_at_the_next_opening():
    nine_to_five = weekdays(LONDON, 9, 17)
    assert add_business_minutes(nine_to_five, at(LONDON, 2026, 1, 13, 20), 60) == utc(2026, 1, 14, 10)
    assert add_business_minutes(nine_to_five, at(LONDON, 2026, 1, 10, 12), 60) == utc(2026, 1, 12, 10)  # Saturday
    assert next_opening(nine_to_five, at(LONDON, 2026, 1, 10, 12)) == utc(2026, 1, 12, 9)
    assert next_opening(nine_to_five, at(LONDON, 2026, 1, 13, 8, 59)) == utc(2026, 1, 13, 9)


def test_next_opening_is_the_instant_itself_when_open_and_comes_back_in_utc():
    opening = next_opening(weekdays(NEW_YORK, 9, 17), at(NEW_YORK, 2026, 1, 13, 12, 30))
    assert opening == utc(2026, 1, 13, 17, 30)
    assert opening.tzinfo is UTC


def test_a_target_landing_exactly_on_closing_rolls_to_the_next_opening():
    due = add_business_minutes(weekdays(LONDON, 8, 18), at(LONDON, 2026, 1, 13, 14), 4 * 60)
    assert due == utc(2026, 1, 14, 8)


def test_a_24_7_target_at_midnight_stays_at_midnight():
    due = add_business_minutes(always_open(LONDON), at(LONDON, 2026, 1, 13, 12), 12 * 60)
    assert due == utc(2026, 1, 14, 0)


def test_zero_minutes_returns_start_unchanged_even_out_of_hours():
    start = at(LONDON, 2026, 1, 10, 3, 15)
    assert add_business_minutes(weekdays(LONDON, 9, 17), start, 0) == start


def test_fractional_minutes_are_kept_to_the_second():
    due = add_business_minutes(weekdays("UTC", 9, 17), utc(2026, 1, 13, 9), 1.5)
    assert due == utc(2026, 1, 13, 9, 1, 30)
    assert business_minutes_between(weekdays("UTC", 9, 17), utc(2026, 1, 13, 9), due) == 1.5


@pytest.mark.parametrize("minutes", [-1, -0.5, float("nan"), float("inf")])
def test_negative_or_non_finite_minutes_are_rejected(minutes):
    with pytest.raises(ValueError, match="Business minutes"):
        add_business_minutes(ALWAYS_OPEN, utc(2026, 1, 1), minutes)


# --- holidays (rule 9) --------------------------------------------------------------------------------------------


def test_a_whole_day_closure_is_skipped():
    schedule = weekdays(LONDON, 9, 17, closures=(Closure(date(2026, 1, 12)),))
    assert add_business_minutes(schedule, at(LONDON, 2026, 1, 9, 16), 120) == utc(2026, 1, 13, 10)
    assert not is_open(schedule, at(LONDON, 2026, 1, 12, 12))


def test_a_lunch_break_closure_removes_only_that_hour():
    schedule = weekdays(LONDON, 9, 17, closures=(Closure(date(2026, 1, 13), 12 * 60, 13 * 60),))
    assert add_business_minutes(schedule, at(LONDON, 2026, 1, 13, 11, 30), 60) == utc(2026, 1, 13, 13, 30)
    assert business_minutes_between(schedule, at(LONDON, 2026, 1, 13), at(LONDON, 2026, 1, 14)) == 7 * 60
    assert next_opening(schedule, at(LONDON, 2026, 1, 13, 12, 10)) == utc(2026, 1, 13, 13)
    # the next day is untouched
    assert business_minutes_between(schedule, at(LONDON, 2026, 1, 14), at(LONDON, 2026, 1, 15)) == 8 * 60


def test_a_closure_cuts_the_part_of_an_overnight_interval_that_falls_on_its_date():
    overnight = Schedule("UTC", (OpeningInterval(0, 22 * 60, 6 * 60),), (Closure(date(2026, 1, 13)),))
    assert_only_open_period(overnight, utc(2026, 1, 12), utc(2026, 1, 14), utc(2026, 1, 12, 22), utc(2026, 1, 13))
    assert next_opening(overnight, utc(2026, 1, 13)) == utc(2026, 1, 19, 22)  # the next Monday night


def test_closures_covering_every_opening_raise_schedule_error():
    mondays = [date(2026, 1, 5) + timedelta(weeks=n) for n in range(80)]
    schedule = Schedule("UTC", (OpeningInterval(0, 540, 1020),), tuple(Closure(day) for day in mondays))
    with pytest.raises(ScheduleError, match="no opening within 400 days"):
        add_business_minutes(schedule, utc(2026, 1, 1), 60)
    with pytest.raises(ScheduleError):
        next_opening(schedule, utc(2026, 1, 1))
    # a bounded question still has an answer
    assert business_minutes_between(schedule, utc(2026, 1, 1), utc(2027, 1, 1)) == 0


# --- DST (rule 1) ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "saturday", "expected_local"),
    [
        (LONDON, (2026, 3, 28), (2026, 3, 29, 13, 0)),  # clocks forward: 24 real hours reach 13:00
        (LONDON, (2026, 10, 24), (2026, 10, 25, 11, 0)),  # clocks back: 24 real hours reach 11:00
        (NEW_YORK, (2026, 3, 7), (2026, 3, 8, 13, 0)),
        (NEW_YORK, (2026, 10, 31), (2026, 11, 1, 11, 0)),
    ],
)
def test_24_7_calendar_counts_real_hours_across_dst(zone, saturday, expected_local):
    due = add_business_minutes(always_open(zone), at(zone, *saturday, 12), 24 * 60)
    assert local(due, zone) == expected_local
    assert due - at(zone, *saturday, 12) == timedelta(hours=24)


@pytest.mark.parametrize(
    ("zone", "friday", "monday"),
    [
        (LONDON, (2026, 3, 27), (2026, 3, 30)),
        (LONDON, (2026, 10, 23), (2026, 10, 26)),
        (NEW_YORK, (2026, 3, 6), (2026, 3, 9)),
        (NEW_YORK, (2026, 10, 30), (2026, 11, 2)),
    ],
)
def test_nine_to_five_due_time_keeps_its_wall_clock_hour_across_dst(zone, friday, monday):
    due = add_business_minutes(weekdays(zone, 9, 17), at(zone, *friday, 10), 8 * 60)
    assert local(due, zone) == (*monday, 10, 0)


@pytest.mark.parametrize(
    ("zone", "sunday", "hours"),
    [
        (LONDON, date(2026, 3, 29), 23),
        (LONDON, date(2026, 10, 25), 25),
        (NEW_YORK, date(2026, 3, 8), 23),
        (NEW_YORK, date(2026, 11, 1), 25),
        ("Australia/Lord_Howe", date(2026, 10, 4), 23.5),
        ("Australia/Lord_Howe", date(2026, 4, 5), 24.5),
    ],
)
def test_a_whole_day_interval_on_a_dst_day_is_23_or_25_real_hours(zone, sunday, hours):
    sundays = Schedule(zone, (OpeningInterval(6, 0, 1440),))
    midnight = datetime.combine(sunday, datetime.min.time(), tzinfo=ZoneInfo(zone))
    closes = midnight.astimezone(UTC) + timedelta(hours=hours)  # in UTC: real hours, not wall-clock ones
    assert_only_open_period(sundays, midnight - timedelta(days=1), midnight + timedelta(days=2), midnight, closes)
    assert business_minutes_between(sundays, midnight - timedelta(days=3), midnight + timedelta(days=3)) == hours * 60


def test_an_interval_across_the_spring_gap_is_one_real_hour():
    """01:00-02:00 does not exist on 2026-03-29 in London: 01:00-03:00 is 01:00-02:00 UTC."""
    schedule = Schedule(LONDON, (OpeningInterval(6, 60, 180),))
    assert_only_open_period(schedule, utc(2026, 3, 28), utc(2026, 3, 30), utc(2026, 3, 29, 1), utc(2026, 3, 29, 2))


@pytest.mark.parametrize(
    ("zone", "sunday", "start", "end", "expected"),
    [
        # a start inside the gap opens when the clocks jump (02:00 BST), not at 02:30 BST as PEP 495 fold=0 reads it
        (LONDON, (2026, 3, 29), 90, 180, (utc(2026, 3, 29, 1), utc(2026, 3, 29, 2))),
        # an end inside the gap closes when the clocks jump
        (LONDON, (2026, 3, 29), 30, 90, (utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 1))),
        # Lord Howe jumps 02:00 -> 02:30 (+10:30 -> +11): 02:10-03:00 opens at 02:30
        ("Australia/Lord_Howe", (2026, 10, 4), 130, 180, (utc(2026, 10, 3, 15, 30), utc(2026, 10, 3, 16))),
        # an ambiguous time (01:00-02:00 happens twice on 2026-10-25) means its first occurrence (fold=0)
        (LONDON, (2026, 10, 25), 60, 90, (utc(2026, 10, 25, 0), utc(2026, 10, 25, 0, 30))),
        (LONDON, (2026, 10, 25), 90, 180, (utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 3))),
        (NEW_YORK, (2026, 11, 1), 60, 90, (utc(2026, 11, 1, 5), utc(2026, 11, 1, 5, 30))),
    ],
)
def test_endpoints_in_a_dst_gap_or_fold(zone, sunday, start, end, expected):
    schedule = Schedule(zone, (OpeningInterval(6, start, end),))
    day = at(zone, *sunday)
    assert_only_open_period(schedule, day - timedelta(days=1), day + timedelta(days=2), *expected)


def test_an_interval_entirely_inside_the_gap_is_empty_not_inverted():
    schedule = Schedule(LONDON, (OpeningInterval(6, 70, 110), OpeningInterval(0, 540, 600)))
    assert business_minutes_between(schedule, utc(2026, 3, 28), utc(2026, 3, 30)) == 0
    assert business_minutes_between(schedule, utc(2026, 3, 28), utc(2026, 3, 31)) == 60  # Monday's hour


def test_business_minutes_over_a_dst_week():
    start, end = at(LONDON, 2026, 3, 23), at(LONDON, 2026, 3, 30)  # Monday to Monday, clocks forward on Sunday
    assert business_minutes_between(weekdays(LONDON, 9, 17), start, end) == 5 * 8 * 60
    assert business_minutes_between(always_open(LONDON), start, end) == 7 * 24 * 60 - 60
    start, end = at(NEW_YORK, 2026, 10, 26), at(NEW_YORK, 2026, 11, 2)  # clocks back on Sunday
    assert business_minutes_between(weekdays(NEW_YORK, 9, 17), start, end) == 5 * 8 * 60
    assert business_minutes_between(always_open(NEW_YORK), start, end) == 7 * 24 * 60 + 60


# --- overnight and 24/7 ---------------------------------------------------------------------------------------------


def test_an_interval_spanning_midnight_belongs_to_the_day_it_starts():
    nights = Schedule(LONDON, (OpeningInterval(0, 22 * 60, 6 * 60),))  # Monday 22:00 to Tuesday 06:00
    assert is_open(nights, at(LONDON, 2026, 1, 13, 3))  # Tuesday 03:00
    assert not is_open(nights, at(LONDON, 2026, 1, 13, 6))
    assert not is_open(nights, at(LONDON, 2026, 1, 14, 3))  # Wednesday 03:00: Tuesday night is closed
    assert add_business_minutes(nights, at(LONDON, 2026, 1, 12, 23), 3 * 60) == utc(2026, 1, 13, 2)
    assert add_business_minutes(nights, at(LONDON, 2026, 1, 13, 5), 2 * 60) == utc(2026, 1, 19, 23)


def test_a_24_7_calendar_does_not_close_at_midnight():
    assert is_open(ALWAYS_OPEN, utc(2026, 1, 13))
    assert add_business_minutes(ALWAYS_OPEN, utc(2026, 1, 12, 23, 30), 60) == utc(2026, 1, 13, 0, 30)
    assert_only_open_period(ALWAYS_OPEN, utc(2026, 1, 1, 6), utc(2026, 1, 8), utc(2026, 1, 1, 6), utc(2026, 1, 8))
    # both of London's clock changes inside the range: every real minute counts, none twice
    london = always_open(LONDON)
    assert_only_open_period(london, utc(2026, 3, 20), utc(2026, 11, 1), utc(2026, 3, 20), utc(2026, 11, 1))


def test_a_24_7_calendar_across_year_end_loses_no_minute():
    assert add_business_minutes(ALWAYS_OPEN, utc(2026, 12, 31, 23, 30), 60) == utc(2027, 1, 1, 0, 30)
    assert business_minutes_between(ALWAYS_OPEN, utc(2026, 12, 31, 23, 30), utc(2027, 1, 1, 0, 30)) == 60
    assert add_business_minutes(ALWAYS_OPEN, utc(2026, 12, 31, 23, 59), 1) == utc(2027, 1, 1)


def test_adjacent_intervals_join_overlapping_ones_count_once_and_the_range_clips():
    schedule = Schedule(
        "UTC",
        (
            OpeningInterval(0, 0, 1440),
            OpeningInterval(1, 0, 600),
            OpeningInterval(1, 300, 720),
            OpeningInterval(2, 60, 120),
        ),
    )
    # Monday 06:00-24:00 runs on into Tuesday 00:00-12:00 (05:00-10:00 counted once), then Wednesday 01:00-01:30
    assert business_minutes_between(schedule, utc(2026, 1, 12, 6), utc(2026, 1, 14, 1, 30)) == 18 * 60 + 12 * 60 + 30
    assert_only_open_period(schedule, utc(2026, 1, 12, 6), utc(2026, 1, 14), utc(2026, 1, 12, 6), utc(2026, 1, 13, 12))
    # a target at Monday midnight is no closing: it stays there instead of rolling to an opening
    assert add_business_minutes(schedule, utc(2026, 1, 12, 23), 60) == utc(2026, 1, 13)
    assert add_business_minutes(schedule, utc(2026, 1, 13, 11), 60) == utc(2026, 1, 14, 1)  # noon is a closing
    assert business_minutes_between(schedule, utc(2026, 1, 14), utc(2026, 1, 13)) == 0


# --- validation (rule 10) -------------------------------------------------------------------------------------------


def test_a_calendar_with_no_opening_hours_is_rejected_with_a_clear_message():
    with pytest.raises(ScheduleError, match=r"^This calendar has no opening hours: add at least one interval\.$"):
        Schedule(LONDON, ())
    with pytest.raises(ScheduleError, match="no opening hours"):
        Schedule(LONDON, (OpeningInterval(0, 540, 540),))  # end == start is empty, not 24 hours
    assert issubclass(ScheduleError, ValueError)


@pytest.mark.parametrize(
    "build",
    [
        lambda: Schedule("Mars/Olympus_Mons", (OpeningInterval(0, 0, 60),)),
        lambda: Schedule("", (OpeningInterval(0, 0, 60),)),
        lambda: OpeningInterval(7, 0, 60),
        lambda: OpeningInterval(-1, 0, 60),
        lambda: OpeningInterval(0, 1440, 1440),
        lambda: OpeningInterval(0, -1, 60),
        lambda: OpeningInterval(0, 0, 0),
        lambda: OpeningInterval(0, 0, 1441),
        lambda: Closure(date(2026, 1, 1), 60),
        lambda: Closure(date(2026, 1, 1), 120, 60),
        lambda: Closure(datetime(2026, 1, 1, tzinfo=UTC)),
    ],
)
def test_impossible_calendars_raise_schedule_error(build):
    with pytest.raises(ScheduleError):
        build()


def test_always_open_is_seven_whole_days_in_utc():
    assert ALWAYS_OPEN.zone == "UTC"
    assert ALWAYS_OPEN.intervals == tuple(OpeningInterval(day, 0, 1440) for day in range(7))
    assert always_open() == ALWAYS_OPEN
    assert hash(ALWAYS_OPEN) == hash(always_open())


@pytest.mark.parametrize(
    "call",
    [
        lambda naive: add_business_minutes(ALWAYS_OPEN, naive, 5),
        lambda naive: business_minutes_between(ALWAYS_OPEN, naive, utc(2026, 1, 2)),
        lambda naive: business_minutes_between(ALWAYS_OPEN, utc(2026, 1, 2), naive),
        lambda naive: is_open(ALWAYS_OPEN, naive),
        lambda naive: next_opening(ALWAYS_OPEN, naive),
    ],
)
def test_naive_datetimes_are_rejected(call):
    with pytest.raises(ValueError, match="timezone-aware"):
        call(datetime(2026, 1, 1, 12))  # noqa: DTZ001 - naive on purpose


def test_a_year_of_minutes_on_a_weekday_calendar_is_fast():
    schedule = weekdays(LONDON, 9, 17)
    started = time.perf_counter()
    due = add_business_minutes(schedule, at(LONDON, 2026, 1, 13, 17), 365 * 24 * 60)
    elapsed = time.perf_counter() - started
    assert business_minutes_between(schedule, at(LONDON, 2026, 1, 13, 17), due) == 365 * 24 * 60
    assert elapsed < 0.25  # about 10 ms on a laptop; the bound only catches minute-by-minute regressions


# --- properties -----------------------------------------------------------------------------------------------------

intervals = st.builds(OpeningInterval, st.integers(0, 6), st.integers(0, 1439), st.integers(1, 1440)).filter(
    lambda interval: interval.minutes >= 60
)  # keeps 100_000 minutes within a few thousand days
closures = st.builds(Closure, st.dates(date(2025, 1, 1), date(2029, 12, 31))) | st.integers(0, 1439).flatmap(
    lambda start: st.builds(
        Closure, st.dates(date(2025, 1, 1), date(2029, 12, 31)), st.just(start), st.integers(start + 1, 1440)
    )
)
schedules = st.builds(
    Schedule,
    st.sampled_from(ZONES),
    st.lists(intervals, min_size=1, max_size=6).map(tuple),
    st.lists(closures, max_size=3).map(tuple),
)
instants = st.datetimes(  # hypothesis takes naive bounds and attaches the zones itself
    datetime(2025, 1, 1),  # noqa: DTZ001
    datetime(2028, 12, 31),  # noqa: DTZ001
    timezones=st.sampled_from([ZoneInfo(zone) for zone in ZONES]),
)
PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)


@PROPERTY_SETTINGS
@given(schedules, instants, st.integers(0, 100_000))
def test_business_minutes_between_inverts_add(schedule, start, minutes):
    due = add_business_minutes(schedule, start, minutes)
    assert due.tzinfo is UTC
    assert business_minutes_between(schedule, start, due) == pytest.approx(minutes, abs=1e-6)
    if minutes:
        assert due > start
        # Never due at an instant nobody is there: a target on closing rolls to the next opening.
        assert is_open(schedule, due)


@PROPERTY_SETTINGS
@given(schedules, instants, st.integers(0, 100_000), st.integers(0, 100_000))
def test_add_is_monotonic_in_minutes(schedule, start, first, second):
    low, high = sorted((first, second))
    earlier, later = add_business_minutes(schedule, start, low), add_business_minutes(schedule, start, high)
    assert earlier <= later
    assert business_minutes_between(schedule, earlier, later) == pytest.approx(high - low, abs=1e-6)


@PROPERTY_SETTINGS
@given(schedules, instants, st.integers(0, 7 * 24 * 60), st.integers(0, 7 * 24 * 60))
def test_business_minutes_add_up_and_agree_with_is_open(schedule, start, middle_minutes, end_minutes):
    # arithmetic in UTC: local `start + timedelta` is wall-clock arithmetic, and a wall time in a DST gap
    # never compares equal to an instant in another zone (PEP 495)
    begin = start.astimezone(UTC)
    middle = begin + timedelta(minutes=middle_minutes)
    end = middle + timedelta(minutes=end_minutes)
    whole = business_minutes_between(schedule, start, end)
    assert 0 <= whole <= (end - begin) / timedelta(minutes=1)
    parts = business_minutes_between(schedule, start, middle) + business_minutes_between(schedule, middle, end)
    assert parts == pytest.approx(whole, abs=1e-6)
    opening = next_opening(schedule, start)
    assert is_open(schedule, opening)
    assert (opening == begin) == is_open(schedule, start)
    assert business_minutes_between(schedule, start, opening) == 0  # closed until it opens
    assert (whole > 0) == (opening < end)
    if whole:  # the open time in the range ends at a closing or at the range's end, never in the middle
        due = add_business_minutes(schedule, start, whole)
        assert begin < due
        assert due <= end or business_minutes_between(schedule, end, due) == 0
