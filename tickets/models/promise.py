"""Promises: "we will update you by ...", as rows with their own bookkeeping."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

from tickets.models.sla import validate_zone


class PromiseQuerySet(models.QuerySet["Promise"]):
    def pending_for(self, ticket: models.Model) -> Promise | None:
        """The ticket's one pending promise (running or paused), if any."""
        return self.filter(ticket=ticket, state=Promise.State.PENDING).first()


class Promise(models.Model):
    """One promise to a customer. At most one per ticket is pending (a database constraint).

    Pending promises are either running (``due_at`` set) or paused while we wait on the
    customer (``due_at`` empty, ``remaining_seconds`` of business time carried forward).
    The sweep claims reminders and breaches with conditional UPDATEs, so each notice goes
    out once.
    """

    class Kind(models.TextChoices):
        FIRST_RESPONSE = "first_response", "First response"
        NEXT_UPDATE = "next_update", "Next update"

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        KEPT = "kept", "Kept"
        BROKEN = "broken", "Broken"
        SUPERSEDED = "superseded", "Superseded"
        ENDED = "ended", "Ended (ticket solved)"

    class Source(models.TextChoices):
        POLICY = "policy", "SLA policy"
        AGENT = "agent", "Agent"

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="promises")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    source = models.CharField(max_length=8, choices=Source.choices)
    policy = models.ForeignKey("tickets.SlaPolicy", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    due_at = models.DateTimeField(null=True, blank=True)
    remind_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    remaining_seconds = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField()
    settled_at = models.DateTimeField(null=True, blank=True)
    fulfilled_at = models.DateTimeField(
        null=True, blank=True, help_text="When the customer heard from us (late, for a broken promise)."
    )
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    breach_notified_at = models.DateTimeField(null=True, blank=True)

    objects = PromiseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["ticket"], condition=models.Q(state="pending"), name="promise_one_pending"),
        ]
        indexes = [
            # The sweep's breach query: pending promises whose due time has passed.
            models.Index(fields=["due_at"], name="promise_pending_due", condition=models.Q(state="pending")),
            # The sweep's reminder query: pending promises not yet reminded, by reminder time.
            models.Index(
                fields=["remind_at"],
                name="promise_reminder_due",
                condition=models.Q(state="pending", reminder_sent_at__isnull=True),
            ),
            models.Index(fields=["ticket", "created_at"], name="promise_ticket_created"),
            # The reports: promises made in a period.
            models.Index(fields=["created_at"], name="promise_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for ticket {self.ticket_id} ({self.state})"

    @property
    def is_paused(self) -> bool:
        return self.state == self.State.PENDING and self.paused_at is not None


class Notice(models.Model):
    """A reminder or breach notice for one agent; shown under the desk's bell and emailed."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", "Due soon"
        BREACH = "breach", "Promise broken"

    promise = models.ForeignKey(Promise, on_delete=models.CASCADE, related_name="notices")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="helpdesk_notices")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["promise", "kind", "user"], name="notice_once_per_promise_kind_user"),
        ]
        indexes = [
            # The bell: a user's unread notices, newest first.
            models.Index(fields=["user", "read_at", "-created_at"], name="notice_user_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.user_id} for ticket {self.ticket_id}"


WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class AgentProfile(models.Model):
    """An agent's desk settings, set by the agent at /desk/me/ (or by an admin).

    "On duty" (counted for load, told of unassigned tickets' reminders and breaches) means the
    top bar's switch is on AND, when the agent set on-duty hours, now falls within them in the
    agent's own zone. ``on_duty_at`` is the one definition; everything that asks "who is on
    duty?" goes through ``tickets.services.availability``.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent_profile")
    on_duty = models.BooleanField(default=True, help_text="The top bar's On duty / Off duty switch.")
    timezone = models.CharField(max_length=64, blank=True, validators=[validate_zone])
    duty_days = models.CharField(
        max_length=7,
        blank=True,
        validators=[RegexValidator(r"^[0-6]*$", "Days are digits 0 (Monday) to 6 (Sunday).")],
        help_text="Weekdays of the on-duty hours, 0 = Monday … 6 = Sunday; empty: every day.",
    )
    duty_start = models.TimeField(null=True, blank=True, help_text="In the agent's zone; empty: all day.")
    duty_end = models.TimeField(
        null=True, blank=True, help_text="Before the start for a shift past midnight (22:00 to 06:00)."
    )

    def __str__(self) -> str:
        return f"Profile of {self.user_id}"

    @property
    def zone(self) -> ZoneInfo:
        """The agent's zone; the desk's (settings.TIME_ZONE) when they haven't chosen one."""
        return ZoneInfo(self.timezone or settings.TIME_ZONE)

    @property
    def has_hours(self) -> bool:
        return bool(self.duty_days) or (self.duty_start is not None and self.duty_end is not None)

    def within_hours(self, at: datetime) -> bool:
        """Is ``at`` inside the agent's on-duty hours? No hours set: always.

        A shift that ends before it starts runs past midnight and belongs to the day it starts.
        """
        if not self.has_hours:
            return True
        local = at.astimezone(self.zone)
        days = {int(d) for d in self.duty_days} if self.duty_days else set(range(7))
        if self.duty_start is None or self.duty_end is None:
            return local.weekday() in days
        clock = local.time().replace(tzinfo=None)
        if self.duty_start <= self.duty_end:
            return local.weekday() in days and self.duty_start <= clock < self.duty_end
        if clock >= self.duty_start:
            return local.weekday() in days
        return clock < self.duty_end and (local - timedelta(days=1)).weekday() in days

    def on_duty_at(self, at: datetime) -> bool:
        return self.on_duty and self.within_hours(at)

    @property
    def hours_label(self) -> str:
        """'Mon-Fri, 09:00-17:00', 'every day, 22:00-06:00', '' when always on duty."""
        if not self.has_hours:
            return ""
        days = sorted(int(d) for d in set(self.duty_days)) if self.duty_days else list(range(7))
        if days == list(range(7)):
            day_text = "every day"
        elif days == list(range(days[0], days[-1] + 1)) and len(days) > 2:
            day_text = f"{WEEKDAY_NAMES[days[0]]}-{WEEKDAY_NAMES[days[-1]]}"
        else:
            day_text = ", ".join(WEEKDAY_NAMES[d] for d in days)
        if self.duty_start is None or self.duty_end is None:
            return day_text
        return f"{day_text}, {self.duty_start:%H:%M}-{self.duty_end:%H:%M}"
