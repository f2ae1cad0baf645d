"""Mailboxes the desk reads, and every message that came in through one of them."""

from __future__ import annotations

import ipaddress
import re
import zlib

from django.core.exceptions import ValidationError
from django.db import models

from tickets.models import Ticket

ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]*")


class ImapSecurity(models.TextChoices):
    IMAPS = "imaps", "IMAPS (TLS from the start, port 993)"
    STARTTLS = "starttls", "STARTTLS (port 143)"
    PLAIN = "plain", "None (a server on this machine only, for testing)"


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


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

    # IMAP polling (blank host: the mailbox is fed by `ingest_email` only). The password is never
    # stored: the mailbox names an environment variable of the worker that holds it.
    imap_host = models.CharField(
        "IMAP host", max_length=253, blank=True, help_text="e.g. imap.gmail.com; leave blank not to poll."
    )
    imap_port = models.PositiveIntegerField("IMAP port", default=993, help_text="993 for IMAPS, 143 for STARTTLS.")
    imap_security = models.CharField(
        "IMAP security", max_length=8, choices=ImapSecurity.choices, default=ImapSecurity.IMAPS
    )
    imap_username = models.CharField("IMAP user name", max_length=254, blank=True)
    imap_password_env = models.CharField(
        "IMAP password variable",
        max_length=100,
        blank=True,
        help_text="The name of the environment variable holding the password, e.g. MAILBOX_SUPPORT_PASSWORD. "
        "The password itself is never stored here.",
    )
    imap_folder = models.CharField("IMAP folder", max_length=200, default="INBOX")
    imap_lease_until = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Set while a worker polls this mailbox."
    )

    class Meta:
        verbose_name_plural = "mailboxes"

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.imap_password_env and not ENV_NAME.fullmatch(self.imap_password_env):
            errors["imap_password_env"] = "Use a variable name: capital letters, digits and underscores."  # noqa: S105 - a message
        if self.imap_host and not self.imap_username:
            errors["imap_username"] = "Needed to sign in to the IMAP server."
        if self.imap_security == ImapSecurity.PLAIN and self.imap_host and not is_loopback(self.imap_host):
            errors["imap_security"] = "Plain IMAP sends the password in clear: only for a server on this machine."
        if errors:
            raise ValidationError(errors)


class InboundMessage(models.Model):
    """One message as received, kept whatever became of it: nothing that arrives is ever lost.

    ``dedup_key`` is the Message-ID, or ``sha256:<hex>`` of the raw bytes for a message without
    one; unique per mailbox, so the same message delivered twice makes nothing new.

    The raw bytes are kept compressed for ``MAIL_RAW_RETENTION_DAYS`` (``mail.retention``); then a
    filed message's bytes are cleared and ``raw_purged_at`` says when. Its text stays on the ticket
    (``Message.body`` and ``full_body``). A quarantined message keeps its bytes: it is all there is.
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
    raw_purged_at = models.DateTimeField(
        "raw message cleared",
        null=True,
        blank=True,
        help_text="When the raw bytes were cleared (MAIL_RAW_RETENTION_DAYS).",
    )

    class Meta:
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["mailbox", "dedup_key"], name="inbound_unique_per_mailbox")]
        indexes = [
            # The daily purge (mail.retention.inbound_raw_purge): filed messages still holding bytes, oldest first.
            models.Index(
                fields=["received_at"],
                condition=models.Q(raw_purged_at__isnull=True) & ~models.Q(status="quarantined"),
                name="inbound_raw_kept_received",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sender} · {self.subject[:60]} ({self.status})"

    @property
    def raw(self) -> bytes:
        """The message as received, or b"" once its bytes were cleared under the retention setting."""
        if self.raw_purged_at is not None:
            return b""
        return zlib.decompress(bytes(self.raw_compressed))
