"""Triage events in words, for the desk's timeline and its "done" messages: one wording for both.

"Moved from Billing to Technical; next update now due Tue 12 Jan 14:00 (London time)", with the
due time in the reader's zone. The promise rule behind the clause is in docs/promises.md ("Moves").
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tickets.models import TicketEvent
from tickets.time_text import due_label

Kind = TicketEvent.Kind
Effect = TicketEvent.PromiseEffect


def promise_clause(effect: str, due_at: datetime | None, zone: ZoneInfo) -> str:
    """What a move or a kind correction did to the pending promise ("" when none was pending)."""
    if effect == Effect.RECALCULATED and due_at is not None:
        return f"next update now {due_label(due_at, zone)}"
    if effect == Effect.STANDS and due_at is not None:
        return f"the promise stands, {due_label(due_at, zone)}"
    if effect == Effect.BROKEN:
        return "its promise was already overdue and is recorded as broken"
    if effect == Effect.PAUSED:
        return "the clock stays paused while we wait on the customer"
    return ""


_SENTENCES: dict[str, str] = {
    Kind.QUEUE_CHANGED: "moved from {old} to {new}",
    Kind.KIND_CHANGED: "kind corrected from {old} to {new}",
    Kind.TAG_ADDED: "tagged “{new}”",
    Kind.TAG_REMOVED: "removed the tag “{new}”",
    Kind.LINKED: "linked this ticket to {new}",
    Kind.UNLINKED: "unlinked this ticket from {new}",
    Kind.MERGED_INTO: "merged this ticket into {new}",
    Kind.MERGED_FROM: "merged {new} into this ticket",
    # After "solved" (the satisfaction app and complaints handled with care): said in words too.
    Kind.CUSTOMER_CONFIRMED: "said this solved it",
    Kind.CUSTOMER_REOPENED: "said they still need help",
    Kind.RATED: "rated the help “{new}”",
    Kind.CHECK_IN_SENT: "follow-up “{new}” sent",
    Kind.CHECK_IN_CANCELLED: "follow-up cancelled ({new})",
    Kind.GESTURE_RECORDED: "recorded a goodwill gesture: {new}",
    Kind.GESTURE_APPROVED: "approved the goodwill gesture: {new}",
    Kind.GESTURE_DECLINED: "declined the goodwill gesture: {new}",
    Kind.RESOLUTION_RECORDED: "recorded the complaint's resolution (root cause: {new})",
    Kind.PRAISE_MARKED: "marked praise for {new}",
}


def has_sentence(event: TicketEvent) -> bool:
    return event.kind in _SENTENCES


def event_sentence(event: TicketEvent, zone: ZoneInfo) -> str:
    """The event as the timeline says it after the actor's name; "" for kinds said another way."""
    template = _SENTENCES.get(event.kind)
    if template is None:
        return ""
    sentence = template.format(old=event.old_value, new=event.new_value)
    clause = promise_clause(event.promise_effect, event.due_at, zone)
    return f"{sentence}; {clause}" if clause else sentence
