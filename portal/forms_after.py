"""The customer's forms after "solved": "No, I still need help" and the satisfaction rating."""

from __future__ import annotations

from django import forms

from satisfaction.models import LABELS
from satisfaction.services.surveys import COMMENT_MAX
from tickets.services.portal import BODY_MAX

CHOOSE = "Please choose one of the answers."


class StillNeedHelpForm(forms.Form):
    body = forms.CharField(
        label="What still needs doing? (optional)",
        required=False,
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="How did we do?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Please choose one of the answers.",
            "invalid_choice": "Please choose one of the answers.",
        },
    )
    comment = forms.CharField(
        label="Anything you'd like to tell us? (optional)",
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: object, scale: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["rating"].choices = sorted(LABELS[scale].items(), reverse=True)  # type: ignore[attr-defined]
