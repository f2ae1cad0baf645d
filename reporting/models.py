"""Roll-ups behind the desk's reports (docs/reports.md).

Two kinds of table. *Facts* hold one row per ticket and per settled promise, with what a report
needs already worked out (the report day of each moment, business-time durations and their
histogram bucket), refreshed only for tickets that changed. *Daily* tables hold one row per report
day and group, summed from the facts; the reports page reads only these, so its cost follows the
number of days and groups shown, never the number of tickets.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class TicketFact(models.Model):
    """One ticket as the reports count it, as of its last change."""

    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE, primary_key=True, related_name="+")
    queue = models.ForeignKey("tickets.Queue", on_delete=models.CASCADE, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=16)
    channel = models.CharField(max_length=16)
    created_day = models.DateField()
    is_open = models.BooleanField()
    first_response_day = models.DateField(null=True, blank=True)
    first_response_seconds = models.PositiveIntegerField(null=True, blank=True)  # business time
    first_response_bucket = models.PositiveSmallIntegerField(null=True, blank=True)
    solved_day = models.DateField(null=True, blank=True)
    resolution_seconds = models.PositiveIntegerField(null=True, blank=True)  # business time
    resolution_bucket = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["created_day"], name="fact_created_day"),
            models.Index(fields=["first_response_day"], name="fact_first_response_day"),
            models.Index(fields=["solved_day"], name="fact_solved_day"),
        ]

    def __str__(self) -> str:
        return f"ticket {self.ticket_id}"


class PromiseFact(models.Model):
    """A kept or broken promise, on the report day it was settled."""

    promise = models.OneToOneField("tickets.Promise", on_delete=models.CASCADE, primary_key=True, related_name="+")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    kept = models.BooleanField()
    # The ticket's place at the refresh, copied so a day's sums need no join.
    queue = models.ForeignKey("tickets.Queue", on_delete=models.CASCADE, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=16)
    channel = models.CharField(max_length=16)

    class Meta:
        indexes = [models.Index(fields=["day"], name="promise_fact_day")]

    def __str__(self) -> str:
        return f"promise {self.promise_id} on {self.day}"


class DailyTicketStats(models.Model):
    """One report day x queue x assignee x kind x channel. Percentiles can't be summed, so the
    durations are kept as counts per fixed bucket (reporting/buckets.py)."""

    day = models.DateField()
    queue = models.ForeignKey("tickets.Queue", on_delete=models.CASCADE, related_name="+")
    # A deleted user's rows stay, as nobody's: the queue's figures keep their tickets.
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=16)
    channel = models.CharField(max_length=16)
    created = models.PositiveIntegerField(default=0)
    open_now = models.PositiveIntegerField(default=0)  # of those created that day, still open at the last roll-up
    solved = models.PositiveIntegerField(default=0)
    first_responses = models.PositiveIntegerField(default=0)
    first_response_hist = models.JSONField(default=list)
    resolution_hist = models.JSONField(default=list)
    promises_kept = models.PositiveIntegerField(default=0)
    promises_broken = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["day"], name="daily_ticket_day"),
            # The backlog reads only days that still have open tickets.
            models.Index(fields=["day"], name="daily_ticket_open", condition=models.Q(open_now__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.day} queue {self.queue_id}"


class DailyDeflection(models.Model):
    """Knowledge-base suggestions on the public form, per report day of the form's first suggestion:
    forms shown a suggestion, forms where one was opened, and of those, forms never submitted."""

    day = models.DateField(unique=True)
    shown = models.PositiveIntegerField(default=0)
    opened = models.PositiveIntegerField(default=0)
    not_submitted = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.day)


class RollupCursor(models.Model):
    """How far one roll-up source has read (reporting/services/rollup.py). Its row lock makes a
    second worker's run of the same source skip instead of doing the work twice."""

    source = models.CharField(max_length=40, unique=True)
    watermark = models.DateTimeField(null=True, blank=True)
    last_id = models.BigIntegerField(default=0)
    ran_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.source


class DailySatisfaction(models.Model):
    """Surveys sent per report day of sending x queue and agent at the solve x the ticket's kind and
    channel: how many were sent, rated, and rated good (docs/reports.md, "Satisfaction and care")."""

    day = models.DateField()
    queue = models.ForeignKey("tickets.Queue", on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=16)
    channel = models.CharField(max_length=16)
    sent = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    good = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day"], name="daily_satisfaction_day")]

    def __str__(self) -> str:
        return f"{self.day} queue {self.queue_id}"


class DailyComplaint(models.Model):
    """Complaint resolutions per report day recorded x the ticket's place x root cause."""

    day = models.DateField()
    queue = models.ForeignKey("tickets.Queue", on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=16)
    channel = models.CharField(max_length=16)
    root_cause = models.ForeignKey("tickets.RootCause", on_delete=models.CASCADE, related_name="+")
    resolved = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day"], name="daily_complaint_day")]

    def __str__(self) -> str:
        return f"{self.day} queue {self.queue_id}"


class DailyGesture(models.Model):
    """Promised goodwill gestures per report day requested x the ticket's place x type and currency:
    how many, and their amounts summed (gestures without an amount count, and add nothing)."""

    day = models.DateField()
    queue = models.ForeignKey("tickets.Queue", on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=16)
    channel = models.CharField(max_length=16)
    type = models.CharField(max_length=16)
    currency = models.CharField(max_length=3, blank=True)
    given = models.PositiveIntegerField(default=0)
    amount = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        indexes = [models.Index(fields=["day"], name="daily_gesture_day")]

    def __str__(self) -> str:
        return f"{self.day} queue {self.queue_id}"


class DailyPraise(models.Model):
    """Praise per report day marked x the credited agent x the ticket's queue, kind and channel."""

    day = models.DateField()
    queue = models.ForeignKey("tickets.Queue", on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16)
    channel = models.CharField(max_length=16)
    praise = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day"], name="daily_praise_day")]

    def __str__(self) -> str:
        return f"{self.day} agent {self.agent_id}"
