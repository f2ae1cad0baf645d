"""The customer closes the loop ("Yes, this solved it" / "No, I still need help"), and the auto-close."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from satisfaction.models import Survey
from satisfaction.services.loop import solved_auto_close, solved_confirm, solved_reopen
from tests.factories import TicketFactory
from tests.satisfaction.helpers import solve
from tickets.models import Message, Notice, OutboundEmail, Promise, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def kinds(ticket: Ticket) -> list[str]:
    return list(ticket.events.order_by("id").values_list("kind", flat=True))


def test_yes_closes_the_ticket_and_asks_for_the_survey_at_once(desk, ticket, config):
    solve(ticket, desk.agent_a)
    assert solved_confirm(ticket=ticket)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED
    assert TicketEvent.Kind.CUSTOMER_CONFIRMED in kinds(ticket)
    survey = Survey.objects.get(ticket=ticket)
    assert OutboundEmail.objects.filter(key=f"survey:{survey.pk}").exists()
    assert not solved_confirm(ticket=ticket)  # a second click: nothing more
    assert Survey.objects.count() == 1 and kinds(ticket).count(TicketEvent.Kind.CUSTOMER_CONFIRMED) == 1


def test_yes_on_a_ticket_open_again_is_refused(desk, ticket, config):
    solve(ticket, desk.agent_a)
    solved_reopen(ticket=ticket)
    with pytest.raises(ValidationError, match="open again"):
        solved_confirm(ticket=ticket)
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.OPEN


def test_no_reopens_with_a_fresh_promise_and_tells_the_desk(desk, ticket):
    ticket.assignee = desk.agent_a
    ticket.save(update_fields=["assignee"])
    solve(ticket, desk.agent_a)
    written = solved_reopen(ticket=ticket, body="The printer still prints blank pages.")
    ticket.refresh_from_db()
    assert written.ticket == ticket and not written.opened
    assert ticket.status == Ticket.Status.OPEN
    assert Promise.objects.filter(ticket=ticket, state=Promise.State.PENDING).exists()
    assert TicketEvent.Kind.CUSTOMER_REOPENED in kinds(ticket)
    assert Notice.objects.filter(ticket=ticket, user=desk.agent_a, kind=Notice.Kind.CUSTOMER_REPLY).exists()


def test_no_without_words_says_what_the_button_said(desk, ticket):
    solve(ticket, desk.agent_a)
    solved_reopen(ticket=ticket)
    assert Message.objects.filter(ticket=ticket).latest("id").body == "No, I still need help."


def test_no_long_after_the_solve_opens_a_follow_up(desk, ticket, settings):
    solve(ticket, desk.agent_a)
    with time_machine.travel(timezone.now() + timedelta(days=settings.REOPEN_WITHIN_DAYS + 1), tick=False):
        written = solved_reopen(ticket=ticket, body="It's back")
    assert written.opened and written.ticket.follows_id == ticket.pk
    assert TicketEvent.Kind.CUSTOMER_REOPENED not in kinds(ticket)


def test_auto_close_closes_solved_tickets_after_the_days_once(desk, config):
    config.auto_close_days = 3
    config.save()
    old = solve(TicketFactory(queue=desk.queue_a), desk.agent_a)
    reopened = solve(TicketFactory(queue=desk.queue_a), desk.agent_a)
    solved_reopen(ticket=reopened)
    with time_machine.travel(timezone.now() + timedelta(days=2), tick=False):
        recent = solve(TicketFactory(queue=desk.queue_a), desk.agent_a)
    with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1), tick=False):
        assert solved_auto_close() == 1
        assert solved_auto_close() == 0
    statuses = {t.pk: t.status for t in Ticket.objects.filter(pk__in=[old.pk, reopened.pk, recent.pk])}
    assert statuses == {old.pk: "closed", reopened.pk: "open", recent.pk: "resolved"}
    event = old.events.filter(kind=TicketEvent.Kind.STATUS_CHANGED).latest("id")
    assert (event.new_value, event.actor, event.actor_is_customer) == ("Closed", None, False)


def test_auto_close_works_in_batches(desk, config):
    tickets = [solve(TicketFactory(queue=desk.queue_a), desk.agent_a) for _ in range(3)]
    with time_machine.travel(timezone.now() + timedelta(days=8), tick=False):
        assert solved_auto_close(batch=2) == 2
        assert solved_auto_close(batch=2) == 1
    assert set(Ticket.objects.filter(pk__in=[t.pk for t in tickets]).values_list("status", flat=True)) == {"closed"}
