"""The delivery log keeps finished deliveries for WEBHOOKS_LOG_RETENTION_DAYS; owed ones stay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.webhooks.conftest import submit
from webhooks.dispatch import webhooks_dispatch
from webhooks.models import WebhookAttempt, WebhookDelivery
from webhooks.services.retention import deliveries_purge
from webhooks.services.sending import deliveries_send_due

pytestmark = pytest.mark.django_db


def test_old_finished_deliveries_go_with_their_attempts_and_owed_ones_stay(endpoint, settings):
    settings.WEBHOOKS_LOG_RETENTION_DAYS = 30
    submit()
    webhooks_dispatch()
    deliveries_send_due()
    delivered, owed = WebhookDelivery.objects.order_by("pk")
    WebhookDelivery.objects.filter(pk=owed.pk).update(status=WebhookDelivery.Status.PENDING)
    WebhookDelivery.objects.update(created_at=timezone.now() - timedelta(days=31))
    assert deliveries_purge(now=timezone.now() - timedelta(days=2)) == 0  # 29 days old then
    assert deliveries_purge(batch_size=1) == 1
    assert list(WebhookDelivery.objects.values_list("pk", flat=True)) == [owed.pk]
    assert not WebhookAttempt.objects.filter(delivery_id=delivered.pk).exists()
    assert deliveries_purge() == 0


def test_zero_days_keeps_the_log(endpoint, settings):
    settings.WEBHOOKS_LOG_RETENTION_DAYS = 0
    submit()
    webhooks_dispatch()
    deliveries_send_due()
    WebhookDelivery.objects.update(created_at=timezone.now() - timedelta(days=3650))
    assert deliveries_purge() == 0
    assert WebhookDelivery.objects.count() == 2
