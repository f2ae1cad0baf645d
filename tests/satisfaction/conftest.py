"""Fixtures for the satisfaction tests: the settings row, and a ticket Alice solved whose survey went out."""

from __future__ import annotations

import pytest

from satisfaction.models import SatisfactionSettings, Survey
from satisfaction.services.config import settings_get
from tests.satisfaction.helpers import run_survey_task_later, solve


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
