"""The delivery log is kept for ``WEBHOOKS_LOG_RETENTION_DAYS``; then finished deliveries go.

Delivered and given-up deliveries older than that are deleted with their attempts, oldest
first, in batches so no transaction holds many rows. Deliveries still owed are never deleted.
0 days keeps the log forever. The dispatcher's cursors are long past such rows, so deleting
them can never let an event be dispatched again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from webhooks.models import WebhookDelivery

FINISHED = (WebhookDelivery.Status.DELIVERED, WebhookDelivery.Status.FAILED)


def deliveries_purge(*, now: datetime | None = None, batch_size: int = 1000, max_batches: int = 100) -> int:
    """Delete finished deliveries created before the retention period; returns how many."""
    days = settings.WEBHOOKS_LOG_RETENTION_DAYS
    if days <= 0:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=days)
    old = WebhookDelivery.objects.filter(status__in=FINISHED, created_at__lt=cutoff)
    deleted = 0
    for _ in range(max_batches):
        with transaction.atomic():
            ids = list(old.order_by("pk").values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            deleted += (
                WebhookDelivery.objects.filter(pk__in=ids, status__in=FINISHED)
                .delete()[1]
                .get("webhooks.WebhookDelivery", 0)
            )
    return deleted
