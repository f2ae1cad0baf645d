"""Reads for the knowledge base. ``article_search`` hides whether PostgreSQL or SQLite answers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connection
from django.db.models import BooleanField, Case, Count, F, FloatField, Func, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.safestring import SafeString

from helpdesk.lib.snippets import START, STOP, marked, python_snippet
from knowledgebase.links import article_markdown_link
from knowledgebase.models import AUDIENCE_PUBLIC, Article, Category, DeflectionEvent

QUERY_MAX = 200  # longer queries are cut: nobody types more, and a 10,000-character one must not hurt
MAX_WORDS = 8
TYPO_QUERY_MAX = 60
CANDIDATES = 150  # per source (title hits, any hits): at most 300 ranked, so a search costs the same at any size
SEARCH_CONFIG = "english"
_WORD = re.compile(r"\w+", re.UNICODE)
_SUFFIXES = ("ing", "es", "ed", "s")
_STOPWORDS = frozenset(
    [
        "the",
        "and",
        "for",
        "you",
        "your",
        "with",
        "from",
        "that",
        "this",
        "have",
        "has",
        "not",
        "but",
        "are",
        "was",
        "can",
        "how",
        "why",
        "what",
        "when",
        "my",
    ]
)


def _normalise(query: str) -> str:
    return " ".join(str(query or "").replace("\x00", " ").split())[:QUERY_MAX]


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


class _WordSimilar(Func):
    """``query <% title``: the query is similar to some run of words in the title (pg_trgm, GIN-indexed)."""

    template = "%(expressions)s"
    arg_joiner = " <%% "
    output_field = BooleanField()
    conditional = True


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _terms(query: str) -> list[str]:
    words = [w.lower() for w in _WORD.findall(query) if len(w) > 1]
    return list(dict.fromkeys(_stem(w) for w in words))[:MAX_WORDS]


def article_search(query: str, *, audience: str = AUDIENCE_PUBLIC, match_any: bool = False) -> QuerySet[Article]:
    """Published articles matching ``query`` that ``audience`` may read, best first (annotated ``rank``).

    PostgreSQL: weighted full-text search (title > summary and tags > body) through a GIN index,
    ``websearch_to_tsquery`` (any input is valid), plus typo tolerance on titles by trigram word
    similarity. At most ``2 * CANDIDATES`` matches are ranked (title hits and others, each capped), so a
    word found in half the articles costs what a rare one does.
    SQLite: every word (crudely stemmed) must appear somewhere; title hits rank first.
    ``match_any``: any word may match, the more the better (a ticket subject is a sentence, not a query).
    """
    text = _normalise(query)
    articles = Article.objects.for_audience(audience).select_related("category")
    if not text:
        return articles.none()
    search = _search_postgres if _is_postgres() else _search_portable
    return search(articles, text, match_any=match_any)


def _search_postgres(articles: QuerySet[Article], text: str, *, match_any: bool) -> QuerySet[Article]:
    """Full-text search with ranking, headlines and trigram typo tolerance (see ``article_search``)."""
    tsquery = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    words = _WORD.findall(text)[:MAX_WORDS]
    if match_any and words:
        tsquery = SearchQuery(words[0], search_type="plain", config=SEARCH_CONFIG)
        for word in words[1:]:
            tsquery |= SearchQuery(word, search_type="plain", config=SEARCH_CONFIG)
    matches = Q(search_vector=tsquery)
    # Typo tolerance on titles. A search: only when its words find nothing (a cheap check), since trigram
    # candidates are many for short words and would blur operators such as "-driver". Suggestions
    # (match_any): always, in the same query; the candidate cap below bounds the cost.
    if len(text) <= TYPO_QUERY_MAX and (match_any or not articles.filter(matches).order_by().exists()):
        matches |= Q(_WordSimilar(Value(text), F("title")))
    # Ranking reads each row's whole vector: rank a bounded set of candidates, never every match of a
    # very common word. Title hits come through their own small index so they are never crowded out.
    title_hits = articles.filter(title_vector=tsquery).order_by().values("pk")[:CANDIDATES]
    any_hits = articles.filter(matches).order_by().values("pk")[:CANDIDATES]
    return (
        Article.objects.filter(pk__in=title_hits.union(any_hits))
        .select_related("category")
        .annotate(
            rank=Coalesce(SearchRank(F("search_vector"), tsquery), 0.0, output_field=FloatField())
            + TrigramWordSimilarity(text, "title") * 0.5,
            headline=SearchHeadline(
                Coalesce(F("summary"), Value("")),
                tsquery,
                config=SEARCH_CONFIG,
                start_sel=START,
                stop_sel=STOP,
                max_words=30,
                min_words=12,
                highlight_all=False,
            ),
        )
        .order_by("-rank", "-view_count", "id")
    )


def _search_portable(articles: QuerySet[Article], text: str, *, match_any: bool) -> QuerySet[Article]:
    """Any database: every word (crudely stemmed) somewhere, title hits first (see ``article_search``)."""
    terms = _terms(text)
    if match_any:
        terms = [t for t in terms if len(t) > 2 and t not in _STOPWORDS]
    if not terms:
        return articles.none()
    condition = Q()
    score: Any = Value(0.0)
    for term in terms:
        found = (
            Q(title__icontains=term) | Q(summary__icontains=term) | Q(tags__icontains=term) | Q(body__icontains=term)
        )
        condition = (condition | found) if match_any else (condition & found)
        score += Case(
            When(title__icontains=term, then=Value(3.0)),
            When(Q(summary__icontains=term) | Q(tags__icontains=term), then=Value(2.0)),
            When(body__icontains=term, then=Value(1.0)),
            default=Value(0.0),
            output_field=FloatField(),
        )
    return articles.filter(condition).annotate(rank=score).order_by("-rank", "-view_count", "id")


@dataclass(frozen=True)
class Hit:
    article: Article
    snippet: SafeString


def search_hits(articles: Iterable[Article], query: str) -> list[Hit]:
    """Each article with a short snippet of its summary, the query's words marked."""
    terms = _terms(_normalise(query))
    hits = []
    for article in articles:
        headline = getattr(article, "headline", None)
        if headline and START in headline:
            snippet = marked(headline)
        else:
            snippet = python_snippet(article.summary or article.body, terms)
        hits.append(Hit(article=article, snippet=snippet))
    return hits


def article_suggest(query: str, *, limit: int = 5) -> list[dict[str, str]]:
    """Public articles for the ticket form: title, address and a plain-text snippet."""
    from django.urls import reverse

    text = _normalise(query)
    if len(text) < 3:
        return []
    articles = list(article_search(text, audience=AUDIENCE_PUBLIC, match_any=True)[:limit])
    return [
        {
            "title": a.title,
            "slug": a.slug,
            "url": reverse("kb:article", kwargs={"slug": a.slug}),
            "markdown": article_markdown_link(a),  # what the desk's composer inserts (static/js/kb-insert.js)
            "snippet": a.summary[:160],
        }
        for a in articles
    ]


def categories_for_home(*, audience: str = AUDIENCE_PUBLIC) -> list[Category]:
    """Top-level categories that hold readable articles, with such subcategories (two queries, whatever the count)."""
    from django.db.models import Prefetch

    counted = Count("articles", filter=Q(articles__in=Article.objects.for_audience(audience)))
    children = Category.objects.annotate(article_count=counted).filter(article_count__gt=0).order_by("position", "name")
    tops = (
        Category.objects.filter(parent__isnull=True)
        .annotate(article_count=counted)
        .prefetch_related(Prefetch("children", queryset=children, to_attr="readable_children"))
        .order_by("position", "name")
    )
    return [c for c in tops if c.article_count or c.readable_children]


def articles_most_read(*, audience: str = AUDIENCE_PUBLIC, limit: int = 6) -> list[Article]:
    return list(Article.objects.for_audience(audience).select_related("category").order_by("-view_count", "id")[:limit])


def article_recent(*, audience: str = AUDIENCE_PUBLIC) -> QuerySet[Article]:
    return Article.objects.for_audience(audience).select_related("category").order_by("-updated_at", "id")


def category_get(slug: str) -> Category:
    category = Category.objects.select_related("parent").filter(slug=slug).first()
    if category is None:
        raise Http404
    return category


def category_articles(category: Category, *, audience: str = AUDIENCE_PUBLIC) -> QuerySet[Article]:
    """The category's articles and its subcategories' articles, most recently updated first."""
    return (
        Article.objects.for_audience(audience)
        .filter(Q(category=category) | Q(category__parent=category))
        .select_related("category")
        .order_by("-updated_at", "id")
    )


def article_public_or_none(slug: str) -> Article | None:
    return Article.objects.public().filter(slug=slug[:200]).first() if slug else None


def article_get(slug: str, *, audience: str = AUDIENCE_PUBLIC) -> Article:
    """404 both when the article is missing and when ``audience`` may not read it."""
    article = Article.objects.for_audience(audience).select_related("category", "category__parent").filter(slug=slug)
    found = article.first()
    if found is None:
        raise Http404
    return found


def articles_related(article: Article, *, audience: str = AUDIENCE_PUBLIC, limit: int = 5) -> list[Article]:
    """Other articles in the same category, most read first."""
    return list(
        Article.objects.for_audience(audience)
        .filter(category_id=article.category_id)
        .exclude(pk=article.pk)
        .order_by("-view_count", "id")[:limit]
    )


def articles_for_ack(subject: str, *, limit: int = 3) -> list[Article]:
    """The best public articles for an info request's subject (for the acknowledgement email)."""
    return list(article_search(subject, audience=AUDIENCE_PUBLIC, match_any=True)[:limit])


def articles_for_agent_picker(subject: str, *, limit: int = 10) -> list[Article]:
    """Public articles an agent may link in a reply: the best matches for the subject, then the most read."""
    found = list(article_search(subject, audience=AUDIENCE_PUBLIC, match_any=True)[:limit])
    if len(found) < limit:
        seen = {a.pk for a in found}
        found += [a for a in articles_most_read(limit=limit) if a.pk not in seen][: limit - len(found)]
    return found


@dataclass(frozen=True)
class DeflectionStats:
    opened: int  # forms where a suggested article was opened
    submitted_anyway: int  # ... and then submitted
    deflected: int  # ... and never submitted


def deflection_stats() -> DeflectionStats:
    opened_forms = DeflectionEvent.objects.filter(kind=DeflectionEvent.Kind.OPENED).values("form_id").distinct()
    opened = opened_forms.count()
    submitted = (
        DeflectionEvent.objects.filter(kind=DeflectionEvent.Kind.SUBMITTED, form_id__in=opened_forms)
        .values("form_id")
        .distinct()
        .count()
    )
    return DeflectionStats(opened=opened, submitted_anyway=submitted, deflected=opened - submitted)
