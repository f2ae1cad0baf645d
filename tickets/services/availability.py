"""An agent's availability and desk settings: the on-duty switch, their zone and on-duty hours.

"On duty" has one definition, ``AgentProfile.on_duty_at`` (``tickets.models.agent``): the top
bar's switch is on AND now falls within the agent's on-duty hours (in their zone) when they set
some. An agent without a profile is on duty. Reads (the top bar, /desk/me/) are in
``tickets.selectors``; a queue's on-duty agents are ``agents().of_queue(q).on_duty(at)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from tickets.models import AgentProfile
from tickets.models.sla import validate_zone

# --- Reads ---------------------------------------------------------------------------------


# --- Writes --------------------------------------------------------------------------------


def agent_availability_set(*, agent: User, on_duty: bool) -> AgentProfile:
    profile, _ = AgentProfile.objects.update_or_create(user=agent, defaults={"on_duty": on_duty})
    return profile


def agent_settings_set(
    *, agent: User, timezone_name: str, duty_days: Iterable[int], duty_start: time | None, duty_end: time | None
) -> AgentProfile:
    """The agent's own zone and on-duty hours (days and times in that zone; none: always on duty)."""
    errors: dict[str, str] = {}
    if timezone_name:
        try:
            validate_zone(timezone_name)
        except ValidationError:
            errors["timezone"] = f"“{timezone_name}” is not a time zone. Pick one from the list, e.g. Europe/London."
    days = sorted(set(duty_days))
    if any(day not in range(7) for day in days):
        errors["duty_days"] = "Pick days from the list."
    if (duty_start is None) != (duty_end is None):
        errors["duty_end" if duty_end is None else "duty_start"] = "Give both a start and an end time, or neither."
    elif duty_start is not None and duty_start == duty_end:
        errors["duty_end"] = "The end time must differ from the start time."
    if errors:
        raise ValidationError(errors)
    profile, _ = AgentProfile.objects.update_or_create(
        user=agent,
        defaults={
            "timezone": timezone_name,
            "duty_days": "".join(str(day) for day in days) if len(days) < 7 else "",
            "duty_start": duty_start,
            "duty_end": duty_end,
        },
    )
    return profile
