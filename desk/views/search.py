"""Search (/desk/search/): every ticket in the agent's queues, found by anything said in it.

The top bar's box comes here. A reference (HD-1042) or a customer's address alone goes straight
to that ticket or customer, when the agent may see it.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from desk.access import PAGE_SIZE, AgentRequest, agent_required
from desk.search_form import SearchForm
from tickets import selectors
from tickets.models import Ticket
from tickets.search import search_jump, ticket_search
from tickets.search_hits import search_hits


@require_GET
@agent_required
def search(request: AgentRequest) -> HttpResponse:
    queues = selectors.queues_for_agent(request.user)
    form = SearchForm(request.GET or None, queues=queues, agents=selectors.agents_for_queues(queues))
    text = form.text
    if text and not form.filtered:
        found = search_jump(user=request.user, text=text)
        if isinstance(found, Ticket):
            return redirect("desk:ticket", reference=found.reference)
        if found is not None:
            return redirect("desk:customer", customer_id=found.pk)
    results = ticket_search(user=request.user, text=text, filters=form.filters())
    page: Page[Ticket] = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))  # type: ignore[arg-type]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "search_text": text,
        "page": page,
        "capped": results.capped,
        "hits": search_hits(list(page.object_list), text),
        "query": query.urlencode(),
        "now": timezone.now(),
    }
    return render(request, "desk/search.html", context)
