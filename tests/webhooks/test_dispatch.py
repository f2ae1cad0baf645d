"""The dispatcher: history rows become one delivery per endpoint that wants them, once each."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from satisfaction.models import Survey
from satisfaction.services.surveys import rating_record
from tests.satisfaction.helpers import run_survey_task_later, solve
from tests.webhooks.conftest import submit
from tickets.models import Message, Promise, Ticket, TicketEvent
from tickets.services.desk import agent_reply_post, ticket_status_change
from tickets.services.sweep import promise_sweep
from webhooks.dispatch import _advance, webhooks_dispatch
from webhooks.models import DispatchCursor, WebhookDelivery
from webhooks.services.endpoints import endpoint_create

pytestmark = pytest.mark.django_db


def deliveries(endpoint=None) -> list[tuple[str, str]]:
    rows = WebhookDelivery.objects.order_by("pk")
    if endpoint is not None:
        rows = rows.filter(endpoint=endpoint)
    return list(rows.values_list("event_type", "source"))


def test_a_new_ticket_is_created_then_its_first_message(endpoint):
    ticket = submit()
    webhooks_dispatch()
    message = Message.objects.get(ticket=ticket)
    event = TicketEvent.objects.get(ticket=ticket, kind=TicketEvent.Kind.CREATED)
    assert deliveries() == [("ticket.created", f"event:{event.pk}"), ("message.created", f"message:{message.pk}")]
    created = WebhookDelivery.objects.get(event_type="ticket.created")
    data = created.payload["data"]["ticket"]
    assert created.payload["id"] == f"evt_event_{event.pk}"
    assert created.payload["type"] == "ticket.created"
    assert data["reference"] == ticket.reference
    assert data["subject"] == "Printer prints blank pages"
    assert data["customer"] == {"name": "Carol Customer", "email": "carol@example.com"}
    assert data["queue"] == "Billing"
    assert data["status"] == "new"
    assert data["priority"] == "normal"
    assert data["desk_url"].endswith(f"/desk/t/{ticket.reference}/")
    said = WebhookDelivery.objects.get(event_type="message.created").payload["data"]["message"]
    assert said["author_kind"] == "customer"
    assert said["body_text"] == "It is blank."


def test_running_twice_writes_nothing_twice(endpoint):
    submit()
    webhooks_dispatch()
    first = deliveries()
    assert webhooks_dispatch() == 0
    assert deliveries() == first


def test_rows_past_an_unsettled_gap_are_delivered_and_read_again_without_duplicates(endpoint):
    """The cursor waits at a gap; the rows after it are delivered now and re-reading them adds nothing."""
    ticket = submit()
    first_id = TicketEvent.objects.filter(ticket=ticket).order_by("pk").first().pk
    DispatchCursor.objects.filter(name="events").update(last_id=first_id - 2)  # as if id first_id-1 were in flight
    webhooks_dispatch()
    webhooks_dispatch()
    assert deliveries().count(("ticket.created", f"event:{first_id}")) == 1
    assert DispatchCursor.objects.get(name="events").last_id == first_id - 2
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        webhooks_dispatch()
    assert DispatchCursor.objects.get(name="events").last_id == TicketEvent.objects.latest("pk").pk


def test_advance_stops_at_a_young_gap_and_passes_an_old_one():
    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    settled_before = now - timedelta(seconds=60)
    young, old = now - timedelta(seconds=5), now - timedelta(seconds=120)
    assert _advance(10, [(11, young), (12, young)], settled_before) == 12
    assert _advance(10, [(11, young), (13, young), (14, young)], settled_before) == 11
    assert _advance(10, [(12, old), (14, young), (15, young)], settled_before) == 12
    assert _advance(10, [], settled_before) == 10


def test_endpoints_get_only_the_events_they_chose(desk, endpoint, receiver):
    only_created = endpoint_create(url=receiver.url, events=["ticket.created"])
    submit()
    webhooks_dispatch()
    assert [t for t, _ in deliveries(only_created)] == ["ticket.created"]
    assert [t for t, _ in deliveries(endpoint)] == ["ticket.created", "message.created"]


def test_internal_notes_only_to_endpoints_that_opt_in(desk, endpoint, receiver):
    with_notes = endpoint_create(url=receiver.url, events=["message.created"], include_notes=True)
    ticket = submit()
    webhooks_dispatch()
    agent_reply_post(ticket=ticket, agent=desk.agent_a, body="Customer is on the old driver.", internal=True)
    agent_reply_post(ticket=ticket, agent=desk.agent_a, body="Please update the driver.")
    webhooks_dispatch()
    public_and_note = WebhookDelivery.objects.filter(endpoint=with_notes).order_by("pk")
    assert [d.payload["data"]["message"]["visibility"] for d in public_and_note] == ["public", "note", "public"]
    plain = WebhookDelivery.objects.filter(endpoint=endpoint, event_type="message.created").order_by("pk")
    assert [d.payload["data"]["message"]["visibility"] for d in plain] == ["public", "public"]


def test_a_status_change_is_a_ticket_update_with_the_change(desk, endpoint):
    ticket = submit()
    ticket_status_change(ticket=ticket, agent=desk.agent_a, status=Ticket.Status.WAITING)
    webhooks_dispatch()
    update = WebhookDelivery.objects.get(event_type="ticket.updated")
    # The change as the history words it; the ticket's own fields are the machine values.
    assert update.payload["data"]["change"] == {"what": "status_changed", "old": "New", "new": "Waiting on customer"}
    assert update.payload["data"]["ticket"]["status"] == "waiting"


def test_an_inactive_endpoint_gets_nothing_and_no_history_later(endpoint):
    endpoint.active = False
    endpoint.save(update_fields=["active"])
    submit()
    webhooks_dispatch()
    endpoint.active = True
    endpoint.save(update_fields=["active"])
    webhooks_dispatch()
    assert deliveries() == []


def test_promise_reminder_and_broken_come_from_the_sweep(desk, endpoint):
    ticket = submit()
    now = timezone.now()
    Promise.objects.filter(ticket=ticket).delete()
    due = now + timedelta(hours=2)
    Promise.objects.create(
        ticket=ticket,
        kind=Promise.Kind.FIRST_RESPONSE,
        source=Promise.Source.POLICY,
        due_at=due,
        remind_at=due - timedelta(minutes=30),
        created_at=now,
    )
    webhooks_dispatch()
    with time_machine.travel(due - timedelta(minutes=10), tick=False):
        promise_sweep()
        webhooks_dispatch()
    with time_machine.travel(due + timedelta(minutes=1), tick=False):
        promise_sweep()
        webhooks_dispatch()
    reminder = WebhookDelivery.objects.get(event_type="promise.reminder")
    broken = WebhookDelivery.objects.get(event_type="promise.broken")
    assert reminder.payload["data"]["promise"]["due_at"] == due.isoformat()
    assert broken.payload["data"]["promise"]["due_at"] == due.isoformat()
    assert reminder.pk < broken.pk


@pytest.mark.parametrize("tickets", [1, 20])
def test_query_count_per_batch_is_constant(endpoint, django_assert_max_num_queries, tickets):
    for n in range(tickets):
        submit(subject=f"Ticket {n}", email=f"c{n}@example.com")
    DispatchCursor.objects.all().delete()  # read from the start, like a fresh database
    # Cursors (lock, create, lock again), endpoints, events, broken promises (none), messages,
    # notices, the deliveries' INSERT, three cursor UPDATEs, plus the test's savepoint pair.
    with django_assert_max_num_queries(13):
        webhooks_dispatch()
    assert WebhookDelivery.objects.count() == 2 * tickets


def test_a_customers_rating_is_csat_received_with_its_words(desk, endpoint):
    ticket = submit()
    ticket.assignee = desk.agent_a
    ticket.save(update_fields=["assignee"])
    solve(ticket, desk.agent_a)
    run_survey_task_later()
    rating_record(survey_id=Survey.objects.get(ticket=ticket).pk, rating=1, comment="Nobody listened")
    webhooks_dispatch()
    rated = WebhookDelivery.objects.get(event_type="csat.received")
    assert rated.payload["data"]["rating"] == {"label": "Bad", "solved_by": "Alice Agent"}
    assert rated.payload["data"]["ticket"]["reference"] == ticket.reference
