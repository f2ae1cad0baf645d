from __future__ import annotations

from django import forms

from knowledgebase.services import COMMENT_MAX


class SearchForm(forms.Form):
    q = forms.CharField(label="Search help articles", required=False, max_length=10_000)


class FeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(choices=[("yes", "Yes"), ("no", "No")], coerce=lambda v: v == "yes")
    comment = forms.CharField(
        label="Anything we should add? (optional)",
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeflectionForm(forms.Form):
    form_id = forms.CharField(max_length=64)
    kind = forms.ChoiceField(choices=[("shown", "shown"), ("opened", "opened")])
    article = forms.SlugField(max_length=200)
