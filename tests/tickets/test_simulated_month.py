"""A month on a moving clock: hundreds of tickets, agents replying at seeded random times,
the sweep running every simulated minute. No sleeping: time-machine moves the clock.

Minutes in which nothing can happen (no action scheduled, no reminder or due time falling in
them) are skipped: the sweep would find nothing there, so jumping to the next minute with work
is the same as sweeping every minute, only faster. Some minutes sweep twice, as two beats would.
"""

from __future__ import annotations

import heapq
import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db.models import Min

from tests.factories import UserFactory
from tickets import services
from tickets.models import BusinessCalendar, Notice, Promise, RootCause, Ticket, TicketEvent
from tickets.services.resolutions import resolution_record
from tickets.services.sweep import promise_sweep

START = datetime(2026, 2, 2, 0, 0, tzinfo=UTC)  # a Monday
DAYS = 30
TICKETS = 240
MINUTE = timedelta(minutes=1)


def ceil_minute(at: datetime) -> datetime:
    floor = at.replace(second=0, microsecond=0)
    return floor if floor == at else floor + MINUTE


class Simulation:
    def __init__(self, desk, seed: int) -> None:
        self.desk = desk
        self.rng = random.Random(seed)
        self.cause = RootCause.objects.get_or_create(name="Delay")[0].pk
        self.actions: list[tuple[datetime, int, str, int]] = []  # (when, seq, what, ticket id)
        self.seq = 0
        self.updates_left: dict[int, int] = {}
        self.sweeps = 0

    def schedule(self, when: datetime, what: str, ticket_id: int = 0) -> None:
        self.seq += 1
        heapq.heappush(self.actions, (ceil_minute(when), self.seq, what, ticket_id))

    def plan(self) -> None:
        for _ in range(TICKETS):
            self.schedule(START + timedelta(minutes=self.rng.randrange(28 * 24 * 60)), "submit")

    def next_agent_action(self, ticket: Ticket, now: datetime) -> None:
        """The agent answers around the promised time: mostly before it, sometimes late."""
        due = ticket.next_due_at
        if due is None:
            return
        offset = timedelta(minutes=self.rng.randint(-180, 60))
        self.schedule(max(due + offset, now + MINUTE), "agent", ticket.pk)

    def run(self, traveller) -> None:
        now = START
        end = START + timedelta(days=DAYS)
        while now < end:
            traveller.move_to(now)
            self.sweep(now)
            while self.actions and self.actions[0][0] <= now:
                _, _, what, ticket_id = heapq.heappop(self.actions)
                getattr(self, f"do_{what}")(ticket_id, now)
            now = self.next_minute(now)

    def sweep(self, now: datetime) -> None:
        promise_sweep(now=now)
        self.sweeps += 1
        if self.sweeps % 7 == 0:  # a second beat, a retried task
            promise_sweep(now=now)

    def next_minute(self, now: datetime) -> datetime:
        pending = Promise.objects.filter(state="pending")
        times = (
            pending.filter(due_at__gt=now).aggregate(d=Min("due_at"))["d"],
            pending.filter(reminder_sent_at__isnull=True, remind_at__gt=now, due_at__gt=now).aggregate(
                r=Min("remind_at")
            )["r"],
        )
        candidates = [ceil_minute(t) for t in times if t is not None]
        if self.actions:
            candidates.append(self.actions[0][0])
        return max(min(candidates, default=now + timedelta(days=DAYS)), now + MINUTE)

    def do_submit(self, _: int, now: datetime) -> None:
        kind = self.rng.choice(["info", "problem", "problem", "complaint"])
        n = self.seq
        ticket = services.ticket_submit(
            name=f"Customer {n}", email=f"c{n}@example.com", kind=kind, subject=f"Ticket {n}", description="Help"
        ).ticket
        if self.rng.random() < 0.5:
            services.ticket_assign(ticket=ticket, agent=self.desk.agent_a, assignee_id=self.desk.agent_a.pk)
        self.updates_left[ticket.pk] = self.rng.randint(1, 4)
        self.next_agent_action(Ticket.objects.get(pk=ticket.pk), now)

    def do_agent(self, ticket_id: int, now: datetime) -> None:
        ticket = Ticket.objects.get(pk=ticket_id)
        if not ticket.is_open or ticket.status == "waiting":
            return
        self.updates_left[ticket_id] -= 1
        roll = self.rng.random()
        if self.updates_left[ticket_id] <= 0:
            status = "resolved"
        elif roll < 0.25:
            status = "waiting"
            self.schedule(now + timedelta(minutes=self.rng.randint(30, 48 * 60)), "customer", ticket_id)
        else:
            status = "open"
        if status == "resolved" and ticket.is_complaint:  # a complaint is solved only with its resolution
            resolution_record(ticket=ticket, agent=self.desk.agent_a, note="Late", root_cause_id=self.cause)
        services.agent_reply_post(ticket=ticket, agent=self.desk.agent_a, body="Update", status_after=status)
        self.next_agent_action(Ticket.objects.get(pk=ticket_id), now)

    def do_customer(self, ticket_id: int, now: datetime) -> None:
        ticket = Ticket.objects.get(pk=ticket_id)
        if ticket.status == "closed":
            return
        services.customer_reply_post(ticket=ticket, body="Here you go")
        self.next_agent_action(Ticket.objects.get(pk=ticket_id), now)


@pytest.fixture
def month(desk, settings):
    # Assignment here is decided at intake (half the tickets), so who hears of a promise can be read
    # off the ticket afterwards; assign-on-reply would change it mid-month (tested on its own).
    settings.ASSIGN_ON_REPLY = False
    desk.queue_a.calendar = BusinessCalendar.objects.get(name="Office hours")
    desk.queue_a.team_lead = UserFactory(username="carol", first_name="Carol")
    desk.queue_a.save()
    desk.queue_a.agents.add(UserFactory(username="dave", first_name="Dave"))
    simulation = Simulation(desk, seed=20261123)
    simulation.plan()
    with time_machine.travel(START, tick=False) as traveller:
        simulation.run(traveller)
    return desk


def recipients(promise: Promise, kind: str) -> set[int]:
    """The assignee (and the lead of a breach); unassigned, the queue's agents (all on duty here)
    and its lead, for a reminder too (tickets.services.sweep)."""
    ticket = promise.ticket
    people = {ticket.assignee_id} if ticket.assignee_id else set(ticket.queue.agents.values_list("pk", flat=True))
    if ticket.queue.team_lead_id and (kind == Notice.Kind.BREACH or not ticket.assignee_id):
        people.add(ticket.queue.team_lead_id)
    return people


@pytest.mark.django_db
def test_a_simulated_month_keeps_every_notice_exactly_once_and_counts_add_up(month):
    promises = list(Promise.objects.select_related("ticket__queue"))
    states = Counter(p.state for p in promises)
    assert Ticket.objects.count() == TICKETS
    assert states["kept"] > 100 and states["broken"] > 20  # the month exercised both outcomes
    promise_notices = Notice.objects.exclude(kind=Notice.Kind.CUSTOMER_REPLY)
    notices = Counter((n.promise_id, n.kind, n.user_id) for n in promise_notices)
    assert max(notices.values()) == 1  # never twice to the same person for the same promise
    replies = Counter((n.message_id, n.user_id) for n in Notice.objects.filter(kind=Notice.Kind.CUSTOMER_REPLY))
    assert max(replies.values()) == 1  # each customer reply told to each agent once
    by_promise = {}
    for notice in promise_notices:
        by_promise.setdefault((notice.promise_id, notice.kind), []).append(notice)

    for promise in promises:
        breaches = by_promise.get((promise.pk, Notice.Kind.BREACH), [])
        reminders = by_promise.get((promise.pk, Notice.Kind.REMINDER), [])
        if promise.state == "broken":
            assert {n.user_id for n in breaches} == recipients(promise, Notice.Kind.BREACH), promise
            assert all(timedelta(0) <= n.created_at - promise.settled_at < MINUTE for n in breaches), promise
        else:
            assert not breaches, f"{promise} was {promise.state} yet got a breach notice"
        assert {n.user_id for n in reminders} <= recipients(promise, Notice.Kind.REMINDER) | {None}
        for reminder in reminders:  # at most one each (checked above), and before the promise fell due
            assert promise.due_at is None or reminder.created_at < promise.due_at, promise
            assert promise.settled_at is None or reminder.created_at <= promise.settled_at, promise

    # Counters match the rows: the event log and the promise rows tell the same story (rule 14).
    events = Counter(TicketEvent.objects.values_list("kind", flat=True))
    assert events[TicketEvent.Kind.PROMISE_MADE] == sum(states.values())
    assert events[TicketEvent.Kind.PROMISE_KEPT] == states["kept"]
    assert events[TicketEvent.Kind.PROMISE_BROKEN] == states["broken"]
    assert events[TicketEvent.Kind.PROMISE_ENDED] == states["ended"]
    assert Promise.objects.filter(state="broken", breach_notified_at__isnull=True).count() == 0
    for ticket in Ticket.objects.filter(status__in=["resolved", "closed"]):
        assert ticket.next_due_at is None
