"""Promises in the reader's words: one wording for the emails, the portal and the desk.

The time and duration formatters they use are in ``tickets.time_text``."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings

from tickets.models import OutboundEmail, Promise, SlaPolicy, Ticket
from tickets.selectors import promise_pending
from tickets.time_text import business_duration, wall_clock


def customer_zone(ticket: Ticket) -> ZoneInfo:
    """The customer's zone when known, else the queue calendar's, else the desk's."""
    calendar = ticket.queue.calendar if ticket.queue_id else None
    for name in (ticket.customer.timezone, calendar.zone if calendar else "", settings.TIME_ZONE):
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


# --- The promise in words: one wording for the emails, the portal, the success page and the desk ---
#
# The rule these sentences state (docs/promises.md, "Waiting on the customer"): while a ticket waits on the customer
# under a policy that pauses, no update time is promised; once the customer answers, we promise
# an update within ``resume_minutes`` business minutes.


def pauses_when_waiting(policy: SlaPolicy | None) -> bool:
    """Does "Waiting on customer" stop this policy's clock? (No policy: the clock pauses too.)"""
    return policy is None or policy.pause_when_waiting


def resume_minutes(promise: Promise) -> int:
    """The business minutes a paused promise gets once the customer answers (as ``promise_resume``)."""
    carried = round((promise.remaining_seconds or 0) / 60)
    if promise.policy is not None:
        return max(carried, promise.policy.next_update_minutes)
    return carried


def waiting_sentence(minutes: int) -> str:
    """What the customer reads while the clock waits for them."""
    return (
        "We're waiting for your reply. The clock waits for you: once you answer, "
        f"we'll update you within {business_duration(minutes)}."
    )


def intake_sentence(due: str, *, busy: bool) -> str:
    """The acknowledgement's promise, also on the success page: 'We'll update you by <due>.'"""
    lead = "We're busier than usual right now, so we've set a time we can really keep: " if busy else ""
    return f"{lead}We'll update you by {due}."


def agent_waiting_note(*, customer_first_name: str, policy: SlaPolicy | None) -> str:
    """What the reply form says "Waiting on customer" will do, before the agent sends."""
    name = customer_first_name or "the customer"
    if not pauses_when_waiting(policy):
        return (
            f"This ticket's policy keeps the clock running while we wait for {name}: "
            "the next update you promise stands."
        )
    then = (
        f"When {name} answers, we'll promise an update within {business_duration(policy.next_update_minutes)}."
        if policy is not None
        else f"When {name} answers, the ticket is back in the queue."
    )
    return f"The clock pauses while we wait for {name}. {then}"


def intake_promise_text(ticket: Ticket, now: datetime) -> str:
    """The acknowledgement's promise sentence, as the email states it (and the success page repeats it):
    the pending promise's time in the customer's zone, and whether the desk was busy at intake."""
    promise = promise_pending(ticket)
    if promise is None or promise.due_at is None:
        return ""
    ack = ticket.emails.filter(kind=OutboundEmail.Kind.ACKNOWLEDGEMENT).values_list("context", flat=True).first()
    busy = bool(ack and ack.get("busy"))
    return intake_sentence(wall_clock(promise.due_at, customer_zone(ticket), now), busy=busy)


def customer_promise_text(ticket: Ticket, promise: Promise | None, now: datetime) -> tuple[str, str]:
    """(due, waits) for the customer's email and page: 'tomorrow at 10:00 (London time)' when a time
    is promised, else the waiting sentence when the clock waits for them; ('', '') when neither."""
    if promise is not None and promise.due_at is not None:
        return wall_clock(promise.due_at, customer_zone(ticket), now), ""
    if promise is not None and promise.is_paused:
        return "", waiting_sentence(resume_minutes(promise))
    return "", ""
