"""Reads of the API's own records: tokens and kept answers."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils import timezone

from api.models import ApiToken, IdempotentRequest
from api.tokens import token_hash
from tickets.customers import customer_for_email
from tickets.models import (
    Attachment,
    BusinessCalendar,
    Customer,
    Message,
    Promise,
    SlaPolicy,
    Ticket,
    TicketEvent,
)
from tickets.search import SORTS as SEARCH_SORTS
from tickets.search import SearchFilters, SearchResults, ticket_search
from tickets.selectors import QueueFilters, queues_for_agent, ticket_get_for_agent, ticket_list_for_agent

IDEMPOTENCY_WINDOW = timedelta(hours=24)


def token_list_for_owner(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(owner=user).order_by("-created_at", "-id")


def token_get_for_owner(*, user: User, pk: int) -> ApiToken:
    """The user's own token; someone else's is unknown (404)."""
    token = ApiToken.objects.filter(owner=user, pk=pk).first()
    if token is None:
        raise Http404("No such token")
    return token


def token_for_secret(secret: str) -> ApiToken | None:
    """The usable token ``secret`` is, with its owner; None for unknown, revoked and expired alike."""
    digest = token_hash(secret)
    token = ApiToken.objects.select_related("owner").filter(secret_hash=digest).first()
    if token is None or not hmac.compare_digest(token.secret_hash, digest):
        return None
    return token if token.usable_at(timezone.now()) else None


def idempotent_answer(*, actor: User, key: str) -> IdempotentRequest | None:
    """The kept answer to ``actor``'s request with ``key``, if within the window."""
    since = timezone.now() - IDEMPOTENCY_WINDOW
    return IdempotentRequest.objects.filter(actor=actor, key=key, created_at__gte=since).first()


# --- tickets, as the API reads them (the domain's selectors, with what the API shows preloaded) ---


def ticket_detail_for_agent(*, user: User, reference: str) -> Ticket:
    """The ticket whole (conversation, notes, events, tags, promises) in a fixed number of queries;
    404 outside the agent's queues, exactly as on the desk (``ticket_get_for_agent``)."""
    ticket = ticket_get_for_agent(user=user, reference=reference)
    messages = Message.objects.select_related("author_user").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("id"))
    )
    prefetch_related_objects(
        [ticket],
        Prefetch("messages", queryset=messages.order_by("created_at", "id")),
        Prefetch("events", queryset=TicketEvent.objects.select_related("actor").order_by("created_at", "id")),
        Prefetch("promises", queryset=Promise.objects.order_by("created_at", "id")),
        "tags",
    )
    return ticket


@dataclass(frozen=True)
class TicketQuery:
    """The ticket list's parameters (``api.serializers.filters``), already checked."""

    filters: QueueFilters
    text: str = ""
    customer: str = ""
    updated_since: datetime | None = None


def ticket_query_for_agent(*, user: User, query: TicketQuery) -> QuerySet[Ticket]:
    """The desk's queue list (``ticket_list_for_agent``: scope, filters, indexed sort), narrowed."""
    tickets = ticket_list_for_agent(user=user, filters=query.filters)
    if query.customer:
        if query.customer.isdigit():
            tickets = tickets.filter(customer_id=int(query.customer))
        else:
            customer = customer_for_email(user=user, email=query.customer)
            tickets = tickets.filter(customer=customer) if customer is not None else tickets.none()
    if query.updated_since is not None:
        tickets = tickets.filter(updated_at__gte=query.updated_since)
    return tickets


def ticket_search_for_agent(*, user: User, query: TicketQuery) -> SearchResults:
    """The desk's search (``tickets.search``), with the list's filters."""
    f = query.filters
    filters = SearchFilters(
        status="all" if f.status == "all" else f.status,
        kind=f.kind,
        queue_id=f.queue_id,
        assignee=f.assignee,
        tag=f.tag,
        sort=f.sort if f.sort in SEARCH_SORTS else "relevance",
    )
    return ticket_search(user=user, text=query.text, filters=filters)


def policies_for_agent(user: User) -> QuerySet[SlaPolicy]:
    """The SLA policies that can apply to the agent's tickets: the desk-wide ones and their queues'."""
    return SlaPolicy.objects.filter(Q(queue__isnull=True) | Q(queue__in=queues_for_agent(user))).order_by("name", "id")


def calendars_all() -> QuerySet[BusinessCalendar]:
    return BusinessCalendar.objects.prefetch_related("opening_hours", "holidays").order_by("name", "id")


def customers_for_agent(user: User) -> QuerySet[Customer]:
    """Customers with a ticket the agent may see (merged-away addresses left out), newest first."""
    visible = Ticket.objects.visible_to(user).filter(customer=OuterRef("pk"))
    return Customer.objects.filter(Exists(visible), merged_into__isnull=True)


def promises_of(ticket: Ticket) -> QuerySet[Promise]:
    """The ticket's promises, oldest first (the caller found the ticket through ``ticket_get_for_agent``)."""
    return Promise.objects.filter(ticket=ticket).order_by("created_at", "id")
