"""The admin: endpoints registered with a generated secret, https only; a read-only delivery log
with "Send again"; both lists in a constant number of queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.webhooks.conftest import start_cursors, submit
from webhooks.dispatch import webhooks_dispatch
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.services.endpoints import endpoint_create
from webhooks.services.sending import deliveries_send_due

pytestmark = pytest.mark.django_db
ENDPOINTS = reverse("admin:webhooks_webhookendpoint_changelist")
DELIVERIES = reverse("admin:webhooks_webhookdelivery_changelist")


def add(client, url: str, events: list[str]):
    return client.post(
        reverse("admin:webhooks_webhookendpoint_add"),
        {"url": url, "description": "CRM", "events": events, "active": "on"},
        follow=True,
    )


def test_an_admin_registers_an_endpoint_and_sees_its_secret(admin_client_, settings):
    settings.WEBHOOKS_ALLOW_HTTP = False
    response = add(admin_client_, "https://crm.example.com/hooks", ["ticket.created", "message.created"])
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["message.created", "ticket.created"]
    assert endpoint.secret.startswith("whsec_")
    assert endpoint.secret in response.content.decode()  # shown once in the message, and on its page
    page = admin_client_.get(reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk]))
    assert endpoint.secret in page.content.decode()


def test_plain_http_and_unknown_events_are_refused(admin_client_, settings):
    settings.WEBHOOKS_ALLOW_HTTP = False
    response = add(admin_client_, "http://crm.example.com/hooks", ["ticket.created"])
    assert "Use an https:// URL." in response.content.decode()
    response = add(admin_client_, "https://crm.example.com/hooks", ["ticket.exploded"])
    assert "ticket.exploded is not one of the available choices" in response.content.decode()
    assert WebhookEndpoint.objects.count() == 0


def test_agents_cannot_open_the_webhook_admin(alice):
    assert alice.get(ENDPOINTS).status_code in (302, 403)
    assert alice.get(DELIVERIES).status_code in (302, 403)


@pytest.mark.parametrize("rows", [1, 20])
def test_endpoint_list_query_count_is_constant(admin_client_, receiver, django_assert_max_num_queries, rows):
    start_cursors()
    for n in range(rows):
        endpoint_create(url=f"{receiver.url}/{n}", events=["ticket.created"], description=f"Receiver {n}")
    submit()
    webhooks_dispatch()
    deliveries_send_due(budget_seconds=5)
    with django_assert_max_num_queries(8):
        response = admin_client_.get(ENDPOINTS)
    page = response.content.decode()
    assert "Receiver 0" in page
    assert page.count("delivered (HTTP 200)") == rows


@pytest.mark.parametrize("tickets", [1, 20])
def test_delivery_log_query_count_is_constant(admin_client_, endpoint, django_assert_max_num_queries, tickets):
    for n in range(tickets):
        submit(subject=f"Ticket {n}", email=f"c{n}@example.com")
    webhooks_dispatch()
    with django_assert_max_num_queries(10):
        response = admin_client_.get(DELIVERIES, {"status": "pending"})
    assert response.content.decode().count("ticket.created") >= tickets


def test_send_again_from_the_log(admin_client_, endpoint, receiver):
    submit()
    webhooks_dispatch()
    deliveries_send_due()
    delivery = WebhookDelivery.objects.filter(event_type="ticket.created").get()
    response = admin_client_.post(DELIVERIES, {"action": "send_again", "_selected_action": [delivery.pk]}, follow=True)
    assert "1 delivery(ies) will be sent again" in response.content.decode()
    deliveries_send_due()
    assert receiver.ids().count(delivery.webhook_id) == 2
    page = admin_client_.get(reverse("admin:webhooks_webhookdelivery_change", args=[delivery.pk])).content.decode()
    assert page.count('<td class="field-number">') == 2  # both attempts in the log


def test_switching_an_endpoint_back_on_clears_its_failure_clock_and_keeps_its_secret(admin_client_, endpoint):
    endpoint.active = False
    endpoint.consecutive_failures = 9
    endpoint.failing_since = endpoint.created_at
    endpoint.disabled_at = endpoint.created_at
    endpoint.save()
    secret = endpoint.secret
    response = admin_client_.post(
        reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk]),
        {"url": endpoint.url, "description": "CRM", "events": ["ticket.created"], "active": "on"},
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.active and endpoint.events == ["ticket.created"]
    assert (endpoint.consecutive_failures, endpoint.failing_since, endpoint.disabled_at) == (0, None, None)
    assert endpoint.secret == secret


def test_rotate_secret(admin_client_, endpoint):
    old = endpoint.secret
    admin_client_.post(ENDPOINTS, {"action": "rotate_secret", "_selected_action": [endpoint.pk]})
    endpoint.refresh_from_db()
    assert endpoint.secret.startswith("whsec_") and endpoint.secret != old
