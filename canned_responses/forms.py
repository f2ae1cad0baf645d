from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.html import escape

from canned_responses.models import (
    BODY_MAX,
    SHORTCUT_MAX,
    SUGGESTED_NEXT_UPDATE_CHOICES,
    SUGGESTED_STATUS_CHOICES,
    TITLE_MAX,
    CannedResponse,
)
from canned_responses.placeholders import VALID
from tickets.models import Queue, Ticket

# Escaped here: crispy-forms and the admin both print help text unescaped, so "<slug>" would be
# taken for a tag and the help would read "{{ kb: }}".
PLACEHOLDER_HELP = escape("Markdown. Placeholders: " + ", ".join(VALID) + ".")


class CannedResponseForm(forms.Form):
    """An agent's own response (admins edit shared ones in the admin)."""

    title = forms.CharField(max_length=TITLE_MAX)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=PLACEHOLDER_HELP,
        # One more than the limit, so the service's message (with the size) is the one shown.
        max_length=BODY_MAX * 2,
        error_messages={"max_length": f"This response is too long; the limit is {BODY_MAX:,} characters."},
    )
    shortcut = forms.CharField(max_length=SHORTCUT_MAX, required=False, help_text="Optional, e.g. /refund.")
    kinds = forms.MultipleChoiceField(
        choices=Ticket.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: all kinds.",
    )
    queues = forms.ModelMultipleChoiceField(
        queryset=Queue.objects.none(), required=False, widget=forms.CheckboxSelectMultiple, help_text="None: all."
    )
    suggested_status = forms.ChoiceField(choices=SUGGESTED_STATUS_CHOICES, required=False, label="Then set status to")
    suggested_next_update = forms.ChoiceField(
        choices=SUGGESTED_NEXT_UPDATE_CHOICES, required=False, label="Promise the next update"
    )
    is_active = forms.BooleanField(required=False, initial=True, label="Active")

    def __init__(self, *args: Any, queues: QuerySet[Queue] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelMultipleChoiceField[Queue]", self.fields["queues"])
        field.queryset = queues if queues is not None else Queue.objects.none()

    @staticmethod
    def initial_for(response: CannedResponse) -> dict[str, Any]:
        return {
            "title": response.title,
            "body": response.body,
            "shortcut": response.shortcut,
            "kinds": response.kinds,
            "queues": list(response.queues.all()),
            "suggested_status": response.suggested_status,
            "suggested_next_update": response.suggested_next_update,
            "is_active": response.is_active,
        }


class ImportForm(forms.Form):
    file = forms.FileField(help_text="A CSV or JSON file as made by Export.")
