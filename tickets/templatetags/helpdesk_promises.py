from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from tickets import promise_text
from tickets.models import Promise
from tickets.time_text import ago as ago_text
from tickets.time_text import business_duration as business_duration_text
from tickets.time_text import due_label, hours_minutes, relative

register = template.Library()


@register.filter
def due_in(when: datetime | None, now: datetime) -> str:
    """'in 25 min' / 'overdue 1 h' for agents."""
    return relative(when, now) if when else ""


@register.simple_tag
def due_class(when: datetime | None, now: datetime, soon: datetime) -> str:
    if when is None:
        return ""
    if when <= now:
        return "due-overdue"
    return "due-soon" if when <= soon else ""


@register.filter
def seconds_as_hours(seconds: int | None) -> str:
    """7380 -> '2 h 3 min' of business time."""
    return hours_minutes(seconds)


_KIND_BADGES = {
    "complaint": '<span class="badge text-bg-danger kind-badge">Complaint</span>',
    "problem": '<span class="badge text-bg-warning kind-badge">Problem</span>',
    "info": '<span class="badge text-bg-info kind-badge">Info request</span>',
}


@register.simple_tag
def kind_badge(kind: str) -> SafeString:
    """The ticket kind as a coloured badge; complaints stand out in red."""
    return mark_safe(_KIND_BADGES.get(kind, ""))  # noqa: S308 - fixed markup, no user text


@register.filter
def ago(when: datetime | None, now: datetime) -> str:
    """'5 min ago', '3 h ago', '2 d ago' (cheaper than timesince on a long list)."""
    if when is None:
        return ""
    return ago_text(when, now)


@register.filter
def event_value(value: str) -> str:
    """A timeline event's value; a stored due time (ISO 8601) reads 'due Tue 12 Jan 14:00 (London time)'
    in the zone the page is shown in (the agent's, on the desk)."""
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return value
    if when.tzinfo is None:
        return value
    return due_label(when, timezone.get_current_timezone())


@register.simple_tag
def resume_text(promise: Promise) -> str:
    """'2 business hours': what a paused promise gets once the customer answers."""
    return business_duration_text(promise_text.resume_minutes(promise))
