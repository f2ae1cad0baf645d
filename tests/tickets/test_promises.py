"""Promise bookkeeping through the ticket services (docs/reliability.md §2, rules 3-6 and 12)."""

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import TicketFactory
from tickets import services
from tickets.models import BusinessCalendar, OpeningHours, Promise, SlaPolicy, Ticket
from tickets.selectors import busy_factor

MONDAY_10 = datetime(2026, 1, 12, 10, 0, tzinfo=UTC)  # calendar below: UTC, Mon-Fri 09:00-17:00


@pytest.fixture
def office(desk) -> BusinessCalendar:
    calendar = BusinessCalendar.objects.create(name="Test office", zone="UTC")
    OpeningHours.objects.bulk_create(
        OpeningHours(calendar=calendar, weekday=day, opens=time(9), closes=time(17)) for day in range(5)
    )
    desk.queue_a.calendar = calendar
    desk.queue_a.save()
    return calendar


@pytest.fixture
def policy(office) -> SlaPolicy:
    SlaPolicy.objects.update(is_active=False)  # only this test's policy counts
    return SlaPolicy.objects.create(
        name="Problems", kind="problem", first_response_minutes=240, next_update_minutes=120,
        resolution_minutes=1440, remind_before_minutes=30,
    )  # fmt: skip


def submit(**extra):
    data = {"name": "Ada", "email": "ada@example.com", "kind": "problem", "subject": "Broken", "description": "x"}
    return services.ticket_submit(**{**data, **extra}).ticket


def pending(ticket) -> Promise:
    return ticket.promises.get(state="pending")


@pytest.mark.django_db
def test_intake_promises_a_first_response_in_business_hours(policy):
    with time_machine.travel(datetime(2026, 1, 9, 15, 0, tzinfo=UTC), tick=False):  # Friday 15:00
        ticket = submit()
    promise = pending(ticket)
    assert promise.kind == "first_response" and promise.source == "policy"
    assert promise.due_at == datetime(2026, 1, 12, 11, 0, tzinfo=UTC)  # 2 h Friday + 2 h Monday
    assert promise.remind_at == datetime(2026, 1, 12, 10, 30, tzinfo=UTC)
    ticket.refresh_from_db()
    assert ticket.next_due_at == promise.due_at


@pytest.mark.django_db
def test_a_reply_on_time_keeps_the_promise_and_makes_the_next(policy, desk):
    with time_machine.travel(MONDAY_10, tick=False):
        ticket = submit()
    with time_machine.travel(MONDAY_10 + timedelta(hours=1), tick=False):
        services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="On it")
    first = ticket.promises.get(kind="first_response")
    assert (first.state, first.fulfilled_at) == ("kept", MONDAY_10 + timedelta(hours=1))
    nxt = pending(ticket)
    assert nxt.kind == "next_update" and nxt.due_at == MONDAY_10 + timedelta(hours=3)
    ticket.refresh_from_db()
    assert ticket.next_due_at == nxt.due_at


@pytest.mark.django_db
def test_a_late_reply_records_the_promise_as_broken(policy, desk):
    with time_machine.travel(MONDAY_10, tick=False):
        ticket = submit()
    with time_machine.travel(MONDAY_10 + timedelta(hours=5), tick=False):
        services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="Sorry for the wait")
    first = ticket.promises.get(kind="first_response")
    assert first.state == "broken" and first.settled_at == MONDAY_10 + timedelta(hours=4)


@pytest.mark.django_db
def test_agent_chooses_the_next_update_within_limits(policy, desk):
    with time_machine.travel(MONDAY_10, tick=False):
        ticket = submit()
        chosen = MONDAY_10 + timedelta(days=2)
        services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="Will check", next_due_at=chosen)
        promise = pending(ticket)
        assert (promise.due_at, promise.source, promise.made_by) == (chosen, "agent", desk.agent_a)
        for bad in (MONDAY_10 - timedelta(minutes=1), MONDAY_10 + timedelta(days=367)):
            with pytest.raises(ValidationError) as error:
                services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="x", next_due_at=bad)
            assert "next_update_at" in error.value.message_dict
    assert ticket.messages.count() == 2  # the refused replies left nothing behind
    assert pending(ticket).due_at == chosen


@pytest.mark.django_db
def test_waiting_on_customer_pauses_and_their_reply_restarts_fresh(policy, desk):
    with time_machine.travel(MONDAY_10, tick=False):
        ticket = submit()
        services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="Which version?", status_after="waiting")
    promise = pending(ticket)
    assert promise.is_paused and promise.due_at is None and promise.remaining_seconds == 120 * 60
    ticket.refresh_from_db()
    assert ticket.next_due_at is None
    reply_at = datetime(2026, 1, 14, 16, 30, tzinfo=UTC)  # two days later, 30 min before closing
    with time_machine.travel(reply_at, tick=False):
        services.customer_reply_post(ticket=ticket, body="Version 2")
    promise.refresh_from_db()
    assert not promise.is_paused
    assert promise.due_at == datetime(2026, 1, 15, 10, 30, tzinfo=UTC)  # a fresh 2 business hours
    ticket.refresh_from_db()
    assert (ticket.status, ticket.next_due_at) == ("open", promise.due_at)


@pytest.mark.django_db
def test_resolving_ends_the_promise(policy, desk):
    with time_machine.travel(MONDAY_10, tick=False):
        ticket = submit()
        services.ticket_status_change(ticket=ticket, agent=desk.agent_a, status="resolved")
    assert ticket.promises.get().state == "ended"
    ticket.refresh_from_db()
    assert ticket.next_due_at is None


@pytest.mark.django_db
def test_a_solving_reply_keeps_the_promise_and_makes_no_new_one(policy, desk):
    with time_machine.travel(MONDAY_10, tick=False):
        ticket = submit()
        services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="Fixed", status_after="resolved")
    assert list(ticket.promises.values_list("state", flat=True)) == ["kept"]


@pytest.mark.django_db
def test_reopening_a_solved_ticket_makes_a_fresh_promise(policy, desk):
    with time_machine.travel(MONDAY_10, tick=False):
        ticket = submit()
        services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="Fixed", status_after="resolved")
        services.customer_reply_post(ticket=ticket, body="Not fixed")
    promise = pending(ticket)
    assert promise.due_at == MONDAY_10 + timedelta(hours=2)


@pytest.mark.django_db
def test_the_database_allows_one_pending_promise_per_ticket(policy):
    ticket = submit()
    with pytest.raises(IntegrityError), transaction.atomic():
        Promise.objects.create(ticket=ticket, kind="next_update", source="agent", created_at=ticket.created_at)


@pytest.mark.django_db
def test_no_policy_means_no_promise(desk):
    SlaPolicy.objects.update(is_active=False)
    ticket = submit()
    assert not ticket.promises.exists()
    assert Ticket.objects.get(pk=ticket.pk).next_due_at is None


@pytest.mark.django_db
def test_an_overloaded_desk_stretches_the_first_promise(policy, desk):
    desk.queue_a.busy_threshold = 2
    desk.queue_a.save()
    with time_machine.travel(MONDAY_10, tick=False):
        for _ in range(5):
            submit()
        ticket = submit()
    assert busy_factor(ticket) == 3.0  # 6 unassigned tickets, 1 agent on duty, threshold 2
    assert pending(ticket).due_at > MONDAY_10 + timedelta(hours=4)
    assert ticket.emails.get(kind="ack").context == {"busy": True}


@pytest.mark.django_db
def test_the_stretch_stops_at_its_cap_and_counts_no_further(desk, django_assert_max_num_queries):
    desk.queue_a.busy_threshold = 1
    desk.queue_a.save()
    tickets = TicketFactory.create_batch(5 * 1 * 1 + 1, queue=desk.queue_a)  # just past MAX_STRETCH (5)
    assert busy_factor(tickets[0]) == 5.0
    TicketFactory.create_batch(30, queue=desk.queue_a)
    with django_assert_max_num_queries(4) as captured:  # the agents on duty and a count that stops at the cap
        assert busy_factor(tickets[0]) == 5.0
    assert any("LIMIT 6" in query["sql"] for query in captured.captured_queries)  # 1 x 1 agent x 5, plus one
    assert busy_factor(TicketFactory(queue=desk.queue_b)) == 1.0  # no threshold set


@pytest.mark.django_db
def test_the_customers_zone_is_remembered_and_junk_ignored(policy):
    ticket = submit(timezone_name="America/New_York")
    assert ticket.customer.timezone == "America/New_York"
    other = submit(email="bob@example.com", timezone_name="Mars/Olympus_Mons")
    assert other.customer.timezone == ""


# --- The rule: waiting on the customer (docs/promises.md, "Waiting on the customer") ---


def reply_email_text(ticket) -> str:
    """The text part of the email the customer gets for the ticket's latest reply."""
    from tickets.emails import build_email
    from tickets.models import OutboundEmail

    return str(build_email(ticket.emails.filter(kind=OutboundEmail.Kind.AGENT_REPLY).latest("id")).body)


@pytest.mark.django_db
def test_waiting_with_a_picked_time_is_refused_when_the_policy_pauses(policy, desk):
    with time_machine.travel(MONDAY_10, tick=False):
        ticket = submit()
        first = pending(ticket)
        with pytest.raises(ValidationError) as error:
            services.agent_reply_post(
                ticket=ticket, agent=desk.agent_a, body="Which version?", status_after="waiting",
                next_due_at=MONDAY_10 + timedelta(days=1),
            )  # fmt: skip
    message = error.value.message_dict["next_update_at"][0]
    assert "pauses the clock" in message and "until Ada answers" in message
    assert not ticket.messages.filter(author_kind="agent").exists()  # nothing half-written
    assert pending(ticket) == first and first.due_at is not None
    ticket.refresh_from_db()
    assert ticket.status == "new"


@pytest.mark.django_db
def test_waiting_promises_no_time_and_the_customers_answer_gets_the_interval(policy, desk):
    with time_machine.travel(MONDAY_10, tick=False):
        ticket = submit()
        services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="Which version?", status_after="waiting")
        text = reply_email_text(ticket)
    promise = pending(ticket)
    assert (promise.kind, promise.due_at, promise.is_paused) == ("next_update", None, True)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.next_due_at) == ("waiting", None)
    assert "once you answer, we'll update you within 2 business hours" in text
    assert "update you again by" not in text  # no time is stated
    made = ticket.events.filter(kind="promise_made").latest("id").new_value
    assert made == "clock paused until the customer answers, then an update within 2 business hours"

    answer = datetime(2026, 1, 13, 16, 0, tzinfo=UTC)  # Tuesday 16:00: 1 h today, 1 h tomorrow
    with time_machine.travel(answer, tick=False):
        services.customer_reply_post(ticket=ticket, body="Version 2")
    promise.refresh_from_db()
    assert promise.due_at == datetime(2026, 1, 14, 10, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_a_policy_that_does_not_pause_keeps_the_agents_time_while_waiting(policy, desk):
    policy.pause_when_waiting = False
    policy.save()
    chosen = datetime(2026, 1, 13, 10, 0, tzinfo=UTC)
    with time_machine.travel(MONDAY_10, tick=False):
        ticket = submit()
        services.agent_reply_post(
            ticket=ticket, agent=desk.agent_a, body="Which version?", status_after="waiting", next_due_at=chosen
        )
        text = reply_email_text(ticket)
    promise = pending(ticket)
    assert (promise.due_at, promise.is_paused) == (chosen, False)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.next_due_at) == ("waiting", chosen)
    assert "We'll update you again by tomorrow at 10:00 (UTC)." in text
    assert ticket.events.filter(kind="promise_made").latest("id").new_value == chosen.isoformat()


@pytest.mark.django_db
def test_pausing_a_longer_promise_tells_the_time_the_answer_will_really_get(policy, desk):
    """A first-response promise with 4 h left is paused: the customer is told 4 h, not the 2 h interval."""
    with time_machine.travel(MONDAY_10, tick=False):
        ticket = submit()
        services.ticket_status_change(ticket=ticket, agent=desk.agent_a, status="waiting")
    paused = ticket.events.filter(kind="promise_paused").get().new_value
    assert paused.endswith("an update within 4 business hours")
    with time_machine.travel(MONDAY_10 + timedelta(days=1), tick=False):
        services.customer_reply_post(ticket=ticket, body="Here you go")
    assert pending(ticket).due_at == MONDAY_10 + timedelta(days=1, hours=4)


@pytest.mark.django_db
def test_the_promise_services_write_the_queue_sort_key_themselves(policy, desk):
    """``next_due_at`` orders the queue: each promise service writes it to the row, with no save by the caller."""
    from tickets.services.promises import promise_pause, promise_resume

    with time_machine.travel(MONDAY_10, tick=False):
        ticket = submit()
        due = pending(ticket).due_at
        promise_pause(ticket=ticket, at=MONDAY_10)  # nobody saves the ticket after this
        assert Ticket.objects.get(pk=ticket.pk).next_due_at is None
        promise_resume(ticket=ticket, at=MONDAY_10, fresh=False)
        assert Ticket.objects.get(pk=ticket.pk).next_due_at == due == pending(ticket).due_at
