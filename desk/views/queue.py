"""The queue (/desk/): the agent's tickets, due next first, with filters and search."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from desk.access import PAGE_SIZE, AgentRequest, agent_required
from desk.forms import QueueFilterForm
from helpdesk.lib.pagination import CappedPaginator
from tickets import selectors
from tickets.selectors_triage import tags_prefetch


@require_GET
@agent_required
def queue(request: AgentRequest) -> HttpResponse:
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
        tag=(data.get("tag") or "").strip(),
    )
    tickets = selectors.ticket_list_for_agent(user=request.user, filters=filters)
    page = CappedPaginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    tags_prefetch(page.object_list)  # the rows' tags: one query for the page
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
