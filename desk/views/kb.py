"""The knowledge base inside the desk (/desk/kb/): agents read internal articles too."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from desk.access import AgentRequest, agent_required
from desk.composer import article_insert
from desk.views.tickets import composer_again
from helpdesk.lib.pagination import paginate
from knowledgebase import selectors
from knowledgebase.forms import SearchForm
from knowledgebase.models import AUDIENCE_AGENT
from tickets import selectors as ticket_selectors

PAGE_SIZE = 20  # as the public knowledge base's lists


@agent_required
@require_GET
def kb_list(request: AgentRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    if query:
        page = paginate(request, selectors.article_search(query, audience=AUDIENCE_AGENT), PAGE_SIZE)
    else:
        page = paginate(request, selectors.article_recent(audience=AUDIENCE_AGENT), PAGE_SIZE)
    context = {"form": form, "query": query, "page": page, "hits": selectors.search_hits(page.object_list, query)}
    return render(request, "desk/kb/list.html", context)


@agent_required
@require_GET
def kb_article(request: AgentRequest, slug: str) -> HttpResponse:
    article = selectors.article_get(slug, audience=AUDIENCE_AGENT)
    return render(request, "desk/kb/article.html", {"article": article})


@agent_required
@require_POST
def kb_insert(request: AgentRequest, reference: str) -> HttpResponse:
    """The address "Insert article link" once posted to; the composer now posts it to ``desk:reply``
    (desk/composer.py). Kept so that a page still open in a browser does the same thing."""
    ticket = ticket_selectors.ticket_get_for_agent(user=request.user, reference=reference)
    return composer_again(request, ticket, article_insert(post=request.POST))
