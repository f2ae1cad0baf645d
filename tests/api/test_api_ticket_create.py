"""POST /api/v1/tickets/: the web form's intake (``ticket_submit``), once per Idempotency-Key."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from api.models import IdempotentRequest
from tickets.models import Customer, Message, OutboundEmail, Promise, Ticket, TicketEvent
from tickets.services import outbox

pytestmark = pytest.mark.django_db
NEW = {
    "name": "Dana Scully",
    "email": "dana@example.com",
    "kind": "problem",
    "subject": "Invoice shows the wrong VAT number",
    "description": "Order 4821: the VAT number is my old one.",
}


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    """The acknowledgement is queued after commit; these tests count outbox rows, not deliveries."""
    monkeypatch.setattr(outbox, "kick_now", lambda lane: None)


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Ticket, Customer, Message, OutboundEmail, TicketEvent, IdempotentRequest))


def test_a_ticket_is_opened_acknowledged_once_and_promised(api_alice, desk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api_alice.post("/api/v1/tickets/", NEW, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    ticket = Ticket.objects.get()
    assert body["ticket"]["reference"] == ticket.reference
    assert (ticket.channel, ticket.queue, ticket.customer.email) == (Ticket.Channel.API, desk.queue_a, NEW["email"])
    assert OutboundEmail.objects.filter(ticket=ticket, kind=OutboundEmail.Kind.ACKNOWLEDGEMENT).count() == 1
    assert callbacks, "the acknowledgement is sent after commit, not in the request"
    assert body["promise"]["id"] == Promise.objects.get(ticket=ticket, state=Promise.State.PENDING).pk
    assert body["acknowledgement_queued"] is True


def test_the_history_says_it_came_through_the_api_with_the_tokens_name(api_alice):
    api_alice.post("/api/v1/tickets/", NEW, format="json")
    created = TicketEvent.objects.get(kind=TicketEvent.Kind.CREATED)
    assert (created.via, created.via_label) == (TicketEvent.Via.API, "alice write")


def test_an_info_request_suggests_help_articles(api_alice, make_article):
    article = make_article(title="Change the VAT number on an invoice", body="Open Settings, then Billing.")
    question = {**NEW, "kind": "info", "subject": "How do I change the VAT number on my invoice?"}
    response = api_alice.post("/api/v1/tickets/", question, format="json")
    assert response.status_code == 201
    assert [a["slug"] for a in response.json()["suggested_articles"]] == [article.slug]


@pytest.mark.parametrize(
    ("change", "field"),
    [({"email": "not-an-address"}, "email"), ({"kind": "rant"}, "kind"), ({"subject": "   "}, "subject")],
)
def test_field_errors_name_the_field_and_write_nothing(api_alice, change, field):
    before = counts()
    response = api_alice.post("/api/v1/tickets/", {**NEW, **change}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert counts() == before


def test_a_queue_outside_the_agents_is_refused(api_alice, desk):
    response = api_alice.post("/api/v1/tickets/", {**NEW, "queue": desk.queue_b.pk}, format="json")
    assert (response.status_code, list(response.json())) == (400, ["queue"])
    assert not Ticket.objects.exists()


def test_the_same_key_gives_the_first_answer_and_one_ticket(api_alice):
    first = api_alice.post("/api/v1/tickets/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="order-4821")
    again = api_alice.post("/api/v1/tickets/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="order-4821")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Ticket.objects.count() == 1
    assert OutboundEmail.objects.count() == 1


def test_another_key_or_another_agent_makes_another_ticket(api_alice, api_admin):
    api_alice.post("/api/v1/tickets/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    api_alice.post("/api/v1/tickets/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="k2")
    api_admin.post("/api/v1/tickets/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert Ticket.objects.count() == 3


def test_a_key_reused_for_another_request_is_refused(api_alice):
    api_alice.post("/api/v1/tickets/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    response = api_alice.post("/api/v1/tickets/", {**NEW, "subject": "Else"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert response.status_code == 422
    assert Ticket.objects.count() == 1


def test_a_refused_request_keeps_no_answer_so_the_corrected_one_goes_through(api_alice):
    bad = api_alice.post("/api/v1/tickets/", {**NEW, "subject": " "}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert bad.status_code == 400
    assert not IdempotentRequest.objects.exists()
    good = api_alice.post("/api/v1/tickets/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert good.status_code == 201


def test_a_key_older_than_a_day_starts_afresh(api_alice):
    api_alice.post("/api/v1/tickets/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        response = api_alice.post("/api/v1/tickets/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert response.status_code == 201
    assert Ticket.objects.count() == 2
    assert IdempotentRequest.objects.count() == 1


def test_an_agent_of_another_queue_opens_in_the_default_queue(api_bob, desk):
    response = api_bob.post("/api/v1/tickets/", NEW, format="json")
    assert response.status_code == 201
    assert Ticket.objects.get().queue == desk.queue_a  # as the web form would
    assert api_bob.get(f"/api/v1/tickets/{response.json()['ticket']['reference']}/").status_code == 404
