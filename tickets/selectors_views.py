"""Reads for the agent's workspace: queue filters from a URL, saved views and their counts, and
the next / previous ticket in a view.

Counts stay cheap on a desk with a million tickets (docs/architecture.md, "Sorts and views"):

- each is the view's own queue query, without joins or sort, capped: ``SELECT count(*) FROM
  (SELECT id ... LIMIT 1000)``, shown as "999+" past the cap, so a view of 300,000 tickets costs
  what a view of 1,000 does;
- most views are of open tickets, which the partial indexes of ``tickets/sorts.py`` cover (the
  Overdue and "Due within the hour" ranges are the due index's leading key);
- each count is cached for ``VIEW_COUNT_SECONDS`` per view and agent ("Mine" differs per agent),
  so the sidebar on every page load costs one cache read; with the cache away, it is counted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import redis
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from helpdesk.lib import degraded
from tickets import sorts
from tickets.models import Queue, SavedView, Ticket
from tickets.selectors import QueueFilters, ticket_list_for_agent

VIEW_COUNT_CAP = 999  # shown as "999+" beyond
VIEW_COUNT_SECONDS = 30
MAX_VIEWS = 20  # of each kind (personal, shared) in the sidebar
CACHE_ERRORS = (redis.RedisError, OSError)

# The queue page's query parameters, in the order a URL lists them.
FILTER_PARAMS = ("status", "kind", "queue", "assignee", "due", "tag", "sort", "q")
_DEFAULTS = {"status": "active", "sort": sorts.DEFAULT_SORT}


def queue_filters_from_params(params: Mapping[str, Any]) -> QueueFilters:
    """The queue filters a URL (or a saved view) names. Never an error: a value that means
    nothing is ignored, and what an agent may see is decided by ``ticket_list_for_agent``."""

    def get(name: str) -> str:
        value = params.get(name)
        return str(value).strip() if value is not None else ""

    queue, assignee, due = get("queue"), get("assignee"), get("due")
    return QueueFilters(
        status=get("status") or "active",
        kind=get("kind"),
        queue_id=int(queue) if queue.isdigit() and len(queue) < 10 else None,
        assignee=assignee if assignee in ("mine", "unassigned") or (assignee.isdigit() and len(assignee) < 10) else "",
        sort=get("sort") or sorts.DEFAULT_SORT,
        search=get("q")[:200],
        due=due if due in ("overdue", "soon") else "",
        tag=get("tag")[:50],
    )


def queue_params(filters: QueueFilters) -> dict[str, str]:
    """The filters as query parameters, defaults left out: what a saved view stores."""
    values = {
        "status": filters.status,
        "kind": filters.kind,
        "queue": str(filters.queue_id or ""),
        "assignee": filters.assignee,
        "due": filters.due,
        "tag": filters.tag,
        "sort": filters.sort_order().name,
        "q": filters.search,
    }
    return {name: values[name] for name in FILTER_PARAMS if values[name] and values[name] != _DEFAULTS.get(name)}


# --- saved views -----------------------------------------------------------------------------------

_PERSONAL_LAST = Case(When(scope="personal", then=Value(1)), default=Value(0), output_field=IntegerField())


def saved_views_for_agent(user: User) -> list[SavedView]:
    """The views in the agent's sidebar: shared ones first (for everyone, then for the agent's
    queues; admins see every shared view), then the agent's own. One query."""
    shared = Q(scope=SavedView.Scope.EVERYONE) | Q(scope=SavedView.Scope.QUEUE)
    if not user.is_superuser:
        shared = Q(scope=SavedView.Scope.EVERYONE) | Q(
            scope=SavedView.Scope.QUEUE, queue__in=Queue.objects.for_agent(user).values("pk")
        )
    rows = (
        SavedView.objects.filter(shared | Q(scope=SavedView.Scope.PERSONAL, owner=user))
        .select_related("queue")
        .order_by(_PERSONAL_LAST, "name", "id")
    )
    views = list(rows[: 2 * MAX_VIEWS])
    return [v for v in views if v.is_shared][:MAX_VIEWS] + [v for v in views if not v.is_shared][:MAX_VIEWS]


def saved_view_get_for_agent(*, user: User, view_id: int) -> SavedView | None:
    """A view the agent sees in their sidebar, or None."""
    return next((view for view in saved_views_for_agent(user) if view.pk == view_id), None)


def saved_view_editable(*, actor: User, view: SavedView) -> bool:
    """Who may rename, update or remove a view: its owner for a personal one, an admin for a shared one."""
    return actor.is_superuser if view.is_shared else view.owner_id == actor.pk


def view_tickets(*, user: User, view: SavedView) -> QuerySet[Ticket]:
    return ticket_list_for_agent(user=user, filters=queue_filters_from_params(view.filters))


def count_capped(tickets: QuerySet[Ticket], cap: int | None = None) -> int:
    """How many rows, counting no further than ``cap + 1``: no joins, no sort, a LIMIT inside."""
    cap = VIEW_COUNT_CAP if cap is None else cap
    return tickets.select_related(None).order_by().values("pk")[: cap + 1].count()


def _count_key(view: SavedView, user: User) -> str:
    return f"viewcount:{view.pk}:{view.updated_at.timestamp():.6f}:{user.pk}"  # a change is counted afresh


def saved_view_counts(*, user: User, views: list[SavedView]) -> dict[int, int]:
    """Each view's count for this agent (up to ``VIEW_COUNT_CAP + 1``), cached per view and agent."""
    keys = {view.pk: _count_key(view, user) for view in views}
    cached: dict[str, int] = {}
    if views and not degraded.recently_failed("cache"):
        try:
            cached = cache.get_many(list(keys.values()))
        except CACHE_ERRORS as exc:
            degraded.report("cache", exc, doing="saved views counted on every page")
    counts, fresh = {}, {}
    for view in views:
        key = keys[view.pk]
        if key in cached:
            counts[view.pk] = int(cached[key])
        else:
            counts[view.pk] = fresh[key] = count_capped(view_tickets(user=user, view=view))
    if fresh and not degraded.recently_failed("cache"):
        try:
            cache.set_many(fresh, timeout=VIEW_COUNT_SECONDS)
        except CACHE_ERRORS as exc:
            degraded.report("cache", exc, doing="saved views counted on every page")
    return counts


def count_label(count: int) -> str:
    return f"{VIEW_COUNT_CAP}+" if count > VIEW_COUNT_CAP else str(count)


# --- next / previous ticket in a view ------------------------------------------------------------


@dataclass(frozen=True)
class Neighbour:
    reference: str
    position: str  # where it stands in the view's sort, for its own next / previous (``key_encode``)


@dataclass(frozen=True)
class Neighbours:
    previous: Neighbour | None
    next: Neighbour | None


_KEY_FIELDS = ("id", "next_due_at", "priority", "updated_at", "created_at")


def ticket_neighbours(*, user: User, filters: QueueFilters, ticket: Ticket, position: str = "") -> Neighbours:
    """The tickets just before and after this one in the view: two keyset queries, each one index
    seek, however far down the view the ticket is.

    ``position`` is where the ticket stood when the agent opened it (it travels in the URL), so
    "next" still means the ticket below it in the list they came from after a reply moved it.
    """
    sort = filters.sort_order()
    key = (sorts.key_decode(position, sort) if position else None) or sorts.key_of(ticket, sort)
    rows = ticket_list_for_agent(user=user, filters=filters).select_related(None).only(*_KEY_FIELDS)

    def first(tickets: QuerySet[Ticket]) -> Neighbour | None:
        found = tickets.first()
        if found is None:
            return None
        return Neighbour(reference=found.reference, position=sorts.key_encode(sorts.key_of(found, sort)))

    return Neighbours(previous=first(sorts.before(rows, sort, key)), next=first(sorts.after(rows, sort, key)))


def ticket_position(ticket: Ticket, filters: QueueFilters) -> str:
    """Where the ticket stands in the view's sort, as a URL carries it."""
    return sorts.key_encode(sorts.key_of(ticket, filters.sort_order()))
