"""The beat schedule is created on migrate: missing entries come back, an admin's changes stay."""

from __future__ import annotations

from django_celery_beat.models import PeriodicTask, PeriodicTasks

from tickets.periodic import PERIODIC_TASKS, ensure_periodic_tasks


def test_a_deleted_entry_comes_back_and_a_disabled_one_stays_disabled(db, django_assert_max_num_queries):
    PeriodicTask.objects.filter(name="Send due follow-ups").delete()
    PeriodicTask.objects.filter(name="Roll up the reports").update(enabled=False)
    before = PeriodicTasks.last_change()

    with django_assert_max_num_queries(8):
        ensure_periodic_tasks()

    entries = {entry.name: entry for entry in PeriodicTask.objects.select_related("interval")}
    assert set(entries) >= {name for name, _, _ in PERIODIC_TASKS}
    back = entries["Send due follow-ups"]
    assert (back.task, back.interval.every, back.enabled) == ("tickets.tasks.check_ins_send", 60, True)
    assert entries["Roll up the reports"].enabled is False
    after = PeriodicTasks.last_change()
    assert after is not None and (before is None or after > before)  # beat reloads its schedule

    with django_assert_max_num_queries(1):  # nothing missing: one read
        ensure_periodic_tasks()
