"""SLA policies and calendars: which policy a ticket gets, which hours count, and what is refused."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError

from tests.factories import TicketFactory
from tickets.business_hours import add_business_minutes
from tickets.models import BusinessCalendar, OpeningHours, Queue, SlaPolicy, Ticket
from tickets.selectors import policy_for, schedule_for

MONDAY_10_UTC = datetime(2026, 1, 12, 10, 0, tzinfo=UTC)  # a Monday in winter: London is on UTC
TARGETS = {"first_response_minutes": 240, "next_update_minutes": 120, "resolution_minutes": 1440}


@pytest.fixture
def no_policies(db) -> None:
    """Start from no policies at all, whatever the migrations seeded."""
    SlaPolicy.objects.all().delete()


def _policy(**fields: object) -> SlaPolicy:
    return SlaPolicy.objects.create(**{"name": "Policy", "kind": "problem", **TARGETS, **fields})


def _calendar(name: str, zone: str = "UTC", opens: time = time(9), closes: time = time(17)) -> BusinessCalendar:
    calendar = BusinessCalendar.objects.create(name=name, zone=zone)
    OpeningHours.objects.bulk_create(
        OpeningHours(calendar=calendar, weekday=day, opens=opens, closes=closes) for day in range(5)
    )
    return calendar


# --- policy_for: the most specific active match wins (rule 2) ---------------------------------------


def test_policy_for_prefers_the_most_specific_active_match(no_policies, desk):
    ticket = TicketFactory(queue=desk.queue_a, kind=Ticket.Kind.PROBLEM, priority=Ticket.Priority.HIGH)
    kind_only = _policy(name="kind only")
    assert policy_for(ticket) == kind_only

    by_priority = _policy(name="priority", priority=Ticket.Priority.HIGH)
    assert policy_for(ticket) == by_priority

    by_queue = _policy(name="queue", queue=desk.queue_a)
    assert policy_for(ticket) == by_queue

    by_both = _policy(name="queue and priority", queue=desk.queue_a, priority=Ticket.Priority.HIGH)
    assert policy_for(ticket) == by_both


def test_policy_for_ignores_inactive_and_non_matching_policies(no_policies, desk):
    ticket = TicketFactory(queue=desk.queue_a, kind=Ticket.Kind.PROBLEM, priority=Ticket.Priority.HIGH)
    kind_only = _policy(name="kind only")
    _policy(name="inactive, most specific", queue=desk.queue_a, priority=Ticket.Priority.HIGH, is_active=False)
    _policy(name="other queue", queue=desk.queue_b)
    _policy(name="other priority", priority=Ticket.Priority.LOW)
    _policy(name="other kind", kind="complaint", queue=desk.queue_a, priority=Ticket.Priority.HIGH)

    assert policy_for(ticket) == kind_only


def test_policy_for_is_none_without_an_active_policy_for_the_kind(no_policies, desk):
    _policy(is_active=False)
    _policy(kind="info")

    assert policy_for(TicketFactory(queue=desk.queue_a, kind=Ticket.Kind.PROBLEM)) is None


# --- schedule_for: which hours count -----------------------------------------------------------------


@pytest.fixture
def queue_on_office_hours(desk) -> Queue:
    desk.queue_a.calendar = _calendar("Queue office", opens=time(9), closes=time(17))
    desk.queue_a.save(update_fields=["calendar"])
    return desk.queue_a


def _due_in_four_hours(ticket: Ticket, policy: SlaPolicy | None) -> datetime:
    return add_business_minutes(schedule_for(ticket, policy), MONDAY_10_UTC, 240)


def test_schedule_for_uses_the_policy_calendar_first(no_policies, queue_on_office_hours):
    early = _calendar("Early shift", opens=time(6), closes=time(11))
    ticket = TicketFactory(queue=queue_on_office_hours)

    due = _due_in_four_hours(ticket, _policy(calendar=early))

    assert due == datetime(2026, 1, 13, 9, 0, tzinfo=UTC)  # 1 h on Monday, 3 h from 06:00 Tuesday


def test_schedule_for_falls_back_to_the_queue_calendar(no_policies, queue_on_office_hours):
    ticket = TicketFactory(queue=queue_on_office_hours)
    policy = _policy()

    assert _due_in_four_hours(ticket, policy) == MONDAY_10_UTC + timedelta(hours=4)
    assert add_business_minutes(schedule_for(ticket, policy), MONDAY_10_UTC, 480) == datetime(
        2026, 1, 13, 10, 0, tzinfo=UTC
    )  # 7 h on Monday, then 1 h from 09:00 Tuesday


def test_schedule_for_without_any_calendar_is_around_the_clock(no_policies, desk):
    desk.queue_b.calendar = None
    desk.queue_b.save(update_fields=["calendar"])
    ticket = TicketFactory(queue=desk.queue_b)

    assert add_business_minutes(schedule_for(ticket, _policy()), MONDAY_10_UTC, 1440) == MONDAY_10_UTC + timedelta(
        days=1
    )
    assert add_business_minutes(schedule_for(ticket, None), MONDAY_10_UTC, 1440) == MONDAY_10_UTC + timedelta(days=1)


def test_calendar_hours_count_every_hour_despite_calendars(no_policies, queue_on_office_hours):
    ticket = TicketFactory(queue=queue_on_office_hours)
    policy = _policy(calendar=_calendar("Ignored"), calendar_hours=True)

    assert add_business_minutes(schedule_for(ticket, policy), MONDAY_10_UTC, 1440) == MONDAY_10_UTC + timedelta(days=1)


# --- the defaults seeded by migration 0004_default_sla ----------------------------------------------------


def test_migrations_seed_the_default_calendars(db):
    office = BusinessCalendar.objects.get(name="Office hours")
    assert office.zone == "Europe/London"
    assert sorted(office.opening_hours.values_list("weekday", "opens", "closes")) == [
        (day, time(9), time(17, 30)) for day in range(5)
    ]
    around = BusinessCalendar.objects.get(name="Around the clock")
    assert around.zone == "UTC"
    assert sorted(around.opening_hours.values_list("weekday", "opens", "closes")) == [
        (day, time(0), time(0)) for day in range(7)
    ]
    start = datetime(2026, 1, 12, 23, 30, tzinfo=UTC)  # across midnight without closing (rule 1)
    assert add_business_minutes(around.schedule(), start, 60) == start + timedelta(hours=1)
    assert Queue.objects.get(slug="general").calendar == office


def test_migrations_seed_one_active_default_policy_per_kind(db):
    seeded = {
        p.kind: (
            p.first_response_minutes,
            p.next_update_minutes,
            p.resolution_minutes,
            p.calendar_hours,
            p.remind_before_minutes,
        )
        for p in SlaPolicy.objects.filter(is_active=True, queue=None, priority=None)
    }

    assert seeded == {
        "complaint": (60, 120, 2 * 1440, True, 15),
        "problem": (240, 120, 3 * 510, False, 30),
        "info": (510, 510, 5 * 510, False, 60),
    }


def test_seeded_problem_policy_on_office_hours_counts_business_time(db):
    general = Queue.objects.get(slug="general")
    ticket = TicketFactory(queue=general, kind=Ticket.Kind.PROBLEM)
    policy = policy_for(ticket)
    assert policy is not None
    friday_4pm = datetime(2026, 1, 16, 16, 0, tzinfo=UTC)

    due = add_business_minutes(schedule_for(ticket, policy), friday_4pm, policy.first_response_minutes)

    assert due == datetime(2026, 1, 19, 11, 30, tzinfo=UTC)  # 1.5 h on Friday, 2.5 h from 09:00 Monday


# --- validation -------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["first_response_minutes", "next_update_minutes", "resolution_minutes"])
@pytest.mark.parametrize("minutes", [0, -5])
def test_full_clean_rejects_targets_below_one_minute(no_policies, field, minutes):
    policy = SlaPolicy(name="Bad", kind="problem", **{**TARGETS, field: minutes})

    with pytest.raises(ValidationError) as caught:
        policy.full_clean()

    assert "at least one minute" in " ".join(caught.value.message_dict[field])


def test_full_clean_rejects_a_reminder_no_earlier_than_the_targets(no_policies):
    policy = SlaPolicy(name="Late reminder", kind="problem", **TARGETS, remind_before_minutes=240)

    with pytest.raises(ValidationError) as caught:
        policy.full_clean()

    assert "remind_before_minutes" in caught.value.message_dict


def test_full_clean_accepts_a_sensible_policy(no_policies):
    SlaPolicy(name="Fine", kind="problem", **TARGETS, remind_before_minutes=30).full_clean()


def test_full_clean_rejects_a_second_active_policy_for_the_same_scope(no_policies, desk):
    _policy(queue=desk.queue_a)
    twin = SlaPolicy(name="Twin", kind="problem", queue=desk.queue_a, **TARGETS)

    with pytest.raises(ValidationError, match="Another active policy already covers"):
        twin.full_clean()
    twin.is_active = False
    twin.full_clean()


def test_check_schedule_refuses_a_calendar_without_opening_hours(db):
    calendar = BusinessCalendar.objects.create(name="Empty", zone="Europe/London")

    with pytest.raises(ValidationError, match=r"This calendar has no opening hours: add at least one interval\."):
        calendar.check_schedule()

    OpeningHours.objects.create(calendar=calendar, weekday=0, opens=time(9), closes=time(9))  # empty interval
    with pytest.raises(ValidationError, match="no opening hours"):
        calendar.check_schedule()

    OpeningHours.objects.create(calendar=calendar, weekday=0, opens=time(9), closes=time(17))
    calendar.check_schedule()
