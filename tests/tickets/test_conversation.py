"""What changed since an agent loaded a ticket (``tickets.conversation``), and ``agent_reply_post``
refusing to send over it: nothing written, the changes named."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.factories import UserFactory
from tickets import services
from tickets.conversation import (
    SHOWN,
    ConversationChanged,
    conversation_changes,
    latest_event_id,
)
from tickets.models import Message, OutboundEmail, Promise, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def carl(desk):
    carl = UserFactory(username="carl", first_name="Carl", last_name="Clerk")
    desk.queue_a.agents.add(carl)
    return carl


def texts(ticket, seen, viewer):
    return [c.text + c.also for c in conversation_changes(ticket=ticket, seen_event_id=seen, viewer=viewer).items]


def test_latest_event_id_is_the_newest_event_or_zero(desk, ticket):
    assert latest_event_id(ticket) == 0
    services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="Note", internal=True)
    assert latest_event_id(ticket) == TicketEvent.objects.latest("id").pk


def test_customer_messages_replies_notes_and_others_changes_count(desk, ticket, carl):
    seen = latest_event_id(ticket)
    services.customer_reply_post(ticket=ticket, body="Any news?")
    services.agent_reply_post(ticket=ticket, agent=carl, body="Checking with the vendor.", internal=True)
    services.agent_reply_post(ticket=ticket, agent=carl, body="We're on it.", status_after="waiting")
    services.ticket_priority_change(ticket=ticket, agent=carl, priority=4)  # not news for a reply

    name = ticket.customer.name
    assert texts(ticket, seen, desk.agent_a) == [
        f"{name} wrote",
        "Carl Clerk added an internal note",
        # one change, as it was made: the reply took the unassigned ticket (ASSIGN_ON_REPLY) and set the status
        "Carl Clerk replied, took the ticket and changed the status to Waiting on customer",
    ]


def test_ones_own_status_and_assignee_changes_are_no_news_but_ones_own_reply_is(desk, ticket):
    seen = latest_event_id(ticket)
    services.ticket_status_change(ticket=ticket, agent=desk.agent_a, status="open")
    services.ticket_assign(ticket=ticket, agent=desk.agent_a, assignee_id=desk.agent_a.pk)
    assert texts(ticket, seen, desk.agent_a) == []

    services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="Sent from my other tab.")
    assert texts(ticket, seen, desk.agent_a) == ["You replied"]


def test_a_status_the_customers_reply_changed_is_said_without_blaming_them(desk, ticket):
    services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="Does it work now?", status_after="waiting")
    seen = latest_event_id(ticket)
    services.customer_reply_post(ticket=ticket, body="No.")
    assert texts(ticket, seen, desk.agent_a) == [f"{ticket.customer.name} wrote; the status changed to Open"]


def test_a_status_change_apart_from_a_message_is_its_own_change(desk, ticket, carl):
    seen = latest_event_id(ticket)
    services.agent_reply_post(ticket=ticket, agent=carl, body="Done.")  # new -> open, with the reply
    services.ticket_status_change(ticket=ticket, agent=carl, status="resolved")
    assert texts(ticket, seen, desk.agent_a) == [
        "Carl Clerk replied, took the ticket and changed the status to Open",  # took it: ASSIGN_ON_REPLY
        "Carl Clerk changed the status to Resolved",
    ]


def test_the_newest_few_are_named_and_more_is_said(desk, ticket):
    seen = latest_event_id(ticket)
    for n in range(SHOWN + 2):
        services.customer_reply_post(ticket=ticket, body=f"Message {n}")
    changes = conversation_changes(ticket=ticket, seen_event_id=seen, viewer=desk.agent_a)
    assert len(changes.items) == SHOWN
    assert changes.more
    assert changes.since == changes.items[0].at


def test_described_says_how_long_ago(desk, ticket):
    seen = latest_event_id(ticket)
    services.customer_reply_post(ticket=ticket, body="Hello?")
    [change] = conversation_changes(ticket=ticket, seen_event_id=seen, viewer=desk.agent_a).items
    assert change.described(change.at + timedelta(minutes=2)) == f"{ticket.customer.name} wrote 2 min ago"


def test_described_puts_the_time_with_the_person(desk, ticket, carl):
    seen = latest_event_id(ticket)
    services.agent_reply_post(ticket=ticket, agent=carl, body="Done.", status_after="resolved")
    [change] = conversation_changes(ticket=ticket, seen_event_id=seen, viewer=desk.agent_a).items
    later = change.at + timedelta(minutes=3)
    assert change.described(later) == "Carl Clerk replied 3 min ago, took the ticket and changed the status to Resolved"


def test_a_reply_over_a_newer_customer_message_writes_nothing_and_names_it(desk, ticket):
    services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="First answer.")
    seen = latest_event_id(ticket)
    services.customer_reply_post(ticket=ticket, body="Thanks, but it's still broken.")
    counts = (
        Message.objects.count(),
        TicketEvent.objects.count(),
        Promise.objects.count(),
        OutboundEmail.objects.count(),
    )
    pending = Promise.objects.get(ticket=ticket, state=Promise.State.PENDING)

    with pytest.raises(ConversationChanged) as raised:
        services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="Second answer.", seen_event_id=seen)

    assert [c.text for c in raised.value.changes.items] == [f"{ticket.customer.name} wrote"]
    assert raised.value.latest_event_id == latest_event_id(ticket)
    after = (
        Message.objects.count(),
        TicketEvent.objects.count(),
        Promise.objects.count(),
        OutboundEmail.objects.count(),
    )
    assert after == counts
    assert Promise.objects.get(ticket=ticket, state=Promise.State.PENDING) == pending  # untouched


def test_the_new_marker_sends(desk, ticket):
    seen = latest_event_id(ticket)
    services.customer_reply_post(ticket=ticket, body="Hello?")
    with pytest.raises(ConversationChanged) as raised:
        services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="Hi!", seen_event_id=seen)
    message = services.agent_reply_post(
        ticket=ticket, agent=desk.agent_a, body="Hi!", seen_event_id=raised.value.latest_event_id
    )
    assert message.body == "Hi!"


def test_a_note_is_asked_about_too(desk, ticket, carl):
    seen = latest_event_id(ticket)
    services.agent_reply_post(ticket=ticket, agent=carl, body="I'll call them.", internal=True)
    with pytest.raises(ConversationChanged):
        services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="Me too", internal=True, seen_event_id=seen)


def test_without_a_marker_nothing_is_checked(desk, ticket):
    services.customer_reply_post(ticket=ticket, body="Hello?")
    services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="Hi!")  # the API and older pages
    assert Message.objects.filter(ticket=ticket).count() == 2


def test_a_change_long_ago_still_counts_when_unseen(desk, ticket):
    seen = latest_event_id(ticket)
    with time_machine.travel(timezone.now() - timedelta(hours=3)):
        services.customer_reply_post(ticket=ticket, body="Earlier")
    assert texts(ticket, seen, desk.agent_a) == [f"{ticket.customer.name} wrote"]


def test_another_agents_assignment_is_news(desk, ticket, carl):
    seen = latest_event_id(ticket)
    services.ticket_assign(ticket=ticket, agent=carl, assignee_id=desk.agent_a.pk)
    assert texts(ticket, seen, desk.agent_a) == ["Carl Clerk assigned the ticket to Alice Agent"]
