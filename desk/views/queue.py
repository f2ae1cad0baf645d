"""The queue (/desk/): the agent's tickets, due next first, with filters (words to find:
/desk/search/), the saved views sidebar, sortable columns and the bulk bar."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from desk import workspace
from desk.access import PAGE_SIZE, AgentRequest, agent_required
from desk.forms import QueueFilterForm, _choice_field
from desk.forms_bulk import PARAM_FOR, BulkForm, SavedViewEditForm, SavedViewForm
from helpdesk.lib.pagination import CappedPaginator
from tickets import selectors
from tickets.selectors_triage import move_queues, tag_suggestions, tags_prefetch
from tickets.selectors_views import queue_params
from tickets.sorts import sorts_for

SEARCH_IGNORES = ("due", "sort", "page")  # the queue's own: the search page has none or other ones


@require_GET
@agent_required
def queue(request: AgentRequest) -> HttpResponse:
    if request.GET.get("q", "").strip():  # words to find: the search page (older links and bookmarks)
        query = request.GET.copy()
        for name in SEARCH_IGNORES:
            query.pop(name, None)
        return redirect(f"{reverse('desk:search')}?{query.urlencode()}")
    queues = list(selectors.queues_for_agent(request.user))
    agents = list(selectors.agents_for_queues(selectors.queues_for_agent(request.user)))
    filters = workspace.page_filters(request)
    shown = request.GET.copy()
    if shown:
        shown["sort"] = filters.sort_order().name  # the sort in use: "Due next" isn't offered for closed tickets
    form = QueueFilterForm(shown or None, queues=queues, agents=agents)
    _choice_field(form, "sort").choices = [(sort.name, sort.label) for sort in sorts_for(open_only=filters.open_only)]
    form.is_valid()  # shows back what was asked; the filters themselves come from workspace.page_filters
    tickets = selectors.ticket_list_for_agent(user=request.user, filters=filters)
    paginator = CappedPaginator(tickets, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    tags_prefetch(page.object_list)  # the rows' tags: one query for the page
    query = request.GET.copy()
    query.pop("page", None)
    view_query = workspace.view_query(request.GET)
    matching = f"All {paginator.cap:,}+ matching tickets" if paginator.capped else f"All {paginator.count:,} matching"
    sidebar = workspace.sidebar(request.user, str(request.GET.get(workspace.VIEW_PARAM, "")))
    active_view = next((item for item in sidebar if item.active), None)
    view_changed = bool(active_view and queue_params(filters) != active_view.view.filters)
    bulk_form = BulkForm(agents=agents, queues=move_queues(), matching=matching, initial={"query": view_query})
    context = {
        "form": form,
        "page": page,
        "rows": workspace.with_ticket_urls(page, view_query, filters),
        "query": query.urlencode(),
        "view_query": view_query,
        "filters": filters,
        "sort_headers": workspace.sort_headers(request.GET, filters),
        "sidebar": sidebar,
        "active_view": active_view.view if active_view else None,
        "view_changed": view_changed,
        "view_edit_form": (
            SavedViewEditForm(
                initial={
                    "name": active_view.view.name,
                    "query": view_query,
                    "refilter": view_changed,
                }
            )
            if active_view and active_view.editable
            else None
        ),
        "bulk_form": bulk_form,
        "bulk_params": [bulk_form[name] for name in bulk_form.fields if name in PARAM_FOR and name != "notify"],
        "tag_names": tag_suggestions(),
        "view_form": SavedViewForm(queues=queues, initial={"query": view_query}),
        "now": timezone.now(),
        "soon": timezone.now() + timedelta(hours=1),
    }
    return render(request, "desk/queue.html", context)
