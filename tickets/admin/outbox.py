from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.timesince import timesince

from tickets.models import OutboundEmail
from tickets.services.outbox import outbox_retry

# The list must fit a 1366 px laptop beside its filters: short times, a short error
# excerpt (the full error is on the detail page).
ERROR_EXCERPT_CHARS = 40
SHORT_WHEN = "j M H:i"


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin[OutboundEmail]):
    """The outbox, read-only: rows are written by services and the send task, never by hand."""

    # The key names the kind ("ack:12", "reply:40"), so the list has no kind column; the filter stays.
    list_display = ("key", "to_email", "status", "attempts", "sent", "error_excerpt")
    list_filter = ("status", "kind")
    search_fields = ("key", "to_email")
    fields = (
        "key",
        "kind",
        "status",
        "to_email",
        "subject",
        "text_sent",
        "ticket",
        "customer",
        "message",
        "context",
        "message_id_header",
        "attempts",
        "created_at",
        "next_attempt_at",
        "claimed_until",
        "sent_at",
        "full_error",
        "delivery_report",
    )
    readonly_fields = fields
    actions = ("send_again_now",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OutboundEmail | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: OutboundEmail | None = None) -> bool:
        return False

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("tickets.change_outboundemail")

    @admin.display(description="Sent", ordering="sent_at")
    def sent(self, email: OutboundEmail) -> str:
        if email.sent_at:
            return _short(email.sent_at)
        if email.status == OutboundEmail.Status.PENDING:
            return f"next try {_short(email.next_attempt_at)}"
        return "—"

    @admin.display(description="Last error")
    def error_excerpt(self, email: OutboundEmail) -> str:
        return Truncator(email.last_error).chars(ERROR_EXCERPT_CHARS)

    @admin.display(description="Last error")
    def full_error(self, email: OutboundEmail) -> str:
        return format_html('<pre class="outbox-text">{}</pre>', email.last_error) if email.last_error else "—"

    @admin.display(description="Text sent")
    def text_sent(self, email: OutboundEmail) -> str:
        """The plain-text body as it went out, escaped; private links in it are redacted."""
        if email.body_text:
            return format_html('<pre class="outbox-text">{}</pre>', email.body_text)
        if email.status == OutboundEmail.Status.SENT:
            return "Sent before the text of each email was kept."
        return "Not sent yet: the text is kept here once it is sent."

    @admin.action(description="Send again now", permissions=["resend"])
    def send_again_now(self, request: HttpRequest, queryset: QuerySet[OutboundEmail]) -> None:
        chosen = list(queryset.values_list("pk", flat=True))
        queued = outbox_retry(email_ids=chosen)
        if queued:
            self.message_user(request, f"{len(queued)} email(s) queued to send now.", messages.SUCCESS)
        if skipped := len(chosen) - len(queued):
            self.message_user(
                request,
                f"{skipped} email(s) left alone: only pending or failed emails can be sent again.",
                messages.WARNING,
            )

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        context = {"subtitle": _oldest_pending_summary(), **(extra_context or {})}
        return super().changelist_view(request, context)


def _short(at: datetime) -> str:
    return date_format(timezone.localtime(at), SHORT_WHEN)


def _oldest_pending_summary() -> str:
    oldest = (
        OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING)
        .order_by("created_at")
        .values("key", "created_at")
        .first()
    )
    if oldest is None:
        return "No email is waiting to be sent."
    age = timesince(oldest["created_at"], timezone.now())
    return f"Oldest pending email: {oldest['key']}, waiting for {age}."
