"""Beat's tasks: named in the schedule, each a service call."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from satisfaction.models import Survey
from satisfaction.tasks import auto_close_task, surveys_send_task
from tests.factories import TicketFactory
from tests.satisfaction.helpers import solve
from tickets.models import Ticket
from tickets.periodic import PERIODIC_TASKS

pytestmark = pytest.mark.django_db


def test_the_schedule_names_both_tasks():
    tasks = {task for _, task, _ in PERIODIC_TASKS}
    assert {"satisfaction.tasks.surveys_send", "satisfaction.tasks.auto_close"} <= tasks


def test_the_survey_task_writes_the_due_surveys(desk, ticket):
    solve(ticket, desk.agent_a)
    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        assert surveys_send_task() == 1
        assert surveys_send_task() == 0
    assert Survey.objects.filter(ticket=ticket).count() == 1


def test_the_auto_close_task_goes_on_batch_after_batch(desk):
    tickets = [solve(TicketFactory(queue=desk.queue_a), desk.agent_a) for _ in range(5)]
    with time_machine.travel(timezone.now() + timedelta(days=8), tick=False):
        assert auto_close_task(batch=2) == 5
    assert set(Ticket.objects.filter(pk__in=[t.pk for t in tickets]).values_list("status", flat=True)) == {"closed"}
