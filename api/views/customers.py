"""Customers with a ticket in the agent's queues: list (cursor pages), one, their tickets, rename."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import examples
from api.selectors import customers_for_agent
from api.serializers.common import page_serializer
from api.serializers.reference import CustomerRenameSerializer, CustomerSerializer
from api.serializers.tickets import TicketSerializer
from api.views.common import agent_of, via_api
from tickets.customers import customer_get_for_agent, customer_tickets_for_agent
from tickets.services.customers import customer_rename

CUSTOMER_TICKETS_MAX = 100


class NewestFirst(CursorPagination):
    """On the primary key's index: no COUNT(*), stable while customers are added."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100


class CustomerList(APIView):
    @extend_schema(
        operation_id="customers_list",
        summary="Customers with tickets in your queues",
        responses=page_serializer(CustomerSerializer, "CustomerPage"),
        examples=[examples.CUSTOMER_PAGE],
    )
    def get(self, request: Request) -> Response:
        paginator = NewestFirst()
        page = paginator.paginate_queryset(customers_for_agent(agent_of(request)), request, view=self)
        return paginator.get_paginated_response(CustomerSerializer(page, many=True).data)


class CustomerDetail(APIView):
    @extend_schema(summary="One customer", responses=CustomerSerializer, examples=[examples.CUSTOMER])
    def get(self, request: Request, pk: int) -> Response:
        customer = customer_get_for_agent(user=agent_of(request), customer_id=pk)
        return Response(CustomerSerializer(customer).data)

    @extend_schema(
        summary="Rename a customer",
        request=CustomerRenameSerializer,
        responses=CustomerSerializer,
        examples=[examples.CUSTOMER_RENAME, examples.CUSTOMER],
    )
    def patch(self, request: Request, pk: int) -> Response:
        given = CustomerRenameSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        customer = customer_get_for_agent(user=agent_of(request), customer_id=pk)
        with via_api(request):
            customer_rename(customer=customer, name=given.validated_data["name"])
        customer.refresh_from_db()
        return Response(CustomerSerializer(customer).data)


class CustomerTickets(APIView):
    @extend_schema(
        summary="A customer's tickets in your queues (open first, then newest; at most 100)",
        responses=TicketSerializer(many=True),
        examples=[examples.TICKET_LIST],
    )
    def get(self, request: Request, pk: int) -> Response:
        agent = agent_of(request)
        customer = customer_get_for_agent(user=agent, customer_id=pk)
        tickets = customer_tickets_for_agent(user=agent, customer=customer).select_related("customer")
        rows = list(tickets.prefetch_related("tags")[:CUSTOMER_TICKETS_MAX])
        return Response(TicketSerializer(rows, many=True).data)
