"""Business calendars and SLA policies: what the desk promises, and in which hours."""

from __future__ import annotations

from datetime import time
from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from tickets.business_hours import Closure, OpeningInterval, Schedule, ScheduleError, always_open

WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]
YEAR_MINUTES = 366 * 24 * 60


def validate_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(f"“{value}” is not a time zone name like Europe/London or America/New_York.")


def _minutes(value: time | None, *, end: bool = False) -> int | None:
    if value is None:
        return None
    minutes = value.hour * 60 + value.minute
    return 1440 if end and minutes == 0 else minutes


class BusinessCalendar(models.Model):
    """Opening hours in one time zone, with holidays. A queue's promises count these hours."""

    name = models.CharField(max_length=100, unique=True)
    zone = models.CharField(max_length=64, default="UTC", validators=[validate_zone])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.zone})"

    def schedule(self) -> Schedule:
        """The pure schedule for due-time arithmetic (uses prefetched hours and holidays if present)."""
        intervals = tuple(
            OpeningInterval(weekday=h.weekday, start=_minutes(h.opens) or 0, end=_minutes(h.closes, end=True) or 1440)
            for h in self.opening_hours.all()
        )
        closures = tuple(
            Closure(day=h.day, start=_minutes(h.starts), end=_minutes(h.ends, end=True)) for h in self.holidays.all()
        )
        return Schedule(zone=self.zone, intervals=intervals, closures=closures)

    def check_schedule(self) -> None:
        """Refuse an impossible calendar (no opening hours) with a message an admin can act on."""
        try:
            self.schedule()
        except ScheduleError as exc:
            raise ValidationError(str(exc)) from None


class OpeningHours(models.Model):
    """One opening interval. ``closes`` at or before ``opens`` runs past midnight; 00:00 means 24:00."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS)
    opens = models.TimeField()
    closes = models.TimeField(help_text="00:00 means midnight at the end of the day.")

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name_plural = "opening hours"

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"


class Holiday(models.Model):
    """A closed day, or part of one (leave both times empty for the whole day)."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="holidays")
    day = models.DateField()
    name = models.CharField(max_length=100, blank=True)
    starts = models.TimeField(null=True, blank=True)
    ends = models.TimeField(null=True, blank=True)

    class Meta:
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.name}".strip()

    def clean(self) -> None:
        if (self.starts is None) != (self.ends is None):
            raise ValidationError("Give both a start and an end time, or neither for the whole day.")
        if self.starts is not None and self.ends is not None and self.ends != time(0) and self.ends <= self.starts:
            raise ValidationError({"ends": "The holiday must end after it starts (00:00 means midnight)."})


def _positive_minutes(label: str) -> list[MinValueValidator | MaxValueValidator]:
    return [
        MinValueValidator(1, message=f"The {label} must be at least one minute."),
        MaxValueValidator(YEAR_MINUTES, message=f"The {label} can't be longer than a year."),
    ]


class SlaPolicy(models.Model):
    """Targets for tickets of one kind, optionally narrowed to a priority and a queue.

    The most specific active match wins (queue and priority > queue > priority > kind only).
    Edits apply to promises made afterwards; a promise made is kept as made.
    """

    name = models.CharField(max_length=100)
    kind = models.CharField(
        max_length=16, choices=[("info", "Info request"), ("problem", "Problem"), ("complaint", "Complaint")]
    )
    priority = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=[(1, "Low"), (2, "Normal"), (3, "High"), (4, "Urgent")]
    )
    queue = models.ForeignKey("tickets.Queue", on_delete=models.CASCADE, null=True, blank=True, related_name="policies")
    first_response_minutes = models.PositiveIntegerField(validators=_positive_minutes("first-response target"))
    next_update_minutes = models.PositiveIntegerField(validators=_positive_minutes("next-update interval"))
    resolution_minutes = models.PositiveIntegerField(validators=_positive_minutes("resolution target"))
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text="Empty: the queue's calendar (or around the clock if the queue has none).",
    )
    calendar_hours = models.BooleanField(
        default=False, help_text="Count every hour of the day (24/7), ignoring business hours."
    )
    pause_when_waiting = models.BooleanField(default=True, help_text="“Waiting on customer” stops the clock.")
    remind_before_minutes = models.PositiveIntegerField(
        default=30, validators=_positive_minutes("reminder lead time"), help_text="Warn the agent this long before due."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "queue", "priority"]
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_response_minutes__gt=0, next_update_minutes__gt=0, resolution_minutes__gt=0),
                name="sla_policy_positive_targets",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def specificity(self) -> int:
        return (2 if self.queue_id else 0) + (1 if self.priority else 0)

    def clean(self) -> None:
        errors = {}
        for field in ("first_response_minutes", "next_update_minutes", "resolution_minutes"):
            value = getattr(self, field)
            if value is not None and value <= 0:
                errors[field] = "Targets must be at least one minute."
        if (
            self.remind_before_minutes
            and self.next_update_minutes
            and self.remind_before_minutes >= max(self.first_response_minutes or 0, self.next_update_minutes)
        ):
            errors["remind_before_minutes"] = "The reminder must come before the target, so make it shorter."
        if errors:
            raise ValidationError(errors)
        clash = SlaPolicy.objects.filter(
            kind=self.kind, priority=self.priority, queue=self.queue, is_active=True
        ).exclude(pk=self.pk)
        if self.is_active and clash.exists():
            raise ValidationError("Another active policy already covers this kind, priority and queue.")

    def schedule(self, queue_calendar: BusinessCalendar | None) -> Schedule:
        if self.calendar_hours:
            return always_open()
        calendar = self.calendar or queue_calendar
        return calendar.schedule() if calendar else always_open()
