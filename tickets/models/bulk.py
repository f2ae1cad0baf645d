"""Bulk jobs: one action applied to many tickets, one ticket at a time, through the same
service as a one-by-one change (tickets/services/bulk.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class BulkJob(models.Model):
    """Who asked for what on which tickets, and how far it got.

    The tickets are a frozen list: the ids the agent ticked, or the ids matching the queue
    filter (``filters``) when the job started. Each becomes a ``BulkJobItem``, whose state is
    written in the same transaction as the ticket's change, so a retried task never changes a
    ticket twice. The counters are recounted from the items after each chunk.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bulk_jobs")
    action = models.CharField(max_length=32)  # a name in tickets.services.bulk_actions.BULK_ACTIONS
    params = models.JSONField(default=dict)
    # The queue filter for "all N matching"; empty when the agent ticked the tickets.
    filters = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    # The items exist (for a filter, the task writes them first).
    listed = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    # Set when the job is queued and by each chunk; an unfinished job silent for long is queued
    # again by the periodic task (the broker lost it, or its worker died).
    heartbeat_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The periodic re-queue of stalled jobs.
            models.Index(fields=["heartbeat_at"], name="bulkjob_unfinished", condition=~models.Q(state="done")),
        ]

    def __str__(self) -> str:
        return f"{self.action} on {self.total} tickets ({self.state})"

    @property
    def done_count(self) -> int:
        return self.changed + self.skipped

    @property
    def is_done(self) -> bool:
        return self.state == self.State.DONE


class BulkJobItem(models.Model):
    """One ticket of a job. ``ticket_id`` is the id as asked, not a foreign key: a crafted id of a
    ticket that doesn't exist is recorded (skipped, "not found") like one the agent may not see."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        CHANGED = "changed", "Changed"
        SKIPPED = "skipped", "Skipped"

    job = models.ForeignKey(BulkJob, on_delete=models.CASCADE, related_name="items")
    ticket_id = models.BigIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    reason = models.CharField(max_length=200, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["ticket_id"]
        constraints = [models.UniqueConstraint(fields=["job", "ticket_id"], name="bulkitem_one_per_ticket")]
        indexes = [
            # The next chunk of a job (pending, by ticket id) and its counts by state.
            models.Index(fields=["job", "state", "ticket_id"], name="bulkitem_job_state"),
        ]

    def __str__(self) -> str:
        return f"ticket {self.ticket_id}: {self.state}"
