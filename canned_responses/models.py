"""Canned responses: reusable replies with safe placeholders, and the courtesy phrase list."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import models

BODY_MAX = 10_000
TITLE_MAX = 120
SHORTCUT_MAX = 32

SUGGESTED_STATUS_CHOICES = [
    ("", "Keep the current status"),
    ("open", "Open"),
    ("waiting", "Waiting on customer"),
    ("resolved", "Resolved"),
]
SUGGESTED_NEXT_UPDATE_CHOICES = [
    ("", "The policy's default"),
    ("2bh", "In 2 business hours"),
    ("tomorrow10", "Tomorrow by 10:00"),
]


class CannedResponseQuerySet(models.QuerySet["CannedResponse"]):
    def active(self) -> CannedResponseQuerySet:
        return self.filter(is_active=True)

    def shared(self) -> CannedResponseQuerySet:
        return self.filter(owner__isnull=True)

    def usable_by(self, user: User | AnonymousUser) -> CannedResponseQuerySet:
        """Active responses an agent may insert: the shared ones and their own."""
        return self.active().filter(models.Q(owner__isnull=True) | models.Q(owner_id=user.pk))

    def for_queue(self, queue_id: int) -> CannedResponseQuerySet:
        """Those scoped to no queue (all) or to this one: one query, no join fan-out."""
        through = CannedResponse.queues.through.objects
        scoped = through.filter(cannedresponse=models.OuterRef("pk"))
        return self.filter(~models.Exists(scoped) | models.Exists(scoped.filter(queue_id=queue_id)))


class CannedResponse(models.Model):
    """A reusable reply. No owner: shared (admins manage it); an owner: that agent's own."""

    title = models.CharField(max_length=TITLE_MAX)
    body = models.TextField(
        help_text="Markdown. Placeholders such as {{ customer.first_name }} are filled in for each ticket."
    )
    shortcut = models.CharField(
        max_length=SHORTCUT_MAX,
        blank=True,
        help_text="Optional, e.g. /refund: typed in the reply box to insert this response.",
    )
    kinds = models.JSONField(default=list, blank=True, help_text="Ticket kinds it applies to; empty: all kinds.")
    queues = models.ManyToManyField(
        "tickets.Queue", blank=True, related_name="canned_responses", help_text="Empty: all queues."
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="canned_responses",
        help_text="Empty: shared with every agent. Set: this agent's personal response.",
    )
    is_active = models.BooleanField(default=True)
    suggested_status = models.CharField(
        max_length=16, blank=True, choices=SUGGESTED_STATUS_CHOICES, help_text="Status to set with this reply."
    )
    suggested_next_update = models.CharField(
        max_length=16, blank=True, choices=SUGGESTED_NEXT_UPDATE_CHOICES, help_text="Next-update promise to make."
    )
    usage_count = models.PositiveIntegerField(default=0, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CannedResponseQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            # One shortcut per scope: the shared set, and each agent's own set.
            models.UniqueConstraint(
                fields=["shortcut"],
                condition=models.Q(owner__isnull=True) & ~models.Q(shortcut=""),
                name="canned_shared_shortcut_unique",
            ),
            models.UniqueConstraint(
                fields=["owner", "shortcut"],
                condition=models.Q(owner__isnull=False) & ~models.Q(shortcut=""),
                name="canned_personal_shortcut_unique",
            ),
        ]
        indexes = [
            # The composer's lookup: an agent's usable responses.
            models.Index(fields=["is_active", "owner"], name="canned_active_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.shortcut})" if self.shortcut else self.title

    @property
    def is_shared(self) -> bool:
        return self.owner_id is None

    def applies_to_kind(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


class CannedResponseUse(models.Model):
    """One reply sent from a canned response: "most used in the last 30 days" is a recount."""

    response = models.ForeignKey(CannedResponse, on_delete=models.CASCADE, related_name="uses")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.SET_NULL, null=True, related_name="+")
    used_at = models.DateTimeField()

    class Meta:
        ordering = ["-used_at"]
        indexes = [
            # The admin's "uses in the last 30 days" count per response.
            models.Index(fields=["response", "used_at"], name="canned_use_response_time"),
        ]

    def __str__(self) -> str:
        return f"{self.response_id} at {self.used_at:%Y-%m-%d %H:%M}"


class BluntPhrase(models.Model):
    """A phrase that reads as blunt to an upset customer; flagged before a reply to a complaint."""

    phrase = models.CharField(max_length=100, unique=True)
    suggestion = models.CharField(
        max_length=200, blank=True, help_text="Optional: a gentler way to say it, shown to the agent."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["phrase"]

    def __str__(self) -> str:
        return self.phrase
