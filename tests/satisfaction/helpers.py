"""Helpers for the satisfaction tests: solving a ticket as an agent does, running the survey task and
sending an email later (the clock moved with time-machine)."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.utils import timezone

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
