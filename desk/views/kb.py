"""The knowledge base inside the desk (/desk/kb/): agents read internal articles too."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from desk.access import AgentRequest, agent_required
from desk.forms import AgentReplyForm
from desk.views.tickets import _ticket_context
from knowledgebase import selectors
from knowledgebase.forms import SearchForm
from knowledgebase.models import AUDIENCE_AGENT, Article
from knowledgebase.views import paginate
from tickets import selectors as ticket_selectors


@agent_required
@require_GET
def kb_list(request: AgentRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    if query:
        page = paginate(request, selectors.article_search(query, audience=AUDIENCE_AGENT))
    else:
        page = paginate(request, selectors.article_recent(audience=AUDIENCE_AGENT))
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
    """Without JavaScript: put a Markdown link to the chosen article into the reply, keep the rest, re-show."""
    ticket = ticket_selectors.ticket_get_for_agent(user=request.user, reference=reference)
    body = request.POST.get("body", "")
    chosen = Article.objects.public().filter(slug=request.POST.get("kb_article", "")[:200]).first()
    if chosen is not None:
        url = settings.SITE_URL + reverse("kb:article", kwargs={"slug": chosen.slug})
        body = f"{body.rstrip()}\n\n[{chosen.title}]({url})".lstrip()
    initial = {key: request.POST.get(key, "") for key in ("visibility", "status_after", "next_update")}
    form = AgentReplyForm(initial={**initial, "body": body, "visibility": initial["visibility"] or "public"})
    return render(request, "desk/ticket.html", _ticket_context(request, ticket, reply_form=form))
