"""Beat runs the dispatcher and the sender every few seconds; the dispatcher queues the sender
when it wrote deliveries, and a broker that is away costs only those seconds."""

from __future__ import annotations

import pytest
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from kombu.exceptions import OperationalError

from tests.webhooks.conftest import submit
from webhooks import tasks

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "task", "seconds"),
    [
        ("Dispatch webhooks", "webhooks.tasks.dispatch", 5),
        ("Send due webhooks", "webhooks.tasks.send_due", 10),
        ("Clear old webhook deliveries", "webhooks.tasks.purge_deliveries", 86400),
    ],
)
def test_beat_runs_them_every_few_seconds(name, task, seconds):
    entry = PeriodicTask.objects.get(name=name)
    assert entry.task == task and entry.enabled
    assert (entry.interval.every, entry.interval.period) == (seconds, IntervalSchedule.SECONDS)
    assert task in tasks.dispatch_task.app.tasks


def test_the_dispatcher_queues_the_sender_only_when_it_wrote(endpoint, receiver, monkeypatch):
    queued: list[None] = []
    monkeypatch.setattr(tasks.send_due_task, "delay", lambda: queued.append(None))
    assert tasks.dispatch_task() == 0
    assert queued == []
    submit()
    assert tasks.dispatch_task() == 2
    assert len(queued) == 1
    assert tasks.send_due_task() == {"delivered": 2, "failed": 0}
    assert len(receiver.received) == 2


def test_a_broker_away_is_logged_not_raised(monkeypatch, caplog):
    def away() -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(tasks.send_due_task, "delay", away)
    tasks.send_due_soon()
    assert "its periodic run will send" in caplog.text
