"""Raw inbound messages are kept for ``MAIL_RAW_RETENTION_DAYS``, then their bytes are cleared.

A filed message (it opened a ticket or was added to one) has its text on the ticket already:
after the retention period its raw bytes are emptied and ``raw_purged_at`` is set, in batches so
no transaction holds many rows. The row itself stays (its Message-ID keeps deduplicating, the
admin still lists it). A quarantined message is never cleared: its raw bytes are all there is
for an admin to retry or download. 0 days keeps every message forever.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from mail.models import InboundMessage

BATCH_SIZE = 500


def inbound_raw_purge(*, now: datetime | None = None, batch_size: int = BATCH_SIZE, max_batches: int = 1000) -> int:
    """Clear the raw bytes of filed messages received before the retention period; return how many.

    Each batch claims its rows by a conditional UPDATE (still holding bytes, still filed), so two
    runs at once clear each message once and never touch one that was quarantined meanwhile.
    """
    days = settings.MAIL_RAW_RETENTION_DAYS
    if days <= 0:
        return 0
    now = now or timezone.now()
    cutoff = now - timedelta(days=days)
    cleared = 0
    for _ in range(max_batches):
        due = _kept().filter(received_at__lt=cutoff).order_by("received_at").values_list("pk", flat=True)
        with transaction.atomic():
            count = _kept().filter(pk__in=list(due[:batch_size])).update(raw_compressed=b"", raw_purged_at=now)
        cleared += count
        if count < batch_size:
            break
    return cleared


def _kept() -> QuerySet[InboundMessage]:
    return InboundMessage.objects.filter(raw_purged_at__isnull=True).exclude(status=InboundMessage.Status.QUARANTINED)
