"""Knowledge-base admin: Markdown with a preview, publish/unpublish, revisions with restore,
categories ordered by position, and each article's helpful ratio with its comments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from helpdesk.lib.auth import signed_in_user
from helpdesk.lib.sanitize import render_user_text
from knowledgebase import selectors, services
from knowledgebase.models import Article, ArticleRevision, Category, DeflectionEvent, Feedback


class SubcategoryInline(admin.TabularInline[Category, Category]):
    model = Category
    fk_name = "parent"
    fields = ["name", "slug", "position"]
    extra = 0
    show_change_link = True


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = ["name", "parent", "position"]
    list_editable = ["position"]
    list_filter = [("parent", admin.EmptyFieldListFilter)]
    ordering = ["parent__position", "parent__name", "position", "name"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    list_select_related = ["parent"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "parent":  # one level of nesting: only top-level categories can be parents
            kwargs["queryset"] = Category.objects.filter(parent__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RevisionInline(admin.TabularInline[ArticleRevision, Article]):
    model = ArticleRevision
    fields = ("created_at", "title", "author", "restore")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-created_at", "-id"]

    def has_add_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        return False

    @admin.display(description="Restore")
    def restore(self, revision: ArticleRevision) -> SafeString:
        # A button of the change form itself (no nested form): it posts the form, CSRF token included,
        # to the restore view, which reads nothing else from it.
        url = reverse("admin:knowledgebase_article_restore", args=[revision.article_id, revision.pk])
        return format_html('<button type="submit" class="button" formaction="{}" formnovalidate>Restore</button>', url)


class FeedbackInline(admin.TabularInline[Feedback, Article]):
    model = Feedback
    fields = ("created_at", "helpful", "comment")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-created_at"]
    verbose_name_plural = "Feedback (newest first)"

    def has_add_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin[Article]):
    list_display = ["title", "category", "status", "visibility", "view_count", "helpful", "updated_at"]
    list_filter = ["status", "visibility", "category"]
    search_fields = ["title", "summary", "tags"]
    list_select_related = ["category", "category__parent"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["preview", "helpful", "view_count", "created_at", "updated_at", "published_at", "author"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "category", "summary", "tags", "status", "visibility"]}),
        ("Text", {"fields": ["body", "preview"], "description": "Markdown. Save to refresh the preview."}),
        ("Facts", {"fields": ["author", "helpful", "view_count", "created_at", "updated_at", "published_at"]}),
    ]
    inlines = [RevisionInline, FeedbackInline]
    actions = ["publish", "unpublish"]

    class Media:
        css = {"all": ["css/admin-content.css"]}

    @admin.display(description="Preview")
    def preview(self, article: Article) -> SafeString:
        # Sized in static/css/admin-content.css: a style attribute would be refused by the CSP (style-src 'self').
        return format_html('<div class="kb-preview">{}</div>', render_user_text(article.body))

    @admin.display(description="Helpful")
    def helpful(self, article: Article) -> str:
        ratio = article.helpful_ratio
        if ratio is None:
            return "No votes yet"
        return f"{ratio:.0%} ({article.helpful_yes} yes, {article.helpful_no} no)"

    def save_model(self, request: HttpRequest, obj: Article, form: forms.ModelForm[Article], change: bool) -> None:
        previous = Article.objects.get(pk=obj.pk) if change and obj.pk else None
        services.article_save(article=obj, author=signed_in_user(request), previous=previous)

    @admin.action(description="Publish the selected articles")
    def publish(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        changed = services.article_set_status(
            article_ids=list(queryset.values_list("pk", flat=True)), status="published"
        )
        self.message_user(request, f"{changed} article(s) published.", messages.SUCCESS)

    @admin.action(description="Unpublish the selected articles (back to draft)")
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        changed = services.article_set_status(article_ids=list(queryset.values_list("pk", flat=True)), status="draft")
        self.message_user(request, f"{changed} article(s) back to draft.", messages.SUCCESS)

    def get_urls(self) -> list[URLPattern]:
        restore = self.admin_site.admin_view(require_POST(self.restore_view))
        return [
            path("<int:article_id>/restore/<int:revision_id>/", restore, name="knowledgebase_article_restore"),
            *super().get_urls(),
        ]

    def restore_view(self, request: HttpRequest, article_id: int, revision_id: int) -> HttpResponseRedirect:
        article = get_object_or_404(Article, pk=article_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        revision = get_object_or_404(ArticleRevision, pk=revision_id, article_id=article_id)
        services.article_restore(revision=revision, author=signed_in_user(request))
        self.message_user(request, f"Restored the version of {revision.created_at:%d %b %Y %H:%M}.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:knowledgebase_article_change", args=[article_id]))


@admin.register(DeflectionEvent)
class DeflectionEventAdmin(admin.ModelAdmin[DeflectionEvent]):
    """Suggestions on the ticket form. A deflection: an article opened, the form never submitted."""

    list_display = ["created_at", "kind", "article", "form_id"]
    list_filter = ["kind"]
    list_select_related = ["article"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: DeflectionEvent | None = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        stats = selectors.deflection_stats()
        extra = {
            **(extra_context or {}),
            "title": (
                f"Suggestions: {stats.opened} form(s) opened an article; {stats.deflected} deflected "
                f"(never submitted), {stats.submitted_anyway} submitted anyway"
            ),
        }
        return super().changelist_view(request, extra_context=extra)
