"""Pieces shared by the ticket services: saving a ticket's fields, attachments, required text."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from tickets.attachments import check_uploads, safe_filename
from tickets.models import Attachment, Message, Ticket


def ticket_save(ticket: Ticket, *fields: str) -> None:
    """Write only ``fields`` and ``updated_at`` of the ticket's row: the one way a service saves a
    ticket, so no full-row save can overwrite a column another service wrote (``next_due_at``
    belongs to the promise module, which writes it itself: docs/promises.md)."""
    ticket.save(update_fields=[*fields, "updated_at"])


def attachments_save(*, message: Message, files: list[UploadedFile[bytes]], at: datetime) -> list[Attachment]:
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


def person_label(user: User | None) -> str:
    """An agent as the timeline names them ("Alice Agent"), or "Unassigned"."""
    if user is None:
        return "Unassigned"
    return user.get_full_name() or user.get_username()
