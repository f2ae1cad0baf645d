from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django_stubs_ext import WithAnnotations

from tickets.models import Customer
from tickets.services.bounces import customer_bounce_clear
from tickets.services.customers import customer_search_refresh


class _TicketTotal(TypedDict):
    ticket_total: int


if TYPE_CHECKING:  # the alias fails at run time on Python 3.11; annotations are not evaluated
    WithTicketTotal = WithAnnotations[Customer, _TicketTotal]  # as CustomerAdmin.get_queryset annotates them


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin[Customer]):
    list_display = ("name", "email", "email_bounces", "created_at", "ticket_count")
    list_filter = (("email_bouncing_since", admin.EmptyFieldListFilter),)
    search_fields = ("name", "email")
    fields = (
        "name",
        "email",
        "timezone",
        "created_at",
        "email_bouncing_since",
        "email_bounce_reason",
        "merged_into",
        "merged_at",
    )
    readonly_fields = ("created_at", "email_bouncing_since", "email_bounce_reason", "merged_into", "merged_at")
    date_hierarchy = "created_at"
    actions = ("clear_bouncing",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Customer]:
        return super().get_queryset(request).annotate(ticket_total=Count("tickets"))

    def save_model(self, request: HttpRequest, obj: Customer, form: forms.ModelForm[Customer], change: bool) -> None:
        super().save_model(request, obj, form, change)
        if {"name", "email"} & set(form.changed_data):  # search finds the tickets by the new name or address
            customer_search_refresh(obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Customers arrive with their first ticket (ticket_submit), never on their own.
        return False

    @admin.display(description="Tickets", ordering="ticket_total")
    def ticket_count(self, customer: WithTicketTotal) -> str:
        url = reverse("admin:tickets_ticket_changelist")
        return format_html('<a href="{}?customer__id__exact={}">{}</a>', url, customer.pk, customer.ticket_total)

    @admin.display(description="Emails bounce", boolean=True, ordering="email_bouncing_since")
    def email_bounces(self, customer: Customer) -> bool:
        return customer.email_bounces

    @admin.action(description="Clear the bouncing flag (emails to them work again)", permissions=["change"])
    def clear_bouncing(self, request: HttpRequest, queryset: QuerySet[Customer]) -> None:
        now = timezone.now()
        cleared = sum(customer_bounce_clear(customer=customer, at=now) for customer in queryset)
        self.message_user(request, f"{cleared} customer(s) no longer flagged as bouncing.", messages.SUCCESS)
