"""The queue's bulk bar, "Save this view" and "Rename or update this view" forms.

The bulk bar lists the actions of ``tickets.services.bulk_actions.BULK_ACTIONS``; an action that
needs a parameter gets a field here, named as the action's ``clean`` reads it (``assignee``,
``status``, ``priority``, ``queue``, ``kind``, ``tags``; a new action adds its own) and shown
by static/js/bulk.js only while that action is chosen (``data-for``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User

from desk.forms import _choice_field
from tickets.models import Queue, SavedView, Ticket
from tickets.services.bulk_actions import BULK_ACTIONS

# Which action shows which parameter field (the rest are hidden while it is chosen).
PARAM_FOR = {
    "assignee": "assign",
    "status": "status",
    "priority": "priority",
    "queue": "move",
    "kind": "kind",
    "tags": "tag untag",
    "notify": "status close",
}
PARAMS = tuple(PARAM_FOR)  # what the bulk view passes on to the job


class BulkForm(forms.Form):
    action = forms.ChoiceField(label="With the selected tickets")
    assignee = forms.ChoiceField(label="Assign to", required=False)
    status = forms.ChoiceField(label="New status", required=False, choices=[("", "Choose…"), *Ticket.Status.choices])
    priority = forms.ChoiceField(
        label="New priority", required=False, choices=[("", "Choose…"), *Ticket.Priority.choices]
    )
    queue = forms.ChoiceField(label="Move to", required=False)
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "Choose…"), *Ticket.Kind.choices])
    tags = forms.CharField(
        label="Tags",
        required=False,
        max_length=400,
        widget=forms.TextInput(
            attrs={
                "list": "desk-tag-names",
                "autocomplete": "off",
                "placeholder": "billing, vip",
                "class": "form-control form-control-sm",
            }
        ),
    )
    notify = forms.BooleanField(label="Email the customers (one email each)", required=False)
    scope = forms.ChoiceField(choices=[("selected", "The selected tickets"), ("all", "All matching tickets")])
    query = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)

    def __init__(
        self,
        *args: Any,
        agents: list[User] | tuple[()] = (),
        queues: list[Queue] | tuple[()] = (),
        matching: str = "",
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("auto_id", "bulk_%s")  # the queue's filter form has assignee and status fields too
        super().__init__(*args, **kwargs)
        _choice_field(self, "action").choices = [("", "Choose an action…")] + [
            (action.name, action.label) for action in BULK_ACTIONS.values()
        ]
        people = [(str(a.pk), a.get_full_name() or a.get_username()) for a in agents]
        _choice_field(self, "assignee").choices = [("me", "Me"), ("none", "Nobody (unassign)"), *people]
        _choice_field(self, "queue").choices = [("", "Choose…"), *((str(q.pk), q.name) for q in queues)]
        if matching:
            _choice_field(self, "scope").choices = [("selected", "The selected tickets"), ("all", matching)]
        for name, field in self.fields.items():
            if name in PARAM_FOR:
                field.widget.attrs["data-for"] = PARAM_FOR[name]
            if isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select form-select-sm"
        self.fields["notify"].widget.attrs["class"] = "form-check-input"

    def ticket_ids(self) -> list[int]:
        """The ticked rows' ids (``ids`` checkboxes); anything that isn't a number is dropped."""
        values = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        return [int(value) for value in values if str(value).isdigit() and len(str(value)) < 19]


class SavedViewForm(forms.Form):
    name = forms.CharField(label="Name", max_length=60)
    scope = forms.ChoiceField(label="Who sees it", choices=SavedView.Scope.choices, initial="personal", required=False)
    queue = forms.TypedChoiceField(label="Queue", coerce=int, empty_value=None, required=False)
    query = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)

    def __init__(self, *args: Any, queues: list[Queue] | tuple[()] = (), **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "view_%s")  # and a queue field
        super().__init__(*args, **kwargs)
        _choice_field(self, "queue").choices = [("", "Choose…"), *((q.pk, q.name) for q in queues)]
        self.fields["name"].widget.attrs.update({"class": "form-control form-control-sm", "autocomplete": "off"})
        for name in ("scope", "queue"):
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"


class SavedViewEditForm(forms.Form):
    """Rename the view open in the queue, and optionally make it list what the queue shows now."""

    name = forms.CharField(label="Name", max_length=60)
    refilter = forms.BooleanField(label="Use the filters and sort shown now", required=False)
    query = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "view_edit_%s")  # beside the "Save this view" form
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update({"class": "form-control form-control-sm", "autocomplete": "off"})
        self.fields["refilter"].widget.attrs["class"] = "form-check-input"
