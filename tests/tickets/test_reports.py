"""tickets/reports.py: every figure equals a hand count of Promise and Ticket rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import TicketFactory, UserFactory
from tickets.models import Promise, Ticket
from tickets.reports import FirstResponse, PromiseCounts, desk_report, period_days

pytestmark = pytest.mark.django_db

NOW = timezone.now()
KEPT, BROKEN, PENDING = Promise.State.KEPT, Promise.State.BROKEN, Promise.State.PENDING
SUPERSEDED, ENDED = Promise.State.SUPERSEDED, Promise.State.ENDED


def promise(ticket: Ticket, state: str, *, by=None, days_ago: float = 1) -> Promise:
    created = NOW - timedelta(days=days_ago)
    return Promise.objects.create(
        ticket=ticket,
        kind=Promise.Kind.NEXT_UPDATE if by else Promise.Kind.FIRST_RESPONSE,
        source=Promise.Source.AGENT if by else Promise.Source.POLICY,
        made_by=by,
        state=state,
        created_at=created,
        due_at=created + timedelta(hours=4),
        settled_at=None if state == PENDING else created + timedelta(hours=3),
    )


@pytest.fixture
def carol(desk):
    """An agent in both queues: Alice must see only carol's queue-A numbers."""
    carol = UserFactory(username="carol", first_name="Carol", last_name="Both")
    desk.queue_a.agents.add(carol)
    desk.queue_b.agents.add(carol)
    return carol


@pytest.fixture
def promises(desk, carol):
    alice, bob = desk.agent_a, desk.agent_b
    a1 = TicketFactory(queue=desk.queue_a, assignee=alice)
    promise(a1, KEPT)
    promise(a1, BROKEN, by=alice)
    promise(a1, KEPT, by=alice)
    promise(a1, SUPERSEDED)
    promise(a1, PENDING, by=carol)
    a2 = TicketFactory(queue=desk.queue_a, assignee=carol)
    promise(a2, BROKEN)
    promise(a2, KEPT, by=alice)
    a3 = TicketFactory(queue=desk.queue_a)
    promise(a3, KEPT)
    promise(a3, BROKEN, by=alice, days_ago=40)  # outside the default 30 days
    b1 = TicketFactory(queue=desk.queue_b, assignee=bob)
    promise(b1, KEPT)
    promise(b1, KEPT, by=bob)
    promise(b1, BROKEN, by=carol)
    b2 = TicketFactory(queue=desk.queue_b, assignee=carol)
    promise(b2, BROKEN)
    promise(b2, ENDED)


def counts(made: int, kept: int, broken: int) -> PromiseCounts:
    return PromiseCounts(made=made, kept=kept, broken=broken)


def by_queue(report) -> dict[str, PromiseCounts]:
    """Queues with promises (a migration adds an empty "General support" queue for admins)."""
    return {row.queue.name: row.promises for row in report.queues if row.promises.made}


def by_agent(report) -> dict[str, tuple[PromiseCounts, PromiseCounts]]:
    return {row.agent.username: (row.assigned, row.made) for row in report.agents}


def test_admin_sees_every_queue_counted_by_hand(desk, promises):
    report = desk_report(user=desk.admin, days=30, now=NOW)
    assert by_queue(report) == {"Billing": counts(8, 4, 2), "Technical": counts(5, 2, 2)}
    assert report.promises_total == counts(13, 6, 4)
    assert report.promises_total.kept_percent == 60


def test_admin_sees_every_agent_counted_by_hand(desk, promises):
    report = desk_report(user=desk.admin, days=30, now=NOW)
    assert by_agent(report) == {
        # (promises on tickets assigned to them, promises they made themselves)
        "alice": (counts(5, 2, 1), counts(3, 2, 1)),
        "bob": (counts(3, 2, 1), counts(1, 1, 0)),
        "carol": (counts(4, 1, 2), counts(2, 0, 1)),
    }
    assert report.assigned_total == counts(12, 5, 4)
    assert report.made_total == counts(6, 3, 2)


def test_alice_sees_queue_a_only_and_carols_queue_a_share(desk, promises):
    report = desk_report(user=desk.agent_a, days=30, now=NOW)
    assert by_queue(report) == {"Billing": counts(8, 4, 2)}
    assert report.promises_total == counts(8, 4, 2)
    assert by_agent(report) == {
        "alice": (counts(5, 2, 1), counts(3, 2, 1)),
        "carol": (counts(2, 1, 1), counts(1, 0, 0)),
    }


def test_bob_never_sees_queue_a(desk, promises):
    report = desk_report(user=desk.agent_b, days=30, now=NOW)
    assert by_queue(report) == {"Technical": counts(5, 2, 2)}
    assert set(by_agent(report)) == {"bob", "carol"}
    assert by_agent(report)["carol"] == (counts(2, 0, 1), counts(1, 0, 1))


def test_a_non_agent_sees_nothing(desk, promises):
    customer_like = UserFactory(username="dave", is_staff=False)
    report = desk_report(user=customer_like, days=90, now=NOW)
    assert report.queues == [] and report.agents == []
    assert report.promises_total == counts(0, 0, 0)
    assert report.first_response_total == FirstResponse()


def test_the_period_counts_promises_created_in_it(desk):
    ticket = TicketFactory(queue=desk.queue_a)
    for days_ago, state in [(3, KEPT), (10, BROKEN), (40, KEPT), (100, BROKEN)]:
        promise(ticket, state, days_ago=days_ago)
    made = {days: desk_report(user=desk.admin, days=days, now=NOW).promises_total for days in (7, 30, 90)}
    assert made == {7: counts(1, 1, 0), 30: counts(2, 1, 1), 90: counts(3, 2, 1)}


def test_kept_rate_rounds_down_and_is_empty_when_nothing_settled():
    assert counts(3, 0, 0).kept_percent is None
    assert not counts(3, 0, 0).below_target
    assert counts(5, 4, 1).kept_percent == 80
    assert not counts(5, 4, 1).below_target
    assert counts(1000, 799, 201).kept_percent == 79
    assert counts(1000, 799, 201).below_target
    assert counts(3, 2, 1).kept_percent == 66


@pytest.mark.parametrize(("raw", "days"), [("7", 7), ("30", 30), ("90", 90), (None, 30), ("365", 30), ("x", 30)])
def test_period_days_accepts_only_the_offered_periods(raw, days):
    assert period_days(raw) == days


def ticket_answered_after(queue, hours: float | None, *, days_ago: float = 2, **fields) -> Ticket:
    created = NOW - timedelta(days=days_ago)
    answered = created + timedelta(hours=hours) if hours is not None else None
    return TicketFactory(queue=queue, created_at=created, first_response_at=answered, **fields)


def test_first_response_average_and_median_by_hand(desk):
    for hours in (1, 2, 6, 4):
        ticket_answered_after(desk.queue_a, hours)
    ticket_answered_after(desk.queue_a, None, status=Ticket.Status.OPEN)  # still waiting
    ticket_answered_after(desk.queue_a, None, status=Ticket.Status.RESOLVED)  # solved without a reply
    ticket_answered_after(desk.queue_a, 100, days_ago=40)  # created before the period
    ticket_answered_after(desk.queue_b, 0.5)
    ticket_answered_after(desk.queue_b, None, days_ago=45)  # waiting, but created before the period

    report = desk_report(user=desk.admin, days=30, now=NOW)
    rows = {row.queue.name: row.first_response for row in report.queues}
    assert rows["Billing"] == FirstResponse(
        answered=4, waiting=1, average=timedelta(hours=3.25), median=timedelta(hours=3)
    )
    assert rows["Technical"] == FirstResponse(
        answered=1, waiting=0, average=timedelta(minutes=30), median=timedelta(minutes=30)
    )
    assert report.first_response_total == FirstResponse(
        answered=5, waiting=1, average=timedelta(hours=2.7), median=timedelta(hours=2)
    )
    assert report.first_response_total.average_seconds == 2.7 * 3600


def test_first_response_in_a_queue_without_tickets_is_empty(desk):
    ticket_answered_after(desk.queue_b, 1)
    rows = {row.queue.name: row.first_response for row in desk_report(user=desk.admin, days=7, now=NOW).queues}
    assert rows["Billing"] == FirstResponse(answered=0, waiting=0, average=None, median=None)
    assert rows["Billing"].average_seconds is None
