"""The process's copy of the SLA configuration: no query once built, and never stale after a change
this process made, another process announced, or the copy's age ran out."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from django.core.cache import cache

from tests.factories import TicketFactory
from tickets.business_hours import ScheduleError, is_open
from tickets.models import BusinessCalendar, Holiday, OpeningHours, SlaPolicy
from tickets.selectors import policy_for, schedule_for
from tickets.sla_config import VERSION_KEY, sla_config

pytestmark = pytest.mark.django_db

TARGETS = {"first_response_minutes": 240, "next_update_minutes": 120, "resolution_minutes": 1440}
MONDAY_10_UTC = datetime(2026, 1, 12, 10, 0, tzinfo=UTC)


@pytest.fixture
def ticket(desk):
    SlaPolicy.objects.all().delete()
    return TicketFactory(queue=desk.queue_a, kind="problem")


def weekday_calendar(name: str) -> BusinessCalendar:
    calendar = BusinessCalendar.objects.create(name=name, zone="UTC")
    for day in range(5):
        OpeningHours.objects.create(calendar=calendar, weekday=day, opens=time(9), closes=time(17))
    return calendar


def test_once_built_the_policy_and_its_hours_cost_no_query(ticket, django_assert_num_queries):
    SlaPolicy.objects.create(name="Problems", kind="problem", calendar=weekday_calendar("Office"), **TARGETS)
    sla_config()
    with django_assert_num_queries(0):
        policy = policy_for(ticket)
        schedule = schedule_for(ticket, policy)
    assert policy is not None and policy.name == "Problems"
    assert not is_open(schedule, datetime(2026, 1, 10, 12, 0, tzinfo=UTC))  # a Saturday


def test_a_policy_saved_here_is_used_at_once(ticket):
    assert policy_for(ticket) is None
    SlaPolicy.objects.create(name="Problems", kind="problem", **TARGETS)
    assert policy_for(ticket).name == "Problems"
    SlaPolicy.objects.filter(name="Problems").get().delete()
    assert policy_for(ticket) is None


def test_a_holiday_added_here_closes_the_day_at_once(ticket, desk):
    calendar = weekday_calendar("Office")
    desk.queue_a.calendar = calendar
    desk.queue_a.save()
    assert is_open(schedule_for(ticket, None), MONDAY_10_UTC)
    Holiday.objects.create(calendar=calendar, day=date(2026, 1, 12), name="Staff day")
    assert not is_open(schedule_for(ticket, None), MONDAY_10_UTC)


def test_a_change_another_process_announced_is_seen_at_the_next_lookup(ticket, django_capture_on_commit_callbacks):
    sla_config()
    with django_capture_on_commit_callbacks(execute=True):
        SlaPolicy.objects.create(name="Problems", kind="problem", **TARGETS)
    assert cache.get(VERSION_KEY) == 1  # what the other processes compare their copies with
    assert policy_for(ticket).name == "Problems"
    # Another process's row, written where no signal of this process sees it, then announced:
    SlaPolicy.objects.filter(name="Problems").update(name="Problems, renamed")
    assert policy_for(ticket).name == "Problems"  # this copy is still current by its version
    cache.incr(VERSION_KEY)
    assert policy_for(ticket).name == "Problems, renamed"


def test_a_copy_past_its_age_is_rebuilt(ticket, settings):
    SlaPolicy.objects.create(name="Problems", kind="problem", **TARGETS)
    sla_config()
    SlaPolicy.objects.update(first_response_minutes=30)  # no signal, no announcement
    settings.SLA_CONFIG_MAX_AGE = 0
    assert policy_for(ticket).first_response_minutes == 30


def test_with_the_cache_down_lookups_still_answer(ticket, monkeypatch):
    SlaPolicy.objects.create(name="Problems", kind="problem", **TARGETS)

    def down(*args, **kwargs):
        raise ConnectionError("cache unreachable")

    monkeypatch.setattr(cache, "get", down)
    assert policy_for(ticket).name == "Problems"


def test_an_impossible_calendar_fails_only_where_it_is_used(ticket, desk):
    empty = BusinessCalendar.objects.create(name="No hours yet", zone="UTC")  # an admin is still filling it in
    SlaPolicy.objects.create(name="Problems", kind="problem", **TARGETS)
    assert is_open(schedule_for(ticket, policy_for(ticket)), MONDAY_10_UTC)  # around the clock
    broken = SlaPolicy.objects.create(
        name="Urgent", kind="problem", priority=ticket.priority, calendar=empty, **TARGETS
    )
    with pytest.raises(ScheduleError):
        schedule_for(ticket, broken)
