"""Who is on duty: the switch is on AND now is within the agent's hours, in the agent's zone.

One definition (``AgentProfile.on_duty_at`` through ``tickets.services.availability``) for the
sweep's notices, the load behind honest promises and the top bar."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine

from tests.factories import TicketFactory, UserFactory
from tickets.models import AgentProfile, Notice, Promise
from tickets.models.agent import agents
from tickets.selectors import busy_factor
from tickets.services.sweep import promise_sweep

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 1, 12, tzinfo=UTC)  # winter: London is on UTC
JULY_MONDAY = datetime(2026, 7, 13, tzinfo=UTC)  # summer: London is UTC+1


def on_duty_names(at: datetime) -> set[str]:

    return {user.username for user in agents().on_duty(at)}


@pytest.fixture
def office_hours(desk) -> AgentProfile:
    """Alice: Monday to Friday, 09:00-17:00 London time."""
    return AgentProfile.objects.create(
        user=desk.agent_a, timezone="Europe/London", duty_days="01234", duty_start=time(9), duty_end=time(17)
    )


def test_hours_are_read_in_the_agents_zone(desk, office_hours):
    assert "alice" not in on_duty_names(MONDAY + timedelta(hours=8, minutes=30))  # 08:30 in London
    assert "alice" in on_duty_names(MONDAY + timedelta(hours=9, minutes=30))
    assert "alice" not in on_duty_names(MONDAY + timedelta(hours=17))  # the end is exclusive
    assert "alice" in on_duty_names(JULY_MONDAY + timedelta(hours=8, minutes=30))  # 09:30 in summer time
    assert "alice" not in on_duty_names(MONDAY + timedelta(days=5, hours=10))  # Saturday
    assert {"bob", "admin"} <= on_duty_names(MONDAY)  # no profile, no hours: always on duty


def test_the_switch_off_wins_over_the_hours(desk, office_hours):
    office_hours.on_duty = False
    office_hours.save()
    assert "alice" not in on_duty_names(MONDAY + timedelta(hours=10))


def test_a_night_shift_belongs_to_the_day_it_starts(desk):
    AgentProfile.objects.create(user=desk.agent_b, timezone="UTC", duty_days="4", duty_start=time(22), duty_end=time(6))
    friday = MONDAY + timedelta(days=4)
    assert "bob" in on_duty_names(friday + timedelta(hours=23))
    assert "bob" in on_duty_names(friday + timedelta(days=1, hours=3))  # Saturday 03:00, Friday's shift
    assert "bob" not in on_duty_names(friday + timedelta(hours=3))  # Friday 03:00 is Thursday's shift
    assert "bob" not in on_duty_names(friday + timedelta(days=1, hours=6))


def test_days_without_times_mean_those_whole_days(desk):
    AgentProfile.objects.create(user=desk.agent_b, duty_days="56")
    assert "bob" in on_duty_names(MONDAY + timedelta(days=6, hours=23))  # Sunday night
    assert "bob" not in on_duty_names(MONDAY + timedelta(hours=12))


def test_the_sweep_tells_only_the_agents_within_their_hours(desk, office_hours):
    carl = UserFactory(username="carl")
    desk.queue_a.agents.add(carl)
    ticket = TicketFactory(queue=desk.queue_a)
    due = MONDAY + timedelta(hours=19)  # 19:00 London: Alice's day is over
    Promise.objects.create(
        ticket=ticket, kind="first_response", source="policy", due_at=due, remind_at=due - timedelta(minutes=30),
        created_at=MONDAY,
    )  # fmt: skip
    with time_machine.travel(due - timedelta(minutes=30), tick=False):
        promise_sweep()
    assert set(Notice.objects.values_list("user__username", flat=True)) == {"carl"}


def test_the_load_counts_only_the_agents_on_duty(desk, office_hours):
    desk.queue_a.busy_threshold = 2
    desk.queue_a.save()
    carl = UserFactory(username="carl")
    desk.queue_a.agents.add(carl)
    tickets = [TicketFactory(queue=desk.queue_a) for _ in range(4)]
    assert busy_factor(tickets[0], MONDAY + timedelta(hours=10)) == 1.0  # 4 waiting, 2 on duty: at the threshold
    assert busy_factor(tickets[0], MONDAY + timedelta(hours=20)) == 2.0  # Alice is off: 4 for Carl alone


def test_the_top_bar_says_off_hours_outside_the_hours(desk, office_hours, alice):
    with time_machine.travel(MONDAY + timedelta(hours=20), tick=False):
        page = alice.get("/desk/").content.decode()
    assert ">Off hours</button>" in page and "your hours: Mon-Fri, 09:00-17:00" in page
    with time_machine.travel(MONDAY + timedelta(hours=10), tick=False):
        assert ">On duty</button>" in alice.get("/desk/").content.decode()
