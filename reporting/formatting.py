"""How figures read in a table cell and in the CSV (the same text in both)."""

from __future__ import annotations

from datetime import date

from reporting.buckets import HOUR, MINUTE, Percentile


def duration_text(seconds: int) -> str:
    """Business time: "45 min", "1 h 30 min", "36 h" (hours, not days: a business day is not 24 h)."""
    if seconds < HOUR:
        return f"{seconds // MINUTE} min"
    hours, minutes = divmod(seconds // MINUTE, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def percentile_text(value: Percentile) -> str:
    """A bucket bound: "within 2 h", "over 1440 h", or "—" when nothing was counted."""
    if value.seconds is None:
        return "—"
    return f"{'over' if value.over_last else 'within'} {duration_text(value.seconds)}"


def percent_text(part: int, whole: int) -> str:
    """Rounded down, so "80 %" always means at least 80 %; "—" for nothing to count."""
    return f"{part * 100 // whole} %" if whole else "—"


def day_label(day: date) -> str:
    return day.isoformat()
