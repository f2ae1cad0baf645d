"""Tags: agents make them by typing on a ticket; admins curate their names and colours here."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.db.models.functions import Lower
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from tickets.models import Tag
from tickets.tags import NAME_PATTERN, clean_tag_name


class TagForm(forms.ModelForm[Tag]):
    class Meta:
        model = Tag
        fields = ("name", "colour")
        widgets = {"colour": forms.RadioSelect}

    def clean_name(self) -> str:
        name = clean_tag_name(self.cleaned_data["name"])
        if not NAME_PATTERN.match(name):
            raise forms.ValidationError("Use letters, digits, spaces and - _ . & + / # only.")
        clash = Tag.objects.annotate(lname=Lower("name")).filter(lname=name.lower()).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                f"There is already a tag “{clash.first()}” (tags are matched whatever their case)."
            )
        return name


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin[Tag]):
    form = TagForm
    list_display = ("name", "preview", "colour", "tickets_link", "created_at")
    list_editable = ("colour",)
    search_fields = ("name",)
    ordering = ("name",)

    class Media:
        css = {"all": ["css/tags.css"]}

    def save_model(self, request: HttpRequest, obj: Tag, form: forms.ModelForm[Tag], change: bool) -> None:
        if obj.created_at is None:
            obj.created_at = timezone.now()
        super().save_model(request, obj, form, change)

    @admin.display(description="Looks like")
    def preview(self, tag: Tag) -> SafeString:
        return format_html('<span class="badge tag tag-{}">{}</span>', tag.colour, tag.name)

    @admin.display(description="Tickets")
    def tickets_link(self, tag: Tag) -> SafeString:
        return format_html('<a href="{}?{}">In the desk</a>', reverse("desk:queue"), urlencode({"tag": tag.name}))
