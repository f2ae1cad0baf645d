"""The ticket page's triage forms: move and correct the kind, tags, related tickets, merge."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from tickets.models import Queue, Ticket
from tickets.tags import NAME_MAX

REFERENCE_HELP = "The other ticket's reference, e.g. HD-1042."


class TriageForm(forms.Form):
    queue = forms.TypedChoiceField(label="Queue", coerce=int)
    kind = forms.ChoiceField(label="Kind", choices=Ticket.Kind.choices)

    def __init__(self, *args: Any, queues: list[Queue] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["queue"])
        field.choices = [(queue.pk, queue.name) for queue in queues or []]
        for field_ in self.fields.values():
            field_.widget.attrs["class"] = "form-select form-select-sm"


class TagsForm(forms.Form):
    tags = forms.CharField(
        label="Add tags",
        max_length=400,
        help_text="Separate tags with commas.",
        widget=forms.TextInput(
            attrs={"list": "desk-tag-names", "autocomplete": "off", "class": "form-control form-control-sm"}
        ),
    )

    def clean_tags(self) -> str:
        value = str(self.cleaned_data["tags"])
        if any(len(part.strip()) > NAME_MAX for part in value.split(",")):
            raise forms.ValidationError(f"Keep each tag under {NAME_MAX} characters.")
        return value


class ReferenceForm(forms.Form):
    """A ticket reference typed or picked by the agent: for links and merges."""

    reference = forms.CharField(
        label="Ticket",
        max_length=30,
        help_text=REFERENCE_HELP,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "placeholder": "HD-1042"}),
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_reference(self) -> str:
        value = str(self.cleaned_data["reference"]).strip().upper()
        if Ticket.pk_from_reference(value) is None:
            raise forms.ValidationError(f"“{value}” is not a ticket reference. {REFERENCE_HELP}")
        return value


class LinkForm(ReferenceForm):
    prefix = "link"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reference"].label = "Link to"


class MergeForm(ReferenceForm):
    """The ticket to merge into; the browser offers the customer's other open requests (a datalist)."""

    prefix = "merge"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reference"].label = "Merge into"
        self.fields["reference"].widget.attrs["list"] = "merge-candidates"
