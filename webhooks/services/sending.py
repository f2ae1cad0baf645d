"""The sender: claim a due delivery, POST it signed, record what came back; at least once.

A delivery is claimed with ``SELECT ... FOR UPDATE SKIP LOCKED`` over the due rows and a
conditional UPDATE that sets a lease (``WEBHOOKS_CLAIM_SECONDS``), so two senders never hold
the same delivery, and a sender killed mid-POST leaves a claim that expires and is taken again
(the receiver may then get that POST twice, with the same ``webhook-id``). A delivered row is
never claimed again. A delivery waits while an earlier one of the same ticket to the same
endpoint is unsent, so a receiver sees each ticket's events in order.

Failures are retried on ``RETRY_SCHEDULE`` with jitter; after the last, the delivery is
FAILED. An endpoint with no success for ``WEBHOOKS_DISABLE_AFTER_SECONDS`` is switched off
and the admins are emailed once (``webhooks.services.endpoints.endpoint_disabled_notify``).
"""

from __future__ import annotations

import http.client
import json
import logging
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import DateTimeField, Exists, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from webhooks import http as webhook_http
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from webhooks.models.delivery import PENDING_STATES
from webhooks.netguard import AddressRefused
from webhooks.services.endpoints import endpoint_disabled_notify
from webhooks.signing import signed_headers

logger = logging.getLogger(__name__)
# Seconds to wait after failed attempt 1, 2, ...: about 31 hours in all, past the day after which
# the endpoint is switched off. After the last, the delivery is given up.
RETRY_SCHEDULE = (30, 120, 600, 3600, 6 * 3600, 12 * 3600, 12 * 3600)
MAX_ATTEMPTS = len(RETRY_SCHEDULE) + 1
JITTER = 0.2  # each wait is between 80% and 120% of the schedule's


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    status_code: int | None
    error: str


@dataclass
class SendSummary:
    delivered: int = 0
    failed: int = 0


def retry_delay(attempts: int) -> float:
    base = RETRY_SCHEDULE[min(attempts, len(RETRY_SCHEDULE)) - 1]
    return base * random.uniform(1 - JITTER, 1 + JITTER)  # noqa: S311 - jitter, not crypto


def deliveries_send_due(*, budget_seconds: float = 15.0, limit: int = 200) -> SendSummary:
    """Send due deliveries one by one for about ``budget_seconds`` (plus one POST's timeout)."""
    summary = SendSummary()
    started = time.monotonic()
    for _ in range(limit):
        if time.monotonic() - started > budget_seconds:
            break
        claimed = _claim_next()
        if claimed is None:
            break
        delivery, until = claimed
        if delivery_send(delivery=delivery, claimed_until=until).delivered:
            summary.delivered += 1
        else:
            summary.failed += 1
    return summary


def _claimable(now: datetime) -> Q:
    return Q(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=WebhookDelivery.Status.SENDING, claimed_until__lt=now
    )


def _claim_next(tries: int = 3) -> tuple[WebhookDelivery, datetime] | None:
    """Take the next due delivery no other sender holds; None when there is none."""
    now = timezone.now()
    until = now + timedelta(seconds=settings.WEBHOOKS_CLAIM_SECONDS)
    earlier_unsent = WebhookDelivery.objects.filter(
        endpoint=OuterRef("endpoint"), ticket=OuterRef("ticket"), pk__lt=OuterRef("pk"), status__in=PENDING_STATES
    )
    # Served by the partial index webhook_unsent_due; the order check by webhook_unsent_ticket.
    due = (
        WebhookDelivery.objects.filter(_claimable(now), endpoint__active=True)
        .filter(~Exists(earlier_unsent))
        .order_by("next_attempt_at", "pk")
    )
    with transaction.atomic():
        pk = due.select_for_update(skip_locked=True, of=("self",)).values_list("pk", flat=True).first()
        if pk is None:
            return None
        # Conditional: where rows cannot be locked (SQLite), a sender that got here first wins.
        taken = WebhookDelivery.objects.filter(_claimable(now), pk=pk).update(
            status=WebhookDelivery.Status.SENDING, claimed_until=until, attempts=F("attempts") + 1
        )
    if taken != 1:
        return _claim_next(tries - 1) if tries > 1 else None
    return WebhookDelivery.objects.select_related("endpoint").get(pk=pk), until


def delivery_body(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()


def delivery_send(*, delivery: WebhookDelivery, claimed_until: datetime) -> Outcome:
    """POST one claimed delivery and record the attempt, the delivery's state and the endpoint's."""
    endpoint = delivery.endpoint
    body = delivery_body(delivery)
    started_at = timezone.now()
    headers = signed_headers(
        secret=endpoint.secret, webhook_id=delivery.webhook_id, timestamp=int(started_at.timestamp()), body=body
    )
    clock = time.monotonic()
    status_code: int | None = None
    snippet = error = ""
    try:
        result = webhook_http.post(
            endpoint.url,
            body=body,
            headers=headers,
            timeout=settings.WEBHOOKS_TIMEOUT_SECONDS,
            allow_private=settings.WEBHOOKS_ALLOW_PRIVATE,
            allow_http=settings.WEBHOOKS_ALLOW_HTTP,
        )
        status_code, snippet = result.status_code, result.snippet
        if not 200 <= status_code < 300:
            error = f"HTTP {status_code}" + (" (redirects are not followed)" if 300 <= status_code < 400 else "")
    except AddressRefused as exc:
        error = f"Refused: {exc}"
    except (OSError, http.client.HTTPException) as exc:
        error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    except Exception as exc:  # a receiver's odd answer must fail this attempt, never leave it claimed
        logger.exception("Webhook %s: unexpected error while posting", delivery.webhook_id)
        error = f"{type(exc).__name__}: {exc}"
    duration_ms = int((time.monotonic() - clock) * 1000)
    outcome = Outcome(delivered=not error, status_code=status_code, error=error[:500])
    _record(delivery, outcome, started_at=started_at, duration_ms=duration_ms, snippet=snippet, until=claimed_until)
    return outcome


def _record(
    delivery: WebhookDelivery,
    outcome: Outcome,
    *,
    started_at: datetime,
    duration_ms: int,
    snippet: str,
    until: datetime,
) -> None:
    now = timezone.now()
    disabled = False
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempts,
            started_at=started_at,
            status_code=outcome.status_code,
            duration_ms=duration_ms,
            response_snippet=snippet[: webhook_http.SNIPPET_CHARS],
            error=outcome.error,
            succeeded=outcome.delivered,
        )
        last = {"last_status_code": outcome.status_code, "last_duration_ms": duration_ms, "last_error": outcome.error}
        # Still our claim: if the lease ran out and another sender took the delivery, its result counts.
        mine = WebhookDelivery.objects.filter(
            pk=delivery.pk, status=WebhookDelivery.Status.SENDING, claimed_until=until
        )
        endpoint = WebhookEndpoint.objects.filter(pk=delivery.endpoint_id)
        if outcome.delivered:
            mine.update(status=WebhookDelivery.Status.DELIVERED, delivered_at=now, claimed_until=None, **last)
            clean = {"failing_since": None, "consecutive_failures": 0}
            endpoint.exclude(**clean).update(**clean)
        else:
            if delivery.attempts >= MAX_ATTEMPTS:
                mine.update(status=WebhookDelivery.Status.FAILED, claimed_until=None, **last)
            else:
                retry_at = now + timedelta(seconds=retry_delay(delivery.attempts))
                mine.update(status=WebhookDelivery.Status.PENDING, next_attempt_at=retry_at, claimed_until=None, **last)
            endpoint.update(
                consecutive_failures=F("consecutive_failures") + 1,
                failing_since=Coalesce(F("failing_since"), Value(started_at, output_field=DateTimeField())),
            )
            give_up_before = now - timedelta(seconds=settings.WEBHOOKS_DISABLE_AFTER_SECONDS)
            # Conditional: of two senders failing at once, one switches it off and tells the admins.
            disabled = (
                endpoint.filter(active=True, failing_since__lte=give_up_before).update(active=False, disabled_at=now)
                == 1
            )
    if not outcome.delivered:
        logger.warning("Webhook %s to %s failed: %s", delivery.webhook_id, delivery.endpoint.url, outcome.error)
    if disabled:
        logger.error("Webhook endpoint %s switched off after a day of failures", delivery.endpoint.url)
        endpoint_disabled_notify(endpoint_id=delivery.endpoint_id)


def deliveries_send_again(*, delivery_ids: list[int]) -> int:
    """Put deliveries up for a new attempt now, same payload and ``webhook-id`` (the admin's "Send again").

    A delivery some sender holds right now is left alone. Returns how many were put up.
    """
    now = timezone.now()
    held = Q(status=WebhookDelivery.Status.SENDING, claimed_until__gte=now)
    return (
        WebhookDelivery.objects.filter(pk__in=delivery_ids)
        .exclude(held)
        .update(status=WebhookDelivery.Status.PENDING, next_attempt_at=now, claimed_until=None)
    )
