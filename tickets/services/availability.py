"""An agent's availability and desk settings: who is on duty, their zone and on-duty hours.

"On duty" has one definition, ``AgentProfile.on_duty_at`` (``tickets.models.agent``): the top bar's switch is on AND now
falls within the agent's on-duty hours (in their zone) when they set some. An agent without a
profile is on duty. The sweep's notices for unassigned tickets, the load behind honest promises
(``busy_factor``) and the top bar all ask ``agents_on_duty`` / ``desk_agent_for``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from tickets.models import AgentProfile
from tickets.models.agent import is_on_duty, profile_of
from tickets.models.sla import validate_zone
from tickets.time_text import zone_label

# --- Reads ---------------------------------------------------------------------------------


def agents_on_duty(users: QuerySet[User] | Iterable[User], *, at: datetime | None = None) -> list[User]:
    """The users among ``users`` who are on duty at ``at`` (now by default). Pass a QuerySet, or
    users whose ``agent_profile`` is already loaded. For a queue's: ``agents().of_queue(q).on_duty(at)``."""
    at = at or timezone.now()
    if isinstance(users, QuerySet):
        users = users.select_related("agent_profile")
    return [user for user in users if is_on_duty(user, at)]


@dataclass(frozen=True)
class DeskAgent:
    """What every desk page needs to know about the signed-in agent (one query)."""

    unread: int
    switch_on: bool
    on_duty: bool
    zone: ZoneInfo
    hours_label: str

    @property
    def zone_label(self) -> str:
        return zone_label(self.zone)


def desk_agent_for(user: User, at: datetime | None = None) -> DeskAgent:
    """The top bar and the zone desk pages are shown in: unread notices, the switch, on duty, zone."""
    at = at or timezone.now()
    row = (
        User.objects.filter(pk=user.pk)
        .select_related("agent_profile")
        .annotate(unread=Count("helpdesk_notices", filter=Q(helpdesk_notices__read_at__isnull=True)))
        .first()
    )
    profile = profile_of(row) if row is not None else None
    return DeskAgent(
        unread=row.unread if row is not None else 0,  # type: ignore[attr-defined]
        switch_on=profile is None or profile.on_duty,
        on_duty=profile is None or profile.on_duty_at(at),
        zone=profile.zone if profile is not None else ZoneInfo(settings.TIME_ZONE),
        hours_label=profile.hours_label if profile is not None else "",
    )


def agent_settings_initial(user: User) -> dict[str, object]:
    """The agent's settings as /desk/me/ shows them (empty for an agent who never saved any)."""
    profile = AgentProfile.objects.filter(user=user).first()
    if profile is None:
        return {}
    return {
        "timezone": profile.timezone,
        "duty_days": [int(day) for day in profile.duty_days],
        "duty_start": profile.duty_start,
        "duty_end": profile.duty_end,
    }


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
