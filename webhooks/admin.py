"""Endpoints are registered here; deliveries are a read-only log with "Send again"."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils.formats import date_format

from tickets.models import Ticket
from webhooks.events import EventType
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from webhooks.services.endpoints import endpoint_rotate_secret, endpoint_save, endpoint_url_check
from webhooks.services.sending import deliveries_send_again
from webhooks.tasks import send_due_soon

SHORT_WHEN = "j M H:i"


class EndpointForm(forms.ModelForm[WebhookEndpoint]):
    url = forms.URLField(
        label="URL", max_length=500, assume_scheme="https", help_text="Where we POST events: https://..."
    )
    events = forms.MultipleChoiceField(choices=EventType.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = WebhookEndpoint
        fields = ("url", "description", "events", "include_notes", "active")

    def clean_url(self) -> str:
        url = str(self.cleaned_data["url"])
        endpoint_url_check(url)
        return url


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin[WebhookEndpoint]):
    form = EndpointForm
    list_display = ("__str__", "url", "active", "event_list", "last_delivery", "consecutive_failures", "failing_since")
    list_filter = ("active",)
    readonly_fields = ("secret", "created_at", "failing_since", "consecutive_failures", "disabled_at")
    actions = ("rotate_secret",)

    def get_fields(self, request: HttpRequest, obj: WebhookEndpoint | None = None) -> tuple[str, ...]:
        fields = ("url", "description", "events", "include_notes", "active")
        return fields if obj is None else (*fields, *self.readonly_fields)

    def get_queryset(self, request: HttpRequest) -> QuerySet[WebhookEndpoint]:
        # Served by the index webhook_endpoint_latest: one row per endpoint, however long the log.
        latest = WebhookDelivery.objects.filter(endpoint=OuterRef("pk")).order_by("-pk")
        return (
            super()
            .get_queryset(request)
            .annotate(
                latest_status=Subquery(latest.values("status")[:1]),
                latest_code=Subquery(latest.values("last_status_code")[:1]),
            )
        )

    @admin.display(description="Events")
    def event_list(self, endpoint: WebhookEndpoint) -> str:
        return ", ".join(endpoint.events)

    @admin.display(description="Last delivery")
    def last_delivery(self, endpoint: Any) -> str:
        if endpoint.latest_status is None:
            return "—"
        code = f" (HTTP {endpoint.latest_code})" if endpoint.latest_code else ""
        return f"{endpoint.latest_status}{code}"

    def save_model(self, request: HttpRequest, obj: WebhookEndpoint, form: Any, change: bool) -> None:
        creating = obj.pk is None
        try:
            endpoint_save(endpoint=obj)
        except ValidationError as exc:  # the form checked the same; only a race gets here
            messages.error(request, "; ".join(exc.messages))
            return
        if creating:
            messages.warning(
                request,
                f"Give the receiver this secret to check signatures: {obj.secret} "
                '(it stays on the endpoint\'s page; "Rotate secret" replaces it).',
            )

    @admin.action(description="Rotate secret (the receiver needs the new one at once)")
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        for endpoint in queryset:
            endpoint_rotate_secret(endpoint=endpoint)
        messages.success(request, f"New secrets for {queryset.count()} endpoint(s): see each endpoint's page.")


class AttemptInline(admin.TabularInline[WebhookAttempt, WebhookDelivery]):
    model = WebhookAttempt
    fields = ("number", "started_at", "status_code", "duration_ms", "error", "response_snippet")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: WebhookDelivery | None = None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin[WebhookDelivery]):
    """The delivery log, read-only: written by the dispatcher and the sender, never by hand."""

    list_display = (
        "webhook_id",
        "endpoint",
        "event_type",
        "ticket_reference",
        "status",
        "attempts",
        "last_status_code",
        "last_duration_ms",
        "when",
    )
    list_filter = ("status", "endpoint", "event_type", "last_status_code")
    list_select_related = ("endpoint",)
    search_fields = ("webhook_id", "source")
    fields = (
        "webhook_id",
        "endpoint",
        "event_type",
        "source",
        "ticket_reference",
        "status",
        "attempts",
        "last_status_code",
        "last_duration_ms",
        "last_error",
        "created_at",
        "next_attempt_at",
        "claimed_until",
        "delivered_at",
        "payload",
    )
    readonly_fields = fields
    inlines = (AttemptInline,)
    actions = ("send_again",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: WebhookDelivery | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: WebhookDelivery | None = None) -> bool:
        return False

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("webhooks.change_webhookdelivery")

    @admin.display(description="Ticket")
    def ticket_reference(self, delivery: WebhookDelivery) -> str:
        return Ticket.reference_for(delivery.ticket_id)  # no query

    @admin.display(description="Delivered / next try", ordering="next_attempt_at")
    def when(self, delivery: WebhookDelivery) -> str:
        if delivery.delivered_at:
            return date_format(delivery.delivered_at, SHORT_WHEN)
        if delivery.status == WebhookDelivery.Status.PENDING:
            return "next try " + date_format(delivery.next_attempt_at, SHORT_WHEN)
        return "—"

    @admin.action(description="Send again (same payload and webhook-id)", permissions=["resend"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        count = deliveries_send_again(delivery_ids=list(queryset.values_list("pk", flat=True)))
        if count:
            send_due_soon()
        skipped = queryset.count() - count
        note = f"; {skipped} being sent right now left alone" if skipped else ""
        messages.success(request, f"{count} delivery(ies) will be sent again within seconds{note}.")
        if queryset.filter(endpoint__active=False).exists():
            messages.warning(request, "Some are for a switched-off endpoint: they go when it is switched on again.")
