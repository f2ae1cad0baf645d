"""``customer_write``: where a customer's message goes, the same for the private page and email.

A resolved ticket reopens within REOPEN_WITHIN_DAYS of being solved; later, or once closed, the
message opens a new ticket that follows the old one, and a second message joins that follow-up.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from tickets import services
from tickets.models import OutboundEmail, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def solved(desk, settings) -> Ticket:
    """A problem in queue B, solved by Bob through the desk just now; the window is 14 days."""
    settings.REOPEN_WITHIN_DAYS = 14
    submitted = services.ticket_submit(
        name="Grace Hopper",
        email="grace@example.org",
        kind=Ticket.Kind.PROBLEM,
        subject="Printer prints blank pages",
        description="Every page is blank.",
        queue=desk.queue_b,
    )
    services.ticket_status_change(ticket=submitted.ticket, agent=desk.agent_b, status=Ticket.Status.RESOLVED)
    submitted.ticket.refresh_from_db()
    return submitted.ticket


def acks() -> list[str]:
    return list(
        OutboundEmail.objects.filter(kind=OutboundEmail.Kind.ACKNOWLEDGEMENT)
        .order_by("id")
        .values_list("ticket__subject", flat=True)
    )


@pytest.mark.parametrize("days", [0, 13, 14])
def test_a_reply_within_the_window_reopens_the_solved_ticket(solved, days):
    with time_machine.travel(solved.resolved_at + timedelta(days=days) - timedelta(minutes=1 if days else 0)):
        written = services.customer_write(ticket=solved, body="It's blank again.")
    solved.refresh_from_db()
    assert (written.ticket, written.opened) == (solved, False)
    assert solved.status == Ticket.Status.OPEN and solved.resolved_at is None
    assert Ticket.objects.count() == 1


def test_past_the_window_a_new_ticket_follows_the_solved_one(solved):
    with time_machine.travel(solved.resolved_at + timedelta(days=14, seconds=1)):
        written = services.customer_write(ticket=solved, body="It's blank again, a month later.")
    solved.refresh_from_db()
    follow_up = written.ticket
    assert written.opened and follow_up != solved
    assert solved.status == Ticket.Status.RESOLVED and solved.messages.count() == 1  # the old one is untouched
    assert follow_up.follows == solved
    assert (follow_up.kind, follow_up.queue, follow_up.subject) == (solved.kind, solved.queue, solved.subject)
    assert (follow_up.customer, follow_up.status) == (solved.customer, Ticket.Status.NEW)
    assert written.message.body == "It's blank again, a month later."
    event = solved.events.get(kind=TicketEvent.Kind.FOLLOWED_UP)
    assert (event.new_value, event.actor_is_customer) == (follow_up.reference, True)
    assert acks() == [solved.subject, solved.subject]  # the follow-up is acknowledged like any new request


def test_a_closed_ticket_is_followed_up_whenever_the_customer_writes(solved, desk):
    services.ticket_status_change(ticket=solved, agent=desk.agent_b, status=Ticket.Status.CLOSED)
    written = services.customer_write(ticket=solved, body="One more question.", channel=Ticket.Channel.EMAIL)
    assert written.opened and written.ticket.follows_id == solved.pk
    assert written.ticket.channel == Ticket.Channel.EMAIL


def test_a_setting_of_zero_never_reopens(solved, settings):
    settings.REOPEN_WITHIN_DAYS = 0
    with time_machine.travel(timezone.now() + timedelta(seconds=1)):
        assert services.customer_write(ticket=solved, body="Hm.").opened


def test_the_second_message_joins_the_follow_up_and_a_closed_follow_up_is_followed_in_turn(solved, desk):
    services.ticket_status_change(ticket=solved, agent=desk.agent_b, status=Ticket.Status.CLOSED)
    first = services.customer_write(ticket=solved, body="First.")
    second = services.customer_write(ticket=solved, body="Second, to the old email again.")
    assert (second.ticket, second.opened) == (first.ticket, False)
    assert [m.body for m in first.ticket.messages.all()] == ["First.", "Second, to the old email again."]
    services.ticket_status_change(ticket=first.ticket, agent=desk.agent_b, status=Ticket.Status.CLOSED)
    third = services.customer_write(ticket=solved, body="Third.")
    assert third.opened and third.ticket.follows == first.ticket  # the chain, not a fork
    assert Ticket.objects.count() == 3


def test_someone_else_on_the_thread_gets_a_follow_up_of_their_own(solved, desk):
    services.ticket_status_change(ticket=solved, agent=desk.agent_b, status=Ticket.Status.CLOSED)
    written = services.customer_write(
        ticket=solved, body="I'm Grace's colleague.", author_email="Lin@Work.example", author_name="Lin Ma"
    )
    assert written.opened and written.ticket.customer.email == "Lin@Work.example"
    assert written.ticket.customer.name == "Lin Ma"
    # Grace's own message does not land in Lin's follow-up.
    assert services.customer_write(ticket=solved, body="Me again.").ticket not in (solved, written.ticket)


def test_a_machines_message_on_a_closed_ticket_opens_a_follow_up_that_is_never_acknowledged(solved, desk):
    services.ticket_status_change(ticket=solved, agent=desk.agent_b, status=Ticket.Status.CLOSED)
    written = services.customer_write(ticket=solved, body="I am out of the office.", automatic=True)
    assert written.opened
    assert not OutboundEmail.objects.filter(ticket=written.ticket).exists()


def test_a_message_from_someone_else_on_an_open_ticket_is_recorded_as_theirs(solved):
    written = services.customer_write(
        ticket=solved, body="Adding the model number.", author_email="lin@work.example", author_name="Lin Ma"
    )
    message = written.message
    assert (message.author_email, message.author_display, message.author_name) == (
        "lin@work.example",
        "Lin Ma",
        "Lin Ma",
    )
    assert message.by_someone_else
    own = services.customer_write(ticket=solved, body="Thanks Lin.", author_email="GRACE@example.org").message
    assert not own.by_someone_else and own.author_name == "Grace Hopper"  # her own address, any case


def test_the_low_level_reply_refuses_a_ticket_past_the_window(solved):
    with time_machine.travel(solved.resolved_at + timedelta(days=15)), pytest.raises(ValidationError):
        services.customer_reply_post(ticket=solved, body="Too late for this one.")
    assert solved.messages.count() == 1
