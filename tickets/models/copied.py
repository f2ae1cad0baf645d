from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower


class CopiedAddress(models.Model):
    """Someone the customer copied on their email (Cc, or another To): kept on the ticket.

    The agent's reply composer offers each one, ticked as the agent last left it
    (``copy_replies``); a public reply then goes to each ticked address as a separate email
    without the customer's private link (tickets.services.copies). One row per address per
    ticket, whatever its case.
    """

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="copied")
    email = models.EmailField(max_length=254)
    copy_replies = models.BooleanField(
        default=True, help_text="Copy the agent's public replies to this address (the agent's last choice)."
    )
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name_plural = "copied addresses"
        constraints = [models.UniqueConstraint("ticket", Lower("email"), name="copied_address_ci_unique")]

    def __str__(self) -> str:
        return self.email
