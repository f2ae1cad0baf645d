"""Triage on a ticket: tags (admin-curated colours), links between related tickets, followers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from tickets.tags import COLOUR_CHOICES, DEFAULT_COLOUR, NAME_MAX


class Tag(models.Model):
    """A free label agents put on tickets; admins curate its colour (an accessible palette)."""

    name = models.CharField(max_length=NAME_MAX, help_text="Shown as typed; matched whatever its case.")
    colour = models.CharField(
        max_length=12,
        choices=COLOUR_CHOICES,
        default=DEFAULT_COLOUR,
        help_text="Every colour of the palette keeps the name readable (WCAG AA contrast).",
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="tag_name_ci_unique")]

    def __str__(self) -> str:
        return self.name


class TicketTag(models.Model):
    """One tag on one ticket. ``(tag, ticket)`` is indexed for the queue's ``?tag=`` filter."""

    # Both lookups are served by the two-column indexes below: no single-column index of their own.
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+", db_index=False)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+", db_index=False)
    created_at = models.DateTimeField()

    class Meta:
        # (ticket, tag): a ticket's tags (the page, the queue's rows); (tag, ticket): a tag's tickets.
        constraints = [models.UniqueConstraint(fields=["ticket", "tag"], name="ticket_tag_once")]
        indexes = [
            # The queue filtered by a tag: the tag's tickets, joined to the queue's own index.
            models.Index(fields=["tag", "ticket"], name="ticket_tag_by_tag"),
        ]

    def __str__(self) -> str:
        return f"{self.tag_id} on {self.ticket_id}"


class TicketLink(models.Model):
    """Two related tickets, stored once with the lower id first; shown on both."""

    low = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="links_up", db_index=False)
    high = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="links_down", db_index=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["low", "high"], name="ticket_link_once"),
            models.CheckConstraint(condition=models.Q(low__lt=models.F("high")), name="ticket_link_ordered"),
        ]
        indexes = [models.Index(fields=["high"], name="ticket_link_high")]  # (low, high) serves "low"

    def __str__(self) -> str:
        return f"{self.low_id} <-> {self.high_id}"


class TicketFollower(models.Model):
    """An agent who follows a ticket: told of the customer's replies, like the assignee."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+", db_index=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        # (ticket, user) serves a ticket's followers; the user's own index, deleting a user.
        constraints = [models.UniqueConstraint(fields=["ticket", "user"], name="ticket_follower_once")]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.ticket_id}"
