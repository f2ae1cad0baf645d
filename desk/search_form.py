"""The search page's form (/desk/search/): the words, and filters that combine with them.

A new filter is a field here, a field of ``tickets.search.SearchFilters`` and a line where that
narrows the tickets; the page shows every field of this form.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms

from tickets.models import Ticket
from tickets.search import QUERY_MAX, SearchFilters


class SearchForm(forms.Form):
    # Longer text is cut to QUERY_MAX characters by the search itself, not refused.
    q = forms.CharField(required=False, max_length=10 * QUERY_MAX, label="Search")
    status = forms.ChoiceField(
        required=False,
        choices=[("all", "Any status"), ("active", "Active (not resolved)"), *Ticket.Status.choices],
    )
    kind = forms.ChoiceField(required=False, choices=[("", "All kinds"), *Ticket.Kind.choices])
    queue = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    assignee = forms.ChoiceField(required=False)
    channel = forms.ChoiceField(required=False, choices=[("", "Any channel"), *Ticket.Channel.choices])
    created_from = forms.DateField(
        required=False, label="Created from", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    created_to = forms.DateField(
        required=False, label="Created until", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    sort = forms.ChoiceField(
        required=False,
        label="Order",
        choices=[("relevance", "Best match"), ("newest", "Newest"), ("oldest", "Oldest")],
    )

    def __init__(self, *args: Any, queues: Any = (), agents: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        queue_choices = [("", "All my queues"), *((q.pk, q.name) for q in queues)]
        cast(forms.ChoiceField, self.fields["queue"]).choices = queue_choices
        people = [(str(a.pk), a.get_full_name() or a.get_username()) for a in agents]
        cast(forms.ChoiceField, self.fields["assignee"]).choices = [
            ("", "Anyone"),
            ("mine", "Mine"),
            ("unassigned", "Unassigned"),
            *people,
        ]
        for name, field in self.fields.items():
            typed = name in {"q", "created_from", "created_to"}
            field.widget.attrs["class"] = "form-control form-control-sm" if typed else "form-select form-select-sm"

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:  # the error beside its field, and read out with it
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] += " is-invalid"
                attrs["aria-describedby"] = f"{self[name].auto_id}-error"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("created_from"), data.get("created_to")
        if start and end and end < start:
            self.add_error("created_to", "Pick a day on or after the first one.")
        return data

    def _data(self) -> dict[str, Any]:
        """What was given and valid: a field with an error counts as not given (the page says why)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data

    def filters(self) -> SearchFilters:
        data = self._data()
        return SearchFilters(
            status=data.get("status") or "all",
            kind=data.get("kind") or "",
            queue_id=data.get("queue"),
            assignee=data.get("assignee") or "",
            channel=data.get("channel") or "",
            created_from=data.get("created_from"),
            created_to=data.get("created_to"),
            sort=data.get("sort") or "relevance",
        )

    @property
    def text(self) -> str:
        return str(self._data().get("q") or "").strip()

    @property
    def filtered(self) -> bool:
        """Whether anything beyond the words was given: typing a reference or an address in the top
        bar jumps to it; the same words with filters, or on a later page, search."""
        return any(self.data.get(name) for name in self.fields if name not in {"q", "sort"}) or bool(
            self.data.get("page")
        )
