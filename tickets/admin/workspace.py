"""The agents' workspace in the admin, read-only: saved views and bulk changes are made in the
desk (through their services); here admins see them, and may remove a saved view."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from tickets.models import BulkJob, SavedView


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin[SavedView]):
    list_display = ("name", "scope", "queue", "owner", "updated_at")
    list_select_related = ("queue", "owner")
    list_filter = ("scope",)
    search_fields = ("name", "owner__username")
    fields = ("name", "scope", "queue", "owner", "filters", "created_at", "updated_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SavedView | None = None) -> bool:
        return False


@admin.register(BulkJob)
class BulkJobAdmin(admin.ModelAdmin[BulkJob]):
    list_display = ("id", "action", "actor", "state", "total", "changed", "skipped", "created_at", "finished_at")
    list_select_related = ("actor",)
    list_filter = ("state", "action")
    fields = (
        "actor",
        "action",
        "params",
        "filters",
        "state",
        "total",
        "changed",
        "skipped",
        "created_at",
        "heartbeat_at",
        "finished_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: BulkJob | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: BulkJob | None = None) -> bool:
        return False
