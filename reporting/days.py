"""Report days: calendar days in the desk's zone (the ``TIME_ZONE`` setting), not in UTC.

A ticket created at 23:30 in London on 1 March counts on 1 March there, whatever UTC says, and a
DST day is 23 or 25 hours long. Every roll-up and every page use these functions, so a day means
the same thing everywhere (docs/reports.md).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def day_of(moment: datetime) -> date:
    """The report day of an aware instant."""
    return moment.astimezone(zone()).date()


def day_start(day: date) -> datetime:
    """The first instant of a report day (aware, in the report zone)."""
    return datetime.combine(day, time.min, tzinfo=zone())


def day_span(first: date, last: date) -> tuple[datetime, datetime]:
    """[start of ``first``, start of the day after ``last``): the instants of those days."""
    return day_start(first), day_start(last + timedelta(days=1))
