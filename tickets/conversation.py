"""What changed on a ticket since an agent loaded its page: the desk's "never collide" check.

The ticket page carries a marker, the id of the ticket's newest event when the page was
rendered (``latest_event_id``). Every message and every status or assignee change writes an
event, and the services that write them hold the ticket's row lock (``select_for_update``), so
a ticket's event ids grow in the order their changes commit and "newer than the marker" is
exact.

``conversation_changes`` lists what the agent hasn't seen: the customer's messages, replies and
notes by anyone (the agent's own too: a second Send from another tab, or a double click, is
asked about), and status or assignee changes by someone else. ``conversation_check`` raises
``ConversationChanged`` with that list; ``agent_reply_post`` calls it under the row lock, so of
two agents pressing Send at the same instant the second one sees the first's reply and is asked
before anything is written (docs/reliability.md §1, "two agents acting at once").
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from django.contrib.auth.models import User
from django.db.models import Max

from tickets.models import Ticket, TicketEvent
from tickets.time_text import ago

Kind = TicketEvent.Kind
# The changes an agent about to send must know of; the rest (promises kept, links resent,
# priority) don't change what they would write.
WATCHED = (Kind.CUSTOMER_REPLIED, Kind.AGENT_REPLIED, Kind.NOTE_ADDED, Kind.STATUS_CHANGED, Kind.ASSIGNED)
# One's own status and assignee changes are no news to oneself.
OWN_NEWS = (Kind.STATUS_CHANGED, Kind.ASSIGNED)
SHOWN = 5  # the newest changes named; more are summed up as "and more"


@dataclass(frozen=True)
class Change:
    """One thing that happened since the page was loaded: "Bob Builder replied" at ``at``, and
    what came with it (" and changed the status to Resolved")."""

    event_id: int
    at: datetime
    text: str
    kind: str
    also: str = ""

    def described(self, now: datetime) -> str:
        """'Bob Builder replied 2 min ago and changed the status to Resolved'."""
        return f"{self.text} {ago(self.at, now)}{self.also}"


@dataclass(frozen=True)
class Changes:
    items: list[Change]  # oldest first, at most ``SHOWN``
    more: bool  # there were more than ``SHOWN``

    def __bool__(self) -> bool:
        return bool(self.items)

    @property
    def since(self) -> datetime | None:
        """When the first change shown happened (the page marks the timeline from there)."""
        return self.items[0].at if self.items else None


class ConversationChanged(Exception):
    """Raised, before anything is written, when the ticket changed since ``seen_event_id``."""

    def __init__(self, changes: Changes, latest_event_id: int) -> None:
        super().__init__("The conversation changed since the page was loaded.")
        self.changes = changes
        self.latest_event_id = latest_event_id


def latest_event_id(ticket: Ticket) -> int:
    """The page's marker: the id of the ticket's newest event (0 for none). One query."""
    return int(ticket.events.aggregate(latest=Max("id"))["latest"] or 0)


def _name(user: User | None, viewer: User | None) -> str:
    if user is None:
        return "Someone"
    if viewer is not None and user.pk == viewer.pk:
        return "You"
    return user.get_full_name() or user.get_username()


def _text(event: TicketEvent, ticket: Ticket, viewer: User | None) -> str:
    if event.kind == Kind.CUSTOMER_REPLIED:
        return f"{ticket.customer.name} wrote"
    who = _name(event.actor, viewer)
    if event.kind == Kind.AGENT_REPLIED:
        return f"{who} replied"
    if event.kind == Kind.NOTE_ADDED:
        return f"{who} added an internal note"
    if event.kind == Kind.STATUS_CHANGED:
        if event.actor_is_customer or event.actor is None:
            return f"The status changed to {event.new_value}"
        return f"{who} changed the status to {event.new_value}"
    if event.new_value == "Unassigned":
        return f"{who} unassigned the ticket"
    return f"{who} assigned the ticket to {event.new_value}"


def conversation_changes(*, ticket: Ticket, seen_event_id: int, viewer: User | None) -> Changes:
    """What happened on ``ticket`` after event ``seen_event_id`` that ``viewer`` should know
    before sending (the newest ``SHOWN``, oldest first). One query; ``ticket.customer`` loaded."""
    events = ticket.events.filter(pk__gt=seen_event_id, kind__in=WATCHED).select_related("actor").order_by("-id")
    if viewer is not None:
        events = events.exclude(kind__in=OWN_NEWS, actor=viewer)
    newest = list(events[: SHOWN + 1])
    items: list[Change] = []
    for event in reversed(newest[:SHOWN]):
        if items and _came_with(event, items[-1], newest):
            previous = items.pop()
            # "replied and took the ticket" + "and changed the status" -> "replied, took the ticket and changed..."
            earlier = previous.also.replace(" and ", ", ", 1)
            items.append(replace(previous, also=earlier + _also(event, previous, viewer)))
        else:
            items.append(
                Change(event_id=event.pk, at=event.created_at, text=_text(event, ticket, viewer), kind=event.kind)
            )
    return Changes(items=items, more=len(newest) > SHOWN)


MESSAGE_KINDS = (Kind.CUSTOMER_REPLIED, Kind.AGENT_REPLIED, Kind.NOTE_ADDED)
FOLDED = (Kind.STATUS_CHANGED, Kind.ASSIGNED)


def _came_with(event: TicketEvent, previous: Change, events: list[TicketEvent]) -> bool:
    """A status change or an assignment made by the message just before it (the same moment, the
    same person): a reply that takes an unassigned ticket and changes its status is one change."""
    if event.kind not in FOLDED or previous.kind not in MESSAGE_KINDS:
        return False
    message = next(e for e in events if e.pk == previous.event_id)
    same_person = (
        event.actor_is_customer if message.kind == Kind.CUSTOMER_REPLIED else event.actor_id == message.actor_id
    )
    return event.created_at == message.created_at and same_person


def _also(event: TicketEvent, previous: Change, viewer: User | None) -> str:
    if event.kind == Kind.ASSIGNED:
        if event.new_value == "Unassigned":
            return " and unassigned the ticket"
        took = event.actor is not None and event.new_value == (
            event.actor.get_full_name() or event.actor.get_username()
        )
        return " and took the ticket" if took else f" and assigned it to {event.new_value}"
    if previous.kind == Kind.CUSTOMER_REPLIED:
        return f"; the status changed to {event.new_value}"
    return f" and changed the status to {event.new_value}"


def conversation_check(*, ticket: Ticket, seen_event_id: int, viewer: User | None) -> None:
    """Raise ``ConversationChanged`` when ``ticket`` changed since ``seen_event_id``.

    Call it with the ticket's row locked, so nothing can change between the check and the write.
    """
    changes = conversation_changes(ticket=ticket, seen_event_id=seen_event_id, viewer=viewer)
    if changes:
        raise ConversationChanged(changes, latest_event_id(ticket))
