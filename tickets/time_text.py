"""Times and durations in words: the one module of formatters.

Pages, emails, the admin and the desk's messages all write times through these functions, so a
due time reads the same everywhere: 24-hour clock, the zone named in words ("London time"),
relative times for agents at a glance, business time for promises. Pure functions: no ORM.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo


def zone_label(zone: ZoneInfo) -> str:
    """'New York time' for America/New_York; 'UTC' stays 'UTC'."""
    key = str(zone.key)
    if "/" not in key:
        return key
    return key.rsplit("/", 1)[1].replace("_", " ") + " time"


def wall_clock(when: datetime, zone: ZoneInfo, now: datetime) -> str:
    """'today at 14:00 (London time)', 'tomorrow at 10:00 (...)', 'Tuesday 24 November at 14:00 (...)'."""
    local, today = when.astimezone(zone), now.astimezone(zone).date()
    clock = f"{local:%H:%M} ({zone_label(zone)})"
    if local.date() == today:
        return f"today at {clock}"
    if local.date() == today + timedelta(days=1):
        return f"tomorrow at {clock}"
    return f"{local:%A} {local.day} {local:%B} at {clock}"


def weekday_clock(when: datetime, zone: ZoneInfo) -> str:
    """'Tue 14:00 (London time)': a time within the coming week, as the desk confirms a promise."""
    return f"{when.astimezone(zone):%a %H:%M} ({zone_label(zone)})"


def due_label(when: datetime, zone: ZoneInfo) -> str:
    """'due Tue 12 Jan 14:00 (London time)': a due time stored on the timeline, in the reader's zone."""
    local = when.astimezone(zone)
    return f"due {local:%a} {local.day} {local:%b %H:%M} ({zone_label(zone)})"


def short_moment(moment: datetime, zone: ZoneInfo, now: datetime) -> str:
    """'Tue 24 Nov 14:00' in ``zone``, with the year only when it isn't this one (admin previews)."""
    local, today = moment.astimezone(zone), now.astimezone(zone)
    year = f" {local.year}" if local.year != today.year else ""
    return f"{local:%a} {local.day} {local:%b}{year} {local:%H:%M}"


def full_moment(at: datetime, zone: ZoneInfo) -> str:
    """'Tue 24 Nov 2026, 15:00 (Berlin time)': for an agent's email, in the agent's own zone."""
    local = at.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} ({zone_label(zone)})"


def relative(when: datetime, now: datetime) -> str:
    """'in 25 min', 'in 3 h', 'overdue 1 h' (agents read these at a glance)."""
    seconds = (when - now).total_seconds()
    size = abs(seconds)
    if size < 3600:
        amount = f"{max(round(size / 60), 1)} min"
    elif size < 48 * 3600:
        amount = f"{round(size / 3600)} h"
    else:
        amount = f"{round(size / 86400)} d"
    return f"in {amount}" if seconds >= 0 else f"overdue {amount}"


def ago(when: datetime, now: datetime) -> str:
    """'5 min ago', '3 h ago', '2 d ago'; 'just now' for a time not yet past."""
    return relative(now, when).replace("in ", "", 1) + " ago" if when <= now else "just now"


def business_duration(minutes: int | None) -> str:
    """120 -> '2 business hours'; 90 -> '90 business minutes'."""
    minutes = minutes or 0
    if minutes and minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} business hour{'s' if hours != 1 else ''}"
    return f"{minutes} business minutes"


def hours_minutes(seconds: int | None) -> str:
    """7380 -> '2 h 3 min'."""
    minutes = round((seconds or 0) / 60)
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest} min" if hours else f"{rest} min"


def short_duration(minutes: int) -> str:
    """90 -> '1h 30m': short enough for a list column."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest}m"
    return f"{hours}h {rest}m" if rest else f"{hours}h"
