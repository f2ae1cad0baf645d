"""A ticket's conversation, a page at a time: the latest entries first, earlier ones on request.

A ticket's timeline can grow without bound (a long-running case, a chatty correspondent), so
the pages show the latest ``TIMELINE_PAGE`` entries and link to the ones before them. Entries
are ordered by (time, message before event, id); a page's cursor is its oldest entry's place in
that order, so entries written at the same instant are never skipped or shown twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from django.db.models import Prefetch, Q, QuerySet

from tickets.models import Attachment, Message, Ticket, TicketEvent

TIMELINE_PAGE = 100  # entries a page shows
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
CURSOR_PATTERN = re.compile(r"^([me])(\d{1,19})\.(\d{1,19})$")
# A message's own event is folded into the message on the page.
FOLDED_EVENTS = (TicketEvent.Kind.CUSTOMER_REPLIED, TicketEvent.Kind.AGENT_REPLIED, TicketEvent.Kind.NOTE_ADDED)


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    message: Message | None = None
    event: TicketEvent | None = None

    @property
    def key(self) -> tuple[datetime, bool, int]:
        pk = self.event.pk if self.event is not None else self.message.pk if self.message is not None else 0
        return (self.at, self.event is not None, pk)


@dataclass(frozen=True)
class Cursor:
    """A place in a timeline: entries strictly before it are on the page it opens."""

    at: datetime
    is_event: bool
    pk: int

    def __str__(self) -> str:
        return f"{'e' if self.is_event else 'm'}{self.pk}.{(self.at - EPOCH) // MICROSECOND}"

    @classmethod
    def parse(cls, raw: str | None) -> Cursor | None:
        """The cursor in a link, or None (the latest page) for anything else."""
        match = CURSOR_PATTERN.match(raw or "")
        if not match:
            return None
        kind, pk, micros = match.groups()
        try:
            at = EPOCH + int(micros) * MICROSECOND
        except OverflowError:
            return None
        return cls(at=at, is_event=kind == "e", pk=int(pk))

    @classmethod
    def through_message(cls, pk: int, at: datetime) -> Cursor:
        """Just after the message ``pk`` written ``at``: the page it opens ends with that message."""
        return cls(at=at, is_event=False, pk=pk + 1)


@dataclass(frozen=True)
class TimelinePage:
    entries: list[TimelineEntry]  # oldest first
    earlier: Cursor | None  # where the page before this one starts, if there is one
    is_latest: bool  # this page ends with the newest entry


def messages_for_timeline(ticket: Ticket, *, public_only: bool) -> QuerySet[Message]:
    messages = ticket.messages.select_related("author_user").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("id"))
    )
    if public_only:
        messages = messages.filter(visibility=Message.Visibility.PUBLIC)
    return messages


def _before(cursor: Cursor | None, *, is_event: bool) -> Q:
    """Rows of one kind that sort before ``cursor`` in (time, message before event, id)."""
    if cursor is None:
        return Q()
    if cursor.is_event == is_event:
        return Q(created_at__lt=cursor.at) | Q(created_at=cursor.at, pk__lt=cursor.pk)
    if cursor.is_event:  # every message at the cursor's instant sorts before an event there
        return Q(created_at__lte=cursor.at)
    return Q(created_at__lt=cursor.at)  # and every event there after a message


Row = TypeVar("Row", Message, TicketEvent)


def _latest(rows: QuerySet[Row], cursor: Cursor | None, *, is_event: bool) -> QuerySet[Row]:
    return rows.filter(_before(cursor, is_event=is_event)).order_by("-created_at", "-id")[: TIMELINE_PAGE + 1]


def _page(entries: list[TimelineEntry], cursor: Cursor | None) -> TimelinePage:
    entries.sort(key=lambda entry: entry.key, reverse=True)
    shown = entries[:TIMELINE_PAGE]
    shown.reverse()
    earlier = Cursor(*shown[0].key) if len(entries) > TIMELINE_PAGE else None
    return TimelinePage(entries=shown, earlier=earlier, is_latest=cursor is None)


def ticket_timeline_for_agent(ticket: Ticket, *, before: Cursor | None = None) -> TimelinePage:
    """Messages, notes and events in time order, the page before ``before`` (the latest without
    one). Three queries whatever the length: messages, their attachments, events."""
    messages = _latest(messages_for_timeline(ticket, public_only=False), before, is_event=False)
    events = ticket.events.select_related("actor").exclude(kind__in=FOLDED_EVENTS)
    entries = [TimelineEntry(at=m.created_at, message=m) for m in messages]
    entries += [TimelineEntry(at=e.created_at, event=e) for e in _latest(events, before, is_event=True)]
    return _page(entries, before)


def ticket_conversation_for_customer(ticket: Ticket, *, before: Cursor | None = None) -> TimelinePage:
    """Only what the customer may read: public messages, never internal notes or events."""
    messages = _latest(messages_for_timeline(ticket, public_only=True), before, is_event=False)
    return _page([TimelineEntry(at=m.created_at, message=m) for m in messages], before)


def ticket_timeline_showing(ticket: Ticket, *, message_id: int) -> TimelinePage:
    """The page a link to one message opens (a mention's email, a notice): the latest page when
    the message is on it, else the page that ends with it; the latest for a message not on this
    ticket. Three queries, or seven when the message is further back."""
    page = ticket_timeline_for_agent(ticket)
    if not page.earlier or any(entry.message and entry.message.pk == message_id for entry in page.entries):
        return page
    written_at = ticket.messages.filter(pk=message_id).values_list("created_at", flat=True).first()
    if written_at is None:
        return page
    return ticket_timeline_for_agent(ticket, before=Cursor.through_message(message_id, written_at))
