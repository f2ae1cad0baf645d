"""Records of the API way in: agents' personal tokens and the answers kept for idempotent requests.

Like the mail app's mailboxes, these belong to the way in, not to the domain: no service of the
help desk needs to know that a request came with a token (the events it writes say "via the API",
``TicketEvent.via``, which the domain records without knowing about tokens).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """An agent's personal token. Only the SHA-256 of the secret is kept; the secret is shown once."""

    class Scope(models.TextChoices):
        READ = "read", "Read: look only"
        WRITE = "write", "Write: reply, note, update, create tickets"
        ADMIN = "admin", "Admin: everything the owner may do (admins only)"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. “Shop website”.")
    scope = models.CharField(max_length=8, choices=Scope.choices, default=Scope.READ)
    prefix = models.CharField(max_length=16, help_text="The start of the token, shown in lists to recognise it.")
    secret_hash = models.CharField(max_length=64, unique=True)  # hex SHA-256 of the whole token
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="apitoken_owner_created")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def usable_at(self, at: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > at)

    def allows(self, scope: str) -> bool:
        """Read < write < admin: a token allows its own scope and those below it."""
        order = [self.Scope.READ, self.Scope.WRITE, self.Scope.ADMIN]
        return order.index(self.Scope(self.scope)) >= order.index(self.Scope(scope))


class IdempotentRequest(models.Model):
    """The first answer to a request sent with an ``Idempotency-Key`` header, kept for a day.

    The unique constraint on (actor, key) is what makes two concurrent requests with one key make
    one ticket: the second INSERT waits for the first transaction and then fails (api/idempotency.py).
    """

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(
        max_length=64
    )  # SHA-256 of the request body: a reused key with another body is refused
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["actor", "key"], name="idempotent_request_actor_key")]

    def __str__(self) -> str:
        return f"{self.key} ({self.actor_id})"
