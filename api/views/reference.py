"""What agents read around their tickets: queues, agents, canned responses, SLA policies, calendars, notices."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import examples
from api.selectors import calendars_all, policies_for_agent
from api.serializers.common import AgentRefSerializer
from api.serializers.reference import (
    CalendarSerializer,
    CannedRenderSerializer,
    CannedSerializer,
    NoticeSerializer,
    PolicySerializer,
    QueueSerializer,
    RenderedSerializer,
)
from api.views.common import agent_of
from canned_responses.selectors import canned_get_for_ticket, canned_list_for_agent, canned_render
from tickets import selectors

NOTICES_MAX = 100


class QueueList(APIView):
    @extend_schema(
        summary="Your queues (all, for admins)", responses=QueueSerializer(many=True), examples=[examples.QUEUES]
    )
    def get(self, request: Request) -> Response:
        queues = selectors.queues_for_agent(agent_of(request)).order_by("name", "id")
        return Response(QueueSerializer(queues, many=True).data)


class AgentList(APIView):
    @extend_schema(
        summary="The agents of your queues", responses=AgentRefSerializer(many=True), examples=[examples.AGENTS]
    )
    def get(self, request: Request) -> Response:
        agents = selectors.agents_for_queues(selectors.queues_for_agent(agent_of(request)))
        return Response(AgentRefSerializer(agents, many=True).data)


class CannedList(APIView):
    @extend_schema(
        summary="Canned responses you can use",
        responses=CannedSerializer(many=True),
        examples=[
            OpenApiExample(
                "Responses",
                value=[
                    {
                        "id": 4,
                        "title": "Refund on its way",
                        "shortcut": "refund",
                        "body": "Hello {{ customer.first_name }}, ...",
                        "kinds": [],
                        "queues": [],
                        "shared": True,
                        "suggested_status": "",
                    }
                ],
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        return Response(CannedSerializer(canned_list_for_agent(agent_of(request)), many=True).data)


class CannedRender(APIView):
    required_scope = "read"  # a POST only to carry the ticket: nothing is written

    @extend_schema(
        summary="A canned response filled in for a ticket",
        request=CannedRenderSerializer,
        responses=RenderedSerializer,
        examples=[
            OpenApiExample("For a ticket", value={"ticket": "HD-1042"}, request_only=True),
            OpenApiExample("Filled in", value={"body": "Hello Dana, ..."}, response_only=True),
        ],
    )
    def post(self, request: Request, pk: int) -> Response:
        given = CannedRenderSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        agent = agent_of(request)
        ticket = selectors.ticket_get_for_agent(user=agent, reference=given.validated_data["ticket"])
        response = canned_get_for_ticket(user=agent, ticket=ticket, pk=pk)
        body = canned_render(response=response, ticket=ticket, agent=agent, at=timezone.now())
        return Response({"body": body})


class PolicyList(APIView):
    @extend_schema(
        summary="SLA policies that apply to your queues",
        responses=PolicySerializer(many=True),
        examples=[
            OpenApiExample(
                "Policies",
                value=[
                    {
                        "id": 1,
                        "name": "Problems",
                        "kind": "problem",
                        "priority": None,
                        "queue": None,
                        "first_response_minutes": 120,
                        "next_update_minutes": 240,
                        "resolution_minutes": 2400,
                        "calendar": 1,
                        "calendar_hours": True,
                        "pause_when_waiting": True,
                        "remind_before_minutes": 30,
                        "is_active": True,
                    }
                ],
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        return Response(PolicySerializer(policies_for_agent(agent_of(request)), many=True).data)


class CalendarList(APIView):
    @extend_schema(
        summary="Business calendars: opening hours and holidays",
        responses=CalendarSerializer(many=True),
        examples=[
            OpenApiExample(
                "Calendars",
                value=[
                    {
                        "id": 1,
                        "name": "Office",
                        "zone": "Europe/Paris",
                        "opening_hours": [{"weekday": 0, "opens": "09:00:00", "closes": "17:00:00"}],
                        "holidays": [{"day": "2026-12-25", "name": "Christmas"}],
                    }
                ],
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        return Response(CalendarSerializer(calendars_all(), many=True).data)


class NoticeList(APIView):
    @extend_schema(
        summary="Your latest notices (reminders, breaches, mentions)",
        responses=NoticeSerializer(many=True),
        examples=[
            OpenApiExample(
                "Notices",
                value=[
                    {
                        "id": 5,
                        "kind": "reminder",
                        "ticket": "HD-1042",
                        "created_at": "2026-11-30T09:30:00Z",
                        "read_at": None,
                    }
                ],
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        notices = selectors.notice_list_for_user(agent_of(request))[:NOTICES_MAX]
        return Response(NoticeSerializer(notices, many=True).data)
