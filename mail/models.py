"""Mailboxes the desk reads, and every message that came in through one of them."""

from __future__ import annotations

import zlib

from django.db import models

from tickets.models import Ticket


class Mailbox(models.Model):
    """An address customers write to; new tickets from it start in its queue as its kind."""

    name = models.SlugField(max_length=50, unique=True, help_text="Used by `manage.py ingest_email --mailbox NAME`.")
    address = models.EmailField(max_length=254, help_text="The address customers write to, e.g. support@example.com.")
    queue = models.ForeignKey("tickets.Queue", on_delete=models.PROTECT, related_name="+")
    default_kind = models.CharField(
        max_length=16,
        choices=Ticket.Kind.choices,
        default=Ticket.Kind.INFO,
        help_text="What a new email ticket starts as; agents can change it afterwards.",
    )
    is_active = models.BooleanField(default=True)
    inbound_token_hash = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="SHA-256 of the token for POST /mail/inbound/<name>/; empty: the endpoint refuses this mailbox.",
    )

    class Meta:
        verbose_name_plural = "mailboxes"

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"


class InboundMessage(models.Model):
    """One message as received, kept whatever became of it: nothing that arrives is ever lost.

    ``dedup_key`` is the Message-ID, or ``sha256:<hex>`` of the raw bytes for a message without
    one; unique per mailbox, so the same message delivered twice makes nothing new.
    """

    class Status(models.TextChoices):
        NEW_TICKET = "ticket", "Opened a ticket"
        REPLY = "reply", "Added to a ticket"
        QUARANTINED = "quarantined", "Quarantined"

    mailbox = models.ForeignKey(Mailbox, on_delete=models.PROTECT, related_name="messages")
    dedup_key = models.CharField(max_length=255)
    message_id_header = models.CharField("Message-ID", max_length=255, blank=True, db_index=True)
    sender = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    raw_compressed = models.BinaryField()
    raw_size = models.PositiveBigIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices)
    reason = models.TextField(blank=True, help_text="Why it was quarantined, or why nothing was sent back.")
    automatic = models.BooleanField(default=False, help_text="Written by a machine (RFC 3834): never answered.")
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="inbound_messages"
    )
    message = models.ForeignKey("tickets.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["mailbox", "dedup_key"], name="inbound_unique_per_mailbox")]

    def __str__(self) -> str:
        return f"{self.sender} · {self.subject[:60]} ({self.status})"

    @property
    def raw(self) -> bytes:
        return zlib.decompress(bytes(self.raw_compressed))
