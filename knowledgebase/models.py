"""Knowledge-base articles: categories (one level deep), articles, revisions, feedback, deflections."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models

REVISIONS_KEPT = 10


class Category(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.CharField(max_length=300, blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="Leave empty for a top-level category. Only one level of nesting.",
    )
    position = models.PositiveIntegerField(default=0, help_text="Lower comes first.")

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"
        # The home page and the admin list categories by position within their parent.
        indexes = [models.Index(fields=["parent", "position"], name="kb_category_order")]

    def __str__(self) -> str:
        return f"{self.parent.name} / {self.name}" if self.parent_id and self.parent else self.name

    def clean(self) -> None:
        if self.parent is not None and (self.parent.parent_id is not None or self.parent_id == self.pk):
            raise ValidationError({"parent": "Pick a top-level category: categories nest one level only."})


class ArticleQuerySet(models.QuerySet["Article"]):
    def published(self) -> ArticleQuerySet:
        return self.filter(status=Article.Status.PUBLISHED)

    def public(self) -> ArticleQuerySet:
        return self.published().filter(visibility=Article.Visibility.PUBLIC)

    def for_audience(self, audience: str) -> ArticleQuerySet:
        """``public``: what anyone may read; ``agent``: every published article, internal ones too."""
        if audience == AUDIENCE_AGENT:
            return self.published()
        return self.public()


AUDIENCE_PUBLIC = "public"
AUDIENCE_AGENT = "agent"


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public (customers)"
        INTERNAL = "internal", "Internal (agents only)"

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="articles")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.CharField(max_length=300, blank=True, help_text="One or two sentences shown in lists.")
    body = models.TextField(help_text="Markdown. Raw HTML is shown as text, never run.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    tags = models.CharField(max_length=200, blank=True, help_text="Comma-separated words that help search.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)
    view_count = models.PositiveIntegerField(default=0)
    helpful_yes = models.PositiveIntegerField(default=0)
    helpful_no = models.PositiveIntegerField(default=0)
    # Weighted title (A), summary and tags (B), body (C); written by services.article_index on
    # PostgreSQL, searched through a GIN index (migration 0002). Empty on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    # The title alone (small): finds title hits among very many matches cheaply (GIN, migration 0003).
    title_vector = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        indexes = [
            # Home page "most read".
            models.Index(fields=["status", "visibility", "-view_count"], name="kb_article_most_read"),
            # A category page, newest update first.
            models.Index(fields=["category", "status", "visibility", "-updated_at"], name="kb_article_category"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.visibility == self.Visibility.PUBLIC

    @property
    def helpful_ratio(self) -> float | None:
        votes = self.helpful_yes + self.helpful_no
        return self.helpful_yes / votes if votes else None

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]


class ArticleRevision(models.Model):
    """The article as it was before an edit; the last ``REVISIONS_KEPT`` are kept."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    tags = models.CharField(max_length=200, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["article", "-created_at"], name="kb_revision_article")]

    def __str__(self) -> str:
        return f"{self.title} ({self.created_at:%Y-%m-%d %H:%M})"


class Feedback(models.Model):
    """One "was this helpful?" vote per visitor per article (the database enforces it)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    visitor_key = models.CharField(max_length=64)
    helpful = models.BooleanField()
    comment = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "feedback"
        constraints = [models.UniqueConstraint(fields=["article", "visitor_key"], name="kb_one_vote_per_visitor")]
        indexes = [models.Index(fields=["article", "-created_at"], name="kb_feedback_article")]

    def __str__(self) -> str:
        return f"{'Yes' if self.helpful else 'No'} on {self.article_id}"


class DeflectionEvent(models.Model):
    """What happened to suggestions on one ticket form (``form_id`` = the form's submission key).

    A deflection is a form where a suggested article was opened and the form never submitted.
    """

    class Kind(models.TextChoices):
        SHOWN = "shown", "Suggestion shown"
        OPENED = "opened", "Suggestion opened"
        SUBMITTED = "submitted", "Submitted anyway"

    form_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.CASCADE, related_name="deflections")
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["form_id", "kind"], name="kb_deflection_form"),
            models.Index(fields=["kind", "created_at"], name="kb_deflection_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.form_id}: {self.kind}"
