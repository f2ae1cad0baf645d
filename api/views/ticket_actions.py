"""What an agent does to a ticket besides changing its fields: reply, note, tags, the promise."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import examples
from api.errors import as_field
from api.selectors import promises_of
from api.serializers.tickets import (
    MessageSerializer,
    NoteSerializer,
    NoteUploadSerializer,
    PromiseSerializer,
    PromiseSetSerializer,
    ReplySerializer,
    ReplyUploadSerializer,
    TagsSerializer,
    TicketSerializer,
)
from api.views.common import agent_of, via_api
from tickets import selectors
from tickets.downloads import attachment_response
from tickets.selectors_triage import tag_id_for_name
from tickets.services import agent_reply_post
from tickets.services.changes import ticket_promise_set
from tickets.services.triage import ticket_tags_change

DUE = {"next_update_at": "due_at"}  # the services' name for the promised time, and the API's
MULTIPART = "multipart/form-data"
WITH_FILES = " With files: send `multipart/form-data`, the text fields as parts and each file as a `files` part."


def _given(
    request: Request, plain: type[serializers.Serializer[Any]], with_files: type[serializers.Serializer[Any]]
) -> dict[str, Any]:
    """The request's fields, checked by the serializer for its content type (JSON has no files)."""
    serializer = with_files if (request.content_type or "").startswith(MULTIPART) else plain
    given = serializer(data=request.data)
    given.is_valid(raise_exception=True)
    return dict(given.validated_data)


class ReplyCreate(APIView):
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        summary="Reply to the customer",
        description="Emailed to the customer after commit; keeps the pending promise and makes the next "
        "(`due_at`, or the policy's next-update interval)." + WITH_FILES,
        request={"application/json": ReplySerializer, MULTIPART: ReplyUploadSerializer},
        responses={201: MessageSerializer},
        examples=[examples.REPLY, examples.MESSAGE],
    )
    def post(self, request: Request, reference: str) -> Response:
        data = _given(request, ReplySerializer, ReplyUploadSerializer)
        agent = agent_of(request)
        ticket = selectors.ticket_get_for_agent(user=agent, reference=reference)
        try:
            with via_api(request):
                message = agent_reply_post(
                    ticket=ticket,
                    agent=agent,
                    body=data["body"],
                    status_after=data.get("status_after"),
                    next_due_at=data.get("due_at"),
                    files=data.get("files"),
                )
        except ValidationError as exc:
            raise as_field(exc, DUE) from None
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)


class NoteCreate(APIView):
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        summary="Add an internal note",
        description="Never shown to the customer; @mentions notify the agents named." + WITH_FILES,
        request={"application/json": NoteSerializer, MULTIPART: NoteUploadSerializer},
        responses={201: MessageSerializer},
        examples=[examples.NOTE, examples.MESSAGE],
    )
    def post(self, request: Request, reference: str) -> Response:
        data = _given(request, NoteSerializer, NoteUploadSerializer)
        agent = agent_of(request)
        ticket = selectors.ticket_get_for_agent(user=agent, reference=reference)
        with via_api(request):
            message = agent_reply_post(
                ticket=ticket, agent=agent, body=data["body"], internal=True, files=data.get("files")
            )
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)


class TagsChange(APIView):
    @extend_schema(
        summary="Add and remove tags",
        request=TagsSerializer,
        responses={200: TicketSerializer},
        examples=[examples.TAGS],
    )
    def post(self, request: Request, reference: str) -> Response:
        given = TagsSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data, agent = given.validated_data, agent_of(request)
        ticket = selectors.ticket_get_for_agent(user=agent, reference=reference)
        remove = [pk for pk in (tag_id_for_name(name) for name in data["remove"]) if pk is not None]
        with via_api(request):
            ticket_tags_change(ticket=ticket, agent=agent, add=",".join(data["add"]), remove=remove)
        ticket = selectors.ticket_get_for_agent(user=agent, reference=reference)
        return Response(TicketSerializer(ticket).data)


class PromiseSet(APIView):
    @extend_schema(
        summary="The ticket's promises, oldest first",
        description="Every promise made on the ticket and what became of it (pending, kept, broken, superseded).",
        responses=PromiseSerializer(many=True),
        examples=[examples.PROMISES],
    )
    def get(self, request: Request, reference: str) -> Response:
        ticket = selectors.ticket_get_for_agent(user=agent_of(request), reference=reference)
        return Response(PromiseSerializer(promises_of(ticket), many=True).data)

    @extend_schema(
        summary="Promise the next update by a time",
        description="Replaces the pending promise without writing to the customer. The time must be in the "
        "future and within a year; a solved ticket, or one waiting on the customer with the clock paused, has none.",
        request=PromiseSetSerializer,
        responses={201: PromiseSerializer},
        examples=[examples.PROMISE_SET, examples.PROMISE],
    )
    def post(self, request: Request, reference: str) -> Response:
        given = PromiseSetSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        agent = agent_of(request)
        ticket = selectors.ticket_get_for_agent(user=agent, reference=reference)
        try:
            with via_api(request):
                promise = ticket_promise_set(ticket=ticket, agent=agent, due_at=given.validated_data["due_at"])
        except ValidationError as exc:
            raise as_field(exc, DUE) from None
        return Response(PromiseSerializer(promise).data, status=status.HTTP_201_CREATED)


class AnyAccept(BaseContentNegotiation):
    """A file is sent whatever the client accepts (errors still as JSON)."""

    def select_parser(self, request: Request, parsers: Any) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(self, request: Request, renderers: Any, format_suffix: str | None = None) -> Any:
        return renderers[0], renderers[0].media_type


class AttachmentDownload(APIView):
    content_negotiation_class = AnyAccept

    @extend_schema(
        summary="Download a file of a ticket",
        description="The file itself, always as a download (Content-Disposition: attachment), "
        "never rendered. 404 for a file of a ticket outside your queues, as for one that doesn't exist.",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: None},
        examples=[examples.FILE],
    )
    def get(self, request: Request, reference: str, attachment_id: int) -> FileResponse:
        attachment = selectors.attachment_get_for_agent(
            user=agent_of(request), reference=reference, attachment_id=attachment_id
        )
        return attachment_response(attachment)
