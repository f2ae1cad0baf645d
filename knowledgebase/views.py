"""The public knowledge base (/kb/): home, search, categories, articles, feedback and suggestions."""

from __future__ import annotations

import hashlib
import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from helpdesk.lib import ratelimit
from helpdesk.lib.pagination import paginate
from helpdesk.lib.ratelimit import OnOutage
from knowledgebase import selectors, services
from knowledgebase.forms import DeflectionForm, FeedbackForm, SearchForm
from knowledgebase.models import AUDIENCE_PUBLIC, Article

PAGE_SIZE = 20
VISITOR_COOKIE = "kb_visitor"
VISITOR_SALT = "knowledgebase.visitor"
# Fail open while the cache is away (docs/reliability.md §5): keystroke-rate beacons would crowd the
# sign-in and form counts out of the bounded in-process fallback, and they guard nothing secret.
RATELIMIT_SUGGEST = (120, 60)
RATELIMIT_FEEDBACK = (30, 3600)
RATELIMIT_DEFLECTION = (120, 3600)
RATELIMIT_VIEWED = (120, 3600)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "form": SearchForm(),
        "categories": selectors.categories_for_home(),
        "most_read": selectors.articles_most_read(),
    }
    return render(request, "knowledgebase/home.html", context)


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = paginate(request, selectors.article_search(query, audience=AUDIENCE_PUBLIC), PAGE_SIZE)
    context = {"form": form, "query": query, "page": page, "hits": selectors.search_hits(page.object_list, query)}
    return render(request, "knowledgebase/search.html", context)


@require_safe
def category(request: HttpRequest, slug: str) -> HttpResponse:
    found = selectors.category_get(slug)
    page = paginate(request, selectors.category_articles(found), PAGE_SIZE)
    return render(request, "knowledgebase/category.html", {"category": found, "page": page})


@require_safe
def article(request: HttpRequest, slug: str) -> HttpResponse:
    found = selectors.article_get(slug, audience=AUDIENCE_PUBLIC)
    vote = request.GET.get("feedback")
    ask_url = reverse("portal:new") + "?" + urlencode({"subject": found.title, "article": found.slug})
    context = {
        "article": found,
        "related": selectors.articles_related(found),
        "feedback_form": FeedbackForm(),
        "vote": vote if vote in {"yes", "no"} else None,
        "ask_url": ask_url,
    }
    return render(request, "knowledgebase/article.html", context)


@require_POST
def viewed(request: HttpRequest, slug: str) -> HttpResponse:
    """A read of the article, counted from a POST beacon the page sends (static/js/kb-viewed.js).

    Never counted on GET: link prefetchers, crawlers and the page shown again after a vote would
    inflate "most read", which orders suggestions and the agents' article picker.
    """
    found = selectors.article_get(slug, audience=AUDIENCE_PUBLIC)
    if ratelimit.hit(request, "kb-viewed", RATELIMIT_VIEWED):
        services.article_viewed(article=found)
    return HttpResponse(status=204)


def _visitor_id(request: HttpRequest) -> tuple[str, bool]:
    """The visitor's random id from a signed cookie; (id, True) when a new one was made."""
    existing = request.get_signed_cookie(VISITOR_COOKIE, default="", salt=VISITOR_SALT)
    if existing:
        return str(existing), False
    return secrets.token_urlsafe(16), True


@require_POST
def feedback(request: HttpRequest, slug: str) -> HttpResponse:
    found = selectors.article_get(slug, audience=AUDIENCE_PUBLIC)
    form = FeedbackForm(request.POST)
    if not form.is_valid() or not ratelimit.hit(request, "kb-feedback", RATELIMIT_FEEDBACK, on_outage=OnOutage.OPEN):
        return redirect("kb:article", slug=found.slug)
    visitor, new = _visitor_id(request)
    key = hashlib.sha256(visitor.encode()).hexdigest()
    helpful = form.cleaned_data["helpful"]
    services.feedback_record(article=found, visitor_key=key, helpful=helpful, comment=form.cleaned_data["comment"])
    response = redirect(reverse("kb:article", kwargs={"slug": found.slug}) + f"?feedback={'yes' if helpful else 'no'}")
    if new:
        response.set_signed_cookie(
            VISITOR_COOKIE,
            visitor,
            salt=VISITOR_SALT,
            max_age=365 * 86400,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


@require_safe
def suggest(request: HttpRequest) -> JsonResponse:
    """Articles for the subject a customer is typing on the ticket form (public, published only)."""
    if not ratelimit.hit(request, "kb-suggest", RATELIMIT_SUGGEST, on_outage=OnOutage.OPEN):
        return JsonResponse({"results": [], "error": "Too many requests"}, status=429)
    return JsonResponse({"results": selectors.article_suggest(request.GET.get("q", "")[:500])})


@require_POST
def deflection(request: HttpRequest) -> HttpResponse:
    """A beacon from the ticket form: a suggestion was shown or opened (form id = its submission key)."""
    form = DeflectionForm(request.POST)
    if not form.is_valid() or not ratelimit.hit(
        request, "kb-deflection", RATELIMIT_DEFLECTION, on_outage=OnOutage.OPEN
    ):
        return HttpResponse(status=400)
    found = Article.objects.public().filter(slug=form.cleaned_data["article"]).first()
    if found is None:
        return HttpResponse(status=404)
    services.deflection_record(form_id=form.cleaned_data["form_id"], kind=form.cleaned_data["kind"], article=found)
    return HttpResponse(status=204)
