"""An agent's "Send" costs the same queries however long the conversation, and stays one story.

The reply writes its events in one INSERT and the ticket's row in one UPDATE (the new promise's
due time with its status and assignee), so these check what a reader of the ticket would notice
if that bookkeeping slipped: the events in the order things happened, the queue's sort key equal
to the promise the customer was told.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tickets import services
from tickets.models import Promise, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

REPLY = {"visibility": "public", "body": "The courier has it; we'll update you.", "next_update": "2bh"}
REPLY_QUERIES = 18  # session, user, desk bar, ticket, copies; then the reply's own transaction (26 before)


def submitted(email: str) -> Ticket:
    return services.ticket_submit(
        name="Grace Hopper", email=email, kind="problem", subject="Parcel lost", description="Nothing came."
    ).ticket


def reply_queries(client, ticket: Ticket) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"/desk/t/{ticket.reference}/reply/", REPLY)
    assert response.status_code == 302, response.content.decode()[:500]
    return len(queries)


def test_a_reply_costs_the_same_queries_on_a_long_conversation(desk, alice):
    reply_queries(alice, submitted("warm-up@example.com"))  # the process's first request builds its caches
    short = submitted("short@example.com")
    long = submitted("long@example.com")
    for n in range(20):
        services.customer_reply_post(ticket=long, body=f"Any news? ({n})")
        services.agent_reply_post(ticket=long, agent=desk.agent_a, body=f"Still looking ({n}).", internal=True)
    Ticket.objects.filter(pk=long.pk).update(assignee=None)  # both are answered by their first reply

    assert reply_queries(alice, short) == reply_queries(alice, long) <= REPLY_QUERIES


def test_a_reply_records_its_events_in_order_and_the_queue_sorts_by_the_new_promise(desk, alice):
    ticket = submitted("grace@example.com")
    first = Promise.objects.get(ticket=ticket)
    reply_queries(alice, ticket)

    ticket.refresh_from_db()
    first.refresh_from_db()
    pending = Promise.objects.get(ticket=ticket, state=Promise.State.PENDING)
    assert first.state == Promise.State.KEPT and first.fulfilled_at is not None
    assert ticket.next_due_at == pending.due_at  # the queue's "due next" is what the customer was told
    assert (ticket.status, ticket.assignee) == (Ticket.Status.OPEN, desk.agent_a)
    assert list(ticket.events.order_by("pk").values_list("kind", flat=True)) == [
        TicketEvent.Kind.CREATED,
        TicketEvent.Kind.PROMISE_MADE,
        TicketEvent.Kind.AGENT_REPLIED,
        TicketEvent.Kind.ASSIGNED,
        TicketEvent.Kind.PROMISE_KEPT,
        TicketEvent.Kind.PROMISE_MADE,
        TicketEvent.Kind.STATUS_CHANGED,
    ]


def test_a_late_reply_marks_the_promise_broken_and_fulfils_it(desk, alice):
    ticket = submitted("late@example.com")
    Promise.objects.filter(ticket=ticket).update(due_at=ticket.created_at)  # due before the reply came
    reply_queries(alice, ticket)

    late = Promise.objects.get(ticket=ticket, kind=Promise.Kind.FIRST_RESPONSE)
    assert late.state == Promise.State.BROKEN
    assert (late.settled_at, late.fulfilled_at is not None) == (ticket.created_at, True)
    assert ticket.events.filter(kind=TicketEvent.Kind.PROMISE_BROKEN).exists()
