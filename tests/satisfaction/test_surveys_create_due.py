"""One survey per solve, through the outbox: satisfaction.services.surveys.surveys_create_due."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from satisfaction.models import Survey
from satisfaction.services.surveys import rating_record, surveys_create_due
from tests.factories import TicketFactory
from tests.satisfaction.helpers import run_survey_task_later, send_later, solve
from tickets import services
from tickets.models import OutboundEmail, Ticket
from tickets.services.merge import ticket_merge

pytestmark = pytest.mark.django_db


def surveys_sent(ticket: Ticket) -> int:
    return OutboundEmail.objects.filter(ticket=ticket, kind=OutboundEmail.Kind.SURVEY).count()


def test_a_solve_gets_one_survey_email_after_the_delay(desk, ticket, config):
    solve(ticket, desk.agent_a)
    assert surveys_create_due() == 0  # solved a moment ago: it may still be reopened
    assert run_survey_task_later() == 1
    survey = Survey.objects.get(ticket=ticket)
    assert (survey.status, survey.solved_at, survey.queue) == ("sent", ticket.resolved_at, desk.queue_a)
    assert survey.scale == 3
    email = OutboundEmail.objects.get(key=f"survey:{survey.pk}")
    assert (email.kind, email.to_email, email.status) == ("survey", ticket.customer.email, "pending")


def test_the_task_running_twice_sends_one_survey(desk, ticket, config):
    solve(ticket, desk.agent_a)
    assert run_survey_task_later() == 1
    assert run_survey_task_later(12) == 0
    assert surveys_sent(ticket) == 1


def test_solved_twice_in_a_minute_sends_one_survey(desk, ticket, config):
    solve(ticket, desk.agent_a)
    services.customer_write(ticket=ticket, body="Actually it still prints blank pages.")
    with time_machine.travel(timezone.now() + timedelta(seconds=40), tick=False):
        solve(ticket, desk.agent_a)
    assert run_survey_task_later() == 1
    assert run_survey_task_later(15) == 0
    assert surveys_sent(ticket) == 1
    assert Survey.objects.get(ticket=ticket).solved_at == ticket.resolved_at  # the last solve's


def test_a_reopened_tickets_earlier_rating_stays_with_its_solve(desk, ticket, config):
    config.survey_every_days = 0
    config.save()
    solve(ticket, desk.agent_a)
    run_survey_task_later()
    first = Survey.objects.get(ticket=ticket)
    rating_record(survey_id=first.pk, rating=1, comment="Still broken")
    services.customer_write(ticket=ticket, body="It broke again")
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        solve(ticket, desk.agent_a)
    run_survey_task_later(75)
    second = Survey.objects.exclude(pk=first.pk).get(ticket=ticket)
    first.refresh_from_db()
    assert (first.rating, first.comment, first.solved_at < second.solved_at) == (1, "Still broken", True)
    assert second.rating is None and second.solved_at == Ticket.objects.get(pk=ticket.pk).resolved_at
    assert surveys_sent(ticket) == 2


def test_no_survey_for_a_ticket_closed_as_spam_or_merged(desk, config):
    spam = TicketFactory(queue=desk.queue_a)
    services.ticket_status_change(ticket=spam, agent=desk.agent_a, status=Ticket.Status.CLOSED)
    duplicate = solve(TicketFactory(queue=desk.queue_a), desk.agent_a)
    target = TicketFactory(queue=desk.queue_a, customer=duplicate.customer)
    ticket_merge(source=duplicate, target=target, agent=desk.agent_a)  # solved, then merged before the survey
    assert run_survey_task_later() == 0
    assert not Survey.objects.exists()
    assert not OutboundEmail.objects.filter(kind=OutboundEmail.Kind.SURVEY).exists()


def test_one_survey_per_customer_every_n_days(desk, ticket, config):
    other = TicketFactory(queue=desk.queue_a, customer=ticket.customer)
    solve(ticket, desk.agent_a)
    solve(other, desk.agent_a)
    assert run_survey_task_later() == 2  # both solves looked at, once each
    statuses = sorted(Survey.objects.values_list("status", flat=True))
    assert statuses == ["recent", "sent"]
    assert OutboundEmail.objects.filter(kind=OutboundEmail.Kind.SURVEY).count() == 1
    later = TicketFactory(queue=desk.queue_a, customer=ticket.customer)
    with time_machine.travel(timezone.now() + timedelta(days=15), tick=False):
        solve(later, desk.agent_a)
    run_survey_task_later(15 * 24 * 60 + 11)
    assert Survey.objects.get(ticket=later).status == "sent"  # 14 days on: asked again


def test_switched_off_sends_nothing(desk, ticket, config):
    config.surveys_on = False
    config.save()
    solve(ticket, desk.agent_a)
    run_survey_task_later()
    assert Survey.objects.get(ticket=ticket).status == "off"
    assert surveys_sent(ticket) == 0


def test_the_survey_email_has_a_link_per_answer_and_keeps_no_token(desk, ticket, config):
    solve(ticket, desk.agent_a)
    run_survey_task_later()
    email = OutboundEmail.objects.get(kind=OutboundEmail.Kind.SURVEY)
    send_later(email)
    sent = mail.outbox[-1]
    assert sent.subject == f"How did we do? {ticket.reference} {ticket.subject}"
    assert "Good: http" in sent.body and "Okay: http" in sent.body and "Bad: http" in sent.body
    assert sent.extra_headers["Auto-Submitted"] == "auto-generated"
    html = sent.alternatives[0][0]
    assert html.count("/support/rate/") == 3
    email.refresh_from_db()
    assert "[rating link]" in email.body_text
    token = sent.body.split("/support/rate/")[1].split("/")[0]
    assert token not in email.body_text


def test_five_point_scale_offers_five_answers(desk, ticket, config):
    config.scale = 5
    config.save()
    solve(ticket, desk.agent_a)
    run_survey_task_later()
    send_later(OutboundEmail.objects.get(kind=OutboundEmail.Kind.SURVEY))
    assert mail.outbox[-1].body.count("/support/rate/") == 5
    assert Survey.objects.get().scale == 5
