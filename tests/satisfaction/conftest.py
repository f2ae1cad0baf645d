"""Helpers for the satisfaction tests: solving a ticket as an agent does, and running the survey task."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from satisfaction.models import SatisfactionSettings, Survey
from satisfaction.services.config import settings_get
from satisfaction.services.surveys import surveys_create_due
from tickets import services
from tickets.models import OutboundEmail, Ticket
from tickets.services.outbox import outbox_send


def solve(ticket: Ticket, agent) -> Ticket:
    services.ticket_status_change(ticket=ticket, agent=agent, status=Ticket.Status.RESOLVED)
    ticket.refresh_from_db()
    return ticket


def run_survey_task_later(minutes: int = 11) -> int:
    """The survey task as beat runs it, ``minutes`` from now (past the default 10-minute delay)."""
    with time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=False):
        return surveys_create_due()


def send_later(email: OutboundEmail, minutes: int = 12) -> None:
    """Send an outbox row as the send task does, once it is due (rows written in the future)."""
    with time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=False):
        outbox_send(email_id=email.pk)


@pytest.fixture
def config(db) -> SatisfactionSettings:
    return settings_get()


@pytest.fixture
def surveyed(desk, ticket, config) -> Survey:
    """Alice solved the ticket and its survey went out."""
    ticket.assignee = desk.agent_a
    ticket.save(update_fields=["assignee"])
    solve(ticket, desk.agent_a)
    run_survey_task_later()
    return Survey.objects.get(ticket=ticket)
