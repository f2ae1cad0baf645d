"""Reads for triage on the desk: a ticket's tags, related tickets, followers and merge candidates,
the tags of a page of the queue, and where a merged ticket's conversation continues.

Everything an agent reads here is scoped to the tickets they may see (``Ticket.visible_to``):
a ticket linked from another team's queue is simply not listed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db.models import (
    DateTimeField,
    ExpressionWrapper,
    F,
    IntegerField,
    OrderBy,
    Prefetch,
    Q,
    prefetch_related_objects,
)
from django.db.models.functions import Lower

from tickets.models import Queue, Tag, Ticket, TicketFollower, TicketLink, TicketTag
from tickets.models.agent import agents
from tickets.models.ticket import TicketQuerySet

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


def tag_suggestions() -> list[str]:
    """Tag names for a tag input's autocomplete, alphabetically (one query, at most ``TAG_SUGGESTIONS``)."""
    return list(Tag.objects.order_by(BY_NAME).values_list("name", flat=True)[:TAG_SUGGESTIONS])


def triage_panel_for(*, user: User, ticket: Ticket) -> TriagePanel:
    """Six queries: the ticket's tags, tag names to suggest, related tickets, followers, the
    customer's other open tickets (to merge into) and the queues (to move to)."""
    followers = list(
        User.objects.filter(pk__in=TicketFollower.objects.filter(ticket=ticket).values("user_id")).order_by(
            "first_name", "username"
        )
    )
    return TriagePanel(
        tags=list(
            Tag.objects.filter(pk__in=TicketTag.objects.filter(ticket=ticket).values("tag_id")).order_by(BY_NAME)
        ),
        tag_names=tag_suggestions(),
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
    """The tickets linked to ``ticket`` that ``user`` may see, oldest first. One query.

    The linked ids come from a UNION of the two index lookups: joins on both sides ORed
    together made PostgreSQL scan every ticket (300 ms at a million)."""
    linked = (
        TicketLink.objects.filter(low=ticket).values("high").union(TicketLink.objects.filter(high=ticket).values("low"))
    )
    return Ticket.objects.visible_to(user).filter(pk__in=linked).order_by("pk")


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


# --- The queue's ``?tag=`` filter ------------------------------------------------------------------------

SMALL_TAG = 20_000  # tickets; at most this many are read to decide (the tag's own index, no more)


def tag_id_for_name(name: str) -> int | None:
    """The id of the tag called ``name`` whatever its case (the ``tag_name_ci_unique`` index)."""
    found = Tag.objects.annotate(lname=Lower("name")).filter(lname=" ".join(name.split()).lower())
    return found.values_list("pk", flat=True).first()


def tag_filtered(tickets: TicketQuerySet, name: str, order: list[Any]) -> tuple[TicketQuerySet, list[Any]]:
    """The queue narrowed to the tag ``name``, and the order to list it in. Two cheap queries.

    A tag on a few tickets is read from its own index (``ticket_tag_by_tag``: the tag's tickets,
    then a sort of those alone); the sort key is then shifted by nothing (``+ interval 0``) so the
    planner can't walk the queue's sort index instead, which for a tag on closed tickets only
    means reading every open ticket in the desk to find none. A tag on more tickets than
    ``SMALL_TAG`` is common enough that walking the queue's own order finds a page at once.
    """
    tag_id = tag_id_for_name(name)
    if tag_id is None:
        return tickets.none(), order
    tickets = tickets.tagged(tag_id)
    tagged = TicketTag.objects.filter(tag_id=tag_id).values("ticket_id")[: SMALL_TAG + 1]
    if tagged.count() > SMALL_TAG:
        return tickets, order
    return tickets, [_unindexed(order[0]), *order[1:]]


INTEGER_KEYS = {"sort_urgency", "priority", "id"}  # the sort keys of tickets/sorts.py that are not times


def _unindexed(key: Any) -> OrderBy:
    """``key`` (a field name or an ordering) sorting the same, but on an expression no index serves."""
    if isinstance(key, str):
        key = F(key[1:]).desc() if key.startswith("-") else F(key).asc()
    name = getattr(key.expression, "name", "")
    if name in INTEGER_KEYS:  # the urgency (minus the priority) and the id: shifted by 0, not a time
        shifted = ExpressionWrapper(key.expression + 0, output_field=IntegerField())
    else:
        shifted = ExpressionWrapper(key.expression + timedelta(0), output_field=DateTimeField())
    return OrderBy(shifted, descending=key.descending, nulls_first=key.nulls_first, nulls_last=key.nulls_last)
