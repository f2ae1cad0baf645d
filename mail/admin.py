"""Mailboxes are configured here; every message that came in can be read and downloaded here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_POST

from mail.models import InboundMessage, Mailbox
from mail.services import Retried, inbound_retry, inbound_token_rotate


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin[Mailbox]):
    """No secret is a field at all: the IMAP password, the OAuth client secret and refresh token are
    only named, as environment variables of the worker. How the last poll went shows in the list."""

    # The last poll early in the row: with the admin's sidebar the later columns scroll out of sight.
    list_display = [
        "name",
        "address",
        "last_poll",
        "queue",
        "default_kind",
        "imap_host",
        "is_active",
        "has_inbound_token",
    ]
    list_filter = ["is_active", "queue"]
    readonly_fields = ["imap_polled_at", "imap_error"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["new_inbound_token"]
    fieldsets = [
        (None, {"fields": ["name", "address", "queue", "default_kind", "is_active"]}),
        (
            "IMAP polling (every minute; leave the host blank for a mailbox fed by `ingest_email` or HTTP)",
            {
                "fields": [
                    "imap_host", "imap_port", "imap_security", "imap_username", "imap_folder", "imap_auth",
                    "imap_password_env", "imap_polled_at", "imap_error",
                ]
            },
        ),
        (
            "IMAP sign-in with OAuth 2.0 (Microsoft 365, Gmail): see the README, \"Email in\"",
            {
                "fields": [
                    "oauth_token_url", "oauth_client_id", "oauth_client_secret_env", "oauth_refresh_token_env",
                    "oauth_scope",
                ]
            },
        ),
    ]  # fmt: skip

    @admin.display(description="last poll", ordering="imap_polled_at")
    def last_poll(self, obj: Mailbox) -> str:
        """When, and what went wrong, in one cell that wraps: the admin reads it without scrolling."""
        if obj.imap_polled_at is None:
            return "never" if obj.imap_host else "-"
        when = date_format(timezone.localtime(obj.imap_polled_at), "SHORT_DATETIME_FORMAT")
        return f"{when}: {obj.imap_error}" if obj.imap_error else f"{when}: OK"

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
    """Read-only: the record of what arrived. Quarantined messages show why, and can be filed again
    once the cause is fixed ("Retry filing", for admins with the "Can retry filing" permission);
    the raw message downloads until the retention period (MAIL_RAW_RETENTION_DAYS) clears it, and
    then the page says when."""

    list_display = ["received_at", "mailbox", "sender", "subject", "status", "automatic", "ticket", "raw_kept"]
    list_filter = ["status", "automatic", "mailbox"]
    search_fields = ["sender", "subject", "message_id_header"]
    readonly_fields = [
        "mailbox", "dedup_key", "message_id_header", "sender", "subject", "raw_size", "status", "reason",
        "automatic", "ticket", "message", "duplicate_of", "received_at", "raw_purged_at",
    ]  # fmt: skip
    exclude = ["raw_compressed"]
    actions = ["download_raw", "retry_filing"]

    @admin.display(boolean=True, description="Raw kept")
    def raw_kept(self, obj: InboundMessage) -> bool:
        return obj.raw_purged_at is None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: InboundMessage | None = None) -> bool:
        return False

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("mail.retry_inboundmessage")

    def get_urls(self) -> list[URLPattern]:
        retry = self.admin_site.admin_view(require_POST(self.retry_view))
        return [path("<int:pk>/retry/", retry, name="mail_inboundmessage_retry"), *super().get_urls()]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = {"can_retry": self.has_retry_permission(request), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, context)

    @admin.action(description="Retry filing (quarantined messages)", permissions=["retry"])
    def retry_filing(self, request: HttpRequest, queryset: QuerySet[InboundMessage]) -> None:
        for inbound in queryset.order_by("received_at", "pk"):
            self._tell(request, inbound_retry(inbound=inbound))

    def retry_view(self, request: HttpRequest, pk: int) -> HttpResponseRedirect:
        """The change page's "Retry filing" button (POST only)."""
        if not self.has_retry_permission(request):
            raise PermissionDenied
        self._tell(request, inbound_retry(inbound=get_object_or_404(InboundMessage, pk=pk)))
        return HttpResponseRedirect(reverse("admin:mail_inboundmessage_change", args=[pk]))

    def _tell(self, request: HttpRequest, retried: Retried) -> None:
        filed = retried.inbound.status != InboundMessage.Status.QUARANTINED
        level = messages.SUCCESS if filed and retried.was_quarantined else messages.WARNING
        self.message_user(
            request, f"Message {retried.inbound.pk} from {retried.inbound.sender or '?'}: {retried.summary}", level
        )

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
