"""The ticket page's care forms: a goodwill gesture and a complaint's resolution."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from tickets.models import Gesture, RootCause
from tickets.services.resolutions import NOTE_MAX

SMALL = "form-control form-control-sm"


class GestureForm(forms.Form):
    type = forms.ChoiceField(label="Gesture", choices=Gesture.Type.choices)
    amount = forms.DecimalField(
        label="Amount",
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        help_text="For a refund or credit; leave empty for an apology.",
    )
    currency = forms.CharField(label="Currency", required=False, max_length=3, help_text="e.g. EUR")
    details = forms.CharField(label="Details", required=False, max_length=300, help_text="What exactly is offered.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].widget.attrs["class"] = "form-select form-select-sm"
        for name in ("amount", "currency", "details"):
            self.fields[name].widget.attrs["class"] = SMALL


class ResolutionForm(forms.Form):
    root_cause = forms.TypedChoiceField(label="Root cause", coerce=int, empty_value=None)
    note = forms.CharField(
        label="What went wrong",
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "class": SMALL}),
        help_text="What went wrong and what we did about it, for the team.",
    )

    def __init__(self, *args: Any, causes: list[RootCause] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["root_cause"])
        field.choices = [("", "Choose…"), *((cause.pk, cause.name) for cause in causes or [])]
        field.widget.attrs["class"] = "form-select form-select-sm"
