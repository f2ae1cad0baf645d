"""Praise: a customer's message marked for the agent who helped; listed per agent and counted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import TicketFactory
from tickets.models import Message, Praise, TicketEvent
from tickets.selectors_care import praise_by_agent, praise_for_agent
from tickets.services.praise import praise_mark, praise_record

pytestmark = pytest.mark.django_db


def message(ticket, *, kind: str, user=None, body: str = "Thanks!", visibility: str = "public") -> Message:
    return Message.objects.create(
        ticket=ticket, author_kind=kind, author_user=user, body=body, visibility=visibility, created_at=timezone.now()
    )


def test_the_agent_who_answered_last_is_credited(desk, ticket):
    message(ticket, kind="agent", user=desk.agent_b, body="Try this.")
    message(ticket, kind="agent", user=desk.agent_a, body="And this.")
    thanks = message(ticket, kind="customer", body="You're a star, Alice!")
    message(ticket, kind="agent", user=desk.agent_b, body="Glad it works.")  # after the thanks: not credited
    praise = praise_mark(ticket=ticket, message_id=thanks.pk, marked_by=desk.agent_b)
    assert (praise.agent, praise.marked_by, praise.message) == (desk.agent_a, desk.agent_b, thanks)
    assert ticket.events.get(kind=TicketEvent.Kind.PRAISE_MARKED).new_value == "Alice Agent"
    assert list(praise_for_agent(desk.agent_a)) == [praise]


def test_no_reply_yet_credits_the_assignee_or_refuses(desk, ticket):
    thanks = message(ticket, kind="customer")
    with pytest.raises(ValidationError, match="no one to credit"):
        praise_mark(ticket=ticket, message_id=thanks.pk, marked_by=desk.agent_a)
    ticket.assignee = desk.agent_a
    ticket.save()
    assert praise_mark(ticket=ticket, message_id=thanks.pk, marked_by=desk.agent_a).agent == desk.agent_a


def test_a_message_is_praised_once(desk, ticket):
    message(ticket, kind="agent", user=desk.agent_a)
    thanks = message(ticket, kind="customer")
    praise_mark(ticket=ticket, message_id=thanks.pk, marked_by=desk.agent_a)
    with pytest.raises(ValidationError, match="already"):
        praise_mark(ticket=ticket, message_id=thanks.pk, marked_by=desk.agent_b)
    assert Praise.objects.count() == 1


def test_only_a_customers_public_message_on_this_ticket(desk, ticket):
    reply = message(ticket, kind="agent", user=desk.agent_a)
    elsewhere = message(TicketFactory(queue=desk.queue_a), kind="customer")
    for wrong in (reply, elsewhere):
        with pytest.raises(ValidationError, match="customer's message"):
            praise_mark(ticket=ticket, message_id=wrong.pk, marked_by=desk.agent_a)


def test_a_rating_comment_is_praise_too_and_counted_per_agent_over_a_range(desk, ticket):
    praise_record(ticket=ticket, marked_by=None, text="Bob was wonderful.", agent=desk.agent_b)
    message(ticket, kind="agent", user=desk.agent_a)
    praise_mark(ticket=ticket, message_id=message(ticket, kind="customer").pk, marked_by=desk.agent_b)
    now = timezone.now()
    counts = praise_by_agent(start=now - timedelta(days=1), end=now + timedelta(seconds=1))
    assert counts == {desk.agent_a.pk: 1, desk.agent_b.pk: 1}
    assert praise_by_agent(start=now + timedelta(seconds=1), end=now + timedelta(days=1)) == {}
