from __future__ import annotations

from django.contrib import admin

from tickets.models import AgentProfile


@admin.register(AgentProfile)
class AgentProfileAdmin(admin.ModelAdmin[AgentProfile]):
    """Agents' availability (counted for load and notices) and time zone."""

    list_display = ("user", "on_duty", "timezone")
    list_filter = ("on_duty",)
    list_select_related = ("user",)
    search_fields = ("user__username", "user__first_name", "user__last_name", "user__email")
    autocomplete_fields = ("user",)
