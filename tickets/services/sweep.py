"""The promise sweep: a reminder before due, a breach notice at due, each exactly once.

Run every minute by beat (``tickets.tasks.promise_sweep``), and safe to run anywhere, any
time, twice at once (docs/reliability.md §3, C4 and C13):

- each phase claims its promises in one transaction with ``SELECT ... FOR UPDATE SKIP LOCKED``
  over the index-ordered set, then marks them with a conditional UPDATE, so a second sweep
  skips or no longer matches them;
- notices are unique per (promise, kind, user) and inserted with ``ON CONFLICT``, and
  their emails are unique per notice (``notice:<id>``), so even two sweeps that raced past
  the claim write each notice and each email once;
- everything a batch writes (both phases) commits together; after the commit one message
  tells the notice sender there is mail (never one message per email).

The work is done in bulk: the number of queries per batch does not grow with the number of
promises due, the rows are written column by column (helpdesk/lib/bulk_rows.py) rather than built
one model at a time, and the queries read only what is due, through the partial indexes
``promise_pending_due`` and ``promise_reminder_due``.
The task runs batch after batch for about ``BUDGET_SECONDS`` and queues its next run at once
while promises are still due, so a holiday morning's thousands are handled in seconds.
A reminder whose due time has passed is never sent: the breach notice covers it.

Who hears (docs/promises.md, "Who is told"): the assignee while still an agent, and for a breach
the queue's team lead too. An unassigned ticket: the queue's agents on duty and the team lead;
nobody on duty, the lead alone; no lead either, every agent of the queue. Each notice is its own
row (the bell), but an agent with several in one batch gets one digest email listing them.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from helpdesk.lib.bulk_rows import column, insert_rows
from tickets.models import Notice, Promise, Queue, Ticket, TicketEvent
from tickets.models.agent import agents, agents_by_queue, is_on_duty
from tickets.services.outbox import NoticeRef, outbox_enqueue_notice_refs

logger = logging.getLogger(__name__)
CHUNK = 500  # rows per INSERT, well under PostgreSQL's and SQLite's parameter limits
BATCH = 2000  # promises per phase in one transaction
BUDGET_SECONDS = 20.0  # one task's batches: the soft time limit is 30 s


@dataclass(frozen=True)
class SweepResult:
    reminders: int
    breaches: int


def promise_sweep(*, now: datetime | None = None, batch: int | None = None) -> SweepResult:
    """One batch: the breach notices, then the reminders, due at ``now`` (at most ``batch`` each),
    in one transaction, so each agent's notices of the batch make one digest email."""
    now, batch = now or timezone.now(), batch or BATCH
    with transaction.atomic():
        breaches = _sweep_breaches(now=now, batch=batch)
        reminders = _sweep_reminders(now=now, batch=batch)
        if breaches is None or reminders is None:  # another sweep took some of the claims
            transaction.set_rollback(True)
            return SweepResult(reminders=0, breaches=0)
        _notify([*breaches, *reminders], now=now)
    if breaches or reminders:
        logger.info(
            "Promise sweep at %s: %d breach(es), %d reminder(s)", now.isoformat(), len(breaches), len(reminders)
        )
    return SweepResult(reminders=len(reminders), breaches=len(breaches))


def promise_sweep_for(*, budget_seconds: float, batch: int | None = None) -> tuple[SweepResult, bool]:
    """Batch after batch until nothing is due or ``budget_seconds`` have passed. Returns the
    totals and whether promises may still be due (the task then queues its next run)."""
    started, batch = time.monotonic(), batch or BATCH
    reminders = breaches = 0
    while True:
        result = promise_sweep(batch=batch)
        reminders, breaches = reminders + result.reminders, breaches + result.breaches
        full = batch in (result.reminders, result.breaches)
        if not full or time.monotonic() - started > budget_seconds:
            return SweepResult(reminders=reminders, breaches=breaches), full


@dataclass(frozen=True)
class Due:
    """A claimed promise, as plain ids: what the notices need, without loading five models a row."""

    pk: int
    ticket_id: int
    assignee_id: int | None
    queue_id: int
    lead_id: int | None


DUE_FIELDS = ("pk", "ticket_id", "ticket__assignee_id", "ticket__queue_id", "ticket__queue__team_lead_id")


def due_rows(promises: QuerySet[Promise], batch: int) -> list[Due]:
    return [Due(*row) for row in promises.values_list(*DUE_FIELDS)[:batch]]


def _claim(due: QuerySet[Promise], batch: int) -> list[Due]:
    """Lock up to ``batch`` due promises no other sweep holds, with what the notices need."""
    return due_rows(due.select_for_update(skip_locked=True, of=("self",)), batch)


def _all_marked(updated: int, promises: list[Due], what: str) -> bool:
    """The conditional UPDATE changed every claimed row, or this batch backs off entirely.

    With row locks (PostgreSQL) it always does. Where the database cannot lock rows, another
    sweep got some of them first: roll the batch back and leave them all to that sweep (the
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
    return False


def _in_one_statement() -> bool:
    """PostgreSQL claims and marks in one statement; elsewhere it takes a read and an update."""
    return connection.vendor == "postgresql"


def _claim_and_mark(due: QuerySet[Promise], batch: int, changes: dict[str, Any], what: str) -> list[Due] | None:
    """Take up to ``batch`` of the ``due`` promises that no other sweep holds, mark them with
    ``changes`` (so they are no longer due), and return them with what the notices need.
    None: another sweep marked some first (only without row locks), and this batch backs off."""
    if _in_one_statement():
        return _claim_and_mark_at_once(due, batch, changes)
    promises = _claim(due, batch)
    if not promises:
        return []
    updated = due.filter(pk__in=[p.pk for p in promises]).update(**changes)  # still due: still ours
    return promises if _all_marked(updated, promises, what) else None


def _claim_and_mark_at_once(due: QuerySet[Promise], batch: int, changes: dict[str, Any]) -> list[Due]:
    """One statement: ``UPDATE ... WHERE id IN (the due rows, FOR UPDATE SKIP LOCKED) RETURNING``,
    joined to the ticket and its queue, where the locking read and then the update by a list of
    every id took two round trips: about a tenth of a minute's sweep at a million tickets. The
    rows come from the same queryset, so the same partial index serves them."""
    quote = connection.ops.quote_name
    claim_sql, claim_params = (
        due.select_for_update(skip_locked=True, of=("self",)).values("pk")[:batch].query.sql_with_params()
    )
    sets, set_params = [], []
    for name, value in changes.items():
        field = Promise._meta.get_field(name)
        if isinstance(value, F):
            source = Promise._meta.get_field(value.deconstruct()[1][0])  # F("due_at"): the row's own due_at
            sets.append(f"{quote(column(field))} = {quote(column(source))}")
        else:
            sets.append(f"{quote(column(field))} = %s")
            set_params.append(field.get_db_prep_save(value, connection))  # type: ignore[union-attr]
    promise, ticket, queue = (quote(model._meta.db_table) for model in (Promise, Ticket, Queue))
    # Quoted names and the ORM's own SQL: every value is a parameter.
    marked = f"UPDATE {promise} SET {', '.join(sets)} WHERE id IN ({claim_sql}) RETURNING id, ticket_id"  # noqa: S608
    sql = (
        f"WITH marked AS ({marked}) SELECT marked.id, marked.ticket_id, t.assignee_id, t.queue_id, q.team_lead_id "  # noqa: S608
        f"FROM marked JOIN {ticket} t ON t.id = marked.ticket_id JOIN {queue} q ON q.id = t.queue_id "
        "ORDER BY marked.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*set_params, *claim_params])
        return [Due(*row) for row in cursor.fetchall()]


Claimed = list[tuple[Due, str]]  # a promise and the notice it is due


def _sweep_breaches(*, now: datetime, batch: int) -> Claimed | None:
    # Served by the partial index promise_pending_due (due_at WHERE state = 'pending').
    due = Promise.objects.filter(state=Promise.State.PENDING, due_at__lte=now).order_by("due_at", "id")
    changes = {"state": Promise.State.BROKEN, "settled_at": F("due_at"), "breach_notified_at": now}
    promises = _claim_and_mark(due, batch, changes, "breach")
    if not promises:
        return None if promises is None else []
    # The ticket keeps its next_due_at: it stays overdue at the top of the queue until an agent replies.
    insert_rows(
        TicketEvent,
        {"ticket_id": [p.ticket_id for p in promises]},
        constants={"kind": TicketEvent.Kind.PROMISE_BROKEN, "created_at": now},
    )
    return [(promise, Notice.Kind.BREACH) for promise in promises]


def _sweep_reminders(*, now: datetime, batch: int) -> Claimed | None:
    # Served by the partial index promise_reminder_due (remind_at WHERE pending AND not reminded).
    # ``due_at > now``: a reminder that comes too late is never sent; the breach notice covers it.
    due = Promise.objects.filter(
        state=Promise.State.PENDING, reminder_sent_at__isnull=True, remind_at__lte=now, due_at__gt=now
    ).order_by("remind_at", "id")
    promises = _claim_and_mark(due, batch, {"reminder_sent_at": now}, "reminder")
    if not promises:
        return None if promises is None else []
    return [(promise, Notice.Kind.REMINDER) for promise in promises]


def _recipients(claimed: Claimed, *, at: datetime) -> dict[tuple[int, str], list[int]]:
    """Who hears of each promise (the rule in the module's docstring), as user ids, in two queries
    however many: which assignees and leads are still agents (the one rule, tickets.models.agent:
    a deactivated or demoted one can no longer open the desk, so the notice goes to whoever can),
    and the agents of the unassigned tickets' queues."""
    people = {user for due, _ in claimed for user in (due.assignee_id, due.lead_id) if user is not None}
    still_agents = set(agents().filter(pk__in=people).values_list("pk", flat=True)) if people else set()
    unassigned = {due.queue_id for due, _ in claimed if due.assignee_id not in still_agents}
    members = agents_by_queue(unassigned)
    on_duty = {queue: [user.pk for user in users if is_on_duty(user, at)] for queue, users in members.items()}
    recipients: dict[tuple[int, str], list[int]] = {}
    for due, kind in claimed:
        lead = due.lead_id if due.lead_id in still_agents else None
        if due.assignee_id in still_agents:
            users = [due.assignee_id, lead] if kind == Notice.Kind.BREACH and lead is not None else [due.assignee_id]
        else:
            users = list(on_duty.get(due.queue_id, []))
            if lead is not None:
                users.append(lead)
            elif not users:
                users = [user.pk for user in members.get(due.queue_id, [])]
        recipients[(due.pk, kind)] = list(dict.fromkeys(users))  # a lead also on duty: once
    return recipients


def _notify(claimed: Claimed, *, now: datetime) -> None:
    """Notices for the claimed promises, and the emails for the new ones (one per agent: a digest
    when an agent has several), in a constant number of queries."""
    if not claimed:
        return
    recipients = _recipients(claimed, at=now)
    wanted = [(due, kind, user) for due, kind in claimed for user in recipients[(due.pk, kind)]]
    # Unique per (promise, kind, user): a notice some other sweep already wrote (none should, past
    # the claim) is left as it is and comes back with its id; its email is owed once whoever asks.
    notices = insert_rows(
        Notice,
        {
            "promise_id": [due.pk for due, _, _ in wanted],
            "ticket_id": [due.ticket_id for due, _, _ in wanted],
            "user_id": [user for _, _, user in wanted],
            "kind": [str(kind) for _, kind, _ in wanted],
        },
        constants={"created_at": now},
        unique_fields=["promise", "kind", "user"],
        returning=["id", "user_id", "ticket_id"],
    )
    addresses = dict(User.objects.filter(pk__in={user for _, user, _ in notices}).values_list("pk", "email"))
    refs = [
        NoticeRef(pk=pk, user_id=user, ticket_id=ticket, email=addresses.get(user, ""))
        for pk, user, ticket in sorted(notices)
    ]
    outbox_enqueue_notice_refs(refs, batch_size=CHUNK, digest=True)
