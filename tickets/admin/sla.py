"""Admin for business calendars and SLA policies (docs/reliability.md §2).

A calendar without opening hours is refused on its form, before anything is saved (rule 10).
A policy's change page previews the due times it would promise right now and says that edits
never move promises already made (rule 3).
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import QuerySet
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils import timezone

from tickets import selectors
from tickets.business_hours import (
    Closure,
    OpeningInterval,
    Schedule,
    ScheduleError,
    weekly_open_minutes,
)
from tickets.models import BusinessCalendar, Holiday, OpeningHours, SlaPolicy

# The model's own reading of wall-clock times (00:00 as an end means 24:00), so that what the
# form checks is exactly what the saved calendar will compute.
from tickets.models.sla import _minutes
from tickets.time_text import short_duration, short_moment

KEPT_AS_MADE = "Edits apply to promises made from now on; promises already made keep their due times."
TARGET_FIELDS = ("first_response_minutes", "next_update_minutes", "resolution_minutes", "remind_before_minutes")


def _wall_minutes(value: time, *, end: bool = False) -> int:
    return _minutes(value, end=end) or 0  # never None: ``value`` is a cleaned, required time


# --- Business calendars ---------------------------------------------------------------------------


class BusinessCalendarForm(forms.ModelForm[BusinessCalendar]):
    class Meta:
        model = BusinessCalendar
        fields = ("name", "zone")
        help_texts = {"zone": "An IANA time zone name such as Europe/London or America/New_York."}


class OpeningHoursForm(forms.ModelForm[OpeningHours]):
    class Meta:
        model = OpeningHours
        fields = ("weekday", "opens", "closes")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        opens, closes = cleaned.get("opens"), cleaned.get("closes")
        if opens is not None and closes is not None and _wall_minutes(opens) == _wall_minutes(closes, end=True):
            self.add_error(
                "closes",
                "This row opens and closes at the same time, so it adds no hours. For a whole day use 00:00 to 00:00.",
            )
        return cleaned


class OpeningHoursFormSet(BaseInlineFormSet[OpeningHours, BusinessCalendar, forms.ModelForm[OpeningHours]]):
    """Refuses a calendar that would have no opening hours, judged on the rows as submitted (rule 10)."""

    def clean(self) -> None:
        super().clean()
        intervals = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if form.errors or not data or (self.can_delete and data.get(DELETION_FIELD_NAME)):
                continue
            intervals.append(
                OpeningInterval(
                    weekday=int(data["weekday"]),
                    start=_wall_minutes(data["opens"]),
                    end=_wall_minutes(data["closes"], end=True),
                )
            )
        try:
            Schedule(zone="UTC", intervals=tuple(intervals))  # the zone is the calendar form's to check
        except ScheduleError as exc:
            raise ValidationError(str(exc)) from None


class HolidayForm(forms.ModelForm[Holiday]):
    class Meta:
        model = Holiday
        fields = ("day", "name", "starts", "ends")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        day, starts, ends = cleaned.get("day"), cleaned.get("starts"), cleaned.get("ends")
        if day is not None and starts is not None and ends is not None:
            try:
                Closure(day=day, start=_wall_minutes(starts), end=_wall_minutes(ends, end=True))
            except ScheduleError as exc:
                self.add_error("ends", str(exc))
        return cleaned


class OpeningHoursInline(admin.TabularInline[OpeningHours, BusinessCalendar]):
    model = OpeningHours
    form = OpeningHoursForm
    formset = OpeningHoursFormSet
    verbose_name_plural = "Opening hours (several rows per day for a lunch break; 00:00 as closing means midnight)"

    def get_extra(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> int:
        return 5 if obj is None else 1


class HolidayInline(admin.TabularInline[Holiday, BusinessCalendar]):
    model = Holiday
    form = HolidayForm
    extra = 1
    verbose_name_plural = "Holidays (leave both times empty to close the whole day)"


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin[BusinessCalendar]):
    form = BusinessCalendarForm
    list_display = ("name", "zone", "weekly_hours")
    search_fields = ("name", "zone")
    fieldsets = ((None, {"fields": ("name", "zone"), "description": KEPT_AS_MADE}),)
    inlines = (OpeningHoursInline, HolidayInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet[BusinessCalendar]:
        # BusinessCalendar.schedule() reads these two relations: one query each for the whole page.
        return super().get_queryset(request).prefetch_related("opening_hours", "holidays")

    @admin.display(description="Open per week")
    def weekly_hours(self, calendar: BusinessCalendar) -> str:
        try:
            return short_duration(weekly_open_minutes(calendar.schedule()))
        except ScheduleError:
            return "No opening hours"


# --- SLA policies ---------------------------------------------------------------------------------


class SlaPolicyForm(forms.ModelForm[SlaPolicy]):
    class Meta:
        model = SlaPolicy
        fields = (
            "name",
            "is_active",
            "kind",
            "priority",
            "queue",
            *TARGET_FIELDS,
            "calendar",
            "calendar_hours",
            "pause_when_waiting",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Check targets with the model's own validators ("must be at least one minute"), once,
        # instead of the form's generic "greater than or equal to 0".
        for name in TARGET_FIELDS:
            field = self.fields[name]
            generic = [v for v in field.validators if isinstance(v, MinValueValidator) and v.limit_value == 0]
            field.validators = [v for v in field.validators if v not in generic]
            model_field = SlaPolicy._meta.get_field(name)
            if isinstance(model_field, models.Field):
                field.validators += model_field.validators
            field.widget.attrs["min"] = 1


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin[SlaPolicy]):
    form = SlaPolicyForm
    list_display = (
        "name",
        "kind",
        "priority",
        "queue",
        "first_response",
        "next_update",
        "resolution",
        "calendar_name",
        "calendar_hours",
        "pause_when_waiting",
        "is_active",
    )
    list_filter = ("kind", "queue", "is_active")
    list_select_related = ("queue", "calendar")
    search_fields = ("name",)
    readonly_fields = ("preview",)
    fieldsets = (
        (None, {"fields": ("name", "is_active")}),
        (
            "Which tickets",
            {
                "fields": ("kind", "priority", "queue"),
                "description": "The most specific active policy wins: queue and priority, then queue, "
                "then priority, then the kind alone. Leave priority or queue empty to match any.",
            },
        ),
        ("Targets, in minutes", {"fields": TARGET_FIELDS}),
        ("Clock", {"fields": ("calendar", "calendar_hours", "pause_when_waiting")}),
        ("Preview", {"fields": ("preview",), "description": KEPT_AS_MADE}),
    )

    def _target(self, policy: SlaPolicy, minutes: int) -> str:
        return f"{short_duration(minutes)} {'calendar' if policy.calendar_hours else 'business'}"

    @admin.display(description="First response", ordering="first_response_minutes")
    def first_response(self, policy: SlaPolicy) -> str:
        return self._target(policy, policy.first_response_minutes)

    @admin.display(description="Next update", ordering="next_update_minutes")
    def next_update(self, policy: SlaPolicy) -> str:
        return self._target(policy, policy.next_update_minutes)

    @admin.display(description="Resolution", ordering="resolution_minutes")
    def resolution(self, policy: SlaPolicy) -> str:
        return self._target(policy, policy.resolution_minutes)

    @admin.display(description="Calendar", ordering="calendar__name")
    def calendar_name(self, policy: SlaPolicy) -> str:
        if policy.calendar_hours:
            return "None: every hour counts"
        return policy.calendar.name if policy.calendar else "The queue's"

    @admin.display(description="Due times if a ticket arrived now")
    def preview(self, policy: SlaPolicy) -> str:
        return policy_preview(policy, timezone.now())


def policy_preview(policy: SlaPolicy, now: datetime) -> str:
    """What this policy would promise a ticket created at ``now``, in the calendar's zone."""
    if policy.pk is None:
        return "Save the policy to see the due times it would promise."
    try:
        due = selectors.policy_preview(policy, now)
    except ScheduleError as exc:
        return f"No preview: {exc}"
    queue, calendar, zone = due.queue, due.calendar, due.zone
    kind = policy.get_kind_display().lower()
    article = "An" if kind[0] in "aeiou" else "A"
    where = "" if policy.queue or queue is None else f" in the default queue “{queue.name}”"
    if policy.calendar_hours:
        clock = "Calendar hours: every hour of the day counts."
    elif calendar is None:
        clock = "Neither the policy nor the queue has a calendar, so every hour of the day counts."
    else:
        clock = f"Counted in the open hours of “{calendar.name}”."
    first, resolution = (
        short_moment(due.first_due, ZoneInfo(zone), now),
        short_moment(due.resolution_due, ZoneInfo(zone), now),
    )
    return (
        f"{article} {kind} created now{where} would be due for a first response at {first} ({zone}) "
        f"and then updated every {short_duration(policy.next_update_minutes)}; "
        f"its resolution would be due at {resolution}. {clock}"
    )
