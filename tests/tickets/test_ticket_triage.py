"""Moving a ticket to another queue and correcting its kind: the policy and the pending promise
follow (docs/promises.md, "Moves"), the assignee too, and the event says so."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from tickets import services
from tickets.models import Notice, Promise, SlaPolicy, Ticket, TicketEvent
from tickets.services.sweep import promise_sweep
from tickets.services.triage import ticket_triage
from tickets.triage_text import event_sentence

T0 = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
UTC_ZONE = ZoneInfo("UTC")
Effect = TicketEvent.PromiseEffect

pytestmark = pytest.mark.django_db


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.fixture
def policies(desk):
    """Around-the-clock policies, so the arithmetic is plain: Billing answers problems within 4 h,
    Technical within 1 h; complaints anywhere within 30 min."""
    SlaPolicy.objects.update(is_active=False)
    common = {"resolution_minutes": 2880, "calendar_hours": True}
    SlaPolicy.objects.create(
        name="Billing problems", kind="problem", queue=desk.queue_a, first_response_minutes=240,
        next_update_minutes=120, remind_before_minutes=30, **common,
    )  # fmt: skip
    SlaPolicy.objects.create(
        name="Technical problems", kind="problem", queue=desk.queue_b, first_response_minutes=60,
        next_update_minutes=60, remind_before_minutes=15, **common,
    )  # fmt: skip
    SlaPolicy.objects.create(
        name="Complaints", kind="complaint", first_response_minutes=30, next_update_minutes=60,
        remind_before_minutes=10, **common,
    )  # fmt: skip


def submit(**extra) -> Ticket:
    data = {"name": "Dana Scully", "email": "dana@example.com", "kind": "problem", "subject": "VPN drops"}
    with time_machine.travel(T0, tick=False):
        return services.ticket_submit(**{**data, "description": "Every hour.", **extra}).ticket


def move(ticket, agent, *, minutes: int, queue=None, kind=None):
    with time_machine.travel(at(minutes), tick=False):
        return ticket_triage(ticket=ticket, agent=agent, queue_id=(queue or ticket.queue).pk, kind=kind or ticket.kind)


def pending(ticket) -> Promise:
    return ticket.promises.get(state=Promise.State.PENDING)


def last_event(ticket, kind) -> TicketEvent:
    return ticket.events.filter(kind=kind).latest("id")


def test_a_move_to_a_stricter_queue_recounts_the_promise_from_when_it_was_made(policies, desk):
    ticket = submit()
    assert pending(ticket).due_at == at(240)

    done = move(ticket, desk.agent_a, minutes=20, queue=desk.queue_b)

    assert (done.changed, done.replanned.effect, done.replanned.due_at) == (True, Effect.RECALCULATED, at(60))
    promise = pending(ticket)
    assert (promise.due_at, promise.kind, promise.source, promise.policy.name) == (
        at(60), "first_response", "policy", "Technical problems",
    )  # fmt: skip
    assert promise.remind_at == at(45)
    assert ticket.promises.get(state=Promise.State.SUPERSEDED).due_at == at(240)
    ticket.refresh_from_db()
    assert (ticket.queue, ticket.next_due_at) == (desk.queue_b, at(60))
    event = last_event(ticket, TicketEvent.Kind.QUEUE_CHANGED)
    assert (event.old_value, event.new_value, event.actor) == ("Billing", "Technical", desk.agent_a)
    assert event_sentence(event, UTC_ZONE) == (
        "moved from Billing to Technical; next update now due Mon 12 Jan 10:00 (UTC)"
    )
    kinds = list(ticket.events.filter(created_at=at(20)).values_list("kind", flat=True))
    assert kinds == ["queue_changed", "promise_superseded", "promise_made"]  # every promise row has its event


def test_a_move_to_a_laxer_queue_never_makes_the_customer_wait_longer_than_told(policies, desk):
    ticket = submit(queue=desk.queue_b)  # Technical: within 1 h
    done = move(ticket, desk.agent_b, minutes=10, queue=desk.queue_a)  # Billing would give 4 h
    assert (done.replanned.effect, done.replanned.due_at) == (Effect.STANDS, at(60))
    assert ticket.promises.count() == 1 and pending(ticket).due_at == at(60)
    sentence = event_sentence(last_event(ticket, TicketEvent.Kind.QUEUE_CHANGED), UTC_ZONE)
    assert sentence == "moved from Technical to Billing; the promise stands, due Mon 12 Jan 10:00 (UTC)"


def test_a_recount_already_past_is_due_a_reminder_lead_from_now_with_no_breach_on_the_spot(policies, desk):
    ticket = submit()
    move(ticket, desk.agent_a, minutes=30, queue=desk.queue_b)  # 1 h from 09:00: 10:00, 30 min ahead
    assert pending(ticket).due_at == at(60)
    late = submit(subject="Scanner")
    move(late, desk.agent_a, minutes=50, queue=desk.queue_b)  # 10:00 is only 10 min ahead: the lead is 15
    assert pending(late).due_at == at(65)

    other = submit(subject="Printer")
    done = move(other, desk.agent_a, minutes=90, queue=desk.queue_b)  # 10:00 has passed
    promise = pending(other)
    assert (done.replanned.effect, promise.due_at, promise.remind_at) == (Effect.RECALCULATED, at(105), at(90))
    with time_machine.travel(at(91), tick=False):
        promise_sweep()  # (the two tickets above are overdue by now and get their breach notices)
    notice = Notice.objects.get(ticket=other)  # the new queue hears at once: "due soon", not "broken"
    assert (notice.kind, notice.user) == (Notice.Kind.REMINDER, desk.agent_b)
    assert pending(other).due_at == at(105)


def test_a_promise_overdue_at_the_move_is_recorded_broken_and_no_breach_notice_follows(policies, desk):
    ticket = submit()
    done = move(ticket, desk.agent_a, minutes=241, queue=desk.queue_b)
    assert (done.replanned.effect, done.replanned.due_at) == (Effect.BROKEN, at(240))
    promise = ticket.promises.get()
    assert (promise.state, promise.breach_notified_at) == (Promise.State.BROKEN, None)
    assert not ticket.promises.filter(state=Promise.State.PENDING).exists()
    ticket.refresh_from_db()
    assert ticket.next_due_at == at(240)  # stays overdue at the top of its new queue until someone replies
    with time_machine.travel(at(300), tick=False):
        assert promise_sweep().breaches == 0
    assert not Notice.objects.exists()
    assert "already overdue and is recorded as broken" in event_sentence(
        last_event(ticket, TicketEvent.Kind.QUEUE_CHANGED), UTC_ZONE
    )


def test_correcting_the_kind_to_a_complaint_tightens_the_promise(policies, desk):
    ticket = submit()
    done = move(ticket, desk.agent_a, minutes=5, kind=Ticket.Kind.COMPLAINT)
    assert (done.replanned.effect, pending(ticket).due_at) == (Effect.RECALCULATED, at(30))
    event = last_event(ticket, TicketEvent.Kind.KIND_CHANGED)
    assert (event.old_value, event.new_value) == ("Problem", "Complaint")
    assert event_sentence(event, UTC_ZONE).startswith("kind corrected from Problem to Complaint; next update now due")
    ticket.refresh_from_db()
    assert ticket.kind == Ticket.Kind.COMPLAINT


def test_moving_and_correcting_at_once_makes_two_events_and_one_promise(policies, desk):
    ticket = submit()
    move(ticket, desk.agent_a, minutes=5, queue=desk.queue_b, kind=Ticket.Kind.COMPLAINT)
    assert pending(ticket).due_at == at(30)
    queue_event = last_event(ticket, TicketEvent.Kind.QUEUE_CHANGED)
    kind_event = last_event(ticket, TicketEvent.Kind.KIND_CHANGED)
    assert (queue_event.promise_effect, kind_event.promise_effect) == ("", Effect.RECALCULATED)
    assert ticket.promises.filter(state=Promise.State.SUPERSEDED).count() == 1


def test_a_paused_promise_and_an_agents_promise_stand_as_made(policies, desk):
    waiting = submit()
    with time_machine.travel(at(10), tick=False):
        services.agent_reply_post(ticket=waiting, agent=desk.agent_a, body="Which VPN?", status_after="waiting")
    done = move(waiting, desk.agent_a, minutes=20, kind=Ticket.Kind.COMPLAINT)
    assert done.replanned.effect == Effect.PAUSED and pending(waiting).is_paused

    picked = submit(subject="Other")
    with time_machine.travel(at(10), tick=False):
        services.agent_reply_post(ticket=picked, agent=desk.agent_a, body="Tomorrow", next_due_at=at(24 * 60))
    done = move(picked, desk.agent_a, minutes=20, kind=Ticket.Kind.COMPLAINT)
    assert (done.replanned.effect, pending(picked).due_at) == (Effect.STANDS, at(24 * 60))


def test_no_pending_promise_nothing_to_recount(policies, desk):
    ticket = submit()
    with time_machine.travel(at(10), tick=False):
        services.ticket_status_change(ticket=ticket, agent=desk.agent_a, status=Ticket.Status.RESOLVED)
    done = move(ticket, desk.agent_a, minutes=20, queue=desk.queue_b)
    assert done.replanned.effect == "" and not ticket.promises.filter(state=Promise.State.PENDING).exists()
    assert event_sentence(last_event(ticket, TicketEvent.Kind.QUEUE_CHANGED), UTC_ZONE) == (
        "moved from Billing to Technical"
    )


def test_an_assignee_outside_the_new_queue_is_unassigned_one_inside_stays(policies, desk):
    ticket = submit()
    services.ticket_assign(ticket=ticket, agent=desk.agent_a, assignee_id=desk.agent_a.pk)
    move(ticket, desk.agent_a, minutes=5, queue=desk.queue_b)
    ticket.refresh_from_db()
    assert ticket.assignee is None
    assigned = last_event(ticket, TicketEvent.Kind.ASSIGNED)
    assert (assigned.old_value, assigned.new_value) == ("Alice Agent", "Unassigned")

    desk.queue_a.agents.add(desk.agent_b)
    services.ticket_assign(ticket=ticket, agent=desk.agent_b, assignee_id=desk.agent_b.pk)
    move(ticket, desk.agent_b, minutes=6, queue=desk.queue_a)
    ticket.refresh_from_db()
    assert ticket.assignee == desk.agent_b


def test_nothing_to_change_changes_nothing(policies, desk):
    ticket = submit()
    events = ticket.events.count()
    assert not move(ticket, desk.agent_a, minutes=5).changed
    assert ticket.events.count() == events and ticket.promises.count() == 1


@pytest.mark.parametrize(("field", "kind", "queue_id"), [("kind", "urgent", None), ("queue", "problem", 999_999)])
def test_an_unknown_kind_or_queue_is_refused_and_nothing_is_written(policies, desk, field, kind, queue_id):
    ticket = submit()
    events = ticket.events.count()
    with pytest.raises(ValidationError) as refused:
        ticket_triage(ticket=ticket, agent=desk.agent_a, queue_id=queue_id or desk.queue_b.pk, kind=kind)
    assert field in refused.value.message_dict
    ticket.refresh_from_db()
    assert (ticket.queue, ticket.kind, ticket.events.count()) == (desk.queue_a, "problem", events)
