"""The survey task run twice at the same instant, on PostgreSQL: one survey, one email.

Real threads, real connections, committed data. Writing the survey is slowed down while its
transaction is open, so the second run certainly looks at the same solve meanwhile: it must wait
on the customer's row lock and then find the survey the first run wrote.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from satisfaction.models import Survey
from satisfaction.services import surveys
from tests.e2e.test_sweep_concurrency import in_two_threads
from tests.factories import TicketFactory
from tests.satisfaction.helpers import solve
from tests.services import require_postgres
from tickets.models import OutboundEmail
from tickets.services import outbox

pytestmark = [pytest.mark.postgres]


def test_two_runs_at_once_send_one_survey(transactional_db: None, desk: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    require_postgres()
    monkeypatch.setattr(outbox, "kick_now", lambda lane: None)  # no broker needed
    write = surveys._survey_write

    def slow_write(*args: Any) -> Survey:
        survey = write(*args)
        time.sleep(0.4)
        return survey

    monkeypatch.setattr(surveys, "_survey_write", slow_write)
    ticket = solve(TicketFactory(queue=desk.queue_a), desk.agent_a)
    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        written = in_two_threads(surveys.surveys_create_due)
    assert sorted(written) == [0, 1]
    assert Survey.objects.filter(ticket=ticket).count() == 1
    assert OutboundEmail.objects.filter(ticket=ticket, kind=OutboundEmail.Kind.SURVEY).count() == 1
