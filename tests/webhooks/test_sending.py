"""The sender against a real HTTP server on 127.0.0.1: signed, retried, never twice after success."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from tests.webhooks.conftest import Reply, start_cursors, submit
from tests.webhooks.test_signing import verify
from webhooks.dispatch import webhooks_dispatch
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from webhooks.services.endpoints import endpoint_create, endpoint_save
from webhooks.services.sending import RETRY_SCHEDULE, deliveries_send_again, deliveries_send_due

pytestmark = pytest.mark.django_db


@pytest.fixture
def created_only(desk, receiver) -> WebhookEndpoint:
    """One event per ticket (ticket.created), so each test counts what it means to."""
    start_cursors()
    return endpoint_create(url=receiver.url, events=["ticket.created"])


def one_delivery() -> WebhookDelivery:
    submit()
    webhooks_dispatch()
    return WebhookDelivery.objects.get()


def later(seconds: float):
    return time_machine.travel(timezone.now() + timedelta(seconds=seconds))


def test_a_delivery_arrives_signed(created_only, receiver):
    delivery = one_delivery()
    assert deliveries_send_due().delivered == 1
    [got] = receiver.received
    assert got.headers["content-type"] == "application/json"
    assert got.headers["webhook-id"] == delivery.webhook_id
    assert verify(created_only.secret, got.headers, got.body)
    payload = json.loads(got.body)
    assert payload["type"] == "ticket.created"
    assert payload["data"]["ticket"]["reference"] == delivery.payload["data"]["ticket"]["reference"]
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert delivery.attempts == 1
    assert delivery.last_status_code == 200
    attempt = WebhookAttempt.objects.get()
    assert attempt.succeeded and attempt.response_snippet == "ok"


def test_a_500_then_200_retries_once_then_succeeds(created_only, receiver):
    delivery = one_delivery()
    receiver.script = [Reply(status=500, body=b"database down")]
    assert deliveries_send_due().failed == 1
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.last_status_code == 500
    wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
    assert RETRY_SCHEDULE[0] * 0.7 < wait < RETRY_SCHEDULE[0] * 1.3
    assert deliveries_send_due().delivered == 0  # not due yet
    with later(RETRY_SCHEDULE[0] * 1.3):
        assert deliveries_send_due().delivered == 1
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert delivery.attempts == 2
    assert receiver.ids() == [delivery.webhook_id, delivery.webhook_id]  # the same id: receivers dedupe on it
    snippets = list(WebhookAttempt.objects.order_by("number").values_list("status_code", "response_snippet"))
    assert snippets == [(500, "database down"), (200, "ok")]


def test_a_slow_receiver_times_out_and_is_retried(created_only, receiver, settings):
    delivery = one_delivery()
    receiver.script = [Reply(delay=settings.WEBHOOKS_TIMEOUT_SECONDS + 1)]
    assert deliveries_send_due().failed == 1
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert "timed out" in delivery.last_error.lower() or "timeout" in delivery.last_error.lower()
    assert delivery.last_status_code is None
    assert delivery.last_duration_ms < (settings.WEBHOOKS_TIMEOUT_SECONDS + 0.9) * 1000
    with later(RETRY_SCHEDULE[0] * 1.3):
        assert deliveries_send_due().delivered == 1


def test_a_delivered_event_is_never_delivered_twice(created_only, receiver):
    one_delivery()
    deliveries_send_due()
    with later(3 * 24 * 3600):
        webhooks_dispatch()
        deliveries_send_due()
    webhooks_dispatch()
    deliveries_send_due()
    assert len(receiver.received) == 1


def test_redirects_are_not_followed(created_only, receiver):
    delivery = one_delivery()
    receiver.script = [Reply(status=302, headers={"Location": receiver.url.replace("/hooks", "/elsewhere")})]
    assert deliveries_send_due().failed == 1
    assert [r.path for r in receiver.received] == ["/hooks"]
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.last_status_code == 302
    assert "redirects are not followed" in delivery.last_error


def test_loopback_is_refused_when_private_addresses_are_not_allowed(created_only, receiver, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    delivery = one_delivery()
    assert deliveries_send_due().failed == 1
    assert receiver.received == []
    delivery.refresh_from_db()
    assert delivery.last_error.startswith("Refused: 127.0.0.1: 127.0.0.1 is loopback")


def test_events_of_one_ticket_keep_their_order(endpoint, receiver):
    """ticket.created fails; the ticket's message.created waits behind it, so order is kept."""
    submit()
    webhooks_dispatch()
    created, message = WebhookDelivery.objects.order_by("pk")
    receiver.script = [Reply(status=503)]
    deliveries_send_due()
    assert receiver.ids() == [created.webhook_id]
    with later(RETRY_SCHEDULE[0] * 1.3):
        deliveries_send_due()
    assert receiver.ids() == [created.webhook_id, created.webhook_id, message.webhook_id]


def test_send_again_is_a_new_attempt_with_the_same_id_and_payload(created_only, receiver):
    delivery = one_delivery()
    deliveries_send_due()
    assert deliveries_send_again(delivery_ids=[delivery.pk]) == 1
    deliveries_send_due()
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == delivery.webhook_id
    assert first.body == second.body
    assert WebhookAttempt.objects.filter(delivery=delivery).count() == 2


def test_gives_up_after_the_last_retry(created_only, receiver):
    delivery = one_delivery()
    receiver.script = [Reply(status=500)] * 20
    delivery.attempts = len(RETRY_SCHEDULE)  # as after all retries but the last
    delivery.save(update_fields=["attempts"])
    deliveries_send_due()
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED


def test_a_day_of_failures_switches_the_endpoint_off_and_emails_the_admins_once(desk, created_only, receiver):
    receiver.script = [Reply(status=500)] * 50
    submit(email="one@example.com")
    submit(email="two@example.com")
    webhooks_dispatch()
    deliveries_send_due()
    created_only.refresh_from_db()
    assert created_only.failing_since is not None and created_only.active
    with later(23 * 3600):
        deliveries_send_due()
    created_only.refresh_from_db()
    assert created_only.active  # a day has not passed
    assert created_only.consecutive_failures == 4  # two tickets' deliveries, tried twice each
    mail.outbox.clear()
    with later(25 * 3600):
        summary = deliveries_send_due()
        deliveries_send_due()
    created_only.refresh_from_db()
    assert not created_only.active and created_only.disabled_at is not None
    assert summary.failed == 1  # the second delivery was no longer sent: the endpoint is off
    [email] = mail.outbox
    assert email.to == [desk.admin.email]
    assert created_only.url in email.body
    assert created_only.url in email.alternatives[0][0]
    # Switched on again by an admin: the failure clock starts afresh.
    created_only.active = True
    endpoint_save(endpoint=created_only)
    created_only.refresh_from_db()
    assert created_only.failing_since is None and created_only.disabled_at is None


def test_a_success_clears_the_failure_clock(created_only, receiver):
    receiver.script = [Reply(status=500)]
    one_delivery()
    deliveries_send_due()
    created_only.refresh_from_db()
    assert created_only.failing_since is not None
    assert created_only.consecutive_failures == 1
    with later(RETRY_SCHEDULE[0] * 1.3):
        deliveries_send_due()
    created_only.refresh_from_db()
    assert created_only.failing_since is None
    assert created_only.consecutive_failures == 0
