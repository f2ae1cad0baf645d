from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from satisfaction.models import SatisfactionSettings, Survey
from satisfaction.services.config import settings_get


@admin.register(SatisfactionSettings)
class SatisfactionSettingsAdmin(admin.ModelAdmin[SatisfactionSettings]):
    """One row of settings: no adding a second, no deleting it."""

    list_display = ("__str__", "surveys_on", "scale", "survey_every_days", "auto_close_days", "updated_at")
    fields = ("surveys_on", "scale", "survey_every_days", "survey_delay_minutes", "auto_close_days")

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """Straight to the one row's form (made with the defaults the first time)."""
        config = settings_get()
        return HttpResponseRedirect(reverse("admin:satisfaction_satisfactionsettings_change", args=[config.pk]))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: SatisfactionSettings | None = None) -> bool:
        return False


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin[Survey]):
    """Surveys are written by the survey task and the customer's answer: read-only here."""

    list_display = ("ticket", "solved_at", "status", "rating", "rated_at", "queue", "agent")
    list_filter = ("status", "scale", "queue")
    list_select_related = ("ticket", "queue", "agent")
    date_hierarchy = "created_at"
    raw_id_fields = ("ticket", "customer", "agent", "follow_up_done_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Survey | None = None) -> bool:
        return False
