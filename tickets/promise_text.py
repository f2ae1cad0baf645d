"""Promises in the reader's words: wall-clock times in their zone, relative times for agents."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings

from tickets.models import Ticket


def customer_zone(ticket: Ticket) -> ZoneInfo:
    """The customer's zone when known, else the queue calendar's, else the desk's."""
    calendar = ticket.queue.calendar if ticket.queue_id else None
    for name in (ticket.customer.timezone, calendar.zone if calendar else "", settings.TIME_ZONE):
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


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


def business_duration(minutes: int | None) -> str:
    """120 -> '2 business hours'; 90 -> '90 business minutes'."""
    minutes = minutes or 0
    if minutes and minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} business hour{'s' if hours != 1 else ''}"
    return f"{minutes} business minutes"
