"""Admin: shared canned responses (admins only), preview, CSV/JSON import and export, usage."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypedDict

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django_stubs_ext import WithAnnotations

from canned_responses import selectors, services, transfer
from canned_responses.forms import PLACEHOLDER_HELP, ImportForm
from canned_responses.models import BluntPhrase, CannedResponse
from helpdesk.lib.auth import signed_in_user
from tickets.models import Ticket

RECENT_DAYS = 30


class CannedResponseAdminForm(forms.ModelForm[CannedResponse]):
    kinds = forms.MultipleChoiceField(
        choices=Ticket.Kind.choices, required=False, widget=forms.CheckboxSelectMultiple, help_text="None: all kinds."
    )

    class Meta:
        model = CannedResponse
        fields = (
            "title",
            "shortcut",
            "body",
            "kinds",
            "queues",
            "owner",
            "is_active",
            "suggested_status",
            "suggested_next_update",
        )
        help_texts = {"body": PLACEHOLDER_HELP}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        owner = self.instance.owner if self.instance.pk else data.get("owner")
        try:
            data.update(
                services.canned_response_clean(
                    title=data.get("title") or "",
                    body=data.get("body") or "",
                    shortcut=data.get("shortcut") or "",
                    kinds=list(data.get("kinds") or []),
                    suggested_status=data.get("suggested_status") or "",
                    suggested_next_update=data.get("suggested_next_update") or "",
                    owner=owner,
                    exclude_pk=self.instance.pk,
                )
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        return data


class ScopeFilter(admin.SimpleListFilter):
    title = "scope"
    parameter_name = "scope"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin[CannedResponse]) -> list[tuple[str, str]]:
        return [("shared", "Shared"), ("personal", "Personal")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[CannedResponse]) -> QuerySet[CannedResponse]:
        if self.value() == "shared":
            return queryset.filter(owner__isnull=True)
        if self.value() == "personal":
            return queryset.filter(owner__isnull=False)
        return queryset


class KindFilter(admin.SimpleListFilter):
    title = "ticket kind"
    parameter_name = "kind"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin[CannedResponse]) -> list[tuple[str, str]]:
        return [(kind.value, str(kind.label)) for kind in Ticket.Kind]

    def queryset(self, request: HttpRequest, queryset: QuerySet[CannedResponse]) -> QuerySet[CannedResponse]:
        kind = self.value()
        if kind not in {k.value for k in Ticket.Kind}:
            return queryset
        # Stored as a JSON list: match the quoted value, or "all kinds" (an empty list).
        return queryset.filter(kinds__icontains=f'"{kind}"') | queryset.filter(kinds=[])


class _RecentUses(TypedDict):
    recent_uses: int


if TYPE_CHECKING:  # the alias fails at run time on Python 3.11; annotations are not evaluated
    # The admin's rows, as CannedResponseAdmin.get_queryset annotates them.
    WithRecentUses = WithAnnotations[CannedResponse, _RecentUses]


class RecentUseFilter(admin.SimpleListFilter):
    title = f"used in the last {RECENT_DAYS} days"
    parameter_name = "recent"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin[CannedResponse]) -> list[tuple[str, str]]:
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[WithRecentUses]) -> QuerySet[WithRecentUses]:
        if self.value() == "yes":
            return queryset.filter(recent_uses__gt=0)
        if self.value() == "no":
            return queryset.filter(recent_uses=0)
        return queryset


def _download(content: str, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin[CannedResponse]):
    form = CannedResponseAdminForm
    list_display = (
        "title",
        "shortcut",
        "scope",
        "kinds_display",
        "is_active",
        "recent_uses_display",
        "usage_count",
        "last_used_at",
        "preview_link",
    )
    list_filter = (ScopeFilter, KindFilter, "is_active", RecentUseFilter, "queues")
    search_fields = ("title", "shortcut", "body")
    list_select_related = ("owner",)

    class Media:
        css = {"all": ["css/admin-content.css"]}  # the "most used" box; no style attributes under the CSP

    filter_horizontal = ("queues",)
    readonly_fields = ("usage_count", "last_used_at")
    actions = ("export_selected_csv", "export_selected_json", "publish_as_article")
    change_list_template = "admin/canned_responses/cannedresponse/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[CannedResponse]:
        since = timezone.now() - timedelta(days=RECENT_DAYS)
        queryset = super().get_queryset(request).annotate(recent_uses=Count("uses", filter=Q(uses__used_at__gte=since)))
        if not request.user.is_superuser:  # an agent given admin access sees only their own
            queryset = queryset.filter(owner_id=request.user.pk)
        return queryset

    def get_readonly_fields(self, request: HttpRequest, obj: CannedResponse | None = None) -> tuple[str, ...]:
        return (*self.readonly_fields, "owner") if obj is not None else self.readonly_fields

    def has_change_permission(self, request: HttpRequest, obj: CannedResponse | None = None) -> bool:
        if obj is not None and not request.user.is_superuser and obj.owner_id != request.user.pk:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: CannedResponse | None = None) -> bool:
        if obj is not None and not request.user.is_superuser and obj.owner_id != request.user.pk:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description="Scope", ordering="owner")
    def scope(self, obj: CannedResponse) -> str:
        return "Shared" if obj.owner is None else f"Personal ({obj.owner.get_username()})"

    @admin.display(description="Kinds")
    def kinds_display(self, obj: CannedResponse) -> str:
        return ", ".join(obj.kinds) if obj.kinds else "All"

    @admin.display(description=f"Uses ({RECENT_DAYS} days)", ordering="recent_uses")
    def recent_uses_display(self, obj: CannedResponse) -> int:
        return int(getattr(obj, "recent_uses", 0))

    @admin.display(description="Preview")
    def preview_link(self, obj: CannedResponse) -> str:
        url = reverse("admin:canned_responses_cannedresponse_preview", args=[obj.pk])
        return format_html('<a href="{}">Preview</a>', url)

    def save_model(
        self, request: HttpRequest, obj: CannedResponse, form: forms.ModelForm[CannedResponse], change: bool
    ) -> None:
        data = form.cleaned_data
        fields = {
            "title": data["title"],
            "body": data["body"],
            "shortcut": data["shortcut"],
            "kinds": list(data["kinds"]),
            "queues": list(data["queues"]),
            "is_active": data["is_active"],
            "suggested_status": data["suggested_status"],
            "suggested_next_update": data["suggested_next_update"],
        }
        if change:
            saved = services.canned_response_update(response=obj, actor=signed_in_user(request), **fields)
        else:
            owner = data.get("owner")
            saved = services.canned_response_create(
                actor=signed_in_user(request),
                shared=owner is None,
                owner=owner,
                **fields,
            )
        obj.pk = saved.pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The service has already set the queues."""

    def delete_model(self, request: HttpRequest, obj: CannedResponse) -> None:
        services.canned_response_delete(response=obj, actor=signed_in_user(request))

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/preview/", wrap(self.preview_view), name="canned_responses_cannedresponse_preview"),
            path("export/<str:fmt>/", wrap(self.export_view), name="canned_responses_cannedresponse_export"),
            path("import/", wrap(self.import_view), name="canned_responses_cannedresponse_import"),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        since = timezone.now() - timedelta(days=RECENT_DAYS)
        top = selectors.canned_most_used(since=since, limit=5)
        return super().changelist_view(request, {**(extra_context or {}), "most_used": top, "days": RECENT_DAYS})

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        response = get_object_or_404(self.get_queryset(request), pk=pk)
        reference = request.GET.get("ticket", "").strip()
        user = signed_in_user(request)
        ticket = selectors.ticket_for_preview(user=user, reference=reference) if reference else None
        preview = selectors.canned_preview(response=response, ticket=ticket, agent=user, at=timezone.now())
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": response,
            "title": f"Preview: {response.title}",
            "preview": preview,
            "reference": reference,
            "missing": bool(reference) and ticket is None,
            "recent_tickets": selectors.tickets_for_preview(user=user),
        }
        return TemplateResponse(request, "admin/canned_responses/cannedresponse/preview.html", context)

    def _export(self, queryset: QuerySet[CannedResponse], fmt: str) -> HttpResponse:
        responses = queryset.prefetch_related("queues").order_by("title")
        stamp = timezone.now().strftime("%Y%m%d")
        if fmt == "json":
            return _download(transfer.export_json(responses), f"canned-responses-{stamp}.json", "application/json")
        return _download(transfer.export_csv(responses), f"canned-responses-{stamp}.csv", "text/csv")

    def export_view(self, request: HttpRequest, fmt: str) -> HttpResponse:
        if not request.user.is_superuser:
            raise PermissionDenied
        return self._export(CannedResponse.objects.shared(), "json" if fmt == "json" else "csv")

    @admin.action(description="Export selected as CSV")
    def export_selected_csv(self, request: HttpRequest, queryset: QuerySet[CannedResponse]) -> HttpResponse:
        return self._export(queryset, "csv")

    @admin.action(description="Export selected as JSON")
    def export_selected_json(self, request: HttpRequest, queryset: QuerySet[CannedResponse]) -> HttpResponse:
        return self._export(queryset, "json")

    @admin.action(description="Publish as knowledge-base article (creates drafts)")
    def publish_as_article(self, request: HttpRequest, queryset: QuerySet[CannedResponse]) -> None:
        """A frequent answer becomes a draft article for an admin to review and publish."""
        from knowledgebase.services import article_draft_from_text

        for response in queryset:
            article_draft_from_text(title=response.title, body=response.body, author=signed_in_user(request))
        self.message_user(request, f"{queryset.count()} draft article(s) created in the knowledge base.")

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_superuser:
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        errors: list[str] = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                rows = transfer.parse(upload.read(transfer.IMPORT_MAX_BYTES + 1), upload.name or "")
                created, updated = transfer.import_rows(rows=rows, actor=request.user)
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, f"Imported: {created} new, {updated} updated shared responses.")
                return redirect("admin:canned_responses_cannedresponse_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import canned responses",
            "form": form,
            "errors": errors,
        }
        return render(
            request, "admin/canned_responses/cannedresponse/import.html", context, status=400 if errors else 200
        )


@admin.register(BluntPhrase)
class BluntPhraseAdmin(admin.ModelAdmin[BluntPhrase]):
    list_display = ("phrase", "suggestion", "is_active")
    list_editable = ("is_active",)
    list_filter = ("is_active",)
    search_fields = ("phrase", "suggestion")
