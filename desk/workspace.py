"""What the queue and ticket pages show around the list: the saved views sidebar, the sortable
column headers, and the view that travels in each ticket link (for "next / previous ticket")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.models import User
from django.http import HttpRequest, QueryDict
from django.urls import reverse

from tickets.models import SavedView, Ticket
from tickets.selectors import QueueFilters
from tickets.selectors_views import (
    FILTER_PARAMS,
    Neighbour,
    count_label,
    queue_filters_from_params,
    saved_view_counts,
    saved_view_editable,
    saved_view_get_for_agent,
    saved_views_for_agent,
    ticket_neighbours,
    ticket_position,
)

POSITION_PARAM = "at"  # where the ticket stood in the view (tickets.sorts.key_encode)
VIEW_PARAM = "view"  # the saved view the agent came from, for the sidebar and the heading


def view_query(params: QueryDict | dict[str, str]) -> str:
    """The queue filters of a URL, as a query string (what ticket links carry); nothing else."""
    kept = [(name, str(params.get(name) or "")) for name in (*FILTER_PARAMS, VIEW_PARAM)]
    return urlencode([(name, value) for name, value in kept if value])


def ticket_url(ticket: Ticket, query: str, filters: QueueFilters) -> str:
    """The ticket's page, with the view it was opened from and its position in it."""
    position = urlencode({POSITION_PARAM: ticket_position(ticket, filters)})
    base = reverse("desk:ticket", kwargs={"reference": ticket.reference})
    return f"{base}?{query}&{position}" if query else f"{base}?{position}"


def nav_suffix(request: HttpRequest) -> str:
    """ "?<view>&at=<position>" from this request, so a form posted from the ticket page comes back
    to the same view and position; empty when it carries none."""
    query = view_query(request.GET)
    position = str(request.GET.get(POSITION_PARAM) or "")[:100]
    parts = [part for part in (query, urlencode({POSITION_PARAM: position}) if position else "") if part]
    return f"?{'&'.join(parts)}" if parts else ""


def ticket_back_url(request: HttpRequest, ticket: Ticket) -> str:
    """The ticket's page after one of its forms, in the same view and position."""
    return reverse("desk:ticket", kwargs={"reference": ticket.reference}) + nav_suffix(request)


def page_filters(request: HttpRequest) -> QueueFilters:
    return queue_filters_from_params(request.GET)


# --- the sidebar ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SidebarView:
    view: SavedView
    count: str  # "12", "999+"
    url: str
    active: bool
    editable: bool  # the agent may rename, update or remove it


def view_url(view: SavedView) -> str:
    """The queue as the saved view shows it, with the view open (the sidebar's link, and where a save lands)."""
    return f"{reverse('desk:queue')}?{urlencode({**view.filters, VIEW_PARAM: view.pk})}"


def sidebar(user: User, active_id: str) -> list[SidebarView]:
    """The agent's saved views with their counts (cached per view and agent)."""
    views = saved_views_for_agent(user)
    counts = saved_view_counts(user=user, views=views)
    return [
        SidebarView(
            view=view,
            count=count_label(counts[view.pk]),
            url=view_url(view),
            active=active_id == str(view.pk),
            editable=saved_view_editable(actor=user, view=view),
        )
        for view in views
    ]


# --- sortable column headers --------------------------------------------------------------------------


@dataclass(frozen=True)
class SortHeader:
    url: str  # empty: the column can't be sorted for these tickets
    aria_sort: str  # "ascending", "descending" or "none"
    hint: str  # what a click does


# column: (the sort its first click gives, the other direction); aria-sort per sort name
COLUMNS = {"due": ("due", "-due"), "priority": ("priority", "-priority"), "updated": ("-updated", "updated")}
ARIA_SORT = {
    "due": "ascending",
    "-due": "descending",
    "priority": "descending",  # highest first
    "-priority": "ascending",
    "updated": "ascending",
    "-updated": "descending",
}


def sort_headers(params: QueryDict, filters: QueueFilters) -> dict[str, SortHeader]:
    current = filters.sort_order().name
    # Sorting keeps the filters and the saved view the agent is in (they may save the new sort to it).
    base = {name: str(params.get(name) or "") for name in (*FILTER_PARAMS, VIEW_PARAM) if name != "sort"}
    headers = {}
    for column, (first, other) in COLUMNS.items():
        sortable = QueueFilters(status=filters.status, sort=first).sort_order().name == first
        target = other if current == first else first
        query = urlencode({**{k: v for k, v in base.items() if v}, "sort": target})
        headers[column] = SortHeader(
            url=f"?{query}" if sortable else "",
            aria_sort=ARIA_SORT[current] if current in (first, other) else "none",
            hint=f"Sort: {QueueFilters(sort=target).sort_order().label.lower()}",
        )
    return headers


def with_ticket_urls(tickets: Iterable[Ticket], query: str, filters: QueueFilters) -> list[Ticket]:
    """The page's tickets, each with ``desk_url``: its page, the view and its position in it."""
    rows = list(tickets)
    for ticket in rows:
        ticket.desk_url = ticket_url(ticket, query, filters)  # type: ignore[attr-defined]  # read by the template
    return rows


# --- next / previous ticket on the ticket page -------------------------------------------------------


@dataclass(frozen=True)
class TicketNav:
    back: str  # the queue, filtered as the agent left it
    view_name: str
    previous: str  # a URL, or "" at the start of the view
    next: str  # a URL, or "" at its end
    suffix: str  # "?<view>&at=<position>" for the page's own forms, so they come back here


def ticket_nav(request: HttpRequest, user: User, ticket: Ticket) -> TicketNav:
    """Previous and next ticket in the view the agent opened this one from (two index seeks)."""
    filters = page_filters(request)
    position = str(request.GET.get(POSITION_PARAM) or "")
    neighbours = ticket_neighbours(user=user, filters=filters, ticket=ticket, position=position)
    query = view_query(request.GET)

    def url(neighbour: Neighbour | None) -> str:
        if neighbour is None:
            return ""
        base = reverse("desk:ticket", kwargs={"reference": neighbour.reference})
        at = urlencode({POSITION_PARAM: neighbour.position})
        return f"{base}?{query}&{at}" if query else f"{base}?{at}"

    view_id = str(request.GET.get(VIEW_PARAM) or "")
    view = (
        saved_view_get_for_agent(user=user, view_id=int(view_id)) if view_id.isdigit() and len(view_id) < 10 else None
    )
    queue = reverse("desk:queue")
    return TicketNav(
        back=f"{queue}?{query}" if query else queue,
        view_name=view.name if view is not None else "Queue",
        previous=url(neighbours.previous),
        next=url(neighbours.next),
        suffix=nav_suffix(request),
    )
