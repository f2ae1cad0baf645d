"""Reads for triage on the desk: a ticket's tags, related tickets, followers and merge candidates,
the tags of a page of the queue, and where a merged ticket's conversation continues.

Everything an agent reads here is scoped to the tickets they may see (``Ticket.visible_to``):
a ticket linked from another team's queue is simply not listed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.db.models.functions import Lower

from tickets.models import Queue, Tag, Ticket, TicketFollower, TicketTag
from tickets.models.agent import agents

TAG_SUGGESTIONS = 300  # names offered to the tag input's autocomplete (a datalist), by name
MERGE_CANDIDATES = 20
MERGE_HOPS = 10
BY_NAME = Lower("name")  # tags in alphabetical order whatever their case


@dataclass(frozen=True)
class TriagePanel:
    """What the ticket page's triage cards show (a constant number of queries, whatever the counts)."""

    tags: list[Tag]
    tag_names: list[str]
    related: list[Ticket]
    followers: list[User]
    following: bool
    merge_candidates: list[Ticket]
    queues: list[Queue]


def triage_panel_for(*, user: User, ticket: Ticket) -> TriagePanel:
    """Six queries: the ticket's tags, tag names to suggest, related tickets, followers, the
    customer's other open tickets (to merge into) and the queues (to move to)."""
    followers = list(
        User.objects.filter(pk__in=TicketFollower.objects.filter(ticket=ticket).values("user_id")).order_by(
            "first_name", "username"
        )
    )
    return TriagePanel(
        tags=list(Tag.objects.filter(pk__in=TicketTag.objects.filter(ticket=ticket).values("tag_id")).order_by(BY_NAME)),
        tag_names=list(Tag.objects.order_by(BY_NAME).values_list("name", flat=True)[:TAG_SUGGESTIONS]),
        related=list(related_tickets_for_agent(user=user, ticket=ticket)),
        followers=followers,
        following=any(follower.pk == user.pk for follower in followers),
        merge_candidates=list(
            Ticket.objects.visible_to(user)
            .filter(customer_id=ticket.customer_id, merged_into__isnull=True)
            .exclude(pk=ticket.pk)
            .exclude(status__in=[Ticket.Status.RESOLVED, Ticket.Status.CLOSED])
            .order_by("-created_at")[:MERGE_CANDIDATES]
        ),
        queues=move_queues(),
    )


def related_tickets_for_agent(*, user: User, ticket: Ticket) -> Iterable[Ticket]:
    """The tickets linked to ``ticket`` that ``user`` may see, oldest first. One query."""
    linked = Q(links_up__high=ticket) | Q(links_down__low=ticket)
    return Ticket.objects.visible_to(user).filter(linked).distinct().order_by("pk")


def tags_prefetch(tickets: Iterable[Ticket]) -> None:
    """Load the tags of a page of tickets in one query (the queue's rows show them)."""
    prefetch_related_objects(list(tickets), Prefetch("tags", queryset=Tag.objects.order_by(BY_NAME)))


def ticket_continued_in(ticket: Ticket) -> Ticket:
    """The ticket whose conversation ``ticket`` continues in: itself, or the one it was merged into
    (following later merges). Read without locks; writers lock the ticket they write to."""
    for _ in range(MERGE_HOPS):
        if ticket.merged_into_id is None:
            return ticket
        following = Ticket.objects.select_related("customer").filter(pk=ticket.merged_into_id).first()
        if following is None:
            return ticket
        ticket = following
    return ticket


def followers_to_notify(ticket: Ticket) -> list[User]:
    """The ticket's followers who are still agents and may still see it (their queues, or superusers)."""
    can_see = Q(is_superuser=True) | Q(helpdesk_queues=ticket.queue_id) | Q(led_queues=ticket.queue_id)
    followers = TicketFollower.objects.filter(ticket=ticket).values("user_id")
    return list(agents().filter(can_see, pk__in=followers).distinct().order_by("pk"))


def ticket_followed_by(ticket: Ticket, user_id: int) -> bool:
    return TicketFollower.objects.filter(ticket=ticket, user_id=user_id).exists()


def move_queues() -> list[Queue]:
    """Every queue, by name: a ticket may be moved into any of them (triage), not only the agent's."""
    return list(Queue.objects.order_by("name"))
