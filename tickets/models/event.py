from __future__ import annotations

from django.conf import settings
from django.db import models


class TicketEvent(models.Model):
    """The ticket's history: who did what, when. Written by services, never edited."""

    class Kind(models.TextChoices):
        CREATED = "created", "Ticket created"
        CUSTOMER_REPLIED = "customer_replied", "Customer replied"
        AGENT_REPLIED = "agent_replied", "Agent replied"
        NOTE_ADDED = "note_added", "Internal note added"
        STATUS_CHANGED = "status_changed", "Status changed"
        PRIORITY_CHANGED = "priority_changed", "Priority changed"
        ASSIGNED = "assigned", "Assignee changed"
        LINK_RESENT = "link_resent", "Private link sent again"
        LINK_REVOKED = "link_revoked", "Private link revoked and replaced"
        PROMISE_MADE = "promise_made", "Promise made"
        PROMISE_KEPT = "promise_kept", "Promise kept"
        PROMISE_BROKEN = "promise_broken", "Promise broken"
        PROMISE_SUPERSEDED = "promise_superseded", "Promise replaced"
        PROMISE_PAUSED = "promise_paused", "Clock paused (waiting on customer)"
        PROMISE_RESUMED = "promise_resumed", "Clock resumed"
        PROMISE_ENDED = "promise_ended", "Promise ended (solved)"
        ACK_HELD = "ack_held", "Acknowledgement held: too many to this address in the last hour"
        EMAIL_BOUNCED = "email_bounced", "Email bounced"
        EMAIL_DELAYED = "email_delayed", "Email delayed (the mail server is still trying)"
        BOUNCE_CLEARED = "bounce_cleared", "Bouncing address cleared"
        FOLLOWED_UP = "followed_up", "Wrote again: a new ticket follows this one"
        COPIED = "copied", "Copied in"
        QUEUE_CHANGED = "queue_changed", "Moved to another queue"
        KIND_CHANGED = "kind_changed", "Kind corrected"
        TAG_ADDED = "tag_added", "Tag added"
        TAG_REMOVED = "tag_removed", "Tag removed"
        LINKED = "linked", "Linked to a related ticket"
        UNLINKED = "unlinked", "Link to a related ticket removed"
        MERGED_INTO = "merged_into", "Merged into another ticket"
        MERGED_FROM = "merged_from", "A duplicate was merged in"
        CUSTOMER_MERGED = "customer_merged", "Customer merged"
        # After "solved" (closing the loop, satisfaction, follow-ups, complaints handled with care).
        CUSTOMER_CONFIRMED = "customer_confirmed", "Customer confirmed it is solved"
        CUSTOMER_REOPENED = "customer_reopened", "Customer said they still need help"
        RATED = "rated", "Customer rated the help"
        CHECK_IN_SENT = "check_in_sent", "Follow-up sent"
        CHECK_IN_CANCELLED = "check_in_cancelled", "Follow-up cancelled"
        GESTURE_RECORDED = "gesture_recorded", "Goodwill gesture recorded"
        GESTURE_APPROVED = "gesture_approved", "Goodwill gesture approved"
        GESTURE_DECLINED = "gesture_declined", "Goodwill gesture declined"
        RESOLUTION_RECORDED = "resolution_recorded", "Complaint resolution recorded"
        PRAISE_MARKED = "praise_marked", "Marked as praise"

    class Via(models.TextChoices):
        """The way in a write came through; blank on rows written before it was recorded, and for the
        desk's pages, the portal and the system's own work (tickets/services/events.py, ``events_via``)."""

        API = "api", "API"

    class PromiseEffect(models.TextChoices):
        """What a move or a kind correction did to the pending promise (docs/promises.md, "Moves")."""

        RECALCULATED = "recalculated", "Recalculated under the new policy"
        STANDS = "stands", "Kept as made"
        BROKEN = "broken", "Already overdue: recorded as broken"
        PAUSED = "paused", "Still paused"

    # No index of its own: event_ticket_created (ticket, created_at) serves every lookup by ticket,
    # and one index less is one random page less per row the sweep writes at a million tickets.
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="events", db_index=False)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_is_customer = models.BooleanField(default=False)
    old_value = models.CharField(max_length=200, blank=True)
    new_value = models.CharField(max_length=200, blank=True)
    # Moves and kind corrections: what became of the pending promise, and its due time after.
    promise_effect = models.CharField(max_length=12, choices=PromiseEffect.choices, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    via = models.CharField(max_length=8, choices=Via.choices, blank=True)
    via_label = models.CharField(max_length=100, blank=True, help_text="E.g. the name of the API token used.")

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="event_ticket_created")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on ticket {self.ticket_id}"

    @property
    def actor_name(self) -> str:
        if self.actor_is_customer:
            return self.ticket.customer.name
        if self.actor is None:
            return "System"
        return self.actor.get_full_name() or self.actor.get_username()
