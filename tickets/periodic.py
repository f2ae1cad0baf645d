"""The beat schedule, declared in code and stored for django-celery-beat.

Created on migrate when missing; an admin's later change of interval or enabled
flag is kept, never overwritten.
"""

from __future__ import annotations

from typing import Any

PERIODIC_TASKS = [
    # (name shown to admins, task, every N seconds)
    ("Re-queue unsent emails", "tickets.tasks.requeue_stuck_emails", 60),
    # An interval in UTC, never a local-time crontab (docs/reliability.md §3 C14); due-ness comes from the rows.
    ("Sweep promises (reminders and breaches)", "tickets.tasks.promise_sweep", 60),
    # By name only: the task lives in the mail app, a way in above this one (docs/architecture.md).
    ("Poll IMAP mailboxes", "mail.tasks.poll_mailboxes", 60),
    # Daily: clear raw inbound emails older than MAIL_RAW_RETENTION_DAYS (by name, as above).
    ("Clear old raw emails", "mail.tasks.purge_raw_messages", 24 * 60 * 60),
    ("Re-queue stalled bulk changes", "tickets.tasks.bulk_jobs_requeue", 60),
    # Follow-ups after a ticket is solved; due-ness (the queue's business hours) comes from the rows.
    ("Send due follow-ups", "tickets.tasks.check_ins_send", 60),
    # By name only, as above: the webhooks app sits above this one. The dispatcher turns new history
    # into deliveries and queues the sender when it wrote any; the sender's own run sends retries.
    ("Dispatch webhooks", "webhooks.tasks.dispatch", 5),
    ("Send due webhooks", "webhooks.tasks.send_due", 10),
    ("Clear old webhook deliveries", "webhooks.tasks.purge_deliveries", 24 * 60 * 60),
    # By name only, as above: the satisfaction app sits above this one. Surveys for solves that
    # waited their delay; solved tickets closed after the admin's number of days.
    ("Send satisfaction surveys", "satisfaction.tasks.surveys_send", 60),
    ("Close solved tickets", "satisfaction.tasks.auto_close", 60 * 60),
    # By name only, as above: the reports' app sits above this one. Rebuilds the report days touched
    # since its last run (docs/reports.md).
    ("Roll up the reports", "reporting.tasks.rollup", 5 * 60),
]


def ensure_periodic_tasks(**kwargs: Any) -> None:
    """Create the schedule's missing entries, in a few queries: it runs after every migrate (and
    after every flush of a test database)."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask, PeriodicTasks

    names = [name for name, _, _ in PERIODIC_TASKS]
    existing = set(PeriodicTask.objects.filter(name__in=names).values_list("name", flat=True))
    missing = [entry for entry in PERIODIC_TASKS if entry[0] not in existing]
    if not missing:
        return
    intervals = {
        seconds: IntervalSchedule.objects.get_or_create(every=seconds, period=IntervalSchedule.SECONDS)[0]
        for seconds in sorted({seconds for _, _, seconds in missing})
    }
    PeriodicTask.objects.bulk_create(
        PeriodicTask(name=name, task=task, interval=intervals[seconds]) for name, task, seconds in missing
    )
    PeriodicTasks.update_changed()  # what each save() would do: beat reloads its schedule
