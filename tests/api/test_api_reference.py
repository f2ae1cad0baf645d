"""Customers, queues, agents, canned responses, SLA policies, calendars, notices, the public knowledge base."""

from __future__ import annotations

import pytest

from canned_responses.models import CannedResponse
from tests.factories import CustomerFactory, TicketFactory

pytestmark = pytest.mark.django_db


def test_queues_and_agents_are_the_agents_own(api_alice, api_admin, desk):
    assert [q["slug"] for q in api_alice.get("/api/v1/queues/").json()] == ["billing"]
    assert {q["slug"] for q in api_admin.get("/api/v1/queues/").json()} >= {"billing", "technical"}
    assert [a["username"] for a in api_alice.get("/api/v1/agents/").json()] == ["alice"]


def test_customers_in_cursor_pages(api_alice, desk):
    made = [TicketFactory(queue=desk.queue_a, customer=CustomerFactory()) for _ in range(3)]
    TicketFactory(queue=desk.queue_b)  # Bob's customer: not listed
    first = api_alice.get("/api/v1/customers/?page_size=2").json()
    rest = api_alice.get(first["next"]).json()
    ids = [c["id"] for c in first["results"] + rest["results"]]
    assert ids == [t.customer_id for t in reversed(made)]


@pytest.mark.parametrize("rows", [1, 20])
def test_customer_list_query_count(api_alice, desk, rows, django_assert_max_num_queries):
    for _ in range(rows):
        TicketFactory(queue=desk.queue_a)
    api_alice.get("/api/v1/queues/")
    with django_assert_max_num_queries(3):
        assert len(api_alice.get("/api/v1/customers/").json()["results"]) == rows


def test_a_customers_tickets(api_alice, ticket, desk):
    TicketFactory(queue=desk.queue_b, customer=ticket.customer)  # in Bob's queue: not shown to Alice
    response = api_alice.get(f"/api/v1/customers/{ticket.customer_id}/tickets/")
    assert [t["reference"] for t in response.json()] == [ticket.reference]


def test_canned_response_rendered_for_a_ticket(api_alice, ticket):
    canned = CannedResponse.objects.create(
        title="Thanks", body="Thanks for writing about ticket {{ ticket.reference }}."
    )
    response = api_alice.post(
        f"/api/v1/canned-responses/{canned.pk}/render/", {"ticket": ticket.reference}, format="json"
    )
    assert response.json()["body"] == f"Thanks for writing about ticket {ticket.reference}."
    assert "Thanks" in [c["title"] for c in api_alice.get("/api/v1/canned-responses/").json()]


def test_policies_calendars_and_notices_read(api_alice):
    for path in ("/api/v1/sla-policies/", "/api/v1/calendars/", "/api/v1/notices/"):
        response = api_alice.get(path)
        assert response.status_code == 200
        assert isinstance(response.json(), list)


def test_public_articles_only(api_anon, make_article):
    public = make_article(title="Reset your password", body="From the sign-in page.")
    internal = make_article(title="Internal escalation list", visibility="internal")
    make_article(title="Draft about passwords", status="draft")
    listed = api_anon.get("/api/v1/kb/articles/").json()
    assert [a["slug"] for a in listed["results"]] == [public.slug]
    found = api_anon.get("/api/v1/kb/articles/?q=password").json()
    assert [a["slug"] for a in found["results"]] == [public.slug]
    one = api_anon.get(f"/api/v1/kb/articles/{public.slug}/").json()
    assert one["body"] == "From the sign-in page."
    assert api_anon.get(f"/api/v1/kb/articles/{internal.slug}/").status_code == 404
