"""The promise sweep: a reminder before due, a breach notice at due, each exactly once.

Run every minute by beat (``tickets.tasks.promise_sweep``), and safe to run anywhere, any
time, twice at once (docs/reliability.md §3, C4 and C13):

- each phase claims its promises in one transaction with ``SELECT ... FOR UPDATE SKIP LOCKED``
  over the index-ordered set, then marks them with a conditional UPDATE, so a second sweep
  skips or no longer matches them;
- notices are unique per (promise, kind, user) and inserted with ``ignore_conflicts``, and
  their emails are unique per notice (``notice:<id>``), so even two sweeps that raced past
  the claim write each notice and each email once;
- everything a phase writes commits together; the emails go to the broker after commit.

The work is done in bulk: the number of queries does not grow with the number of promises
due (until the rows have to be written in chunks of ``CHUNK``), and the queries read only
what is due, through the partial indexes ``promise_pending_due`` and ``promise_reminder_due``.
A reminder whose due time has passed is never sent: the breach notice covers it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from tickets.models import Notice, Promise, TicketEvent
from tickets.models.agent import agents_on_duty_by_queue, is_agent
from tickets.services.outbox import outbox_enqueue_notices

logger = logging.getLogger(__name__)
CHUNK = 500  # rows per INSERT, well under PostgreSQL's and SQLite's parameter limits


@dataclass(frozen=True)
class SweepResult:
    reminders: int
    breaches: int


def promise_sweep(*, now: datetime | None = None, batch: int = 1000) -> SweepResult:
    """Send the breach notices, then the reminders, that are due at ``now`` (at most ``batch`` each)."""
    now = now or timezone.now()
    breaches = _sweep_breaches(now=now, batch=batch)
    reminders = _sweep_reminders(now=now, batch=batch)
    if breaches or reminders:
        logger.info("Promise sweep at %s: %d breach(es), %d reminder(s)", now.isoformat(), breaches, reminders)
    return SweepResult(reminders=reminders, breaches=breaches)


def _claim(due: QuerySet[Promise], batch: int) -> list[Promise]:
    """Lock up to ``batch`` due promises no other sweep holds, with what the notices need."""
    return list(
        due.select_for_update(skip_locked=True, of=("self",)).select_related(
            "ticket__assignee", "ticket__queue__team_lead"
        )[:batch]
    )


def _all_marked(updated: int, promises: list[Promise], what: str) -> bool:
    """The conditional UPDATE changed every claimed row, or this run backs off entirely.

    With row locks (PostgreSQL) it always does. Where the database cannot lock rows, another
    sweep got some of them first: roll this phase back and leave them all to that sweep (the
    next run picks up anything left), rather than guess which rows were ours.
    """
    if updated == len(promises):
        return True
    logger.warning(
        "Promise sweep: another sweep took %d of %d %s claims; backing off",
        len(promises) - updated,
        len(promises),
        what,
    )
    transaction.set_rollback(True)
    return False


def _sweep_breaches(*, now: datetime, batch: int) -> int:
    # Served by the partial index promise_pending_due (due_at WHERE state = 'pending').
    due = Promise.objects.filter(state=Promise.State.PENDING, due_at__lte=now).order_by("due_at", "id")
    with transaction.atomic():
        promises = _claim(due, batch)
        if not promises:
            return 0
        claimed = Promise.objects.filter(pk__in=[p.pk for p in promises], state=Promise.State.PENDING)
        updated = claimed.update(state=Promise.State.BROKEN, settled_at=F("due_at"), breach_notified_at=now)
        if not _all_marked(updated, promises, "breach"):
            return 0
        # The ticket keeps its next_due_at: it stays overdue at the top of the queue until an agent replies.
        TicketEvent.objects.bulk_create(
            [
                TicketEvent(ticket_id=p.ticket_id, kind=TicketEvent.Kind.PROMISE_BROKEN, created_at=now)
                for p in promises
            ],
            batch_size=CHUNK,
        )
        _notify(promises, kind=Notice.Kind.BREACH, now=now)
    return len(promises)


def _sweep_reminders(*, now: datetime, batch: int) -> int:
    # Served by the partial index promise_reminder_due (remind_at WHERE pending AND not reminded).
    # ``due_at > now``: a reminder that comes too late is never sent; the breach notice covers it.
    due = Promise.objects.filter(
        state=Promise.State.PENDING, reminder_sent_at__isnull=True, remind_at__lte=now, due_at__gt=now
    ).order_by("remind_at", "id")
    with transaction.atomic():
        promises = _claim(due, batch)
        if not promises:
            return 0
        claimed = Promise.objects.filter(
            pk__in=[p.pk for p in promises], state=Promise.State.PENDING, reminder_sent_at__isnull=True
        )
        if not _all_marked(claimed.update(reminder_sent_at=now), promises, "reminder"):
            return 0
        _notify(promises, kind=Notice.Kind.REMINDER, now=now)
    return len(promises)


def _agent(user: User | None) -> User | None:
    """``user`` if still an agent (the one rule, tickets.models.agent): a deactivated or demoted
    assignee or lead can no longer open the desk, so the notice goes to whoever can."""
    return user if user is not None and is_agent(user) else None


def _recipients(promises: list[Promise], *, kind: str, at: datetime) -> dict[int, list[User]]:
    """Who hears of each promise: the assignee, or the queue's agents on duty when there is none
    (or the assignee is no longer an agent); for a breach, the queue's team lead as well."""
    unassigned = {p.ticket.queue_id for p in promises if _agent(p.ticket.assignee) is None}
    queue_agents = agents_on_duty_by_queue(unassigned, at=at)
    recipients: dict[int, list[User]] = {}
    for promise in promises:
        ticket = promise.ticket
        assignee = _agent(ticket.assignee)
        users = [assignee] if assignee is not None else list(queue_agents.get(ticket.queue_id, []))
        lead = _agent(ticket.queue.team_lead)
        if kind == Notice.Kind.BREACH and lead is not None:
            users.append(lead)
        recipients[promise.pk] = list({user.pk: user for user in users}.values())  # a lead who is also the assignee
    return recipients


def _notify(promises: list[Promise], *, kind: str, now: datetime) -> None:
    """Notices for the claimed promises, and an email for each new one, in a constant number of queries."""
    if not promises:
        return
    recipients = _recipients(promises, kind=kind, at=now)
    Notice.objects.bulk_create(
        [
            Notice(promise_id=p.pk, ticket_id=p.ticket_id, user=user, kind=kind, created_at=now)
            for p in promises
            for user in recipients[p.pk]
        ],
        batch_size=CHUNK,
        ignore_conflicts=True,  # the unique (promise, kind, user): once, even if two sweeps got here
    )
    notices = (
        Notice.objects.filter(promise_id__in=[p.pk for p in promises], kind=kind).select_related("user").order_by("pk")
    )
    outbox_enqueue_notices(notices=notices, batch_size=CHUNK)
