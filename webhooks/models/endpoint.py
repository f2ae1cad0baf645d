from __future__ import annotations

from django.db import models


class WebhookEndpoint(models.Model):
    """A URL another system gave us, and the events it wants there.

    The secret is stored as it is: signing needs the secret itself (a hash could only check a
    signature, not make one). Anyone who can read this table can forge our webhooks to that
    receiver, the same as anyone who can read the ticket tables can read the tickets; keep
    database backups as private as the database. The admin shows it so it can be copied into the
    receiver, and "Rotate secret" replaces it.
    """

    url = models.URLField("URL", max_length=500, help_text="Where we POST events: https://...")
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list, help_text="The event types this endpoint receives.")
    include_notes = models.BooleanField(
        "include internal notes",
        default=False,
        help_text="message.created for internal notes too, not only for public replies.",
    )
    secret = models.CharField(max_length=100, editable=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    # Since when every delivery to it has failed (cleared by a success): after
    # WEBHOOKS_DISABLE_AFTER_SECONDS of that, it is switched off.
    failing_since = models.DateTimeField(null=True, blank=True, editable=False)
    # Failed attempts since the last success (any delivery): the admin's list shows it.
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    disabled_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When it was switched off for failing."
    )

    class Meta:
        ordering = ["url", "id"]
        verbose_name = "webhook endpoint"

    def __str__(self) -> str:
        return self.description or self.url

    def wants(self, event_type: str) -> bool:
        return event_type in self.events
