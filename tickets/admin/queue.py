from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from django import forms
from django.contrib import admin
from django.contrib.auth.models import User
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django_stubs_ext import WithAnnotations

from tickets.models import Queue, Ticket
from tickets.models.agent import agents


class QueueForm(forms.ModelForm[Queue]):
    class Meta:
        model = Queue
        fields = (
            "name",
            "slug",
            "description",
            "agents",
            "team_lead",
            "calendar",
            "busy_threshold",
            "is_default",
            "takes_complaints",
        )

    def clean_is_default(self) -> bool:
        is_default: bool = self.cleaned_data["is_default"]
        other = Queue.objects.filter(is_default=True).exclude(pk=self.instance.pk).first()
        if is_default and other is not None:
            raise forms.ValidationError(
                f"“{other.name}” is already the default queue: untick it there first, "
                "so new tickets have exactly one place to land."
            )
        return is_default

    def clean_takes_complaints(self) -> bool:
        takes: bool = self.cleaned_data["takes_complaints"]
        other = Queue.objects.filter(takes_complaints=True).exclude(pk=self.instance.pk).first()
        if takes and other is not None:
            raise forms.ValidationError(
                f"“{other.name}” already takes the complaints: untick it there first, so complaints land in one place."
            )
        return takes


class _Totals(TypedDict):
    agent_total: int
    open_total: int


if TYPE_CHECKING:  # the alias fails at run time on Python 3.11; annotations are not evaluated
    WithTotals = WithAnnotations[Queue, _Totals]  # the rows as QueueAdmin.get_queryset annotates them


@admin.register(Queue)
class QueueAdmin(admin.ModelAdmin[Queue]):
    form = QueueForm
    list_display = ("name", "agent_count", "open_ticket_count", "team_lead", "is_default", "takes_complaints")
    list_select_related = ("team_lead",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("agents",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Queue]:
        open_tickets = (
            Ticket.objects.open()
            .filter(queue=OuterRef("pk"))
            .order_by()
            .values("queue")
            .annotate(total=Count("pk"))
            .values("total")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                agent_total=Count("agents", distinct=True),
                open_total=Coalesce(Subquery(open_tickets, output_field=IntegerField()), Value(0)),
            )
        )

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "team_lead":
            kwargs["queryset"] = _staff()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "agents":
            kwargs["queryset"] = _staff()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description="Agents", ordering="agent_total")
    def agent_count(self, queue: WithTotals) -> int:
        return queue.agent_total

    @admin.display(description="Open tickets", ordering="open_total")
    def open_ticket_count(self, queue: WithTotals) -> str:
        open_statuses = ",".join(s for s in Ticket.Status.values if s not in ("resolved", "closed"))
        url = reverse("admin:tickets_ticket_changelist")
        return format_html(
            '<a href="{}?queue__id__exact={}&amp;status__in={}">{}</a>',
            url,
            queue.pk,
            open_statuses,
            queue.open_total,
        )


def _staff() -> QuerySet[User]:
    """Only agents can work in the desk, so only they can join or lead a queue."""
    return agents().order_by("username")
