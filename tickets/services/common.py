"""Pieces shared by the ticket services: events, attachments, status transitions."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from tickets.attachments import check_uploads, safe_filename
from tickets.models import Attachment, Message, Ticket, TicketEvent
from tickets.services.events import event_record
from tickets.services.promises import promise_on_status

Status = Ticket.Status

# Which status may follow which. Closed is final: the customer opens a new request.
TRANSITIONS: dict[str, set[str]] = {
    Status.NEW: {Status.OPEN, Status.WAITING, Status.RESOLVED, Status.CLOSED},
    Status.OPEN: {Status.WAITING, Status.RESOLVED, Status.CLOSED},
    Status.WAITING: {Status.OPEN, Status.RESOLVED, Status.CLOSED},
    Status.RESOLVED: {Status.OPEN, Status.CLOSED},
    Status.CLOSED: set(),
}


def status_apply(
    *,
    ticket: Ticket,
    status: str,
    at: datetime,
    actor: User | None = None,
    by_customer: bool = False,
) -> bool:
    """Move the ticket to ``status`` if the table allows it; record the change.

    Returns False when the ticket already has that status. The caller saves the ticket.
    """
    if status == ticket.status:
        return False
    if status not in TRANSITIONS[ticket.status]:
        raise ValidationError(
            {"status": f"A {ticket.get_status_display().lower()} ticket can't become {Status(status).label.lower()}."}
        )
    old_label = ticket.get_status_display()
    old_status = ticket.status
    ticket.status = status
    if status == Status.RESOLVED:
        ticket.resolved_at = at
    elif status == Status.CLOSED:
        ticket.closed_at = at
    elif status == Status.OPEN:
        ticket.resolved_at = None
    event_record(
        ticket=ticket,
        kind=TicketEvent.Kind.STATUS_CHANGED,
        at=at,
        actor=actor,
        by_customer=by_customer,
        old=old_label,
        new=Status(status).label,
    )
    promise_on_status(ticket=ticket, old=old_status, new=status, at=at, actor=actor, by_customer=by_customer)
    return True


def attachments_save(*, message: Message, files: list[UploadedFile], at: datetime) -> list[Attachment]:
    kinds = check_uploads(files)
    saved = []
    for upload, kind in zip(files, kinds, strict=True):
        attachment = Attachment(
            ticket_id=message.ticket_id,
            message=message,
            storage_key=secrets.token_hex(16),
            filename=safe_filename(upload.name or "file"),
            content_type=kind.content_type,
            size=upload.size or 0,
            created_at=at,
        )
        attachment.file.save(attachment.storage_key, upload, save=False)
        attachment.save()
        saved.append(attachment)
    return saved


def text_required(value: str, field: str, label: str, max_length: int | None = None) -> str:
    cleaned = value.strip()
    if not cleaned:
        raise ValidationError({field: f"Please write {label}."})
    if max_length is not None and len(cleaned) > max_length:
        raise ValidationError({field: f"Please keep {label} under {max_length} characters (it has {len(cleaned)})."})
    return cleaned
