"""Care settings: follow-up rules, the root causes of complaints, and the goodwill limits."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from tickets.models import FollowUpRule, GoodwillLimit, RootCause


@admin.register(FollowUpRule)
class FollowUpRuleAdmin(admin.ModelAdmin[FollowUpRule]):
    list_display = ("name", "kind", "days", "active")
    list_filter = ("kind", "active")
    list_editable = ("active",)
    fieldsets = (
        (None, {"fields": ("name", "kind", "days", "active")}),
        (
            "The email",
            {"fields": ("message",), "description": "Plain words; the customer's answer lands on the ticket."},
        ),
    )


@admin.register(RootCause)
class RootCauseAdmin(admin.ModelAdmin[RootCause]):
    list_display = ("name", "active")
    list_editable = ("active",)
    search_fields = ("name",)

    def has_delete_permission(self, request: HttpRequest, obj: RootCause | None = None) -> bool:
        return False  # past resolutions name it: untick "active" instead


@admin.register(GoodwillLimit)
class GoodwillLimitAdmin(admin.ModelAdmin[GoodwillLimit]):
    list_display = ("currency", "amount")
    fields = ("currency", "amount")

    def get_form(self, request: HttpRequest, obj: GoodwillLimit | None = None, **kwargs: object):  # type: ignore[no-untyped-def,override]
        form = super().get_form(request, obj, **kwargs)  # type: ignore[arg-type]
        form.base_fields["amount"].help_text = (
            "Agents promise gestures up to this amount in this currency on their own; above it the queue's "
            "team lead approves on the ticket. A currency with no limit here always needs approval."
        )
        return form
