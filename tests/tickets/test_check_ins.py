"""Follow-ups ("Is everything still working?") under a moving clock: scheduled when a ticket is
solved, due at the queue's next business moment, sent once, cancelled by a reopen or by the
customer writing meanwhile; the customer's answer lands on the ticket."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine

from tickets import services
from tickets.emails import build_email
from tickets.models import (
    BusinessCalendar,
    FollowUpRule,
    OpeningHours,
    OutboundEmail,
    ScheduledCheckIn,
    Ticket,
    TicketEvent,
)
from tickets.reply_address import reply_address
from tickets.services.check_ins import check_in_send, check_ins_send_due
from tickets.services.desk import tickets_status_change
from tickets.services.merge import ticket_merge

pytestmark = pytest.mark.django_db

THURSDAY_6PM = datetime(2026, 3, 5, 18, 0, tzinfo=UTC)  # after the office closed
MONDAY_9AM = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)


@pytest.fixture
def rule(desk) -> FollowUpRule:
    """Queue B keeps office hours (Mon-Fri 9-17 UTC); problems get a follow-up 2 days after solving."""
    FollowUpRule.objects.all().delete()  # the starting rules a fresh desk gets: this test sets its own
    calendar = BusinessCalendar.objects.create(name="Office", zone="UTC")
    OpeningHours.objects.bulk_create(
        OpeningHours(calendar=calendar, weekday=day, opens=time(9), closes=time(17)) for day in range(5)
    )
    desk.queue_b.calendar = calendar
    desk.queue_b.save()
    return FollowUpRule.objects.create(
        name="Still working?", kind="problem", days=2, message="Is the printer still printing?"
    )


def submit(desk, kind: str = Ticket.Kind.PROBLEM) -> Ticket:
    return services.ticket_submit(
        name="Grace Hopper",
        email="grace@example.org",
        kind=kind,
        subject="Printer prints blank pages",
        description="Every page is blank.",
        queue=desk.queue_b,
    ).ticket


@pytest.fixture
def solved(desk, rule) -> Ticket:
    """A problem solved by Bob on Thursday evening, after hours."""
    with time_machine.travel(THURSDAY_6PM - timedelta(hours=3), tick=False):
        ticket = submit(desk)
    with time_machine.travel(THURSDAY_6PM, tick=False):
        services.ticket_status_change(ticket=ticket, agent=desk.agent_b, status=Ticket.Status.RESOLVED)
    ticket.refresh_from_db()
    return ticket


def check_ins_sent() -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(kind=OutboundEmail.Kind.CHECK_IN))


def test_due_at_the_next_business_moment_two_days_after_the_solve(solved):
    check_in = ScheduledCheckIn.objects.get(ticket=solved)
    # Saturday 18:00 is out of hours: the follow-up waits for Monday's opening.
    assert check_in.due_at == MONDAY_9AM
    with time_machine.travel(MONDAY_9AM - timedelta(minutes=1), tick=False):
        assert check_ins_send_due() == 0
    assert check_ins_sent() == []
    with time_machine.travel(MONDAY_9AM, tick=False):
        assert check_ins_send_due() == 1
    [email] = check_ins_sent()
    assert email.ticket == solved and email.to_email == "grace@example.org"
    check_in.refresh_from_db()
    assert check_in.sent_at == MONDAY_9AM
    assert solved.events.filter(kind=TicketEvent.Kind.CHECK_IN_SENT).count() == 1


def test_the_email_says_the_rules_words_and_answers_to_the_tickets_signed_address(solved):
    with time_machine.travel(MONDAY_9AM, tick=False):
        check_ins_send_due()
    message = build_email(check_ins_sent()[0])
    assert message.reply_to == [reply_address(solved)]
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert solved.reference in message.subject
    assert "Hello Grace" in message.body and "Is the printer still printing?" in message.body
    assert "reply to this email" in message.body


def test_sent_never_twice_however_often_the_task_runs(solved):
    with time_machine.travel(MONDAY_9AM + timedelta(minutes=5), tick=False):
        assert check_ins_send_due() == 1
        assert check_ins_send_due() == 0
        check_in = ScheduledCheckIn.objects.get(ticket=solved)
        assert check_in_send(check_in_id=check_in.pk) is False  # a redelivered task message
    with time_machine.travel(MONDAY_9AM + timedelta(days=3), tick=False):
        assert check_ins_send_due() == 0
    assert len(check_ins_sent()) == 1


def test_a_reopen_cancels_it(desk, solved):
    with time_machine.travel(THURSDAY_6PM + timedelta(hours=16), tick=False):
        services.ticket_status_change(ticket=solved, agent=desk.agent_b, status=Ticket.Status.OPEN)
    check_in = ScheduledCheckIn.objects.get(ticket=solved)
    assert check_in.cancelled_at is not None and check_in.cancel_reason == "Reopened"
    with time_machine.travel(MONDAY_9AM + timedelta(hours=1), tick=False):
        assert check_ins_send_due() == 0
    assert check_ins_sent() == []
    assert solved.events.filter(kind=TicketEvent.Kind.CHECK_IN_CANCELLED, new_value="Reopened").exists()


def test_solved_again_after_a_reopen_owes_one_new_follow_up(desk, solved):
    with time_machine.travel(THURSDAY_6PM + timedelta(hours=16), tick=False):  # Friday 10:00
        services.ticket_status_change(ticket=solved, agent=desk.agent_b, status=Ticket.Status.OPEN)
        services.ticket_status_change(ticket=solved, agent=desk.agent_b, status=Ticket.Status.RESOLVED)
    assert [c.state for c in ScheduledCheckIn.objects.filter(ticket=solved).order_by("id")] == [
        "cancelled",
        "scheduled",
    ]
    with time_machine.travel(datetime(2026, 3, 10, tzinfo=UTC), tick=False):
        assert check_ins_send_due() == 1
    assert len(check_ins_sent()) == 1


def test_the_customer_writing_meanwhile_cancels_it(solved):
    with time_machine.travel(THURSDAY_6PM + timedelta(days=1), tick=False):
        services.customer_write(ticket=solved, body="Thanks, it works!")
    check_in = ScheduledCheckIn.objects.get(ticket=solved)
    assert check_in.cancel_reason == "The customer wrote"
    with time_machine.travel(MONDAY_9AM, tick=False):
        assert check_ins_send_due() == 0
    assert check_ins_sent() == []


def test_the_customer_writing_to_a_closed_ticket_cancels_it_too(desk, solved):
    with time_machine.travel(THURSDAY_6PM + timedelta(hours=1), tick=False):
        services.ticket_status_change(ticket=solved, agent=desk.agent_b, status=Ticket.Status.CLOSED)
        written = services.customer_write(ticket=solved, body="One more thing.")
    assert written.opened  # a closed ticket: a follow-up ticket, as always
    assert ScheduledCheckIn.objects.get(ticket=solved).state == "cancelled"


def test_an_autoreply_cancels_nothing(solved):
    with time_machine.travel(THURSDAY_6PM + timedelta(days=1), tick=False):
        services.customer_write(ticket=solved, body="I'm out of office.", automatic=True)
    assert ScheduledCheckIn.objects.get(ticket=solved).state == "scheduled"


def test_the_answer_lands_on_the_ticket_even_once_closed(desk, solved, settings):
    settings.REOPEN_WITHIN_DAYS = 0  # a solved ticket takes no reply: only the follow-up's answer
    with time_machine.travel(MONDAY_9AM, tick=False):
        check_ins_send_due()
    with time_machine.travel(MONDAY_9AM + timedelta(hours=1), tick=False):
        services.ticket_status_change(ticket=solved, agent=desk.agent_b, status=Ticket.Status.CLOSED)
    with time_machine.travel(MONDAY_9AM + timedelta(days=2), tick=False):
        written = services.customer_write(ticket=solved, body="Yes, all good now, thank you.")
    assert (written.ticket, written.opened) == (solved, False)
    assert Ticket.objects.count() == 1
    solved.refresh_from_db()
    assert solved.status == Ticket.Status.CLOSED  # closed stays closed; the assignee is told
    assert solved.messages.order_by("-id").first().body == "Yes, all good now, thank you."


def test_past_the_answer_window_a_closed_ticket_opens_a_follow_up_ticket(desk, solved, settings):
    settings.CHECK_IN_ANSWER_DAYS = 7
    with time_machine.travel(MONDAY_9AM, tick=False):
        check_ins_send_due()
        services.ticket_status_change(ticket=solved, agent=desk.agent_b, status=Ticket.Status.CLOSED)
    with time_machine.travel(MONDAY_9AM + timedelta(days=8), tick=False):
        written = services.customer_write(ticket=solved, body="Broken again.")
    assert written.opened and written.ticket != solved


def test_a_bulk_close_schedules_them_and_a_merged_duplicate_gets_none(desk, rule):
    first, second, duplicate = submit(desk), submit(desk), submit(desk)
    ticket_merge(source=duplicate, target=first, agent=desk.agent_b)
    tickets_status_change(ticket_ids=[first.pk, second.pk], agent=desk.agent_b, status=Ticket.Status.CLOSED)
    assert set(ScheduledCheckIn.objects.values_list("ticket_id", flat=True)) == {first.pk, second.pk}


def test_only_rules_of_the_tickets_kind_and_active_ones_apply(desk, rule):
    FollowUpRule.objects.create(name="Old", kind="problem", days=5, message="x", active=False)
    FollowUpRule.objects.create(name="Complaint", kind="complaint", days=5, message="x")
    ticket = submit(desk)
    services.ticket_status_change(ticket=ticket, agent=desk.agent_b, status=Ticket.Status.RESOLVED)
    assert list(ScheduledCheckIn.objects.values_list("rule__name", flat=True)) == ["Still working?"]


def test_a_ticket_reopened_without_the_hook_is_still_never_sent(solved):
    """A safety net at send time: a change that skipped the hooks (a raw update) is caught."""
    Ticket.objects.filter(pk=solved.pk).update(status=Ticket.Status.OPEN)
    with time_machine.travel(MONDAY_9AM, tick=False):
        assert check_ins_send_due() == 0
    assert ScheduledCheckIn.objects.get(ticket=solved).cancel_reason == "Reopened"
