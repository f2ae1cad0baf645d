"""The SLA configuration (active policies, the calendars' schedules, each queue's calendar), kept per process.

Every submission, reply and status change asks which policy applies and what its business hours
are; the answer changes only when an admin saves a policy, a calendar, its hours or holidays, or
a queue. So each process keeps one copy (``sla_config()``) and rebuilds it when it is told the
configuration changed (docs/reliability.md, §6 "Cached configuration"):

- a save or delete of any of those rows (``post_save``/``post_delete``, connected in
  ``tickets.apps``) drops the saving process's copy at once, and bumps a version number in the
  shared cache once the change commits; every process compares its copy's version with that one
  (one cache read) and rebuilds on a difference, so with a shared cache (``CACHE_URL``, Redis) a
  change is seen everywhere at the next request;
- a copy is rebuilt anyway after ``SLA_CONFIG_MAX_AGE`` seconds (default 60): without a shared
  cache, or after a change no signal sees (``QuerySet.update()``, raw SQL), another process uses
  the old configuration at most that long. Code that changes these rows in bulk calls
  ``sla_config_changed()``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from helpdesk.lib import degraded
from helpdesk.lib.ratelimit import CACHE_ERRORS
from tickets.business_hours import ALWAYS_OPEN, Schedule, ScheduleError
from tickets.models import BusinessCalendar, Queue, SlaPolicy

VERSION_KEY = "tickets:sla-config-version"


@dataclass(frozen=True)
class SlaConfig:
    policies: tuple[SlaPolicy, ...]  # active ones, oldest first
    schedules: Mapping[int, Schedule | ScheduleError]  # by calendar id; an impossible calendar's error
    queue_calendars: Mapping[int, int | None]  # queue id -> its calendar's id
    version: Any
    built_at: float

    def policy_for(self, *, kind: str, queue_id: int, priority: int) -> SlaPolicy | None:
        """The most specific active policy for these (docs/promises.md, "Which policy")."""
        matching = (
            policy
            for policy in self.policies
            if policy.kind == kind
            and policy.queue_id in (queue_id, None)
            and policy.priority in (priority, None)
        )
        return max(matching, key=lambda policy: (policy.specificity, -policy.pk), default=None)

    def schedule_for(self, *, queue_id: int, policy: SlaPolicy | None) -> Schedule:
        """The business hours ``policy`` counts in on ``queue_id``: its own calendar, else the queue's."""
        if policy is not None and policy.calendar_hours:
            return ALWAYS_OPEN
        calendar_id = (policy.calendar_id if policy is not None else None) or self.queue_calendars.get(queue_id)
        if calendar_id is None:
            return ALWAYS_OPEN
        schedule = self.schedules[calendar_id]
        if isinstance(schedule, ScheduleError):
            raise schedule
        return schedule


_local: SlaConfig | None = None


def _build(version: Any) -> SlaConfig:
    schedules: dict[int, Schedule | ScheduleError] = {}
    for calendar in BusinessCalendar.objects.prefetch_related("opening_hours", "holidays"):
        try:
            schedules[calendar.pk] = calendar.schedule()
        except ScheduleError as exc:
            schedules[calendar.pk] = exc
    return SlaConfig(
        policies=tuple(SlaPolicy.objects.filter(is_active=True).order_by("pk")),
        schedules=schedules,
        queue_calendars=dict(Queue.objects.values_list("pk", "calendar_id")),
        version=version,
        built_at=time.monotonic(),
    )


def sla_config(*, queue_id: int | None = None) -> SlaConfig:
    """This process's copy, rebuilt if the configuration changed or the copy is too old.

    ``queue_id``: a queue the caller needs; a queue newer than the copy rebuilds it.
    """
    global _local
    current = _local
    version = current.version if current is not None else 0
    if not degraded.recently_failed("cache"):
        try:
            version = cache.get(VERSION_KEY, 0)
            degraded.recovered("cache")
        except CACHE_ERRORS as exc:
            degraded.report("cache", exc, doing="the SLA configuration's copy kept until its age runs out")
    if (
        current is None
        or current.version != version
        or time.monotonic() - current.built_at > settings.SLA_CONFIG_MAX_AGE
        or (queue_id is not None and queue_id not in current.queue_calendars)
    ):
        current = _local = _build(version)
    return current


def _bump() -> None:
    try:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # no version yet in this cache
            cache.add(VERSION_KEY, 1, timeout=None)
    except CACHE_ERRORS as exc:  # other processes catch up within SLA_CONFIG_MAX_AGE
        degraded.report("cache", exc, doing="other processes see the SLA change when their copies age out")


def sla_config_forget() -> None:
    """Drop this process's copy: the next use rebuilds it."""
    global _local
    _local = None


def sla_config_changed(**_: Any) -> None:
    """Drop this process's copy now; tell the other processes once the change commits."""
    sla_config_forget()
    transaction.on_commit(_bump)
