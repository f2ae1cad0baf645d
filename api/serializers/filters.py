"""The query parameters of the ticket list, checked before anything is read."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.pagination import PAGE_MAX, PAGE_SIZE
from tickets import search, sorts
from tickets.models import Ticket

STATUSES = [("active", "Active (neither resolved nor closed)"), ("all", "All"), *Ticket.Status.choices]


class TicketFilterSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=STATUSES, default="active")
    kind = serializers.ChoiceField(choices=Ticket.Kind.choices, required=False)
    queue = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    assignee = serializers.RegexField(
        r"^(me|unassigned|\d{1,9})$", required=False, help_text="`me`, `unassigned` or an agent's id."
    )
    tag = serializers.CharField(required=False, max_length=50)
    customer = serializers.CharField(required=False, max_length=254, help_text="A customer's id or email address.")
    updated_since = serializers.DateTimeField(required=False)
    due = serializers.ChoiceField(choices=[("overdue", "Overdue"), ("soon", "Due within the hour")], required=False)
    q = serializers.CharField(required=False, max_length=200, help_text="Search text (the desk's search).")
    sort = serializers.ChoiceField(
        choices=[*sorts.SORTS, *search.SORTS],
        required=False,
        help_text="A queue sort (`due`, `-updated`, ...); with `q`: `relevance`, `newest` or `oldest`.",
    )
    cursor = serializers.CharField(required=False, max_length=120, help_text="From the previous page's `next`.")
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=PAGE_MAX, default=PAGE_SIZE)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("q") and (attrs.get("customer") or attrs.get("updated_since") or attrs.get("due")):
            raise serializers.ValidationError({"q": ["Search can't be combined with customer, updated_since or due."]})
        sort = attrs.get("sort")
        if sort and attrs.get("q") and sort not in search.SORTS:
            raise serializers.ValidationError({"sort": ["With q, sort by relevance, newest or oldest."]})
        if sort and not attrs.get("q") and sort not in sorts.SORTS:
            raise serializers.ValidationError({"sort": ["Choose a queue sort, e.g. due or -updated."]})
        return attrs
