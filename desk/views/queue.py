"""The queue (/desk/): the agent's tickets, due next first, with filters (words to find: /desk/search/)."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from desk.access import PAGE_SIZE, AgentRequest, agent_required
from desk.forms import QueueFilterForm
from helpdesk.lib.pagination import CappedPaginator
from tickets import selectors

SEARCH_IGNORES = ("due", "sort", "page")  # the queue's own: the search page has none or other ones


@require_GET
@agent_required
def queue(request: AgentRequest) -> HttpResponse:
    if request.GET.get("q", "").strip():  # words to find: the search page (older links and bookmarks)
        query = request.GET.copy()
        for name in SEARCH_IGNORES:
            query.pop(name, None)
        return redirect(f"{reverse('desk:search')}?{query.urlencode()}")
    queues = selectors.queues_for_agent(request.user)
    agents = selectors.agents_for_queues(queues)
    form = QueueFilterForm(request.GET or None, queues=queues, agents=agents)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = selectors.QueueFilters(
        status=data.get("status") or "active",
        kind=data.get("kind") or "",
        queue_id=data.get("queue"),
        assignee=data.get("assignee") or "",
        sort=data.get("sort") or "due",
        search=(data.get("q") or "").strip(),
        due=data.get("due") or "",
    )
    tickets = selectors.ticket_list_for_agent(user=request.user, filters=filters)
    page = CappedPaginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "filters": filters,
        "now": timezone.now(),
        "soon": timezone.now() + timedelta(hours=1),
    }
    return render(request, "desk/queue.html", context)
