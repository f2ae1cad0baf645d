"""Agents: who is one (``agent_q``, ``AgentQuerySet``), and their desk settings (``AgentProfile``).

An agent is an active user with staff status, or an active superuser: the one definition, used
by the desk's guard, the assignee list, the load behind honest promises and the sweep's notices
alike. "Agents of a queue" are the agents among its members; "on duty" adds the agent's switch
and hours (``AgentProfile.on_duty_at``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ObjectDoesNotExist
from django.core.validators import RegexValidator
from django.db import models

from tickets.models.queue import Queue
from tickets.models.sla import validate_zone


def agent_q(prefix: str = "") -> models.Q:
    """The agent rule as a filter on users (``prefix`` reaches users through a relation, e.g. "user__")."""
    return models.Q(**{f"{prefix}is_active": True}) & (
        models.Q(**{f"{prefix}is_staff": True}) | models.Q(**{f"{prefix}is_superuser": True})
    )


def is_agent(user: User | AnonymousUser) -> bool:
    """The agent rule for one user in hand (no query)."""
    return bool(user.is_authenticated and user.is_active and (user.is_staff or user.is_superuser))


def profile_of(user: User) -> AgentProfile | None:
    """The agent's profile (preloaded with ``select_related("agent_profile")`` where it matters)."""
    try:
        return user.agent_profile
    except ObjectDoesNotExist:
        return None


def is_on_duty(user: User, at: datetime) -> bool:
    """On duty at ``at``: the switch is on and ``at`` is within the agent's hours. No profile: on duty."""
    profile = profile_of(user)
    return profile is None or profile.on_duty_at(at)


class AgentQuerySet(models.QuerySet[User]):
    """Users, narrowed to agents. Start from ``agents()``."""

    def of_queue(self, queue_id: int) -> AgentQuerySet:
        return self.filter(helpdesk_queues=queue_id)

    def of_queues(self, queues: models.QuerySet[Queue] | Iterable[int]) -> AgentQuerySet:
        """Agents of any of ``queues`` (a QuerySet of queues or their ids), each once."""
        return self.filter(helpdesk_queues__in=queues).distinct()

    def on_duty(self, at: datetime) -> list[User]:
        """Those on duty at ``at``: hours depend on each agent's zone, so the last step is Python."""
        return [user for user in self.select_related("agent_profile") if is_on_duty(user, at)]


def agents() -> AgentQuerySet:
    """Every agent, as a QuerySet to narrow: ``agents().of_queue(q).on_duty(at)``."""
    return AgentQuerySet(model=get_user_model()).filter(agent_q())


def agents_by_queue(queue_ids: Iterable[int]) -> dict[int, list[User]]:
    """Each queue's agents, their profiles loaded (for ``is_on_duty``): one query however many queues."""
    ids = set(queue_ids)
    if not ids:
        return {}
    memberships = (
        Queue.agents.through.objects.filter(agent_q("user__"), queue_id__in=ids)
        .select_related("user__agent_profile")
        .order_by("queue_id", "user_id")
    )
    found: dict[int, list[User]] = {}
    for membership in memberships:
        found.setdefault(membership.queue_id, []).append(membership.user)
    return found


def agents_on_duty_by_queue(queue_ids: Iterable[int], *, at: datetime) -> dict[int, list[User]]:
    """Each queue's agents who are on duty at ``at``: one query however many queues."""
    found = {
        queue_id: [user for user in users if is_on_duty(user, at)]
        for queue_id, users in agents_by_queue(queue_ids).items()
    }
    return {queue_id: users for queue_id, users in found.items() if users}


WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class AgentProfile(models.Model):
    """An agent's desk settings, set by the agent at /desk/me/ (or by an admin).

    "On duty" (counted for load, told of unassigned tickets' reminders and breaches) means the
    top bar's switch is on AND, when the agent set on-duty hours, now falls within them in the
    agent's own zone. ``on_duty_at`` is the one definition; everything that asks "who is on
    duty?" goes through ``tickets.services.availability``.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent_profile")
    on_duty = models.BooleanField(default=True, help_text="The top bar's On duty / Off duty switch.")
    timezone = models.CharField(max_length=64, blank=True, validators=[validate_zone])
    duty_days = models.CharField(
        max_length=7,
        blank=True,
        validators=[RegexValidator(r"^[0-6]*$", "Days are digits 0 (Monday) to 6 (Sunday).")],
        help_text="Weekdays of the on-duty hours, 0 = Monday … 6 = Sunday; empty: every day.",
    )
    duty_start = models.TimeField(null=True, blank=True, help_text="In the agent's zone; empty: all day.")
    duty_end = models.TimeField(
        null=True, blank=True, help_text="Before the start for a shift past midnight (22:00 to 06:00)."
    )

    def __str__(self) -> str:
        return f"Profile of {self.user_id}"

    @property
    def zone(self) -> ZoneInfo:
        """The agent's zone; the desk's (settings.TIME_ZONE) when they haven't chosen one."""
        return ZoneInfo(self.timezone or settings.TIME_ZONE)

    @property
    def has_hours(self) -> bool:
        return bool(self.duty_days) or (self.duty_start is not None and self.duty_end is not None)

    def within_hours(self, at: datetime) -> bool:
        """Is ``at`` inside the agent's on-duty hours? No hours set: always.

        A shift that ends before it starts runs past midnight and belongs to the day it starts.
        """
        if not self.has_hours:
            return True
        local = at.astimezone(self.zone)
        days = {int(d) for d in self.duty_days} if self.duty_days else set(range(7))
        if self.duty_start is None or self.duty_end is None:
            return local.weekday() in days
        clock = local.time().replace(tzinfo=None)
        if self.duty_start <= self.duty_end:
            return local.weekday() in days and self.duty_start <= clock < self.duty_end
        if clock >= self.duty_start:
            return local.weekday() in days
        return clock < self.duty_end and (local - timedelta(days=1)).weekday() in days

    def on_duty_at(self, at: datetime) -> bool:
        return self.on_duty and self.within_hours(at)

    @property
    def hours_label(self) -> str:
        """'Mon-Fri, 09:00-17:00', 'every day, 22:00-06:00', '' when always on duty."""
        if not self.has_hours:
            return ""
        days = sorted(int(d) for d in set(self.duty_days)) if self.duty_days else list(range(7))
        if days == list(range(7)):
            day_text = "every day"
        elif days == list(range(days[0], days[-1] + 1)) and len(days) > 2:
            day_text = f"{WEEKDAY_NAMES[days[0]]}-{WEEKDAY_NAMES[days[-1]]}"
        else:
            day_text = ", ".join(WEEKDAY_NAMES[d] for d in days)
        if self.duty_start is None or self.duty_end is None:
            return day_text
        return f"{day_text}, {self.duty_start:%H:%M}-{self.duty_end:%H:%M}"
