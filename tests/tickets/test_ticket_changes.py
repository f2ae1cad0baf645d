"""``ticket_change`` (several changes as one) and ``ticket_promise_set`` (tickets/services/changes.py),
and ``events_via`` (the way in recorded on every event of a write)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tickets.models import Promise, Ticket, TicketEvent
from tickets.services.changes import ticket_change, ticket_promise_set
from tickets.services.events import events_via

pytestmark = pytest.mark.django_db


def test_changes_land_together(ticket, desk):
    assert ticket_change(ticket=ticket, agent=desk.agent_a, status="open", priority=4, assignee_id=desk.agent_a.pk)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.assignee_id) == ("open", 4, desk.agent_a.pk)


def test_one_refused_change_undoes_the_others(ticket, desk):
    before = TicketEvent.objects.count()
    with pytest.raises(ValidationError):
        ticket_change(ticket=ticket, agent=desk.agent_a, status="open", assignee_id=desk.agent_b.pk)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.NEW
    assert TicketEvent.objects.count() == before


def test_nothing_given_changes_nothing(ticket, desk):
    assert not ticket_change(ticket=ticket, agent=desk.agent_a)


def test_a_promise_set_supersedes_the_pending_one(ticket, desk):
    first = ticket_promise_set(ticket=ticket, agent=desk.agent_a, due_at=timezone.now() + timedelta(hours=2))
    second = ticket_promise_set(ticket=ticket, agent=desk.agent_a, due_at=timezone.now() + timedelta(hours=5))
    first.refresh_from_db()
    ticket.refresh_from_db()
    assert (first.state, second.state) == (Promise.State.SUPERSEDED, Promise.State.PENDING)
    assert ticket.next_due_at == second.due_at


def test_a_promise_while_the_clock_is_paused_is_refused(ticket, desk):
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.WAITING)
    with pytest.raises(ValidationError) as refused:
        ticket_promise_set(ticket=ticket, agent=desk.agent_a, due_at=timezone.now() + timedelta(hours=2))
    assert "next_update_at" in refused.value.message_dict
    assert not Promise.objects.exists()


def test_events_record_the_way_in_only_inside_the_block(ticket, desk):
    with events_via(via=TicketEvent.Via.API, label="Shop website"):
        ticket_change(ticket=ticket, agent=desk.agent_a, priority=3)
    ticket_change(ticket=ticket, agent=desk.agent_a, priority=4)
    rows = list(TicketEvent.objects.filter(kind=TicketEvent.Kind.PRIORITY_CHANGED).values_list("via", "via_label"))
    assert rows == [("api", "Shop website"), ("", "")]
