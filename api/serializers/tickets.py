"""Tickets: what the API shows of them, and what it accepts to make or change one."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from rest_framework import serializers

from api.serializers.common import AgentRefSerializer, CustomerRefSerializer, QueueRefSerializer
from tickets.attachments import ALLOWED_DESCRIPTION, check_uploads
from tickets.models import Attachment, Message, Promise, Ticket, TicketEvent

# --- output --------------------------------------------------------------------------------------


class TicketSerializer(serializers.ModelSerializer[Ticket]):
    """A ticket as lists show it: customer, queue and assignee preloaded, tags prefetched."""

    reference = serializers.CharField(read_only=True)
    queue = QueueRefSerializer(read_only=True)
    customer = CustomerRefSerializer(read_only=True)
    assignee = AgentRefSerializer(read_only=True, allow_null=True)
    tags = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = [
            "reference",
            "subject",
            "kind",
            "status",
            "priority",
            "channel",
            "queue",
            "customer",
            "assignee",
            "tags",
            "next_due_at",
            "created_at",
            "updated_at",
        ]

    def get_tags(self, ticket: Ticket) -> list[str]:
        return [tag.name for tag in ticket.tags.all()]


class AttachmentSerializer(serializers.ModelSerializer[Attachment]):
    url = serializers.SerializerMethodField(help_text="Download it (the same token; served as a file).")

    class Meta:
        model = Attachment
        fields = ["id", "filename", "content_type", "size", "url"]

    def get_url(self, attachment: Attachment) -> str:
        reference = Ticket.reference_for(attachment.ticket_id)
        return reverse("api:attachment", kwargs={"reference": reference, "attachment_id": attachment.pk})


class MessageSerializer(serializers.ModelSerializer[Message]):
    author_name = serializers.CharField(read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Message
        fields = ["id", "visibility", "author_kind", "author_name", "body", "attachments", "created_at"]


class EventSerializer(serializers.ModelSerializer[TicketEvent]):
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = TicketEvent
        fields = ["id", "kind", "actor_name", "old_value", "new_value", "via", "via_label", "created_at"]

    def get_actor_name(self, event: TicketEvent) -> str:
        return event.actor_name


class PromiseSerializer(serializers.ModelSerializer[Promise]):
    class Meta:
        model = Promise
        fields = ["id", "kind", "source", "state", "due_at", "created_at", "settled_at"]


class TicketDetailSerializer(TicketSerializer):
    """One ticket whole. ``messages`` holds the public conversation; ``notes`` the internal notes,
    which only agents see (every API caller is an agent: the field is still kept apart)."""

    messages = serializers.SerializerMethodField()
    notes = serializers.SerializerMethodField()
    events = EventSerializer(many=True, read_only=True)
    promise = serializers.SerializerMethodField()

    class Meta(TicketSerializer.Meta):
        fields = [
            *TicketSerializer.Meta.fields,
            "first_response_at",
            "resolved_at",
            "closed_at",
            "promise",
            "messages",
            "notes",
            "events",
        ]

    def _of(self, ticket: Ticket, visibility: str) -> list[dict[str, Any]]:
        rows = [m for m in ticket.messages.all() if m.visibility == visibility]
        return list(MessageSerializer(rows, many=True).data)

    def get_messages(self, ticket: Ticket) -> list[dict[str, Any]]:
        return self._of(ticket, Message.Visibility.PUBLIC)

    def get_notes(self, ticket: Ticket) -> list[dict[str, Any]]:
        return self._of(ticket, Message.Visibility.NOTE)

    def get_promise(self, ticket: Ticket) -> dict[str, Any] | None:
        pending = [p for p in ticket.promises.all() if p.state == Promise.State.PENDING]
        return dict(PromiseSerializer(pending[0]).data) if pending else None


class CreatedTicketSerializer(serializers.Serializer[Any]):
    """The answer to a new ticket: the ticket, the promise made to the customer, and the articles
    the acknowledgement suggests (info requests)."""

    ticket = TicketSerializer()
    promise = PromiseSerializer(allow_null=True)
    suggested_articles = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))
    acknowledgement_queued = serializers.BooleanField()


# --- input ---------------------------------------------------------------------------------------


class TicketCreateSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200, help_text="The customer's name.")
    email = serializers.EmailField(help_text="The customer's address: the acknowledgement goes there.")
    kind = serializers.ChoiceField(choices=Ticket.Kind.choices)
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=50_000)
    queue = serializers.IntegerField(required=False, help_text="A queue's id; the default queue when left out.")


class ReplySerializer(serializers.Serializer[Any]):
    body = serializers.CharField(max_length=50_000, trim_whitespace=False)
    status_after = serializers.ChoiceField(choices=Ticket.Status.choices, required=False)
    due_at = serializers.DateTimeField(
        required=False, help_text="The next update promised (public replies); the policy's interval when left out."
    )


class NoteSerializer(serializers.Serializer[Any]):
    body = serializers.CharField(max_length=50_000, trim_whitespace=False)


class FilesField(serializers.ListField):
    """Files sent as ``multipart/form-data``, one ``files`` part each, checked as the desk's
    composer checks them (size, count, type sniffed from the content: tickets/attachments.py)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            child=serializers.FileField(),
            required=False,
            max_length=settings.ATTACHMENT_MAX_FILES,
            help_text=f"Attachments, one part each. Allowed: {ALLOWED_DESCRIPTION}; "
            f"at most {settings.ATTACHMENT_MAX_FILES} files of {settings.ATTACHMENT_MAX_BYTES // 2**20} MB each.",
            **kwargs,
        )

    def to_internal_value(self, data: Any) -> list[UploadedFile[bytes]]:
        files: list[UploadedFile[bytes]] = super().to_internal_value(data)
        try:
            check_uploads(files)
        except ValidationError as exc:
            raise serializers.ValidationError(list(exc.messages)) from None
        return files


class ReplyUploadSerializer(ReplySerializer):
    files = FilesField()


class NoteUploadSerializer(NoteSerializer):
    files = FilesField()


class TicketUpdateSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=Ticket.Status.choices, required=False)
    priority = serializers.ChoiceField(choices=Ticket.Priority.choices, required=False)
    assignee = serializers.IntegerField(required=False, allow_null=True, help_text="An agent's id; null unassigns.")
    queue = serializers.IntegerField(required=False, help_text="Move to this queue (id).")
    kind = serializers.ChoiceField(choices=Ticket.Kind.choices, required=False)


class TagsSerializer(serializers.Serializer[Any]):
    add = serializers.ListField(child=serializers.CharField(max_length=50), required=False, default=list)
    remove = serializers.ListField(child=serializers.CharField(max_length=50), required=False, default=list)


class PromiseSetSerializer(serializers.Serializer[Any]):
    due_at = serializers.DateTimeField(
        help_text="When the customer will hear from us next: in the future, within a year."
    )
