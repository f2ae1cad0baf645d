"""Saved views: a queue filter and sort with a name, in the desk's sidebar with its count."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SavedView(models.Model):
    """A named set of queue filters. Personal (its owner's alone) or shared by an admin with
    every agent or with one queue's agents. Counted for each agent over what that agent may see:
    "Mine" in a shared view is each agent's own."""

    class Scope(models.TextChoices):
        PERSONAL = "personal", "Only me"
        EVERYONE = "everyone", "All agents"
        QUEUE = "queue", "The agents of one queue"

    name = models.CharField(max_length=60)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.PERSONAL)
    # The personal view's owner; for a shared view, the admin who shared it.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    queue = models.ForeignKey(
        "tickets.Queue", on_delete=models.CASCADE, null=True, blank=True, related_name="saved_views"
    )
    # The queue page's query parameters (status, kind, queue, assignee, due, sort, q): the view is
    # always read back through the queue's own filters, so both agree on what it lists.
    filters = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            # The sidebar: an agent's own views, and the shared ones.
            models.Index(fields=["owner", "scope"], name="savedview_owner"),
            models.Index(fields=["scope", "queue"], name="savedview_shared"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope="queue", queue__isnull=False)
                | (~models.Q(scope="queue") & models.Q(queue=None)),
                name="savedview_queue_scope",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_shared(self) -> bool:
        return self.scope != self.Scope.PERSONAL
