"""Writes for the knowledge base: articles and their revisions, feedback, deflection events."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from knowledgebase.models import REVISIONS_KEPT, Article, ArticleRevision, Category, DeflectionEvent, Feedback

COMMENT_MAX = 2000
FORM_ID_MAX = 64


def article_index(*, article_ids: list[int]) -> None:
    """Recompute the weighted search vector (PostgreSQL): title A, summary and tags B, body C."""
    if connection.vendor != "postgresql" or not article_ids:
        return
    vector = (
        SearchVector("title", weight="A", config="english")
        + SearchVector("summary", "tags", weight="B", config="english")
        + SearchVector("body", weight="C", config="english")
    )
    title = SearchVector("title", weight="A", config="english")
    Article.objects.filter(pk__in=article_ids).update(search_vector=vector, title_vector=title)


def _unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:180] or "article"
    slug, n = base, 2
    while Article.objects.filter(slug=slug).exclude(pk=exclude_pk or 0).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _revision_keep(article: Article, author: User | None) -> None:
    """Record the article as it is now, and keep only the newest ``REVISIONS_KEPT`` revisions."""
    ArticleRevision.objects.create(
        article=article,
        title=article.title,
        summary=article.summary,
        body=article.body,
        tags=article.tags,
        author=author,
        created_at=timezone.now(),
    )
    stale = list(article.revisions.order_by("-created_at", "-id").values_list("pk", flat=True)[REVISIONS_KEPT:])
    if stale:
        ArticleRevision.objects.filter(pk__in=stale).delete()


@transaction.atomic
def article_save(*, article: Article, author: User | None = None, previous: Article | None = None) -> Article:
    """Save an article created or edited (the admin's form), keep a revision of the old text, reindex.

    ``previous`` is the article as stored before the edit (None for a new article).
    """
    now = timezone.now()
    if not article.title.strip() or not article.body.strip():
        raise ValidationError("An article needs a title and a body.")
    if not article.slug:
        article.slug = _unique_slug(article.title, exclude_pk=article.pk)
    if article.category.parent_id is not None and article.category.parent and article.category.parent.parent_id:
        raise ValidationError("Categories nest one level only.")
    changed = previous is not None and (
        (previous.title, previous.summary, previous.body, previous.tags)
        != (article.title, article.summary, article.body, article.tags)
    )
    if changed and previous is not None:
        _revision_keep(previous, previous.author)
    article.created_at = article.created_at or now
    article.updated_at = now
    if article.status == Article.Status.PUBLISHED and article.published_at is None:
        article.published_at = now
    if article.author_id is None and author is not None:
        article.author = author
    article.save()
    article_index(article_ids=[article.pk])
    return article


def article_create(
    *,
    category: Category,
    title: str,
    body: str,
    summary: str = "",
    tags: str = "",
    author: User | None = None,
    status: str = Article.Status.DRAFT,
    visibility: str = Article.Visibility.PUBLIC,
    slug: str = "",
) -> Article:
    article = Article(
        category=category,
        title=title.strip(),
        body=body,
        summary=summary.strip(),
        tags=tags,
        author=author,
        status=status,
        visibility=visibility,
        slug=slug,
    )
    return article_save(article=article, author=author)


def article_draft_from_text(*, title: str, body: str, author: User | None, category: Category | None = None) -> Article:
    """A draft article from reusable text (e.g. "Publish as article" on a canned response).

    It lands in ``category`` or the first category; an admin reviews and publishes it.
    """
    category = category or Category.objects.order_by("parent_id", "position", "id").first()
    if category is None:
        category = Category.objects.create(name="Drafts", slug=_unique_category_slug("drafts"))
    return article_create(category=category, title=title, body=body, author=author, status=Article.Status.DRAFT)


def _unique_category_slug(base: str) -> str:
    slug, n = base, 2
    while Category.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def article_set_status(*, article_ids: list[int], status: str) -> int:
    """Publish or unpublish articles; returns how many changed."""
    if status not in Article.Status.values:
        raise ValidationError("Unknown status.")
    now = timezone.now()
    rows = Article.objects.filter(pk__in=article_ids).exclude(status=status)
    if status == Article.Status.PUBLISHED:
        rows.filter(published_at__isnull=True).update(published_at=now)
    return rows.update(status=status, updated_at=now)


@transaction.atomic
def article_restore(*, revision: ArticleRevision, author: User | None = None) -> Article:
    """Bring back a revision's text; the text it replaces becomes a revision in turn."""
    article = Article.objects.select_for_update().get(pk=revision.article_id)
    previous = Article.objects.get(pk=article.pk)
    article.title, article.summary, article.body, article.tags = (
        revision.title,
        revision.summary,
        revision.body,
        revision.tags,
    )
    return article_save(article=article, author=author, previous=previous)


def article_viewed(*, article: Article) -> None:
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)


def feedback_record(*, article: Article, visitor_key: str, helpful: bool, comment: str = "") -> bool:
    """One vote per visitor per article; True when this vote counted.

    A second vote from the same visitor doesn't count again, but may add a comment to the first.
    The counters move with F() updates in the same transaction as the unique row.
    """
    comment = comment.strip()[:COMMENT_MAX]
    if not visitor_key:
        raise ValidationError("A vote needs a visitor.")
    try:
        with transaction.atomic():
            Feedback.objects.create(
                article=article, visitor_key=visitor_key, helpful=helpful, comment=comment, created_at=timezone.now()
            )
            counter = "helpful_yes" if helpful else "helpful_no"
            Article.objects.filter(pk=article.pk).update(**{counter: F(counter) + 1})
    except IntegrityError:
        if comment:
            Feedback.objects.filter(article=article, visitor_key=visitor_key, comment="").update(comment=comment)
        return False
    return True


def deflection_record(*, form_id: str, kind: str, article: Article | None = None) -> None:
    """Note what happened to suggestions on one ticket form; repeats of the same event are ignored."""
    form_id = form_id.strip()[:FORM_ID_MAX]
    if not form_id or kind not in DeflectionEvent.Kind.values:
        return
    if kind == DeflectionEvent.Kind.SUBMITTED and not DeflectionEvent.objects.filter(form_id=form_id).exists():
        return  # no suggestion was shown on this form: nothing to learn from its submission
    exists = DeflectionEvent.objects.filter(form_id=form_id, kind=kind, article=article).exists()
    if not exists:
        DeflectionEvent.objects.create(form_id=form_id, kind=kind, article=article, created_at=timezone.now())
