"""Store an arriving message exactly once, across every mailbox, before anything is filed.

Three outcomes (``Arrival``):
- FIRST: nobody has this message yet; the new row is the original and the caller files it.
- AGAIN: this mailbox already has it (a re-poll, an MTA retry): its row is returned, nothing new.
- COPY: another mailbox has it (the message was sent to support@ and sales@): a DUPLICATE row is
  kept for this mailbox, pointing to the original and its ticket, and nothing is filed.

Two mailboxes taking the same message at the same instant: both try to insert an original under
the unique index ``inbound_one_original``. PostgreSQL makes the second insert wait until the
first transaction ends; if it committed, the second fails and becomes a COPY, if it rolled back,
the second is the original. No read-then-write window is left. The insert runs in a savepoint,
so the failed attempt leaves the caller's transaction usable.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from django.db import IntegrityError, transaction

from mail.models import InboundMessage, Mailbox


class Arrival(Enum):
    FIRST = "first"
    AGAIN = "again"
    COPY = "copy"


def inbound_store(*, mailbox: Mailbox, key: str, fields: dict[str, Any]) -> tuple[InboundMessage, Arrival]:
    """The row for this mailbox's arrival of the message keyed ``key``; call inside a transaction."""
    mine = InboundMessage.objects.filter(mailbox=mailbox, dedup_key=key)
    existing = mine.first()
    if existing is not None:
        return existing, Arrival.AGAIN
    try:
        with transaction.atomic():
            return InboundMessage.objects.create(mailbox=mailbox, dedup_key=key, **fields), Arrival.FIRST
    except IntegrityError:
        pass  # the original is another mailbox's, or this mailbox's own from a concurrent run
    existing = mine.first()
    if existing is not None:
        return existing, Arrival.AGAIN
    original = InboundMessage.objects.get(dedup_key=key, duplicate_of__isnull=True)
    copy_fields = {
        **fields,
        "status": InboundMessage.Status.DUPLICATE,
        "reason": f"The same message was received first in the mailbox {original.mailbox.name}.",
        "duplicate_of": original,
        "ticket_id": original.ticket_id,
        "message_id": original.message_id,
    }
    try:
        with transaction.atomic():
            return InboundMessage.objects.create(mailbox=mailbox, dedup_key=key, **copy_fields), Arrival.COPY
    except IntegrityError:  # this mailbox's own concurrent run stored it a moment ago
        return mine.get(), Arrival.AGAIN
