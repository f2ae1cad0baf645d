"""Reads for bulk jobs: a job its agent may follow, and why tickets were skipped."""

from __future__ import annotations

from django.contrib.auth.models import User

from tickets.models import BulkJob, BulkJobItem, Ticket

SKIPS_SHOWN = 50


def bulk_job_for_agent(*, user: User, pk: int) -> BulkJob | None:
    """A job the agent started (no one else follows it)."""
    return BulkJob.objects.filter(pk=pk, actor=user).first()


def bulk_job_skips(job: BulkJob, limit: int = SKIPS_SHOWN) -> list[tuple[str, str]]:
    """(reference, reason) of the first skipped tickets, by id: one query."""
    rows = job.items.filter(state=BulkJobItem.State.SKIPPED).order_by("ticket_id")
    return [
        (Ticket(pk=ticket_id).reference, reason)
        for ticket_id, reason in rows.values_list("ticket_id", "reason")[:limit]
    ]
