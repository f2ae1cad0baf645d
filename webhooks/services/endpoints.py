"""Endpoints: registered, checked, secrets made and replaced, switched back on, admins told."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from webhooks.events import EventType
from webhooks.models import WebhookEndpoint
from webhooks.signing import secret_generate

logger = logging.getLogger(__name__)


def endpoint_url_check(url: str) -> None:
    """Raises ``ValidationError`` for a URL we would never call: not https (unless
    WEBHOOKS_ALLOW_HTTP), or with credentials in it. Addresses are checked at each send
    (webhooks.netguard), since a name's addresses change."""
    parts = urlsplit(url)
    if parts.scheme != "https" and not (parts.scheme == "http" and settings.WEBHOOKS_ALLOW_HTTP):
        raise ValidationError("Use an https:// URL.", code="scheme")
    if not parts.hostname:
        raise ValidationError("The URL needs a host name.", code="host")
    if parts.username or parts.password:
        raise ValidationError("Leave credentials out of the URL: receivers check the signature.", code="credentials")


def endpoint_events_check(events: list[str]) -> None:
    unknown = sorted(set(events) - set(EventType.values))
    if unknown:
        raise ValidationError(f"Unknown event types: {', '.join(unknown)}.", code="events")
    if not events:
        raise ValidationError("Choose at least one event type.", code="events")


def endpoint_create(
    *, url: str, events: list[str], include_notes: bool = False, description: str = "", active: bool = True
) -> WebhookEndpoint:
    endpoint = WebhookEndpoint(
        url=url, events=events, include_notes=include_notes, description=description, active=active
    )
    return endpoint_save(endpoint=endpoint)


def endpoint_save(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Save a new or changed endpoint (the admin's form goes through here).

    A new one gets its secret. One switched back on starts its failure clock afresh.
    """
    endpoint_url_check(endpoint.url)
    endpoint_events_check(list(endpoint.events))
    endpoint.events = sorted(endpoint.events)
    if endpoint.pk is None:
        endpoint.secret = secret_generate()
        endpoint.created_at = timezone.now()
    elif endpoint.active and not WebhookEndpoint.objects.filter(pk=endpoint.pk, active=True).exists():
        endpoint.failing_since = None
        endpoint.consecutive_failures = 0
        endpoint.disabled_at = None
    endpoint.save()
    return endpoint


def endpoint_rotate_secret(*, endpoint: WebhookEndpoint) -> str:
    """A new secret, in force for the next POST: the receiver must be given it at once."""
    endpoint.secret = secret_generate()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret=endpoint.secret)
    return endpoint.secret


def endpoint_disabled_notify(*, endpoint_id: int) -> int:
    """Email the superusers that have an address that ``endpoint_id`` was switched off; returns how many.

    Sent from the sender's task with Django's mail API, not through the tickets outbox: that
    outbox's rows and templates are about tickets (each row names its ticket's kind of email),
    and this email is about the desk's own plumbing. The conditional UPDATE that switched the
    endpoint off runs once, so this runs once; if SMTP fails it is logged, and the endpoint list
    in the admin shows the endpoint off with its failure count in any case.
    """
    endpoint = WebhookEndpoint.objects.get(pk=endpoint_id)
    recipients = list(
        User.objects.filter(is_superuser=True, is_active=True).exclude(email="").values_list("email", flat=True)
    )
    if not recipients:
        return 0
    context = {
        "endpoint": endpoint,
        "hours": settings.WEBHOOKS_DISABLE_AFTER_SECONDS // 3600,
        "admin_url": settings.SITE_URL + reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk]),
        "desk_name": settings.HELPDESK_NAME,
    }
    base = "emails/webhook_disabled"
    message = EmailMultiAlternatives(
        subject=" ".join(render_to_string(f"{base}.subject.txt", context).split()),
        body=render_to_string(f"{base}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
    )
    message.attach_alternative(render_to_string(f"{base}.html", context), "text/html")
    try:
        message.send()
    except OSError:
        logger.exception("Could not email the admins that webhook endpoint %s was switched off", endpoint.url)
        return 0
    return len(recipients)
