from __future__ import annotations

from django.db import models

PENDING_STATES = ("pending", "sending")


class WebhookDelivery(models.Model):
    """One event owed to one endpoint: the outbox row of a webhook.

    Written by the dispatcher, unique per (endpoint, source), so running it again never
    makes a second one. ``webhook_id`` is the ``webhook-id`` header: the same on every
    attempt and on "Send again", so receivers can drop what they already have.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed (gave up)"

    endpoint = models.ForeignKey("webhooks.WebhookEndpoint", on_delete=models.CASCADE, related_name="deliveries")
    webhook_id = models.CharField("webhook-id", max_length=40, unique=True)
    # What it tells of: "event:<TicketEvent id>", "message:<Message id>", "reminder:<Promise id>".
    source = models.CharField(max_length=40)
    event_type = models.CharField(max_length=32)
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_duration_ms = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "webhook delivery"
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "source"], name="webhook_delivery_once_per_source"),
        ]
        indexes = [
            # The sender's claim: unsent deliveries whose attempt is due.
            models.Index(
                fields=["next_attempt_at"], name="webhook_unsent_due", condition=models.Q(status__in=PENDING_STATES)
            ),
            # The sender's order check: an earlier unsent delivery of the same ticket to the same endpoint.
            models.Index(
                fields=["endpoint", "ticket", "id"],
                name="webhook_unsent_ticket",
                condition=models.Q(status__in=PENDING_STATES),
            ),
            # The admin's endpoint list: the latest delivery of each endpoint.
            models.Index(fields=["endpoint", "-id"], name="webhook_endpoint_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} to {self.endpoint_id} ({self.status})"


class WebhookAttempt(models.Model):
    """One POST of a delivery and what came back: the delivery log."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField()
    response_snippet = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=500, blank=True)
    succeeded = models.BooleanField()

    class Meta:
        ordering = ["delivery", "number"]
        verbose_name = "attempt"

    def __str__(self) -> str:
        return f"Attempt {self.number} of delivery {self.delivery_id}"


class DispatchCursor(models.Model):
    """How far the dispatcher has read one source table: every row with an id up to ``last_id`` is done."""

    name = models.CharField(max_length=20, primary_key=True)
    last_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} at {self.last_id}"
