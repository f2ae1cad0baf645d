from __future__ import annotations

from typing import TypeVar

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from tickets.models import Message, Ticket, TicketEvent
from tickets.services.common import ticket_save
from tickets.services.search_index import search_refresh

EXCERPT_CHARS = 160
# The private link's secrets and the form's one-time key: never shown, never editable.
SECRET_FIELDS = ("link_salt", "link_hash", "submission_key")
# Changed only in the desk, whose services check the change and record it as an event.
DESK_FIELDS = ("status", "priority", "assignee")


_Row = TypeVar("_Row", Message, TicketEvent)


class _ReadOnlyInline(admin.TabularInline[_Row, Ticket]):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Ticket | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Ticket | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Ticket | None = None) -> bool:
        return False


class MessageInline(_ReadOnlyInline[Message]):
    model = Message
    fk_name = "ticket"
    fields = ("created_at", "visibility", "author", "excerpt")
    readonly_fields = fields
    verbose_name_plural = "Conversation (public replies and internal notes)"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Message]:
        return super().get_queryset(request).select_related("ticket__customer", "author_user")

    @admin.display(description="Author")
    def author(self, message: Message) -> str:
        return message.author_name

    @admin.display(description="Message")
    def excerpt(self, message: Message) -> str:
        return Truncator(message.body).chars(EXCERPT_CHARS)


class EventInline(_ReadOnlyInline[TicketEvent]):
    model = TicketEvent
    fields = ("created_at", "kind", "actor", "old_value", "new_value")
    readonly_fields = fields
    verbose_name_plural = "History"

    def get_queryset(self, request: HttpRequest) -> QuerySet[TicketEvent]:
        return super().get_queryset(request).select_related("ticket__customer", "actor")

    @admin.display(description="By")
    def actor(self, event: TicketEvent) -> str:
        return event.actor_name


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin[Ticket]):
    list_display = (
        "reference",
        "subject",
        "kind",
        "status",
        "priority",
        "queue",
        "customer",
        "assignee",
        "created_at",
        "updated_at",
    )
    list_display_links = ("reference", "subject")
    list_filter = ("kind", "status", "priority", "queue", "channel", ("assignee", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("queue", "customer", "assignee")
    search_fields = ("subject", "customer__email", "customer__name")
    search_help_text = "Subject, customer name or email, or a reference such as HD-1042."
    date_hierarchy = "created_at"
    exclude = SECRET_FIELDS
    fieldsets = (
        (None, {"fields": ("reference", "subject", "kind", "channel", "queue", "customer")}),
        (
            "Handled in the desk",
            {
                "fields": (*DESK_FIELDS, "open_in_desk"),
                "description": "Status, priority and assignee change in the desk, "
                "which checks each change and records it in the ticket's history.",
            },
        ),
        ("Dates", {"fields": ("created_at", "updated_at", "first_response_at", "resolved_at", "closed_at")}),
    )
    # The queue stays read-only too: moving a ticket must keep its assignee in the new queue.
    readonly_fields = (
        "reference",
        "queue",
        "customer",
        *DESK_FIELDS,
        "open_in_desk",
        "created_at",
        "updated_at",
        "first_response_at",
        "resolved_at",
        "closed_at",
    )
    inlines = (MessageInline, EventInline)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Tickets arrive through ticket_submit, which sends the acknowledgement and the private link.
        return False

    def save_model(self, request: HttpRequest, obj: Ticket, form: forms.ModelForm[Ticket], change: bool) -> None:
        # Only the columns this form changed (there is no add page): a full-row save would write
        # back status, next_due_at and the rest as read moments ago, over what a service wrote since.
        ticket_save(obj, *form.changed_data)
        if "subject" in form.changed_data:
            search_refresh([obj.pk])

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Ticket], search_term: str
    ) -> tuple[QuerySet[Ticket], bool]:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        pk = Ticket.pk_from_reference(search_term)
        if pk is not None:
            results |= queryset.filter(pk=pk)
        return results, may_have_duplicates

    @admin.display(description="Reference", ordering="pk")
    def reference(self, ticket: Ticket) -> str:
        return ticket.reference

    @admin.display(description="Desk")
    def open_in_desk(self, ticket: Ticket) -> str:
        url = reverse("desk:ticket", kwargs={"reference": ticket.reference})
        return format_html('<a href="{}">Open in desk</a> to reply or to change these.', url)
