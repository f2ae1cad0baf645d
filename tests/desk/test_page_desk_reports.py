"""The reports page at /desk/reports/: who sees what, the numbers, the period and query count."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import QueueFactory, TicketFactory, UserFactory
from tickets.models import Promise, Ticket

URL = "/desk/reports/"
# session, user, unread notices, queues, agents, promises by queue / assignee / maker,
# first response by queue + its medians, first response overall + its median.
REPORT_QUERIES = 12

pytestmark = pytest.mark.django_db


def promise(ticket: Ticket, state: str, *, by=None, days_ago: float = 1) -> Promise:
    created = timezone.now() - timedelta(days=days_ago)
    return Promise.objects.create(
        ticket=ticket,
        kind=Promise.Kind.NEXT_UPDATE if by else Promise.Kind.FIRST_RESPONSE,
        source=Promise.Source.AGENT if by else Promise.Source.POLICY,
        made_by=by,
        state=state,
        created_at=created,
        due_at=created + timedelta(hours=4),
    )


def answered_ticket(queue, *, minutes: int, assignee=None) -> Ticket:
    created = timezone.now() - timedelta(days=2)
    return TicketFactory(
        queue=queue, assignee=assignee, created_at=created, first_response_at=created + timedelta(minutes=minutes)
    )


@pytest.fixture
def data(desk):
    """Queue A: 3 kept, 1 broken (75 %), answers after 1 h and 3 h. Queue B: 1 kept, bob's."""
    a1 = answered_ticket(desk.queue_a, minutes=60, assignee=desk.agent_a)
    a2 = answered_ticket(desk.queue_a, minutes=180)
    for state in ("kept", "kept", "broken"):
        promise(a1, state, by=desk.agent_a)
    promise(a2, "kept")
    promise(a2, "broken", days_ago=10)  # only in the 30- and 90-day periods
    TicketFactory(queue=desk.queue_a, status=Ticket.Status.NEW)  # still waiting for a first response
    b1 = answered_ticket(desk.queue_b, minutes=30, assignee=desk.agent_b)
    promise(b1, "kept", by=desk.agent_b)


def page(client: Client, **params) -> str:
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def cells(content: str, header: str) -> list[str]:
    """The text of each cell in the first table row whose row header is ``header``."""
    for row in re.findall(r"<tr>(.*?)</tr>", content, re.S):
        found = [
            html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        if found and found[0] == header:
            return found[1:]
    raise AssertionError(f"no row for {header!r}")


def test_anonymous_is_sent_to_login(stranger):
    response = stranger.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/desk/login/?next=/desk/reports/")


def test_a_signed_in_non_agent_finds_nothing(desk):
    client = Client()
    client.force_login(UserFactory(username="carol", is_staff=False))
    assert client.get(URL).status_code == 404


def test_alice_sees_her_queue_numbers_only(alice, data):
    content = page(alice)
    # Made, kept, broken, kept rate | answered, average, median, still waiting.
    assert cells(content, "Billing") == ["5", "3", "2", "60\xa0% (below target)", "2", "2 h 0 min", "2 h 0 min", "1"]
    assert cells(content, "Alice Agent") == ["3", "2", "1", "66\xa0% (below target)"] * 2
    assert "Technical" not in content
    assert "Bob" not in content


def test_bob_never_sees_queue_a(bob, data):
    content = page(bob)
    assert cells(content, "Technical") == ["1", "1", "0", "100\xa0%", "1", "30 min", "30 min", "0"]
    assert "Billing" not in content
    assert "Alice" not in content


def test_admin_sees_every_queue_and_a_total(admin_client_, data):
    content = page(admin_client_)
    assert cells(content, "Billing")[:4] == ["5", "3", "2", "60\xa0% (below target)"]
    assert cells(content, "Technical")[:4] == ["1", "1", "0", "100\xa0%"]
    assert cells(content, "Total") == ["6", "4", "2", "66\xa0% (below target)", "3", "1 h 30 min", "1 h 0 min", "1"]
    assert cells(content, "Bob Builder") == ["1", "1", "0", "100\xa0%"] * 2


def test_kept_rate_under_target_is_red_and_an_empty_one_is_a_dash(admin_client_, data):
    content = page(admin_client_)
    assert content.count("text-danger fw-semibold") >= 1
    assert cells(content, "General support") == ["0", "0", "0", "—", "0", "—", "—", "0"]


def test_the_period_selector(alice, data):
    week = page(alice, days=7)
    assert cells(week, "Billing")[:4] == ["4", "3", "1", "75\xa0% (below target)"]
    assert 'aria-current="page">Last 7 days' in week
    assert cells(page(alice, days=90), "Billing")[:3] == ["5", "3", "2"]
    default = page(alice, days="365")
    assert cells(default, "Billing")[:3] == ["5", "3", "2"]
    assert 'aria-current="page">Last 30 days' in default


def test_the_nav_links_to_reports(alice, desk):
    assert 'href="/desk/reports/"' in page(alice)
    assert 'href="/desk/reports/"' in alice.get("/desk/").content.decode()


def build(desk, *, queues: int, promises: int) -> None:
    """``queues`` queues, each with its own agent, sharing ``promises`` promises between them."""
    made = []
    for n in range(queues):
        queue = QueueFactory(name=f"Load {n}", slug=f"load-{n}")
        agent = UserFactory(username=f"load-agent-{n}")
        queue.agents.add(agent)
        made.append((answered_ticket(queue, minutes=10 + n, assignee=agent), agent))
    for n in range(promises):
        ticket, agent = made[n % queues]
        promise(ticket, ("kept", "broken", "superseded")[n % 3], by=agent if n % 2 else None)


@pytest.mark.parametrize(("queues", "promises"), [(1, 3), (5, 3), (1, 60), (5, 60)])
def test_query_count_does_not_grow(admin_client_, desk, django_assert_max_num_queries, queues, promises):
    build(desk, queues=queues, promises=promises)
    with django_assert_max_num_queries(REPORT_QUERIES):
        content = page(admin_client_)
    assert cells(content, "Load 0")[0] == str(len(range(0, promises, queues)))
