"""The agent's queue at /desk/: who sees what, filters, search, pages and query count."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import TicketFactory, UserFactory
from tickets.models import Ticket

URL = "/desk/"
QUEUE_QUERIES = 11  # session, user, queues, agents, count, a page of tickets (+customer/queue/assignee),
# their tags, bell, saved views (their counts are cached: tests/desk/test_page_desk_views.py counts them),
# and for the bulk bar every queue (to move to) and the tag names (to add or remove)

pytestmark = pytest.mark.django_db


def make(desk, subject: str, *, queue=None, minutes_ago: int = 0, **fields) -> Ticket:
    at = timezone.now() - timedelta(minutes=minutes_ago)
    return TicketFactory(queue=queue or desk.queue_a, subject=subject, created_at=at, updated_at=at, **fields)


def page(client, **params) -> str:
    response = client.get(URL, params)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def shown(client, *subjects: str, **params) -> list[str]:
    """Which of ``subjects`` the queue lists with these filters, in page order."""
    content = page(client, **params)
    return sorted((s for s in subjects if s in content), key=content.index)


def test_alice_sees_her_queue_only(desk, alice):
    make(desk, "Billing question")
    make(desk, "Server on fire", queue=desk.queue_b)
    assert shown(alice, "Billing question", "Server on fire") == ["Billing question"]


def test_admin_sees_every_queue(desk, admin_client_):
    make(desk, "Billing question", minutes_ago=1)
    make(desk, "Server on fire", queue=desk.queue_b)
    shown_to_admin = shown(admin_client_, "Billing question", "Server on fire", sort="-updated")
    assert shown_to_admin == ["Server on fire", "Billing question"]


def test_a_signed_in_non_agent_finds_nothing(desk):
    client = Client()
    client.force_login(UserFactory(username="carol", is_staff=False))
    assert client.get(URL).status_code == 404


def test_status_filter_defaults_to_active(desk, alice):
    make(desk, "Still open", status=Ticket.Status.OPEN)
    make(desk, "All done", status=Ticket.Status.RESOLVED)
    subjects = ("Still open", "All done")
    assert shown(alice, *subjects) == ["Still open"]
    assert shown(alice, *subjects, status="resolved") == ["All done"]
    assert set(shown(alice, *subjects, status="all")) == set(subjects)


def test_kind_filter(desk, alice):
    make(desk, "Rude staff", kind=Ticket.Kind.COMPLAINT)
    make(desk, "Opening hours?", kind=Ticket.Kind.INFO)
    assert shown(alice, "Rude staff", "Opening hours?", kind="complaint") == ["Rude staff"]


def test_queue_filter(desk, admin_client_):
    make(desk, "Billing question")
    make(desk, "Server on fire", queue=desk.queue_b)
    subjects = ("Billing question", "Server on fire")
    assert shown(admin_client_, *subjects, queue=desk.queue_b.pk) == ["Server on fire"]


def test_assignee_filters_mine_and_unassigned(desk, alice):
    make(desk, "Assigned to Alice", assignee=desk.agent_a)
    make(desk, "Nobody has it")
    assert shown(alice, "Assigned to Alice", "Nobody has it", assignee="mine") == ["Assigned to Alice"]
    assert shown(alice, "Assigned to Alice", "Nobody has it", assignee="unassigned") == ["Nobody has it"]


def test_sort_orders(desk, alice):
    make(desk, "Older ticket", minutes_ago=60)
    make(desk, "Newer ticket", minutes_ago=5)
    subjects = ("Older ticket", "Newer ticket")
    assert shown(alice, *subjects, sort="-updated") == ["Newer ticket", "Older ticket"]
    assert shown(alice, *subjects, sort="created") == ["Older ticket", "Newer ticket"]
    assert shown(alice, *subjects, sort="updated") == ["Older ticket", "Newer ticket"]


def test_words_to_find_go_to_the_search_page_with_the_filters_it_shares(desk, alice):
    """Older links and bookmarks (/desk/?q=...): the search page answers; the queue's own "due" and sort stay behind."""
    response = alice.get(URL, {"q": "invoice", "kind": "complaint", "due": "overdue", "sort": "created", "page": "2"})
    assert response.status_code == 302
    assert response["Location"] == "/desk/search/?q=invoice&kind=complaint"


def test_thirty_tickets_make_two_pages_of_25(desk, alice):
    for n in range(30):
        make(desk, f"Ticket number {n:02d}", minutes_ago=n)
    first = page(alice)
    assert "30 found" in first and "Page 1 of 2" in first
    assert first.count('class="fw-semibold">HD-') == 25
    second = page(alice, page=2)
    assert second.count('class="fw-semibold">HD-') == 5
    assert "Ticket number 29" in second and "Ticket number 29" not in first


def test_page_links_keep_the_filters(desk, alice):
    for n in range(26):
        make(desk, f"Complaint {n}", kind=Ticket.Kind.COMPLAINT)
    assert 'href="?kind=complaint&page=2"' in page(alice, kind="complaint")


def test_complaints_carry_a_badge_and_a_row_class(desk, alice):
    make(desk, "Rude staff", kind=Ticket.Kind.COMPLAINT)
    content = page(alice)
    assert '<tr class="row-complaint ' in content
    assert '<span class="badge text-bg-danger kind-badge">Complaint</span>' in content


def test_a_plain_problem_has_no_complaint_marking(desk, alice):
    make(desk, "Printer jam")
    content = page(alice)
    assert "row-complaint" not in content and ">Complaint</span>" not in content


@pytest.mark.parametrize("rows", [1, 25])
def test_query_count_does_not_grow_with_rows(desk, alice, django_assert_max_num_queries, rows):
    for n in range(rows):
        make(desk, f"Ticket {n}", assignee=desk.agent_a if n % 2 else None)
    with django_assert_max_num_queries(QUEUE_QUERIES):
        content = page(alice)
    assert content.count('class="fw-semibold">HD-') == rows


def test_due_next_is_the_default_sort_and_overdue_is_marked(desk, alice):
    now = timezone.now()
    make(desk, "Due tomorrow", next_due_at=now + timedelta(days=1))
    make(desk, "Overdue problem", next_due_at=now - timedelta(minutes=90))
    make(desk, "Due soon", next_due_at=now + timedelta(minutes=20))
    make(desk, "No promise")
    subjects = ("Due tomorrow", "Overdue problem", "Due soon", "No promise")
    assert shown(alice, *subjects) == ["Overdue problem", "Due soon", "Due tomorrow", "No promise"]
    content = page(alice)
    assert "overdue 2 h" in content or "overdue 90 min" in content
    assert "in 20 min" in content
    assert shown(alice, *subjects, due="overdue") == ["Overdue problem"]
    assert shown(alice, *subjects, due="soon") == ["Due soon"]


def test_a_complaint_ranks_above_a_problem_due_at_the_same_time(desk, alice):
    due = timezone.now() + timedelta(hours=2)
    make(desk, "Slow page", next_due_at=due, kind=Ticket.Kind.PROBLEM, priority=Ticket.Priority.NORMAL)
    make(desk, "Rude reply", next_due_at=due, kind=Ticket.Kind.COMPLAINT, priority=Ticket.Priority.HIGH)
    assert shown(alice, "Slow page", "Rude reply") == ["Rude reply", "Slow page"]


def test_a_huge_queue_shows_a_capped_count(desk, alice, monkeypatch):
    from helpdesk.lib.pagination import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 3)
    for n in range(5):
        make(desk, f"Ticket {n}")
    assert "3+ found" in page(alice)
