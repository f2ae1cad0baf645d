from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower


class OutboundEmail(models.Model):
    """The record of truth for every email we owe someone.

    Written in the same transaction as the change that causes it, under a unique key
    (``ack:<ticket>``, ``reply:<message>``...), so a ticket gets one acknowledgement
    however often the task runs. The task claims the row with a conditional UPDATE
    before it talks to SMTP; a periodic re-queue picks up rows the broker lost.
    """

    class Kind(models.TextChoices):
        ACKNOWLEDGEMENT = "ack", "Acknowledgement"
        AGENT_REPLY = "reply", "Agent reply"
        # The same reply to an address the customer copied; no private link (tickets.services.copies).
        REPLY_COPY = "replycopy", "Agent reply, copy"
        TICKET_LINKS = "links", "Ticket links sent again"
        NEW_LINK = "newlink", "New private link (old one revoked)"
        NOTICE = "notice", "Promise notice to an agent"
        MERGED = "merged", "Request merged into another"
        # Only when the agent ticks "Email the customers" on a bulk status change or close.
        STATUS = "status", "Status change told to the customer"
        SURVEY = "survey", "Satisfaction survey"
        CHECK_IN = "checkin", "Follow-up check-in"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        # An acknowledgement over the per-recipient cap: recorded, never sent (see
        # tickets.services.portal.ack_cap_reached). Not pending, so no task or re-queue picks it up.
        HELD = "held", "Held (not sent)"
        # Sent, then refused for good by the recipient's server: a delivery report came back.
        BOUNCED = "bounced", "Bounced"

    key = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, null=True, blank=True, related_name="emails")
    message = models.ForeignKey("tickets.Message", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    customer = models.ForeignKey(
        "tickets.Customer", on_delete=models.CASCADE, null=True, blank=True, related_name="emails"
    )
    notice = models.ForeignKey("tickets.Notice", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    to_email = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300, blank=True)
    # The plain-text body as sent, private links redacted (the database never holds a link token).
    body_text = models.TextField("text sent", blank=True)
    # Ids the email speaks of, when more than the ticket (the "send my links again" email).
    context = models.JSONField(default=dict, blank=True)
    message_id_header = models.CharField("Message-ID", max_length=255, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # The latest delivery report about it (mail intake): "Bounced: 550 5.1.1 user unknown".
    delivery_report = models.CharField(max_length=250, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "outbound email"
        indexes = [
            # The periodic re-queue: unsent rows whose attempt is due.
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_unsent_due",
                condition=models.Q(status__in=["pending", "sending"]),
            ),
            # The per-recipient acknowledgement cap: acks to one address in the last hour.
            models.Index(
                Lower("to_email"),
                "created_at",
                name="outbox_ack_to_recent",
                condition=models.Q(kind="ack"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to_email} ({self.status})"
