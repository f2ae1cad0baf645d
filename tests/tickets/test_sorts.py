"""The queue's sorts: total orders (ties broken by id), and keyset next / previous over each."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import TicketFactory
from tickets import sorts
from tickets.models import Ticket
from tickets.selectors import QueueFilters, ticket_list_for_agent

pytestmark = pytest.mark.django_db


@pytest.fixture
def spread(desk) -> list[Ticket]:
    """Tickets that tie on every key but the id, and ones without a due time (paused)."""
    now = timezone.now()
    due = now + timedelta(hours=1)
    made = [
        TicketFactory(queue=desk.queue_a, subject="due soon, normal", next_due_at=due, priority=2, created_at=now),
        TicketFactory(queue=desk.queue_a, subject="due soon, normal too", next_due_at=due, priority=2, created_at=now),
        TicketFactory(queue=desk.queue_a, subject="due soon, urgent", next_due_at=due, priority=4, created_at=now),
        TicketFactory(queue=desk.queue_a, subject="overdue", next_due_at=now - timedelta(hours=2), created_at=now),
        TicketFactory(queue=desk.queue_a, subject="paused", status="waiting", next_due_at=None, created_at=now),
        TicketFactory(queue=desk.queue_a, subject="paused too", status="waiting", next_due_at=None, created_at=now),
        TicketFactory(queue=desk.queue_a, subject="later", next_due_at=now + timedelta(days=2), created_at=now),
    ]
    TicketFactory(queue=desk.queue_a, subject="solved", status="resolved", next_due_at=None, created_at=now)
    return made


def listed(desk, sort: str) -> list[str]:
    rows = ticket_list_for_agent(user=desk.agent_a, filters=QueueFilters(sort=sort))
    return [t.subject for t in rows]


def test_due_next_puts_urgent_first_among_ties_then_by_id_and_paused_last(desk, spread):
    assert listed(desk, "due") == [
        "overdue",
        "due soon, urgent",
        "due soon, normal",
        "due soon, normal too",
        "later",
        "paused",
        "paused too",
    ]
    assert listed(desk, "-due") == list(reversed(listed(desk, "due")))


def test_priority_sort_is_urgent_first_then_due(desk, spread):
    assert listed(desk, "priority")[:2] == ["due soon, urgent", "overdue"]
    assert listed(desk, "-priority") == list(reversed(listed(desk, "priority")))


@pytest.mark.parametrize("name", [sort.name for sort in sorts.SORT_LIST])
def test_walking_next_and_previous_visits_every_ticket_once_in_order(desk, spread, name):
    filters = QueueFilters(sort=name)
    sort = filters.sort_order()
    rows = ticket_list_for_agent(user=desk.agent_a, filters=filters)
    expected = [t.pk for t in rows]
    walked, key = [], None
    ticket = rows.first()
    while ticket is not None:
        walked.append(ticket.pk)
        key = sorts.key_of(ticket, sort)
        ticket = sorts.after(rows, sort, key).first()
    assert walked == expected
    back = []
    ticket = rows.last()
    while ticket is not None:
        back.append(ticket.pk)
        ticket = sorts.before(rows, sort, sorts.key_of(ticket, sort)).first()
    assert back == list(reversed(expected))


def test_a_position_survives_the_url(desk, spread):
    for sort in sorts.SORT_LIST:
        key = sorts.key_of(spread[4], sort)
        assert sorts.key_decode(sorts.key_encode(key), sort) == key


@pytest.mark.parametrize("junk", ["", "x", "1.2", "1.2.3.4", "1.x.3", "9" * 200, "1e5.2.3"])
def test_a_position_that_means_nothing_is_ignored(junk):
    assert sorts.key_decode(junk, sorts.SORTS["due"]) is None


def test_closed_tickets_offer_only_the_fully_indexed_sorts(desk):
    assert QueueFilters(status="closed", sort="due").sort_order().name == "-updated"
    assert QueueFilters(status="all", sort="created").sort_order().name == "created"
    assert QueueFilters(status="waiting", sort="priority").sort_order().name == "priority"
    assert QueueFilters(sort="nonsense").sort_order().name == "due"
