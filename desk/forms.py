"""The agent's forms: the reply composer, the ticket's update bar, the queue filters, /desk/me/."""

from __future__ import annotations

from typing import Any, cast
from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.utils.timezone import get_current_timezone

from tickets.attachments import AttachmentsField
from tickets.models import Ticket
from tickets.models.agent import WEEKDAY_NAMES
from tickets.services.portal import BODY_MAX
from tickets.sorts import SORT_LIST
from tickets.time_text import zone_label


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


STATUS_AFTER_CHOICES = [
    ("", "Keep the current status"),
    (Ticket.Status.OPEN.value, "Open"),
    (Ticket.Status.WAITING.value, "Waiting on customer"),
    (Ticket.Status.RESOLVED.value, "Resolved"),
]


NEXT_UPDATE_CHOICES = [
    ("", "The policy's default"),
    ("2bh", "In 2 business hours"),
    ("tomorrow10", "Tomorrow by 10:00"),
    ("custom", "A date and time…"),
]


class AgentReplyForm(forms.Form):
    visibility = forms.ChoiceField(
        label="Send as",
        choices=[("public", "Public reply (emailed to the customer)"), ("note", "Internal note (agents only)")],
        initial="public",
        widget=forms.RadioSelect,
    )
    body = forms.CharField(label="Message", max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 6}))
    status_after = forms.ChoiceField(label="Then set status to", choices=STATUS_AFTER_CHOICES, required=False)
    next_update = forms.ChoiceField(
        label="Promise the next update",
        choices=NEXT_UPDATE_CHOICES,
        required=False,
        help_text="Public replies only. Told to the customer in their time zone.",
    )
    next_update_at = forms.DateTimeField(
        label="Date and time",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="In your time zone.",  # named in __init__: the zone the desk runs this request in
    )
    attachments = AttachmentsField(help_text="Optional. Up to 5 files, 10 MB each.")
    # The people the customer copied (choices set per ticket by desk.composer.composer_copies_set):
    # ticked ones get a copy of a public reply; ``copies_offered`` says which boxes were shown.
    copy_to = forms.MultipleChoiceField(
        label="Copy this reply to",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="People the customer copied. Public replies only; each gets the reply without the private link.",
    )
    copies_offered = forms.MultipleChoiceField(required=False, widget=forms.MultipleHiddenInput)
    # Canned responses (canned_responses app): the select + "Insert" button work without JavaScript;
    # ``canned_id`` says which response the body came from, so sending it counts as a use.
    canned = forms.IntegerField(
        label="Canned response", required=False, widget=forms.Select(attrs={"class": "form-select canned-select"})
    )
    canned_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # Set by the "Send anyway" button of the courtesy check.
    confirm_courtesy = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # The ticket's newest event when the page was loaded: sending over a changed conversation asks
    # first (desk/collide.py, tickets/conversation.py). Rendered by desk/_collision.html.
    seen = forms.IntegerField(required=False, min_value=0, max_value=2**63 - 1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The agent's zone is active for desk requests (``agent_required``): the time typed is read in it.
        self.fields["next_update_at"].help_text = f"In your time zone ({zone_label(get_current_timezone())})."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("next_update") == "custom" and not data.get("next_update_at"):
            self.add_error("next_update_at", "Pick the date and time you promise the next update by.")
        return data


class TicketUpdateForm(forms.Form):
    status = forms.ChoiceField(choices=Ticket.Status.choices)
    priority = forms.TypedChoiceField(choices=Ticket.Priority.choices, coerce=int)
    assignee = forms.TypedChoiceField(
        label="Assignee",
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "Pick an agent who works in this ticket's queue."},
    )

    def __init__(self, *args: Any, agents: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = [(agent.pk, agent.get_full_name() or agent.get_username()) for agent in agents]
        _choice_field(self, "assignee").choices = [("", "Unassigned"), *people]


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False,
        choices=[("active", "Active (not resolved)"), ("all", "All statuses"), *Ticket.Status.choices],
    )
    kind = forms.ChoiceField(required=False, choices=[("", "All kinds"), *Ticket.Kind.choices])
    queue = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    assignee = forms.ChoiceField(required=False)
    sort = forms.ChoiceField(required=False, choices=[(sort.name, sort.label) for sort in SORT_LIST])
    due = forms.ChoiceField(
        required=False,
        label="Due",
        choices=[("", "Any time"), ("overdue", "Overdue"), ("soon", "Due within the hour")],
    )
    tag = forms.CharField(required=False, max_length=40, label="Tag")
    q = forms.CharField(required=False, max_length=200, label="Search")

    def __init__(self, *args: Any, queues: Any = (), agents: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "queue").choices = [("", "All my queues"), *((q.pk, q.name) for q in queues)]
        people = [(str(a.pk), a.get_full_name() or a.get_username()) for a in agents]
        assignee_choices = [("", "Anyone"), ("mine", "Mine"), ("unassigned", "Unassigned"), *people]
        _choice_field(self, "assignee").choices = assignee_choices
        for name, field in self.fields.items():
            css = "form-control" if name == "q" else "form-select"
            field.widget.attrs["class"] = f"{css} form-select-sm" if css == "form-select" else css
        self.fields["tag"].widget.attrs.update(
            {"class": "form-control form-control-sm", "placeholder": "Any tag", "size": "12"}
        )


WEEKDAY_CHOICES = [(day, name) for day, name in enumerate(WEEKDAY_NAMES)]


def zone_choices() -> list[tuple[str, str]]:
    """Every IANA zone a person would pick ("Europe/London"), plus "the desk's zone" (empty)."""
    names = sorted(name for name in available_timezones() if "/" in name and not name.startswith(("Etc/", "SystemV/")))
    return [("", f"The desk's zone ({settings.TIME_ZONE})"), ("UTC", "UTC"), *((name, name) for name in names)]


ZONE_ERROR = "“%(value)s” is not a time zone. Pick one from the list, e.g. Europe/London."


class AgentSettingsForm(forms.Form):
    """An agent's own settings at /desk/me/: their time zone and on-duty hours."""

    timezone = forms.ChoiceField(
        label="Your time zone",
        required=False,
        help_text="Times on the desk are shown in it, and the times you type are read in it.",
        error_messages={"invalid_choice": ZONE_ERROR},
    )
    duty_days = forms.TypedMultipleChoiceField(
        label="On-duty days",
        coerce=int,
        choices=WEEKDAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every day.",
    )
    duty_start = forms.TimeField(
        label="From", required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    duty_end = forms.TimeField(
        label="Until",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="In your time zone. Both empty: all day. An end before the start runs past midnight.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "timezone").choices = zone_choices()
