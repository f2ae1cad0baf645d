"""Tickets: list (cursor pages), one ticket (with ETag), create (idempotent), update."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import examples
from api.idempotency import idempotent
from api.pagination import keyset_page, ranked_page
from api.selectors import TicketQuery, ticket_detail_for_agent, ticket_query_for_agent, ticket_search_for_agent
from api.serializers.common import page_serializer
from api.serializers.filters import TicketFilterSerializer
from api.serializers.tickets import (
    CreatedTicketSerializer,
    PromiseSerializer,
    TicketCreateSerializer,
    TicketDetailSerializer,
    TicketSerializer,
    TicketUpdateSerializer,
)
from api.views.common import agent_of, via_api, with_etag
from knowledgebase.selectors import articles_for_ack
from tickets import selectors
from tickets.models import Ticket
from tickets.selectors_views import queue_filters_from_params
from tickets.services import ticket_submit
from tickets.services.changes import UNCHANGED, ticket_change

TicketPage = page_serializer(TicketSerializer, "TicketPage")
IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description="The same key within 24 hours returns the first answer.",
)


def _query(params: dict[str, Any]) -> TicketQuery:
    assignee = params.get("assignee", "")
    filters = queue_filters_from_params({**params, "assignee": "mine" if assignee == "me" else assignee})
    return TicketQuery(
        filters=filters,
        text=params.get("q", ""),
        customer=params.get("customer", ""),
        updated_since=params.get("updated_since"),
    )


class TicketListCreate(APIView):
    @extend_schema(
        operation_id="tickets_list",
        summary="List tickets in your queues",
        parameters=[TicketFilterSerializer],
        responses={200: TicketPage},
        examples=[examples.TICKET_PAGE],
    )
    def get(self, request: Request) -> Response:
        # A plain dict, not the QueryDict: an empty value ("?kind=") is then refused as the schema says,
        # where a form's rules would read it as absent.
        params = TicketFilterSerializer(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        data, agent = params.validated_data, agent_of(request)
        query = _query(data)
        if query.text:
            page = ranked_page(
                ticket_search_for_agent(user=agent, query=query), cursor=data.get("cursor", ""), size=data["page_size"]
            )
        else:
            tickets = ticket_query_for_agent(user=agent, query=query)
            page = keyset_page(
                tickets, query.filters.sort_order(), cursor=data.get("cursor", ""), size=data["page_size"]
            )
        results = TicketSerializer(page.tickets, many=True).data
        return Response({"next": page.next_url(request), "results": results})

    @extend_schema(
        summary="Open a ticket for a customer",
        description="The same intake as the web form: one acknowledgement is emailed (queued after commit), "
        "a first-response promise is made, and for info requests help articles are suggested.",
        request=TicketCreateSerializer,
        parameters=[IDEMPOTENCY],
        responses={201: CreatedTicketSerializer},
        examples=[examples.TICKET_CREATE, examples.TICKET_CREATED],
    )
    def post(self, request: Request) -> Response:
        given = TicketCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        return idempotent(request, lambda: _create(request, given.validated_data))


def _create(request: Request, data: dict[str, Any]) -> Response:
    queue = None
    if "queue" in data:
        queue = selectors.queues_for_agent(agent_of(request)).filter(pk=data["queue"]).first()
        if queue is None:
            return Response({"queue": ["Choose one of your queues."]}, status=status.HTTP_400_BAD_REQUEST)
    fields = {k: data[k] for k in ("name", "email", "kind", "subject", "description")}
    with via_api(request):
        submitted = ticket_submit(**fields, channel=Ticket.Channel.API, queue=queue)
    # The submitter's own new ticket: in the default queue it may be outside the agent's queues.
    ticket = selectors.ticket_get_by_id(submitted.ticket.pk) or submitted.ticket
    articles = articles_for_ack(ticket.subject) if ticket.kind == Ticket.Kind.INFO else []
    promise = selectors.promise_pending(ticket)
    body = {
        "ticket": TicketSerializer(ticket).data,
        "promise": PromiseSerializer(promise).data if promise else None,
        "suggested_articles": [{"title": a.title, "slug": a.slug, "summary": a.summary} for a in articles],
        "acknowledgement_queued": not selectors.ticket_ack_held(ticket),
    }
    return Response(body, status=status.HTTP_201_CREATED)


class TicketDetail(APIView):
    @extend_schema(
        summary="One ticket, whole",
        description="Public conversation, internal notes, history and the pending promise. "
        "Send the ETag back in If-None-Match: 304 while nothing changed.",
        responses={200: TicketDetailSerializer, 304: None, 404: None},
        examples=[examples.TICKET_DETAIL],
    )
    def get(self, request: Request, reference: str) -> Response:
        ticket = ticket_detail_for_agent(user=agent_of(request), reference=reference)
        return with_etag(request, TicketDetailSerializer(ticket).data)

    @extend_schema(
        summary="Change status, priority, assignee, queue or kind",
        description="Only the fields sent change; all land together or none does.",
        request=TicketUpdateSerializer,
        responses={200: TicketSerializer},
        examples=[examples.TICKET_UPDATE],
    )
    def patch(self, request: Request, reference: str) -> Response:
        given = TicketUpdateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data, agent = given.validated_data, agent_of(request)
        ticket = selectors.ticket_get_for_agent(user=agent, reference=reference)
        with via_api(request):
            ticket_change(
                ticket=ticket,
                agent=agent,
                status=data.get("status"),
                priority=data.get("priority"),
                assignee_id=data.get("assignee", UNCHANGED),
                queue_id=data.get("queue"),
                kind=data.get("kind"),
            )
        try:
            ticket = ticket_detail_for_agent(user=agent, reference=reference)
        except Http404:  # moved to a queue the agent doesn't work: done, but no longer theirs to read
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(TicketSerializer(ticket).data)
