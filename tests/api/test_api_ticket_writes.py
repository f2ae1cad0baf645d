"""Replies, notes, changes, tags and promises through the API: the desk's services, recorded as the API's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tickets.models import Message, OutboundEmail, Promise, Ticket, TicketEvent
from tickets.services import outbox

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr(outbox, "kick_now", lambda lane: None)


def url(ticket, tail=""):
    return f"/api/v1/tickets/{ticket.reference}/{tail}"


def test_a_reply_is_emailed_promises_and_is_attributed(api_alice, ticket):
    due = timezone.now() + timedelta(days=1)
    response = api_alice.post(url(ticket, "replies/"), {"body": "On it.", "due_at": due.isoformat()}, format="json")
    assert response.status_code == 201, response.content
    assert Message.objects.get(pk=response.json()["id"]).visibility == Message.Visibility.PUBLIC
    assert OutboundEmail.objects.filter(ticket=ticket, kind=OutboundEmail.Kind.AGENT_REPLY).count() == 1
    assert Promise.objects.get(ticket=ticket, state=Promise.State.PENDING).due_at == due
    replied = TicketEvent.objects.get(ticket=ticket, kind=TicketEvent.Kind.AGENT_REPLIED)
    assert (replied.via, replied.via_label) == ("api", "alice write")


def test_a_promise_in_the_past_is_a_field_error_and_writes_nothing(api_alice, ticket):
    past = (timezone.now() - timedelta(hours=1)).isoformat()
    before = (Message.objects.count(), TicketEvent.objects.count(), Promise.objects.count())
    response = api_alice.post(url(ticket, "replies/"), {"body": "On it.", "due_at": past}, format="json")
    assert (response.status_code, list(response.json())) == (400, ["due_at"])
    assert (Message.objects.count(), TicketEvent.objects.count(), Promise.objects.count()) == before


def test_a_note_is_never_emailed(api_alice, ticket):
    response = api_alice.post(url(ticket, "notes/"), {"body": "Internal."}, format="json")
    assert response.json()["visibility"] == "note"
    assert not OutboundEmail.objects.filter(ticket=ticket).exists()


def test_patch_changes_what_is_sent(api_alice, ticket, desk):
    response = api_alice.patch(
        url(ticket), {"status": "open", "priority": 3, "assignee": desk.agent_a.pk}, format="json"
    )
    assert response.status_code == 200, response.content
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.assignee) == ("open", 3, desk.agent_a)
    kinds = set(TicketEvent.objects.filter(ticket=ticket, via="api").values_list("kind", flat=True))
    assert {"status_changed", "priority_changed", "assigned"} <= kinds


def test_patch_lands_whole_or_not_at_all(api_alice, ticket, desk):
    before = TicketEvent.objects.count()
    response = api_alice.patch(url(ticket), {"priority": 4, "assignee": desk.agent_b.pk}, format="json")
    assert (response.status_code, list(response.json())) == (400, ["assignee"])
    ticket.refresh_from_db()
    assert ticket.priority == Ticket.Priority.NORMAL
    assert TicketEvent.objects.count() == before


def test_patch_moves_to_another_queue(api_admin, ticket, desk):
    response = api_admin.patch(url(ticket), {"queue": desk.queue_b.pk, "kind": "complaint"}, format="json")
    assert response.json()["queue"]["id"] == desk.queue_b.pk
    assert response.json()["kind"] == "complaint"


def test_moving_it_out_of_ones_queues_answers_204(api_alice, ticket, desk):
    response = api_alice.patch(url(ticket), {"queue": desk.queue_b.pk}, format="json")
    assert response.status_code == 204
    ticket.refresh_from_db()
    assert ticket.queue == desk.queue_b


def test_tags_added_and_removed(api_alice, ticket):
    added = api_alice.post(url(ticket, "tags/"), {"add": ["vip", "refund"]}, format="json").json()["tags"]
    assert sorted(added) == ["refund", "vip"]
    response = api_alice.post(url(ticket, "tags/"), {"remove": ["VIP"]}, format="json")
    assert response.json()["tags"] == ["refund"]


def test_promise_set_replaces_the_pending_one(api_alice, ticket):
    due = timezone.now() + timedelta(hours=30)
    response = api_alice.post(url(ticket, "promise/"), {"due_at": due.isoformat()}, format="json")
    assert response.status_code == 201, response.content
    ticket.refresh_from_db()
    assert ticket.next_due_at == due
    made = TicketEvent.objects.get(ticket=ticket, kind=TicketEvent.Kind.PROMISE_MADE)
    assert made.via == "api"
    listed = api_alice.get(url(ticket, "promise/")).json()
    assert [(p["id"], p["state"]) for p in listed] == [(response.json()["id"], "pending")]


@pytest.mark.parametrize("ahead", [timedelta(hours=-1), timedelta(days=400)])
def test_promise_outside_now_and_a_year_is_refused(api_alice, ticket, ahead):
    response = api_alice.post(url(ticket, "promise/"), {"due_at": (timezone.now() + ahead).isoformat()}, format="json")
    assert (response.status_code, list(response.json())) == (400, ["due_at"])
    assert not Promise.objects.filter(ticket=ticket).exists()


def test_no_promise_on_a_solved_ticket(api_alice, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.RESOLVED)
    due = (timezone.now() + timedelta(hours=3)).isoformat()
    assert api_alice.post(url(ticket, "promise/"), {"due_at": due}, format="json").status_code == 400


def test_customer_rename(api_alice, ticket):
    response = api_alice.patch(f"/api/v1/customers/{ticket.customer_id}/", {"name": "Dana K. Scully"}, format="json")
    assert response.json()["name"] == "Dana K. Scully"
    response = api_alice.patch(f"/api/v1/customers/{ticket.customer_id}/", {"name": " "}, format="json")
    assert (response.status_code, list(response.json())) == (400, ["name"])


def test_a_complaint_is_not_solved_without_its_resolution(api_alice, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(kind=Ticket.Kind.COMPLAINT)
    response = api_alice.patch(url(ticket), {"status": "resolved"}, format="json")
    assert (response.status_code, list(response.json())) == (400, ["status"])
    assert "resolution" in response.json()["status"][0]
    assert Ticket.objects.get(pk=ticket.pk).status != Ticket.Status.RESOLVED
