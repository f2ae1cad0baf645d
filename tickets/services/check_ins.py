"""Follow-ups after a ticket is solved ("Is everything still working?"), called check-ins here so
they are not confused with a follow-up *ticket* (``tickets.services.follow_up``).

- **Scheduled** when a ticket is solved (resolved, or closed without being resolved first): one
  per active ``FollowUpRule`` of the ticket's kind, unique per (ticket, rule, solve). Due ``days``
  calendar days after the solve, moved to the next moment the queue's calendar is open
  (``next_opening``), so the email never lands while nobody is at the desk to read the answer.
- **Cancelled** when the ticket is reopened (any way in: ``check_ins_on_status`` runs inside
  ``status_apply_many``) or the customer writes about it meanwhile (``check_ins_cancel``, from
  ``customer_write``).
- **Sent once** by the periodic task (``check_ins_send_due``): each row is locked, re-checked
  and marked sent in the transaction that records the email in the outbox under the key
  ``checkin:<id>``, so two beats, a retried task or a redelivered message send nothing twice.
  The email answers to the ticket's signed address, and for ``CHECK_IN_ANSWER_DAYS`` after it
  was sent the ticket takes the customer's answer (``check_in_answer_open``), even once closed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tickets.business_hours import Schedule, always_open, next_opening
from tickets.models import FollowUpRule, OutboundEmail, ScheduledCheckIn, Ticket, TicketEvent
from tickets.models.sla import BusinessCalendar
from tickets.services.events import event_build, event_record, events_record
from tickets.services.outbox import outbox_enqueue

SOLVED = (Ticket.Status.RESOLVED, Ticket.Status.CLOSED)
SEND_BATCH = 200


def _schedule(calendar_id: int | None, cache: dict[int | None, Schedule]) -> Schedule:
    if calendar_id not in cache:
        calendar = (
            BusinessCalendar.objects.prefetch_related("opening_hours", "holidays").filter(pk=calendar_id).first()
            if calendar_id is not None
            else None
        )
        cache[calendar_id] = calendar.schedule() if calendar is not None else always_open()
    return cache[calendar_id]


def check_in_due_at(*, schedule: Schedule, solved_at: datetime, days: int) -> datetime:
    """``days`` after the solve, at the calendar's next open moment (that instant if open)."""
    return next_opening(schedule, solved_at + timedelta(days=days))


def check_ins_on_status(*, tickets: list[Ticket], old: dict[int, str], new: str, at: datetime) -> None:
    """Keep follow-ups in step with a status change (called by ``status_apply_many``)."""
    # A merged duplicate is closed, not solved: it gets no follow-up.
    solving = [t for t in tickets if new in SOLVED and old[t.pk] not in SOLVED and t.merged_into_id is None]
    reopening = [t.pk for t in tickets if new not in SOLVED and old[t.pk] in SOLVED]
    if reopening:
        _cancel(ticket_ids=reopening, at=at, reason="Reopened")
    if solving:
        _schedule_for(solving, at)


def _schedule_for(tickets: list[Ticket], at: datetime) -> None:
    rules: dict[str, list[FollowUpRule]] = {}
    for rule in FollowUpRule.objects.filter(active=True, kind__in={t.kind for t in tickets}):
        rules.setdefault(rule.kind, []).append(rule)
    if not rules:
        return
    calendars = dict(Ticket.objects.filter(pk__in=[t.pk for t in tickets]).values_list("pk", "queue__calendar_id"))
    cache: dict[int | None, Schedule] = {}
    rows = [
        ScheduledCheckIn(
            ticket=ticket,
            rule=rule,
            solved_at=at,
            due_at=check_in_due_at(schedule=_schedule(calendars[ticket.pk], cache), solved_at=at, days=rule.days),
        )
        for ticket in tickets
        for rule in rules.get(ticket.kind, [])
    ]
    ScheduledCheckIn.objects.bulk_create(rows, ignore_conflicts=True)


def _cancel(*, ticket_ids: Iterable[int], at: datetime, reason: str) -> int:
    """Cancel the pending follow-ups of ``ticket_ids``: three statements however many (a bulk reopen)."""
    pending = list(ScheduledCheckIn.objects.pending().filter(ticket_id__in=list(ticket_ids)).select_related("ticket"))
    if not pending:
        return 0
    for check_in in pending:
        check_in.cancelled_at = at
        check_in.cancel_reason = reason
    events_record(
        [event_build(ticket=c.ticket, kind=TicketEvent.Kind.CHECK_IN_CANCELLED, at=at, new=reason) for c in pending]
    )
    ScheduledCheckIn.objects.bulk_update(pending, ["cancelled_at", "cancel_reason"])
    return len(pending)


def check_ins_cancel(*, ticket: Ticket, at: datetime, reason: str = "The customer wrote") -> int:
    """Cancel the ticket's pending follow-ups (the customer wrote meanwhile); returns how many."""
    return _cancel(ticket_ids=[ticket.pk], at=at, reason=reason)


def check_in_answer_open(ticket: Ticket, at: datetime) -> bool:
    """Whether a follow-up sent to this ticket lately still takes the customer's answer."""
    since = at - timedelta(days=settings.CHECK_IN_ANSWER_DAYS)
    return ScheduledCheckIn.objects.filter(ticket=ticket, sent_at__gte=since).exists()


def check_ins_send_due(*, now: datetime | None = None) -> int:
    """Send every follow-up due by ``now``; returns how many went to the outbox."""
    now = now or timezone.now()
    ids = list(ScheduledCheckIn.objects.pending().filter(due_at__lte=now).values_list("pk", flat=True)[:SEND_BATCH])
    return sum(check_in_send(check_in_id=pk, now=now) for pk in ids)


def check_in_send(*, check_in_id: int, now: datetime | None = None) -> bool:
    """Send one due follow-up, once: True when this call recorded its email."""
    now = now or timezone.now()
    with transaction.atomic():
        check_in = (
            ScheduledCheckIn.objects.pending()
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("rule", "ticket__customer")
            .filter(pk=check_in_id, due_at__lte=now)
            .first()
        )
        if check_in is None:
            return False  # sent, cancelled, not due, or another run holds it
        ticket = check_in.ticket
        reason = _why_not(ticket, check_in)
        if reason:
            check_in.cancelled_at, check_in.cancel_reason = now, reason
            check_in.save(update_fields=["cancelled_at", "cancel_reason"])
            event_record(ticket=ticket, kind=TicketEvent.Kind.CHECK_IN_CANCELLED, at=now, new=reason)
            return False
        check_in.sent_at = now
        check_in.save(update_fields=["sent_at"])
        event_record(ticket=ticket, kind=TicketEvent.Kind.CHECK_IN_SENT, at=now, new=check_in.rule.name)
        outbox_enqueue(
            key=f"checkin:{check_in.pk}",
            kind=OutboundEmail.Kind.CHECK_IN,
            ticket=ticket,
            customer=ticket.customer,
            context={"text": check_in.rule.message},
        )
    return True


def _why_not(ticket: Ticket, check_in: ScheduledCheckIn) -> str:
    """A reason the follow-up must not go after all ("" when it may): a safety net for changes
    that did not pass through the hooks (the ticket reopened, the customer wrote, merged away)."""
    if ticket.status not in SOLVED:
        return "Reopened"
    if ticket.merged_into_id is not None:
        return "Merged into another ticket"
    if ticket.messages.filter(author_kind="customer", created_at__gt=check_in.solved_at).exists():
        return "The customer wrote"
    return ""
