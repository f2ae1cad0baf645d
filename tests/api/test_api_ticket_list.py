"""GET /api/v1/tickets/: the desk's queue (scope, filters, indexed sorts) in cursor pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import CustomerFactory, TicketFactory
from tickets.models import Ticket
from tickets.services.triage import ticket_tags_change

pytestmark = pytest.mark.django_db


def refs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [t["reference"] for t in response.json()["results"]]


def test_pages_follow_the_cursor_without_gaps_or_repeats(api_alice, desk):
    made = [TicketFactory(queue=desk.queue_a) for _ in range(7)]
    seen, url = [], "/api/v1/tickets/?sort=created&page_size=3"
    while url:
        response = api_alice.get(url)
        seen += refs(response)
        url = response.json()["next"]
    assert seen == [t.reference for t in made]


def test_a_ticket_added_while_paging_shifts_nothing(api_alice, desk):
    made = [TicketFactory(queue=desk.queue_a) for _ in range(4)]
    first = api_alice.get("/api/v1/tickets/?sort=-created&page_size=2")
    TicketFactory(queue=desk.queue_a)  # newer: before the cursor
    rest = api_alice.get(first.json()["next"])
    assert refs(first) + refs(rest) == [t.reference for t in reversed(made)]


@pytest.mark.parametrize("rows", [1, 20])
def test_query_count_does_not_grow_with_rows(api_alice, desk, rows, django_assert_max_num_queries):
    for _ in range(rows):
        ticket = TicketFactory(queue=desk.queue_a, assignee=desk.agent_a)
        ticket_tags_change(ticket=ticket, agent=desk.agent_a, add="vip, billing")
    api_alice.get("/api/v1/tickets/")  # the token's last use is noted once a minute: not in the count
    with django_assert_max_num_queries(4):
        assert len(refs(api_alice.get("/api/v1/tickets/?status=all&sort=-updated"))) == rows


def test_filters(api_alice, desk):
    dana = CustomerFactory(email="dana@example.com")
    mine = TicketFactory(queue=desk.queue_a, assignee=desk.agent_a, customer=dana, kind=Ticket.Kind.COMPLAINT)
    open_ = TicketFactory(queue=desk.queue_a, status=Ticket.Status.OPEN)
    solved = TicketFactory(queue=desk.queue_a, status=Ticket.Status.RESOLVED)
    ticket_tags_change(ticket=open_, agent=desk.agent_a, add="vip")
    assert set(refs(api_alice.get("/api/v1/tickets/"))) == {mine.reference, open_.reference}
    assert refs(api_alice.get("/api/v1/tickets/?status=resolved")) == [solved.reference]
    assert refs(api_alice.get("/api/v1/tickets/?assignee=me")) == [mine.reference]
    assert refs(api_alice.get("/api/v1/tickets/?assignee=unassigned&status=open")) == [open_.reference]
    assert refs(api_alice.get("/api/v1/tickets/?kind=complaint")) == [mine.reference]
    assert refs(api_alice.get("/api/v1/tickets/?tag=VIP")) == [open_.reference]
    assert refs(api_alice.get("/api/v1/tickets/?customer=DANA@example.com")) == [mine.reference]
    assert refs(api_alice.get(f"/api/v1/tickets/?customer={dana.pk}")) == [mine.reference]
    assert refs(api_alice.get("/api/v1/tickets/?customer=nobody@example.com")) == []


def test_updated_since_and_overdue(api_alice, desk):
    now = timezone.now()
    old = TicketFactory(queue=desk.queue_a, updated_at=now - timedelta(days=3), next_due_at=now - timedelta(hours=1))
    new = TicketFactory(queue=desk.queue_a, next_due_at=now + timedelta(hours=5))
    since = (now - timedelta(days=1)).isoformat().replace("+00:00", "Z")
    assert refs(api_alice.get("/api/v1/tickets/", {"updated_since": since})) == [new.reference]
    assert refs(api_alice.get("/api/v1/tickets/?due=overdue")) == [old.reference]


def test_search_finds_by_subject(api_alice, desk):
    found = TicketFactory(queue=desk.queue_a, subject="Printer prints blank pages")
    TicketFactory(queue=desk.queue_a, subject="Refund for order 4821")
    TicketFactory(queue=desk.queue_b, subject="Printer on fire")  # Bob's queue: never found by Alice
    assert refs(api_alice.get("/api/v1/tickets/?q=printer&status=all")) == [found.reference]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=sleeping", "status"),
        ("assignee=someone", "assignee"),
        ("page_size=500", "page_size"),
        ("updated_since=yesterday", "updated_since"),
        ("sort=relevance", "sort"),
        ("q=x&customer=1", "q"),
    ],
)
def test_bad_parameters_are_field_errors(api_alice, query, field):
    response = api_alice.get(f"/api/v1/tickets/?{query}")
    assert response.status_code == 400
    assert list(response.json()) == [field]
