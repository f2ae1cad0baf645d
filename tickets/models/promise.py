"""Promises: "we will update you by ...", as rows with their own bookkeeping."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

if TYPE_CHECKING:  # Ticket's module does not import this one: no cycle at run time either
    from tickets.models.ticket import Ticket


class PromiseQuerySet(models.QuerySet["Promise"]):
    def pending_for(self, ticket: Ticket) -> Promise | None:
        """The ticket's one pending promise (running or paused), if any."""
        return self.filter(ticket=ticket, state=Promise.State.PENDING).first()


class Promise(models.Model):
    """One promise to a customer. At most one per ticket is pending (a database constraint).

    Pending promises are either running (``due_at`` set) or paused while we wait on the
    customer (``due_at`` empty, ``remaining_seconds`` of business time carried forward).
    The sweep claims reminders and breaches with conditional UPDATEs, so each notice goes
    out once.
    """

    class Kind(models.TextChoices):
        FIRST_RESPONSE = "first_response", "First response"
        NEXT_UPDATE = "next_update", "Next update"

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        KEPT = "kept", "Kept"
        BROKEN = "broken", "Broken"
        SUPERSEDED = "superseded", "Superseded"
        ENDED = "ended", "Ended (ticket solved)"

    class Source(models.TextChoices):
        POLICY = "policy", "SLA policy"
        AGENT = "agent", "Agent"

    # No index of its own: promise_ticket_created (ticket, created_at) serves every lookup by
    # ticket, and the sweep rewrites hundreds of promises a minute (each index is one more write).
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="promises", db_index=False)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    source = models.CharField(max_length=8, choices=Source.choices)
    policy = models.ForeignKey("tickets.SlaPolicy", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    due_at = models.DateTimeField(null=True, blank=True)
    remind_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    remaining_seconds = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField()
    settled_at = models.DateTimeField(null=True, blank=True)
    fulfilled_at = models.DateTimeField(
        null=True, blank=True, help_text="When the customer heard from us (late, for a broken promise)."
    )
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    breach_notified_at = models.DateTimeField(null=True, blank=True)

    objects = PromiseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["ticket"], condition=models.Q(state="pending"), name="promise_one_pending"),
        ]
        indexes = [
            # The sweep's breach query: pending promises whose due time has passed.
            models.Index(fields=["due_at"], name="promise_pending_due", condition=models.Q(state="pending")),
            # The sweep's reminder query: pending promises not yet reminded, by reminder time.
            models.Index(
                fields=["remind_at"],
                name="promise_reminder_due",
                condition=models.Q(state="pending", reminder_sent_at__isnull=True),
            ),
            models.Index(fields=["ticket", "created_at"], name="promise_ticket_created"),
            # The reports: promises made in a period.
            models.Index(fields=["created_at"], name="promise_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for ticket {self.ticket_id} ({self.state})"

    @property
    def is_paused(self) -> bool:
        return self.state == self.State.PENDING and self.paused_at is not None


class Notice(models.Model):
    """Something one agent should know of; shown under the desk's bell and emailed.

    A reminder or breach notice names its ``promise``; a "customer replied" notice names the
    customer's ``message`` instead, and a mention names the internal note that mentions the
    agent; either is unique per (message, user) so it is written once.
    """

    class Kind(models.TextChoices):
        REMINDER = "reminder", "Due soon"
        BREACH = "breach", "Promise broken"
        CUSTOMER_REPLY = "reply", "Customer replied"
        MENTION = "mention", "Mentioned you"
        BAD_RATING = "badrating", "Bad rating"
        APPROVAL = "approval", "Gesture to approve"

    # ``promise`` and ``user`` lead the unique constraint and the bell's index below, which serve
    # every lookup by either: an index of their own would only be one more to write per row (the
    # sweep writes hundreds of notices a minute at a million tickets).
    promise = models.ForeignKey(
        Promise, on_delete=models.CASCADE, null=True, blank=True, related_name="notices", db_index=False
    )
    message = models.ForeignKey("tickets.Message", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    # The ticket of the promise or message, repeated so the bell lists notices without a join. The
    # database does not check it (``db_constraint=False``): the promise's and message's own keys
    # are checked, the other kinds are written by services holding the ticket, and the ORM deletes
    # a ticket's notices with it. A check would take a row lock on every ticket the sweep tells
    # of, at commit: about a tenth of a minute's sweep at a million tickets.
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="helpdesk_notices", db_index=False
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["promise", "kind", "user"], name="notice_once_per_promise_kind_user"),
            models.UniqueConstraint(
                fields=["message", "user"],
                condition=models.Q(message__isnull=False),
                name="notice_once_per_message_user",
            ),
        ]
        indexes = [
            # The bell: a user's unread notices, newest first.
            models.Index(fields=["user", "read_at", "-created_at"], name="notice_user_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.user_id} for ticket {self.ticket_id}"
