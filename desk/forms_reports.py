"""The reports page's range and filters (GET): errors show beside the fields, the page still loads."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

from django import forms
from django.contrib.auth.models import User

from reporting.report import ReportQuery, Scope
from tickets.models import Ticket

PERIODS = (7, 30, 90)
DEFAULT_DAYS = 30
MAX_DAYS = 366


def last_days(days: int, today: date) -> tuple[date, date]:
    return today - timedelta(days=days - 1), today


class ReportForm(forms.Form):
    start = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))
    queue = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Queue")
    agent = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Agent")
    kind = forms.ChoiceField(required=False, choices=[("", "All kinds"), *Ticket.Kind.choices], label="Kind")
    channel = forms.ChoiceField(
        required=False, choices=[("", "All channels"), *Ticket.Channel.choices], label="Channel"
    )

    def __init__(self, data: Any, *, scope: Scope, agents: list[User], today: date) -> None:
        start, end = last_days(DEFAULT_DAYS, today)
        if data is not None and not data.get("start") and not data.get("end"):
            data = data.copy()  # filters chosen, no range: the default range, shown in the fields
            data["start"], data["end"] = start.isoformat(), end.isoformat()
        super().__init__(data)
        self.today = today
        self.fields["start"].initial, self.fields["end"].initial = start, end  # shown when nothing was chosen
        cast(forms.ChoiceField, self.fields["queue"]).choices = [
            ("", "All my queues"),
            *((q.pk, q.name) for q in scope.queues),
        ]
        cast(forms.ChoiceField, self.fields["agent"]).choices = [
            ("", "Everyone"),
            *((user.pk, user.get_full_name() or user.username) for user in agents),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        default_start, default_end = last_days(DEFAULT_DAYS, self.today)
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is None and "start" not in self.errors:
            start = cleaned["start"] = end - timedelta(days=DEFAULT_DAYS - 1) if end else default_start
        if end is None and "end" not in self.errors:
            end = cleaned["end"] = default_end
        if start and end and end < start:
            self.add_error("end", "Pick a day on or after the first day.")
        elif start and end and (end - start).days >= MAX_DAYS:
            self.add_error("end", f"Pick at most {MAX_DAYS} days.")
        return cleaned

    def report_query(self) -> ReportQuery:
        """The valid choices; anything in error falls back to its default (the last 30 days, all)."""
        if self.is_bound:
            self.is_valid()  # keeps the fields that are valid in cleaned_data
        data: dict[str, Any] = getattr(self, "cleaned_data", {})
        start, end = data.get("start"), data.get("end")
        if not (start and end and start <= end and (end - start).days < MAX_DAYS):
            start, end = last_days(DEFAULT_DAYS, self.today)
        return ReportQuery(
            start=start,
            end=end,
            queue_id=data.get("queue"),
            agent_id=data.get("agent"),
            kind=data.get("kind") or None,
            channel=data.get("channel") or None,
        )

    def preset_days(self, query: ReportQuery) -> int | None:
        """7, 30 or 90 when the range is that many days up to today (the preset buttons' state)."""
        days = (query.end - query.start).days + 1
        return days if query.end == self.today and days in PERIODS else None
