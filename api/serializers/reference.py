"""Customers, queues, canned responses, SLA policies, calendars, notices and articles, as the API shows them."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.common import QueueRefSerializer
from canned_responses.models import CannedResponse
from knowledgebase.models import Article
from tickets.models import BusinessCalendar, Customer, Holiday, Notice, OpeningHours, Queue, SlaPolicy


class CustomerSerializer(serializers.ModelSerializer[Customer]):
    class Meta:
        model = Customer
        fields = ["id", "name", "email", "timezone", "created_at", "email_bouncing_since"]


class CustomerRenameSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)


class QueueSerializer(serializers.ModelSerializer[Queue]):
    class Meta:
        model = Queue
        fields = ["id", "name", "slug", "description", "is_default", "calendar"]


class CannedSerializer(serializers.ModelSerializer[CannedResponse]):
    shared = serializers.SerializerMethodField()
    queues = QueueRefSerializer(many=True, read_only=True)

    class Meta:
        model = CannedResponse
        fields = ["id", "title", "shortcut", "body", "kinds", "queues", "shared", "suggested_status"]

    def get_shared(self, response: CannedResponse) -> bool:
        return response.owner_id is None


class CannedRenderSerializer(serializers.Serializer[Any]):
    ticket = serializers.CharField(help_text="The reference of the ticket to fill it in for.")


class RenderedSerializer(serializers.Serializer[Any]):
    body = serializers.CharField()


class PolicySerializer(serializers.ModelSerializer[SlaPolicy]):
    class Meta:
        model = SlaPolicy
        fields = [
            "id",
            "name",
            "kind",
            "priority",
            "queue",
            "first_response_minutes",
            "next_update_minutes",
            "resolution_minutes",
            "calendar",
            "calendar_hours",
            "pause_when_waiting",
            "remind_before_minutes",
            "is_active",
        ]


@extend_schema_field({"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]$", "example": "09:00"})
class ClockField(serializers.TimeField):
    """A wall-clock time of the calendar's zone, "09:00": no offset, so not a JSON Schema ``time``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


class OpeningHoursSerializer(serializers.ModelSerializer[OpeningHours]):
    opens = ClockField()
    closes = ClockField(help_text="00:00 means midnight at the end of the day.")

    class Meta:
        model = OpeningHours
        fields = ["weekday", "opens", "closes"]


class HolidaySerializer(serializers.ModelSerializer[Holiday]):
    class Meta:
        model = Holiday
        fields = ["day", "name"]


class CalendarSerializer(serializers.ModelSerializer[BusinessCalendar]):
    opening_hours = OpeningHoursSerializer(many=True, read_only=True)
    holidays = HolidaySerializer(many=True, read_only=True)

    class Meta:
        model = BusinessCalendar
        fields = ["id", "name", "zone", "opening_hours", "holidays"]


class NoticeSerializer(serializers.ModelSerializer[Notice]):
    ticket = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = ["id", "kind", "ticket", "created_at", "read_at"]

    def get_ticket(self, notice: Notice) -> str:
        return notice.ticket.reference


class ArticleSerializer(serializers.ModelSerializer[Article]):
    category = serializers.CharField(source="category.name", read_only=True)

    class Meta:
        model = Article
        fields = ["slug", "title", "summary", "category", "published_at", "updated_at"]


class ArticleDetailSerializer(ArticleSerializer):
    class Meta(ArticleSerializer.Meta):
        fields = [*ArticleSerializer.Meta.fields, "body"]
