"""Bulk jobs: one action on many tickets, each ticket through the service a one-by-one change
uses (``tickets.services.bulk_actions``), so each gets its own event and the same rules.

- A job's tickets are frozen when it starts: the ticked ids, or the ids matching the queue filter
  (listed by the first run of the task). Each is a ``BulkJobItem``.
- Each ticket is changed in the same transaction that marks its item done (a batch of tickets
  per transaction, through the action's batch service or each ticket's own savepoint): a retried
  or duplicated task skips what is done and never changes a ticket twice.
- A ticket the agent may not see (a crafted id, or one moved out of their queues since) is
  skipped as "Not found", never changed, and looks like a ticket that doesn't exist.
- Customers hear nothing unless the agent ticked "Email the customers" on a status change or
  close: then one email per changed ticket, through the outbox.
- Small selections run in the request (``INLINE_MAX``); bigger ones in Celery, in chunks of
  about ``TASK_BUDGET_SECONDS``, each run queueing the next; the job page polls the counters.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from celery import current_app
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from helpdesk.lib import degraded
from tickets.models import BulkJob, BulkJobItem, OutboundEmail, Ticket
from tickets.models.agent import is_agent
from tickets.selectors import ticket_list_for_agent
from tickets.selectors_views import count_capped, queue_filters_from_params
from tickets.services.bulk_actions import BULK_ACTIONS, BulkAction
from tickets.services.outbox import outbox_enqueue

logger = logging.getLogger(__name__)

INLINE_MAX = 50  # a selection this small is changed in the request
MAX_TICKETS = 20_000  # the most one job may change; more: narrow the filter
CHUNK = 200  # tickets read at once; progress is recorded after each chunk
BATCH = 100  # tickets per transaction
PARALLEL_RUNS = 4  # task runs started at once for a big job: one per worker process that is free
TASK_BUDGET_SECONDS = 20.0  # a task run stops after the batch that passes this (soft limit: 30 s)
STALL_SECONDS = 120  # an unfinished job silent this long is queued again
NOT_FOUND = "Not found"
RUN_TASK_NAME = "tickets.tasks.bulk_job_run"  # queued by name, like the outbox's send task
BROKER_ERRORS = (KombuOperationalError, OSError)


def _action(name: str) -> BulkAction:
    action = BULK_ACTIONS.get(name)
    if action is None:
        raise ValidationError({"action": "Choose what to do from the list."})
    return action


def bulk_job_start(
    *,
    actor: User,
    action: str,
    params: Mapping[str, Any],
    ticket_ids: list[int] | None = None,
    filters: Mapping[str, str] | None = None,
) -> BulkJob:
    """Record a job on the ticked ``ticket_ids``, or on every ticket matching ``filters``.

    Checks the action and its parameters once; each ticket is checked when its turn comes. A
    filter matching at most ``INLINE_MAX`` tickets is listed now; a bigger one by the task.
    The caller then runs it (``bulk_job_run``) or queues it (``bulk_job_queue``).
    """
    if not is_agent(actor):
        raise ValidationError("Only agents can change tickets.")
    chosen = _action(action)
    cleaned = chosen.clean(params, actor)
    if (ticket_ids is None) == (filters is None):
        raise ValueError("bulk_job_start needs ticket_ids or filters, not both")
    if filters is not None:
        matching = ticket_list_for_agent(user=actor, filters=queue_filters_from_params(filters))
        first = list(matching.order_by().values_list("pk", flat=True)[: INLINE_MAX + 1])
        ids = first if len(first) <= INLINE_MAX else None
        if ids is None and count_capped(matching, cap=MAX_TICKETS) > MAX_TICKETS:
            raise ValidationError({"ids": f"One change can cover at most {MAX_TICKETS:,} tickets; narrow the filters."})
    else:
        ids = sorted({pk for pk in ticket_ids or [] if 0 < pk < 2**63})
        if not ids:
            raise ValidationError({"ids": "Select at least one ticket."})
    if ids is not None and len(ids) > MAX_TICKETS:
        raise ValidationError({"ids": f"One change can cover at most {MAX_TICKETS:,} tickets; narrow the filters."})
    now = timezone.now()
    with transaction.atomic():
        job = BulkJob.objects.create(
            actor=actor,
            action=chosen.name,
            params=cleaned,
            filters=dict(filters or {}),
            total=len(ids) if ids is not None else 0,
            listed=ids is not None,
            created_at=now,
            heartbeat_at=now,
        )
        if ids is not None:
            BulkJobItem.objects.bulk_create([BulkJobItem(job=job, ticket_id=pk) for pk in ids], batch_size=1000)
    return job


def bulk_job_runs_inline(job: BulkJob) -> bool:
    return job.listed and job.total <= INLINE_MAX


def _publish(job_id: int) -> None:
    current_app.tasks[RUN_TASK_NAME].delay(job_id)


def bulk_job_queue(job_id: int, *, runs: int = 1) -> None:
    """Queue ``runs`` runs of the job once the caller's transaction commits (at once outside
    one). Runs of one job share its tickets batch by batch (each batch locks its items with SKIP
    LOCKED), so several worker processes work through a big job together. When the broker is
    away, the periodic ``bulk_jobs_requeue_stalled`` queues it later."""

    def publish() -> None:
        try:
            for _ in range(runs):
                _publish(job_id)
        except BROKER_ERRORS as exc:
            degraded.report("broker", exc, doing="bulk jobs left to the periodic re-queue")

    transaction.on_commit(publish, robust=True)


def _list_items(job: BulkJob) -> None:
    """Freeze a filter job's tickets: those matching now, of the actor's queues (once, locked)."""
    with transaction.atomic():
        locked = BulkJob.objects.select_for_update().get(pk=job.pk)
        if locked.listed:
            job.listed, job.total = True, locked.total
            return
        filters = queue_filters_from_params(locked.filters)
        ids = list(ticket_list_for_agent(user=job.actor, filters=filters).order_by().values_list("pk", flat=True))
        ids = sorted(ids)[:MAX_TICKETS]
        BulkJobItem.objects.bulk_create(
            [BulkJobItem(job=job, ticket_id=pk) for pk in ids], batch_size=2000, ignore_conflicts=True
        )
        BulkJob.objects.filter(pk=job.pk).update(listed=True, total=len(ids), heartbeat_at=timezone.now())
        job.listed, job.total = True, len(ids)


def _apply_batch(job: BulkJob, action: BulkAction, ticket_ids: list[int], tickets: dict[int, Ticket]) -> int:
    """A batch of tickets in one transaction with their items: each changed or skipped (with why),
    or left alone when another run of the job already did it or is doing it now (its item locked).

    The change and the items' "done" commit together or not at all. An action's batch form
    (``apply_many``) changes the batch in a few statements; otherwise each ticket's change is its
    service's own atomic block (a savepoint), so a refused one leaves nothing half-written and the
    others stand. Batching the commits is what makes 10,000 tickets quick: one WAL flush per
    batch, not per ticket.
    """
    with transaction.atomic():
        items = list(
            BulkJobItem.objects.select_for_update(skip_locked=True)
            .filter(job=job, ticket_id__in=ticket_ids, state=BulkJobItem.State.PENDING)
            .order_by("ticket_id")
        )
        present = [tickets[item.ticket_id] for item in items if item.ticket_id in tickets]
        if action.apply_many is not None and present:
            outcomes = action.apply_many(present, job.actor, job.params)
        else:
            outcomes = {ticket.pk: _apply_one(action, ticket, job) for ticket in present}
        for item in items:
            outcome = outcomes.get(item.ticket_id, NOT_FOUND)
            if outcome is True:
                state, reason = BulkJobItem.State.CHANGED, ""
                if action.tells_customers and job.params.get("notify"):
                    _tell_customer(job, tickets[item.ticket_id])
            else:
                state, reason = BulkJobItem.State.SKIPPED, outcome or action.unchanged
            item.state, item.reason, item.done_at = state, reason[:200], timezone.now()
        BulkJobItem.objects.bulk_update(items, ["state", "reason", "done_at"])
    return len(items)


def _apply_one(action: BulkAction, ticket: Ticket, job: BulkJob) -> bool | str:
    try:
        # The service is atomic: a refused change rolls back its own savepoint.
        return action.apply(ticket, job.actor, job.params)
    except ValidationError as exc:
        return _first_message(exc)


def _tell_customer(job: BulkJob, ticket: Ticket) -> None:
    """The one email a ticket gets from this job, only when the agent asked for it."""
    outbox_enqueue(
        key=f"bulk:{job.pk}:{ticket.pk}", kind=OutboundEmail.Kind.STATUS, ticket=ticket, customer=ticket.customer
    )


def _first_message(exc: ValidationError) -> str:
    messages = exc.messages
    return messages[0] if messages else "Refused"


def _recount(job: BulkJob, *, finished: bool = False) -> None:
    counts = dict(job.items.order_by().values("state").annotate(n=Count("id")).values_list("state", "n"))
    now = timezone.now()
    fields: dict[str, Any] = {
        "changed": counts.get(BulkJobItem.State.CHANGED, 0),
        "skipped": counts.get(BulkJobItem.State.SKIPPED, 0),
        "heartbeat_at": now,
        "state": BulkJob.State.RUNNING,
    }
    if finished:
        fields.update(state=BulkJob.State.DONE, finished_at=now)
    BulkJob.objects.filter(pk=job.pk).exclude(state=BulkJob.State.DONE).update(**fields)


def bulk_job_run(*, job_id: int, budget_seconds: float | None = None) -> bool:
    """Work through the job's pending tickets, batch by batch. True when this run is over: no
    ticket is left, or the only ones left are being changed by another run of the job (which
    then finishes it). False when ``budget_seconds`` ran out first: the task queues the next run.
    """
    job = BulkJob.objects.select_related("actor").filter(pk=job_id).first()
    if job is None or job.is_done:
        return True
    if not job.listed:
        _list_items(job)
    action = BULK_ACTIONS.get(job.action)
    deadline = time.monotonic() + budget_seconds if budget_seconds is not None else None
    while True:
        pending = job.items.filter(state=BulkJobItem.State.PENDING).order_by("ticket_id")
        ids = list(pending.values_list("ticket_id", flat=True)[:CHUNK])
        if not ids:
            break
        if action is None:  # the action was removed since the job started
            job.items.filter(ticket_id__in=ids).update(state=BulkJobItem.State.SKIPPED, reason="Action unavailable")
            continue
        visible = Ticket.objects.visible_to(job.actor).filter(pk__in=ids).select_related("customer", "queue")
        tickets = {ticket.pk: ticket for ticket in visible}
        handled = sum(
            _apply_batch(job, action, ids[start : start + BATCH], tickets) for start in range(0, len(ids), BATCH)
        )
        if not handled:
            return True  # every one of them is another run's batch now: that run finishes the job
        _recount(job)
        if len(ids) == CHUNK and deadline is not None and time.monotonic() > deadline:
            return False  # more may be left: the task queues the next run
    _recount(job, finished=True)
    return True


def bulk_jobs_requeue_stalled() -> int:
    """Queue again each unfinished job silent for ``STALL_SECONDS`` (a lost message, a dead
    worker). Claimed by a conditional UPDATE, so two beats queue a job once."""
    now = timezone.now()
    stale = now - timedelta(seconds=STALL_SECONDS)
    ids = list(
        BulkJob.objects.exclude(state=BulkJob.State.DONE)
        .filter(heartbeat_at__lt=stale)
        .order_by("heartbeat_at")
        .values_list("pk", flat=True)[:100]
    )
    queued = 0
    for pk in ids:
        if BulkJob.objects.filter(pk=pk, heartbeat_at__lt=stale).update(heartbeat_at=now):
            bulk_job_queue(pk)
            queued += 1
    return queued
