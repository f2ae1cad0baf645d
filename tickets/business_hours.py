"""Business-time arithmetic for SLA due times: pure functions, no ORM, no Django.

A :class:`Schedule` is weekly opening intervals in one IANA zone minus :class:`Closure` holidays
(a whole local date or part of one, e.g. lunch). Each local day's open intervals are built in the
zone and converted to UTC, so a DST day is 23 or 25 real hours (docs/reliability.md §2, rules 1 and 9).
Instants go in timezone-aware (naive raises ``ValueError``), come out in UTC, and are walked day by
day, never minute by minute: adding a year of business minutes takes about 10 ms.

Wall-clock rules, applied to every interval and closure endpoint:

* times are minutes after local midnight; 1440 is the exclusive end of the day (24:00), so a
  24/7 calendar never closes for a minute at midnight (zammad#3180);
* an interval with ``end < start`` runs past midnight into the next day; ``end == start`` is
  empty (a 24-hour day is written ``0..1440``), so a slip like 09:00-09:00 never opens a desk
  around the clock;
* an ambiguous wall time (clocks go back) means its first occurrence (``fold=0``);
* a wall time that does not exist (clocks go forward) means the instant the clocks jump, the
  first instant whose wall time is later. (PEP 495's ``fold=0`` would read it on the old clock,
  01:30 -> 02:30 BST, which can turn a short interval inside out.) This keeps local -> UTC
  monotonic: on the London spring-forward Sunday 00:00-24:00 is 23 hours and 01:00-03:00 is 1.

A closure removes its wall-clock span from whatever interval covers it, including an overnight
interval that began the day before.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAY_MINUTES = 1440
WEEK_MINUTES = 7 * DAY_MINUTES
MAX_IDLE_DAYS = 400  # a calendar closed this long in a row is treated as having no opening at all
_DAY = timedelta(days=1)
_SECOND = timedelta(seconds=1)

Period = tuple[datetime, datetime]
_Span = tuple[int, int]  # wall-clock minutes after a local midnight, [start, end)


class ScheduleError(ValueError):
    """The calendar is impossible: no opening hours, an unknown zone or an out-of-range time."""


def _check_span(what: str, start: int, end: int) -> None:
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < DAY_MINUTES and 0 < end <= DAY_MINUTES):
        raise ScheduleError(f"{what} must lie within 0..1440 minutes after midnight, not {start}..{end}.")


@dataclass(frozen=True)
class OpeningInterval:
    """Open from ``start`` to ``end`` minutes after local midnight on ``weekday`` (0 = Monday)."""

    weekday: int
    start: int
    end: int

    def __post_init__(self) -> None:
        if not isinstance(self.weekday, int) or not 0 <= self.weekday <= 6:
            raise ScheduleError(f"The weekday must be 0 (Monday) to 6 (Sunday), not {self.weekday!r}.")
        _check_span("An opening interval", self.start, self.end)

    @property
    def minutes(self) -> int:
        """Nominal length in wall-clock minutes; 0 when ``end == start``."""
        return self.end - self.start + (DAY_MINUTES if self.end < self.start else 0)


@dataclass(frozen=True)
class Closure:
    """A holiday: the whole local ``day``, or ``start``..``end`` minutes of it (720..780 for lunch)."""

    day: date
    start: int | None = None
    end: int | None = None

    def __post_init__(self) -> None:
        if isinstance(self.day, datetime) or not isinstance(self.day, date):
            raise ScheduleError(f"A closure's day must be a date, not {self.day!r}.")
        if self.start is None and self.end is None:
            return
        if self.start is None or self.end is None:
            raise ScheduleError("A closure needs both a start and an end time, or neither for the whole day.")
        _check_span("A closure", self.start, self.end)
        if self.end <= self.start:
            raise ScheduleError("A closure must end after it starts, on the same day.")

    @property
    def span(self) -> _Span:
        """The closed wall-clock minutes of ``day``."""
        return (0, DAY_MINUTES) if self.start is None or self.end is None else (self.start, self.end)


@dataclass(frozen=True)
class Schedule:
    """Weekly opening hours in one IANA zone, minus closures. Raises :class:`ScheduleError` if impossible."""

    zone: str
    intervals: tuple[OpeningInterval, ...]
    closures: tuple[Closure, ...] = ()
    _tz: ZoneInfo = field(init=False, repr=False, compare=False)
    _weekly: tuple[tuple[_Span, ...], ...] = field(init=False, repr=False, compare=False)
    _closed: dict[date, tuple[_Span, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            tz = ZoneInfo(self.zone)
        except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
            raise ScheduleError(f"Unknown time zone {self.zone!r}: use an IANA name like 'Europe/London'.") from exc
        intervals, closures = tuple(self.intervals), tuple(self.closures)
        weekly: list[list[_Span]] = [[] for _ in range(7)]
        for interval in intervals:
            if interval.minutes:
                weekly[interval.weekday].append((interval.start, interval.start + interval.minutes))
        if not any(weekly):
            raise ScheduleError("This calendar has no opening hours: add at least one interval.")
        closed: dict[date, list[_Span]] = {}
        for closure in closures:
            closed.setdefault(closure.day, []).append(closure.span)
        object.__setattr__(self, "intervals", intervals)
        object.__setattr__(self, "closures", closures)
        object.__setattr__(self, "_tz", tz)
        object.__setattr__(self, "_weekly", tuple(tuple(sorted(day)) for day in weekly))
        object.__setattr__(self, "_closed", {day: tuple(spans) for day, spans in closed.items()})


def always_open(zone: str = "UTC") -> Schedule:
    """A 24/7 schedule in ``zone`` (calendar hours, docs/reliability.md §2 rule 7)."""
    return Schedule(zone, tuple(OpeningInterval(weekday, 0, DAY_MINUTES) for weekday in range(7)))


ALWAYS_OPEN = always_open()


def _aware(name: str, value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, not naive {value!r}.")
    return value.astimezone(UTC)


def _to_utc(tz: ZoneInfo, day: date, minute: int) -> datetime:
    """The instant ``minute`` wall-clock minutes after local midnight of ``day`` (see module docstring)."""
    local = datetime.combine(day, time(), tzinfo=tz) + timedelta(minutes=minute)  # wall-clock arithmetic
    first, second = local.astimezone(UTC), local.replace(fold=1).astimezone(UTC)
    if first <= second:  # an ordinary time, or the first occurrence of an ambiguous one
        return first
    # In a gap: `second` is before the jump and `first` after it; find the jump, to the second.
    before = local.utcoffset()
    low, high = second, first
    while high - low > _SECOND:
        middle = low + timedelta(seconds=(high - low) // _SECOND // 2)
        if middle.astimezone(tz).utcoffset() == before:
            low = middle
        else:
            high = middle
    return high


def _cut(spans: list[_Span], low: int, high: int) -> list[_Span]:
    """Remove [low, high) from each span."""
    out: list[_Span] = []
    for start, end in spans:
        if start < low:
            out.append((start, min(end, low)))
        if end > high:
            out.append((max(start, high), end))
    return out


def _day_periods(schedule: Schedule, day: date) -> list[Period]:
    """The open periods of the intervals that start on local ``day``, closures removed, sorted."""
    periods: list[Period] = []
    for span in schedule._weekly[day.weekday()]:
        spans = [span]
        for offset, closure_day in ((0, day), (DAY_MINUTES, day + _DAY)):
            for low, high in schedule._closed.get(closure_day, ()):
                spans = _cut(spans, low + offset, high + offset)
        for start, end in spans:
            period = (_to_utc(schedule._tz, day, start), _to_utc(schedule._tz, day, end))
            if period[0] < period[1]:
                periods.append(period)
    periods.sort()
    return periods


def _pieces(schedule: Schedule, start: datetime, end: datetime | None) -> Iterator[Period]:
    """Disjoint open periods in time order (adjacent ones not yet joined), clipped to [start, end).

    Unbounded when ``end`` is None; then :class:`ScheduleError` if no opening for MAX_IDLE_DAYS.
    """
    day = start.astimezone(schedule._tz).date() - _DAY  # an overnight interval may cover `start`
    last_day = None if end is None else end.astimezone(schedule._tz).date() + _DAY
    cursor, idle = start, 0
    while last_day is None or day <= last_day:
        found = False
        for period_start, period_end in _day_periods(schedule, day):
            low = max(period_start, cursor)
            high = period_end if end is None else min(period_end, end)
            if low < high:
                found = True
                cursor = high
                yield low, high
        idle = 0 if found else idle + 1
        if end is None and idle > MAX_IDLE_DAYS:
            raise ScheduleError(
                f"This calendar has no opening within {MAX_IDLE_DAYS} days of {start.isoformat()}: check its closures."
            )
        day += _DAY


def is_open(schedule: Schedule, at: datetime) -> bool:
    """Whether the calendar is open at the instant ``at``."""
    at = _aware("at", at)
    return next(_pieces(schedule, at, at + timedelta(microseconds=1)), None) is not None


def next_opening(schedule: Schedule, at: datetime) -> datetime:
    """``at`` itself if open, else the next opening: where an out-of-hours clock starts (rule 8)."""
    return next(_pieces(schedule, _aware("at", at), None))[0]


def add_business_minutes(schedule: Schedule, start: datetime, minutes: int | float) -> datetime:
    """The instant ``minutes`` of open time after ``start`` (rule 8).

    The clock starts at the next opening when ``start`` is out of hours; a target landing exactly
    on closing time rolls to the next opening (rule 8: no promise falls due while nobody is
    there to keep it). ``minutes == 0`` returns ``start`` itself.
    """
    start = _aware("start", start)
    if not 0 <= minutes < float("inf"):
        raise ValueError(f"Business minutes must be a finite number, zero or more, not {minutes!r}.")
    remaining = timedelta(minutes=minutes)
    if not remaining:
        return start
    for low, high in _pieces(schedule, start, None):
        if remaining < high - low:
            return low + remaining
        if remaining == high - low:
            return next_opening(schedule, high)
        remaining -= high - low
    raise AssertionError("unreachable: the unbounded search either returns or raises ScheduleError")


def business_minutes_between(schedule: Schedule, start: datetime, end: datetime) -> float:
    """Open time between two instants, in minutes (exact to the microsecond); 0 if ``end <= start``."""
    pieces = _pieces(schedule, _aware("start", start), _aware("end", end))
    return sum((high - low for low, high in pieces), timedelta()) / timedelta(minutes=1)


def weekly_open_minutes(schedule: Schedule) -> int:
    """Open minutes in an ordinary week (holidays aside), overlapping intervals counted once."""
    spans: list[tuple[int, int]] = []
    for interval in schedule.intervals:
        start = interval.weekday * DAY_MINUTES + interval.start
        end = start + interval.minutes
        if end > WEEK_MINUTES:  # Sunday night into Monday morning
            spans += [(start, WEEK_MINUTES), (0, end - WEEK_MINUTES)]
        elif end > start:
            spans.append((start, end))
    total = reached = 0
    for start, end in sorted(spans):
        if end > reached:
            total += end - max(start, reached)
            reached = end
    return total
