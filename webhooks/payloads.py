"""The JSON each event carries, built from domain rows (never from a way in).

``{"id", "type", "created_at", "data": {"ticket": {...}, ...}}``. ``id`` names the event and is
the same for every endpoint that gets it; the ``webhook-id`` header names one delivery. The
ticket summary is the ticket as it is when the dispatcher reads the event (seconds later), and
``data.change`` says what the event itself changed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse

from tickets.models import Message, Notice, Promise, Ticket, TicketEvent

Payload = dict[str, Any]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _user_name(user: Any) -> str | None:
    if user is None:
        return None
    return str(user.get_full_name() or user.get_username())


def ticket_summary(ticket: Ticket) -> Payload:
    """Needs ``queue``, ``customer`` and ``assignee`` loaded (select_related), or costs queries."""
    return {
        "reference": ticket.reference,
        "subject": ticket.subject,
        "status": ticket.status,
        "kind": ticket.kind,
        "priority": Ticket.Priority(ticket.priority).name.lower(),
        "queue": ticket.queue.name,
        "assignee": _user_name(ticket.assignee),
        "customer": {"name": ticket.customer.name, "email": ticket.customer.email},
        "created_at": _iso(ticket.created_at),
        "updated_at": _iso(ticket.updated_at),
        "desk_url": settings.SITE_URL + reverse("desk:ticket", kwargs={"reference": ticket.reference}),
    }


def envelope(*, event_id: str, event_type: str, created_at: datetime, data: Payload) -> Payload:
    return {"id": event_id, "type": event_type, "created_at": _iso(created_at), "data": data}


def event_payload(event: TicketEvent, event_type: str, *, broken: Promise | None = None) -> Payload:
    data: Payload = {"ticket": ticket_summary(event.ticket)}
    if event_type == "ticket.updated":
        data["change"] = {"what": event.kind, "old": event.old_value, "new": event.new_value}
    if broken is not None:
        data["promise"] = {"kind": broken.kind, "due_at": _iso(broken.due_at)}
    if event_type == "csat.received":  # the rating as the survey's scale words it ("Good", "4 of 5")
        data["rating"] = {"label": event.new_value, "solved_by": _user_name(event.ticket.assignee)}
    return envelope(event_id=f"evt_event_{event.pk}", event_type=event_type, created_at=event.created_at, data=data)


def message_payload(message: Message) -> Payload:
    data = {
        "ticket": ticket_summary(message.ticket),
        "message": {
            "id": message.pk,
            "visibility": message.visibility,
            "author_kind": message.author_kind,
            "body_text": message.body,
            "created_at": _iso(message.created_at),
        },
    }
    return envelope(
        event_id=f"evt_message_{message.pk}", event_type="message.created", created_at=message.created_at, data=data
    )


def reminder_payload(notice: Notice) -> Payload:
    promise = notice.promise
    assert promise is not None  # reminders always name their promise  # noqa: S101
    data = {
        "ticket": ticket_summary(notice.ticket),
        "promise": {"kind": promise.kind, "due_at": _iso(promise.due_at)},
    }
    return envelope(
        event_id=f"evt_reminder_{promise.pk}", event_type="promise.reminder", created_at=notice.created_at, data=data
    )
