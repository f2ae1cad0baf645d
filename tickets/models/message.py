from __future__ import annotations

from django.conf import settings
from django.db import models

from tickets.models.ticket import Ticket


class Message(models.Model):
    """One entry of the conversation: a public reply or an internal note."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public reply"
        NOTE = "note", "Internal note"

    class Author(models.TextChoices):
        AGENT = "agent", "Agent"
        CUSTOMER = "customer", "Customer"

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="messages")
    visibility = models.CharField(max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC)
    author_kind = models.CharField(max_length=10, choices=Author.choices)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Who wrote a customer-side message when it was not the ticket's customer: someone copied on
    # the thread who answered our email (its signed Reply-To). Empty: the customer (or the agent).
    author_email = models.EmailField(max_length=254, blank=True)
    author_display = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    full_body = models.TextField(
        blank=True,
        help_text="The whole text as it arrived, when `body` shows only part of it (an email's quoted "
        "history and signature trimmed off); blank when `body` is all of it.",
    )
    created_at = models.DateTimeField()
    # Set when a merge moved this message here from a duplicate: shown as "from HD-1001".
    merged_from = models.ForeignKey(
        "tickets.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="message_ticket_created"),
            # Only merged messages: a small index instead of one over every message.
            models.Index(
                fields=["merged_from"], name="message_merged_from", condition=models.Q(merged_from__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_visibility_display()} on ticket {self.ticket_id}"

    @property
    def is_note(self) -> bool:
        return self.visibility == self.Visibility.NOTE

    @property
    def by_someone_else(self) -> bool:
        """A customer-side message written by someone other than the ticket's customer."""
        return self.author_kind == self.Author.CUSTOMER and bool(self.author_email)

    @property
    def merged_from_reference(self) -> str:
        """The reference of the ticket this message was merged from ("" if it began here); no query."""
        return Ticket.reference_for(self.merged_from_id) if self.merged_from_id else ""

    @property
    def author_name(self) -> str:
        if self.author_kind == self.Author.CUSTOMER:
            if self.author_email:
                return self.author_display or self.author_email
            return self.ticket.customer.name
        if self.author_user is None:
            return "Support team"
        return self.author_user.get_full_name() or self.author_user.get_username()


def attachment_path(instance: Attachment, filename: str) -> str:
    # Random directory name: never derived from the user's filename.
    return f"attachments/{instance.ticket_id}/{instance.storage_key}"


class Attachment(models.Model):
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey("tickets.Message", on_delete=models.CASCADE, related_name="attachments")
    storage_key = models.CharField(max_length=64, unique=True)
    file = models.FileField(upload_to=attachment_path, max_length=255)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename
