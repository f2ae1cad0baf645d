"""Promise bookkeeping: made at intake and by agents, kept or broken, paused while we wait.

Every function here runs inside the caller's transaction with the ticket row locked, and keeps
``Ticket.next_due_at`` (the queue's sort key) equal to the pending promise's due time, writing
it to the row itself through ``_due_sync``: no caller has to remember to save it. The one
exception is asked for by name: ``write_due=False`` leaves the new value on the caller's ticket
in memory, for a service that writes the ticket's row at the end anyway (an agent's reply saves
``next_due_at`` with its status and assignee: one UPDATE instead of two). The rules are in
docs/promises.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Case, F, Q, Value, When

from tickets.business_hours import Schedule, add_business_minutes, business_minutes_between, is_open
from tickets.models import Promise, SlaPolicy, Ticket, TicketEvent
from tickets.promise_text import pauses_when_waiting, resume_minutes
from tickets.selectors import busy_factor, default_next_update, policy_for, promise_pending, schedule_for
from tickets.services.events import event_build, event_record, events_record
from tickets.time_text import business_duration

MAX_PROMISE_AHEAD = timedelta(days=365)


def _due_sync(ticket: Ticket, due_at: datetime | None, *, write: bool = True) -> None:
    """Set the ticket's ``next_due_at`` in memory and, unless the caller saves the row itself
    (``write=False``), in its row (one UPDATE of that column)."""
    ticket.next_due_at = due_at
    if write:
        Ticket.objects.filter(pk=ticket.pk).update(next_due_at=due_at)


def _remind_at(due_at: datetime, policy: SlaPolicy | None, at: datetime) -> datetime:
    lead = timedelta(minutes=policy.remind_before_minutes if policy else 30)
    return max(due_at - lead, at)


def promise_make(
    *,
    ticket: Ticket,
    kind: str,
    due_at: datetime,
    at: datetime,
    policy: SlaPolicy | None,
    agent: User | None = None,
    source: str | None = None,
    supersede: bool = True,
    write_due: bool = True,
) -> Promise:
    """Record a new pending promise; any pending one is superseded first.

    ``source``: who set the time; by default the agent when one is given, else the policy.
    ``supersede=False``: the caller knows none is pending (a ticket just created, or its pending
    one just settled under the ticket's row lock), which saves looking. Were it wrong, the
    one-pending-promise constraint refuses the insert: nothing is written twice."""
    previous = promise_pending(ticket) if supersede else None
    if previous is not None:
        _settle(previous, Promise.State.SUPERSEDED, at)
        event_record(ticket=ticket, kind=TicketEvent.Kind.PROMISE_SUPERSEDED, at=at, actor=agent)
    promise = Promise.objects.create(
        ticket=ticket,
        kind=kind,
        source=source or (Promise.Source.AGENT if agent else Promise.Source.POLICY),
        policy=policy,
        made_by=agent,
        due_at=due_at,
        remind_at=_remind_at(due_at, policy, at),
        created_at=at,
    )
    _due_sync(ticket, due_at, write=write_due)
    event_record(ticket=ticket, kind=TicketEvent.Kind.PROMISE_MADE, at=at, actor=agent, new=due_value(due_at))
    return promise


def due_value(due_at: datetime) -> str:
    """A due time as a timeline event stores it: ISO 8601 in UTC, shown in each reader's zone."""
    return due_at.astimezone(UTC).isoformat()


def _waiting_value(minutes: int) -> str:
    return f"clock paused until the customer answers, then an update within {business_duration(minutes)}"


def _promise_make_paused(
    *, ticket: Ticket, at: datetime, policy: SlaPolicy, agent: User, write_due: bool = True
) -> Promise:
    """A next-update promise that starts paused: no time is promised while we wait on the customer;
    their answer starts a whole next-update interval (``promise_resume``)."""
    promise = Promise.objects.create(
        ticket=ticket,
        kind=Promise.Kind.NEXT_UPDATE,
        source=Promise.Source.POLICY,
        policy=policy,
        made_by=agent,
        due_at=None,
        remind_at=None,
        paused_at=at,
        remaining_seconds=policy.next_update_minutes * 60,
        created_at=at,
    )
    _due_sync(ticket, None, write=write_due)
    value = _waiting_value(policy.next_update_minutes)
    event_record(ticket=ticket, kind=TicketEvent.Kind.PROMISE_MADE, at=at, actor=agent, new=value)
    return promise


def _settle(promise: Promise, state: str, at: datetime) -> None:
    promise.state = state
    promise.settled_at = at
    promise.save(update_fields=["state", "settled_at"])


@dataclass(frozen=True)
class Intake:
    promise: Promise | None
    busy: bool


def promise_at_intake(*, ticket: Ticket, at: datetime) -> Intake:
    """The first-response promise, from the policy, stretched when the desk is overloaded."""
    policy = policy_for(ticket)
    if policy is None:
        return Intake(promise=None, busy=False)
    factor = busy_factor(ticket, at)
    minutes = policy.first_response_minutes * factor
    due_at = add_business_minutes(schedule_for(ticket, policy), at, minutes)
    promise = promise_make(
        ticket=ticket, kind=Promise.Kind.FIRST_RESPONSE, due_at=due_at, at=at, policy=policy, supersede=False
    )
    return Intake(promise=promise, busy=factor > 1.0)


def validate_agent_due(due_at: datetime, at: datetime) -> None:
    """Agents may promise but not rewrite history: now < due <= now + 1 year (docs/reliability.md §2 rule 12)."""
    if due_at <= at:
        raise ValidationError({"next_update_at": "Pick a time in the future for the next update."})
    if due_at > at + MAX_PROMISE_AHEAD:
        raise ValidationError({"next_update_at": "Pick a time within the next year for the next update."})


WAITING_REFUSAL = (
    "“Waiting on customer” pauses the clock, so no update time is promised until {name} answers. "
    "Choose “The policy's default” here, or another status."
)


def promise_on_public_reply(
    *,
    ticket: Ticket,
    agent: User,
    at: datetime,
    next_due_at: datetime | None,
    status_after: str,
    write_due: bool = True,
) -> Promise | None:
    """A public reply keeps (or belatedly fulfils) the outstanding promise and makes the next one.

    The rule (docs/promises.md, "Waiting on the customer"): when the reply leaves the ticket waiting on the customer
    and its policy pauses while waiting, no update time is promised: the next promise starts
    paused and the customer's answer starts a whole next-update interval. A time the agent
    picked would be told to nobody, so that combination is refused. When the policy doesn't
    pause, the agent's time (or the policy's default) is kept and shown everywhere.
    Returns the promise now pending (running or paused; None when nothing more is promised).
    """
    policy = policy_for(ticket)
    waiting_pauses = status_after == Ticket.Status.WAITING and pauses_when_waiting(policy)
    if next_due_at is not None:
        if waiting_pauses:
            raise ValidationError({"next_update_at": WAITING_REFUSAL.format(name=ticket.customer.first_name)})
        validate_agent_due(next_due_at, at)
    _promises_answered(ticket=ticket, current=promise_pending(ticket), agent=agent, at=at)
    settled = status_after in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED)
    if waiting_pauses and policy is not None:  # clears the due time itself
        return _promise_make_paused(ticket=ticket, at=at, policy=policy, agent=agent, write_due=write_due)
    if next_due_at is None and policy is not None and not (settled or waiting_pauses):
        next_due_at = add_business_minutes(schedule_for(ticket, policy), at, policy.next_update_minutes)
    if settled or waiting_pauses or next_due_at is None:
        _due_sync(ticket, None, write=write_due)  # nothing more is promised
        return None
    return promise_make(  # the pending one, if any, was settled above under the ticket's lock
        ticket=ticket,
        kind=Promise.Kind.NEXT_UPDATE,
        due_at=next_due_at,
        at=at,
        policy=policy,
        agent=agent,
        supersede=False,
        write_due=write_due,
    )


def _promises_answered(*, ticket: Ticket, current: Promise | None, agent: User, at: datetime) -> None:
    """The reply settles the pending promise (``current``): kept when on time, else broken (the
    sweep hasn't marked it yet); either way it is fulfilled now, as is every broken promise still
    owed an update. One UPDATE for all of them."""
    owed = Q(ticket=ticket, state=Promise.State.BROKEN, fulfilled_at__isnull=True)
    if current is None:
        Promise.objects.filter(owed).update(fulfilled_at=at)
        return
    on_time = current.due_at is None or at <= current.due_at
    state = Promise.State.KEPT if on_time else Promise.State.BROKEN
    settled_at = at if on_time else (current.due_at or at)
    this = Q(pk=current.pk)
    Promise.objects.filter(this | owed).update(
        state=Case(When(this, then=Value(state)), default=F("state")),
        settled_at=Case(When(this, then=Value(settled_at)), default=F("settled_at")),
        fulfilled_at=at,
    )
    current.state, current.settled_at, current.fulfilled_at = state, settled_at, at
    if on_time:
        event_record(ticket=ticket, kind=TicketEvent.Kind.PROMISE_KEPT, at=at, actor=agent)
    else:
        event_record(ticket=ticket, kind=TicketEvent.Kind.PROMISE_BROKEN, at=at)


def _mark_broken(promise: Promise, at: datetime) -> None:
    promise.state = Promise.State.BROKEN
    promise.settled_at = promise.due_at or at
    promise.fulfilled_at = at
    promise.save(update_fields=["state", "settled_at", "fulfilled_at"])


def promise_pause(*, ticket: Ticket, at: datetime, actor: User | None = None) -> None:
    """Waiting on the customer: stop the clock and carry the remaining business time forward."""
    promise = promise_pending(ticket)
    if promise is None or promise.is_paused or promise.due_at is None:
        return
    policy = promise.policy
    if not pauses_when_waiting(policy):
        return
    remaining = business_minutes_between(schedule_for(ticket, policy), at, promise.due_at) if promise.due_at > at else 0
    promise.remaining_seconds = round(remaining * 60)
    promise.paused_at = at
    promise.due_at = None
    promise.remind_at = None
    promise.save(update_fields=["remaining_seconds", "paused_at", "due_at", "remind_at"])
    _due_sync(ticket, None)
    value = _waiting_value(resume_minutes(promise))
    event_record(ticket=ticket, kind=TicketEvent.Kind.PROMISE_PAUSED, at=at, actor=actor, new=value)


def promise_resume(*, ticket: Ticket, at: datetime, fresh: bool, actor: User | None = None) -> None:
    """Restart a paused clock. After a customer reply (``fresh``) the target runs at least a whole
    next-update interval from that reply, so a reopened ticket never breaches on the spot
    (docs/reliability.md §2 rules 5 and 6). With no pending promise (e.g. a reopened solved
    ticket) a fresh one is made from the policy."""
    promise = promise_pending(ticket)
    if promise is None:
        due_at, policy = default_next_update(ticket, at)
        if due_at is not None:
            promise_make(ticket=ticket, kind=Promise.Kind.NEXT_UPDATE, due_at=due_at, at=at, policy=policy)
        return
    if not promise.is_paused:
        return
    policy = promise.policy
    # After the customer's answer: the interval every page promised them (``resume_minutes``).
    minutes = resume_minutes(promise) if fresh else (promise.remaining_seconds or 0) / 60
    due_at = add_business_minutes(schedule_for(ticket, policy), at, max(minutes, 1))
    promise.due_at = due_at
    promise.remind_at = _remind_at(due_at, policy, at)
    promise.paused_at = None
    promise.remaining_seconds = None
    promise.save(update_fields=["due_at", "remind_at", "paused_at", "remaining_seconds"])
    _due_sync(ticket, due_at)
    event_record(ticket=ticket, kind=TicketEvent.Kind.PROMISE_RESUMED, at=at, actor=actor, new=due_value(due_at))


def promise_end(*, ticket: Ticket, at: datetime, actor: User | None = None) -> None:
    """Solving or closing the ticket ends its pending promise (neither kept nor broken)."""
    promises_end(tickets=[ticket], at=at, actor=actor)


def promises_end(*, tickets: list[Ticket], at: datetime, actor: User | None = None) -> None:
    """``promise_end`` for each of ``tickets`` (all locked by the caller), in four statements
    however many there are: a bulk close's batch costs what one ticket does.

    The pending promises are row-locked first, so one the sweep settled meanwhile (it holds its
    promises with ``SKIP LOCKED``) is found settled and left as the sweep recorded it."""
    if not tickets:
        return
    by_id = {ticket.pk: ticket for ticket in tickets}
    pending = list(
        Promise.objects.select_for_update(of=("self",))
        .filter(ticket_id__in=by_id, state=Promise.State.PENDING)
        .order_by("pk")
        .values_list("pk", "ticket_id")
    )
    due_set = [pk for pk, ticket in by_id.items() if ticket.next_due_at is not None]
    for ticket in tickets:
        ticket.next_due_at = None
    if due_set:
        Ticket.objects.filter(pk__in=due_set).update(next_due_at=None)
    if not pending:
        return
    Promise.objects.filter(pk__in=[pk for pk, _ in pending]).update(state=Promise.State.ENDED, settled_at=at)
    events_record(
        [
            event_build(ticket=by_id[ticket_id], kind=TicketEvent.Kind.PROMISE_ENDED, at=at, actor=actor)
            for _, ticket_id in pending
        ]
    )


def promise_pending_locked(ticket: Ticket) -> Promise | None:
    """The pending promise, row-locked: the sweep (``SKIP LOCKED``) leaves it alone until we commit,
    and if the sweep holds it first we wait, then find it no longer pending (docs/promises.md, "Moves").

    The caller holds the ticket with ``FOR NO KEY UPDATE`` (not ``FOR UPDATE``): the sweep, holding
    the promise, inserts events and notices that reference the ticket, which takes a key-share lock
    on it; under ``FOR UPDATE`` each would wait on the other (a deadlock, found by
    tests/tickets/test_triage_concurrency.py)."""
    return (
        Promise.objects.select_for_update(of=("self",))
        .select_related("policy")
        .filter(ticket=ticket, state=Promise.State.PENDING)
        .first()
    )


def mark_overdue_broken(*, ticket: Ticket, promise: Promise, at: datetime, actor: User | None) -> bool:
    """Record a running promise whose due time has passed as broken, as the sweep would, but with no
    breach notice: the agent acting on the ticket sees it overdue. True if it was overdue."""
    if promise.due_at is None or promise.due_at > at:
        return False
    _mark_broken(promise, at)
    event_record(ticket=ticket, kind=TicketEvent.Kind.PROMISE_BROKEN, at=at, actor=actor)
    return True


@dataclass(frozen=True)
class Replanned:
    """What a move or a kind correction did to the pending promise (``TicketEvent.PromiseEffect``)."""

    effect: str  # "" when no promise was pending
    due_at: datetime | None = None


def promise_replan(*, ticket: Ticket, at: datetime, actor: User | None) -> Replanned:
    """The pending promise after the ticket moved queue or changed kind (docs/promises.md, "Moves").

    Call with the ticket row locked and its new queue and kind set. A running promise the policy
    made is counted again under the policy that fits now, from when that promise was made, on the
    new queue's hours: never later than the time the customer was told, never in the past (at
    the soonest, the new policy's reminder lead from now: the reminder goes out at once, never a
    breach on the spot). A promise already overdue is recorded as broken, without a breach
    notice: a move never hides it. A paused promise and one an agent picked stand as made.
    """
    current = promise_pending_locked(ticket)
    if current is None:
        return Replanned(effect="")
    Effect = TicketEvent.PromiseEffect
    if current.is_paused or current.due_at is None:
        return Replanned(effect=Effect.PAUSED)
    if mark_overdue_broken(ticket=ticket, promise=current, at=at, actor=actor):
        return Replanned(effect=Effect.BROKEN, due_at=current.due_at)
    policy = policy_for(ticket)
    if current.source == Promise.Source.AGENT or policy is None:
        return Replanned(effect=Effect.STANDS, due_at=current.due_at)
    first = current.kind == Promise.Kind.FIRST_RESPONSE
    minutes = policy.first_response_minutes if first else policy.next_update_minutes
    recounted = add_business_minutes(schedule_for(ticket, policy), current.created_at, minutes)
    soonest = at + timedelta(minutes=policy.remind_before_minutes)
    due_at = min(current.due_at, max(recounted, soonest))
    if due_at >= current.due_at:
        return Replanned(effect=Effect.STANDS, due_at=current.due_at)
    promise_make(
        ticket=ticket, kind=current.kind, due_at=due_at, at=at, policy=policy, agent=actor, source=Promise.Source.POLICY
    )
    return Replanned(effect=Effect.RECALCULATED, due_at=due_at)


def promises_on_status(
    *, tickets: list[Ticket], old: dict[int, str], new: str, at: datetime, actor: User | None, by_customer: bool
) -> None:
    """Keep promises in step with a status change made by anyone, to each of ``tickets`` (``old``:
    each one's status before). Ending promises is done for all at once; pausing and resuming
    compute each ticket's business time, one by one."""
    Status = Ticket.Status
    if new in (Status.RESOLVED, Status.CLOSED):
        promises_end(tickets=tickets, at=at, actor=actor)
        return
    for ticket in tickets:
        if new == Status.WAITING:
            promise_pause(ticket=ticket, at=at, actor=actor)
        elif old[ticket.pk] in (Status.WAITING, Status.RESOLVED):
            promise_resume(ticket=ticket, at=at, fresh=by_customer, actor=actor)


def agent_due_choice(*, ticket: Ticket, choice: str, custom: datetime | None, at: datetime) -> datetime | None:
    """Turn the reply form's quick pick into a due time (None: the policy's default)."""
    if choice == "custom":
        if custom is None:
            raise ValidationError({"next_update_at": "Pick the date and time you promise the next update by."})
        validate_agent_due(custom, at)
        return custom
    schedule = schedule_for(ticket, policy_for(ticket))
    if choice == "2bh":
        return add_business_minutes(schedule, at, 120)
    if choice == "tomorrow10":
        return _next_day_at(schedule, at, hour=10)
    return None


def _next_day_at(schedule: Schedule, at: datetime, *, hour: int) -> datetime:
    """The next day (in the calendar's zone) on which the desk is open at ``hour``:00."""
    zone = ZoneInfo(schedule.zone)
    day = at.astimezone(zone).date()
    candidate = at
    for offset in range(1, 15):
        candidate = datetime.combine(day + timedelta(days=offset), time(hour), tzinfo=zone)
        if is_open(schedule, candidate - timedelta(minutes=1)) or is_open(schedule, candidate):
            return candidate
    return candidate
