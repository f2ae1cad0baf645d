"""Mailboxes are configured here; every message that came in can be read and downloaded here."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from mail.models import InboundMessage, Mailbox
from mail.services import inbound_token_rotate


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin[Mailbox]):
    """The IMAP password is not a field at all: only the name of the worker's environment variable."""

    list_display = ["name", "address", "queue", "default_kind", "imap_host", "is_active", "has_inbound_token"]
    list_filter = ["is_active", "queue"]
    actions = ["new_inbound_token"]
    fieldsets = [
        (None, {"fields": ["name", "address", "queue", "default_kind", "is_active"]}),
        (
            "IMAP polling (every minute; leave the host blank for a mailbox fed by `ingest_email` or HTTP)",
            {
                "fields": [
                    "imap_host", "imap_port", "imap_security", "imap_username", "imap_password_env", "imap_folder",
                ]
            },
        ),
    ]  # fmt: skip

    @admin.display(boolean=True, description="HTTP token")
    def has_inbound_token(self, obj: Mailbox) -> bool:
        return bool(obj.inbound_token_hash)

    @admin.action(description="Set a new token for the inbound HTTP endpoint (shown once)")
    def new_inbound_token(self, request: HttpRequest, queryset: QuerySet[Mailbox]) -> None:
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one mailbox.", level=messages.WARNING)
            return
        mailbox = queryset.get()
        token = inbound_token_rotate(mailbox=mailbox)
        shown_once = "copy it now, it is not shown again; the old one no longer works"
        self.message_user(request, f"New token for {mailbox.name} ({shown_once}): {token}", level=messages.SUCCESS)


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin[InboundMessage]):
    """Read-only: the record of what arrived. Quarantined messages show why; the raw message downloads
    until the retention period (MAIL_RAW_RETENTION_DAYS) clears it, and then the page says when."""

    list_display = ["received_at", "mailbox", "sender", "subject", "status", "automatic", "ticket", "raw_kept"]
    list_filter = ["status", "automatic", "mailbox"]
    search_fields = ["sender", "subject", "message_id_header"]
    readonly_fields = [
        "mailbox", "dedup_key", "message_id_header", "sender", "subject", "raw_size", "status", "reason",
        "automatic", "ticket", "message", "received_at", "raw_purged_at",
    ]  # fmt: skip
    exclude = ["raw_compressed"]
    actions = ["download_raw"]

    @admin.display(boolean=True, description="Raw kept")
    def raw_kept(self, obj: InboundMessage) -> bool:
        return obj.raw_purged_at is None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: InboundMessage | None = None) -> bool:
        return False

    @admin.action(description="Download the raw message (.eml)")
    def download_raw(self, request: HttpRequest, queryset: QuerySet[InboundMessage]) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one message to download.", level=messages.WARNING)
            return None
        inbound = queryset.get()
        if inbound.raw_purged_at is not None:
            cleared = f"{inbound.raw_purged_at:%d %b %Y}"
            self.message_user(request, f"The raw message was cleared on {cleared} (retention).", messages.WARNING)
            return None
        response = HttpResponse(inbound.raw, content_type="message/rfc822")
        response["Content-Disposition"] = f'attachment; filename="inbound-{inbound.pk}.eml"'
        return response
