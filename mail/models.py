"""Mailboxes the desk reads, and every message that came in through one of them."""

from __future__ import annotations

import ipaddress
import re
import zlib
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models

from tickets.models import Ticket

ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]*")


class ImapSecurity(models.TextChoices):
    IMAPS = "imaps", "IMAPS (TLS from the start, port 993)"
    STARTTLS = "starttls", "STARTTLS (port 143)"
    PLAIN = "plain", "None (a server on this machine only, for testing)"


class ImapAuth(models.TextChoices):
    PASSWORD = "password", "Password (or an app password)"
    OAUTH2 = "oauth2", "OAuth 2.0 for a signed-in user (refresh token): Gmail, Microsoft 365"
    OAUTH2_APP = "oauth2_app", "OAuth 2.0 for the app itself (client credentials): Microsoft 365"


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_OAUTH_NEEDS = {
    "oauth_token_url": "Needed for OAuth 2.0: the provider's token endpoint.",
    "oauth_client_id": "Needed for OAuth 2.0: the app's client ID.",
}
# The fields each way of signing in needs, and what to say when one is blank.
SIGN_IN_NEEDS: dict[str, dict[str, str]] = {
    ImapAuth.PASSWORD: {"imap_password_env": "Name the variable that holds the password."},
    ImapAuth.OAUTH2: _OAUTH_NEEDS | {"oauth_refresh_token_env": "Name the variable that holds the refresh token."},
    ImapAuth.OAUTH2_APP: _OAUTH_NEEDS
    | {
        "oauth_client_secret_env": "The app signs in with its client secret: name its variable.",
        "oauth_scope": "Microsoft 365: https://outlook.office365.com/.default",
    },
}


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
    imap_auth = models.CharField("IMAP sign-in", max_length=12, choices=ImapAuth.choices, default=ImapAuth.PASSWORD)
    # OAuth 2.0 (SASL XOAUTH2): like the password, the client secret and the refresh token are
    # never stored; the mailbox names the worker's environment variables that hold them.
    oauth_token_url = models.URLField(
        "OAuth token endpoint",
        max_length=500,
        blank=True,
        help_text="Microsoft: https://login.microsoftonline.com/TENANT/oauth2/v2.0/token (TENANT: the directory "
        "(tenant) ID or domain); Google: https://oauth2.googleapis.com/token.",
    )
    oauth_client_id = models.CharField("OAuth client ID", max_length=255, blank=True)
    oauth_client_secret_env = models.CharField(
        "OAuth client secret variable",
        max_length=100,
        blank=True,
        help_text="The name of the environment variable holding the client secret; blank for a public client.",
    )
    oauth_refresh_token_env = models.CharField(
        "OAuth refresh token variable",
        max_length=100,
        blank=True,
        help_text="The name of the environment variable holding the refresh token (signed-in user only).",
    )
    oauth_scope = models.CharField(
        "OAuth scope",
        max_length=500,
        blank=True,
        help_text="Microsoft, signed-in user: https://outlook.office.com/IMAP.AccessAsUser.All offline_access; "
        "Microsoft, the app itself: https://outlook.office365.com/.default; Google: leave blank.",
    )
    imap_lease_until = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Set while a worker polls this mailbox."
    )
    imap_polled_at = models.DateTimeField("last polled", null=True, blank=True, editable=False)
    imap_error = models.CharField(
        "last poll error", max_length=300, blank=True, editable=False, help_text="Empty when the last poll went well."
    )

    class Meta:
        verbose_name_plural = "mailboxes"

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"

    @property
    def uses_oauth(self) -> bool:
        return self.imap_auth in {ImapAuth.OAUTH2, ImapAuth.OAUTH2_APP}

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for field in ("imap_password_env", "oauth_client_secret_env", "oauth_refresh_token_env"):
            if getattr(self, field) and not ENV_NAME.fullmatch(getattr(self, field)):
                errors[field] = "Use a variable name: capital letters, digits and underscores."
        if self.imap_host and not self.imap_username:
            errors["imap_username"] = "Needed to sign in to the IMAP server."
        if self.imap_security == ImapSecurity.PLAIN and self.imap_host and not is_loopback(self.imap_host):
            errors["imap_security"] = "Plain IMAP sends the password in clear: only for a server on this machine."
        if self.imap_host:
            errors |= {field: message for field, message in self._sign_in_errors().items() if field not in errors}
        if errors:
            raise ValidationError(errors)

    def _sign_in_errors(self) -> dict[str, str]:
        """What the chosen way of signing in still needs."""
        needs = SIGN_IN_NEEDS.get(self.imap_auth, {})
        errors = {field: message for field, message in needs.items() if not getattr(self, field)}
        url = urlsplit(self.oauth_token_url)
        if self.uses_oauth and self.oauth_token_url and url.scheme != "https" and not is_loopback(url.hostname or ""):
            errors |= {"oauth_token_url": "Use https: the endpoint receives the client secret and the refresh token."}
        return errors


class InboundMessage(models.Model):
    """One message as received, kept whatever became of it: nothing that arrives is ever lost.

    ``dedup_key`` is the Message-ID, or ``sha256:<hex>`` of the message's own headers and body
    for a message without one (``mail.parsing.fallback_key``). Unique per mailbox: the same
    message fetched again makes nothing, not even a row. Across mailboxes one row per key is the
    original (``duplicate_of`` empty, a unique index); the same message arriving in another
    mailbox (sent to support@ and sales@) is kept as a DUPLICATE row pointing to it, and files
    nothing. PostgreSQL's unique index makes two mailboxes that take it at once wait for each
    other (``mail.dedup``).

    The raw bytes are kept compressed for ``MAIL_RAW_RETENTION_DAYS`` (``mail.retention``); then a
    filed message's bytes are cleared and ``raw_purged_at`` says when. Its text stays on the ticket
    (``Message.body`` and ``full_body``). A quarantined message keeps its bytes: it is all there is.
    """

    class Status(models.TextChoices):
        NEW_TICKET = "ticket", "Opened a ticket"
        REPLY = "reply", "Added to a ticket"
        QUARANTINED = "quarantined", "Quarantined"
        BOUNCE = "bounce", "Bounce (delivery report)"
        DUPLICATE = "duplicate", "Already received in another mailbox"

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
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        help_text="The same message as first received, in another mailbox.",
    )
    received_at = models.DateTimeField()
    raw_purged_at = models.DateTimeField(
        "raw message cleared",
        null=True,
        blank=True,
        help_text="When the raw bytes were cleared (MAIL_RAW_RETENTION_DAYS).",
    )

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["mailbox", "dedup_key"], name="inbound_unique_per_mailbox"),
            # One original per message across every mailbox: the lock two mailboxes queue on.
            models.UniqueConstraint(
                fields=["dedup_key"], condition=models.Q(duplicate_of__isnull=True), name="inbound_one_original"
            ),
        ]
        permissions = [("retry_inboundmessage", "Can retry filing a quarantined inbound message")]
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
