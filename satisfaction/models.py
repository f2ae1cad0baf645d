"""After "solved": the admin's settings (``SatisfactionSettings``) and one ``Survey`` per solve.

A solve is identified by the ticket's ``resolved_at``: a ticket solved, reopened and solved
again has two solves, and each keeps its own survey and rating (unique per ticket and solve).
Every solve the survey task looks at gets a row, sent or skipped (and why), so it is looked at once.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class SatisfactionSettings(models.Model):
    """The admin's choices: one row (``settings_get`` makes it with the defaults when missing)."""

    class Scale(models.IntegerChoices):
        THREE = 3, "Good / Okay / Bad"
        FIVE = 5, "1 to 5"

    surveys_on = models.BooleanField("send surveys", default=True)
    scale = models.PositiveSmallIntegerField("rating scale", choices=Scale.choices, default=Scale.THREE)
    survey_every_days = models.PositiveSmallIntegerField(
        "at most one survey per customer every (days)",
        default=14,
        validators=[MaxValueValidator(365)],
        help_text="0: a survey after every solve.",
    )
    survey_delay_minutes = models.PositiveSmallIntegerField(
        "wait before the survey (minutes)",
        default=10,
        validators=[MaxValueValidator(24 * 60)],
        help_text="A ticket solved and reopened within this time gets no survey for that solve.",
    )
    auto_close_days = models.PositiveSmallIntegerField(
        "close solved tickets after (days)",
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="Solved tickets the customer has not reopened are closed after this many days.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "satisfaction settings"
        verbose_name_plural = "satisfaction settings"

    def __str__(self) -> str:
        return "Satisfaction settings"


# Good and bad, whatever the scale: 3-point good is 3, bad 1; 5-point good is 4 or 5, bad 1 or 2.
GOOD_FROM = {3: 3, 5: 4}
BAD_UP_TO = {3: 1, 5: 2}
LABELS = {3: {3: "Good", 2: "Okay", 1: "Bad"}, 5: {5: "5", 4: "4", 3: "3", 2: "2", 1: "1"}}
GOOD_Q = models.Q(scale=3, rating=3) | models.Q(scale=5, rating__gte=4)
BAD_Q = models.Q(scale=3, rating=1) | models.Q(scale=5, rating__lte=2)


class Survey(models.Model):
    """One solve of one ticket: the survey we sent (or why not), and the customer's rating."""

    class Status(models.TextChoices):
        SENT = "sent", "Sent"
        SKIPPED_OFF = "off", "Not sent: surveys are switched off"
        SKIPPED_RECENT = "recent", "Not sent: the customer had one recently"

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    solved_at = models.DateTimeField(help_text="The ticket's resolved_at for this solve.")
    customer = models.ForeignKey("tickets.Customer", on_delete=models.CASCADE, related_name="+")
    # Who and where at the solve, for the agent's and the queue's figures (a later move changes nothing).
    queue = models.ForeignKey("tickets.Queue", on_delete=models.PROTECT, related_name="+")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=8, choices=Status.choices)
    scale = models.PositiveSmallIntegerField(choices=SatisfactionSettings.Scale.choices)
    created_at = models.DateTimeField()
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    # A bad rating is a follow-up task for the queue's team lead, open until marked done.
    follow_up_done_at = models.DateTimeField(null=True, blank=True)
    follow_up_done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The comment marked as praise for the agent who solved it (tickets' Praise keeps the words).
    praise = models.OneToOneField(
        "tickets.Praise", on_delete=models.SET_NULL, null=True, blank=True, related_name="survey"
    )

    class Meta:
        ordering = ["-solved_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["ticket", "solved_at"], name="survey_once_per_solve")]
        indexes = [
            # "At most one survey per customer every N days".
            models.Index(fields=["customer", "created_at"], name="survey_customer_created"),
            # The figures: ratings over a period, per queue and per agent.
            models.Index(fields=["queue", "rated_at"], name="survey_queue_rated"),
            models.Index(fields=["agent", "rated_at"], name="survey_agent_rated"),
            models.Index(fields=["queue", "created_at"], name="survey_queue_created"),
            models.Index(fields=["agent", "created_at"], name="survey_agent_created"),
            # The reports' roll-up: surveys sent or rated since its last run (a bitmap OR of the two).
            models.Index(fields=["created_at"], name="survey_created"),
            models.Index(fields=["rated_at"], name="survey_rated"),
            # Bad ratings still to follow up, newest first.
            models.Index(
                fields=["queue", "-rated_at"],
                name="survey_follow_up_open",
                condition=models.Q(follow_up_done_at__isnull=True) & BAD_Q,
            ),
        ]

    def __str__(self) -> str:
        return f"Survey of ticket {self.ticket_id} ({self.get_status_display()})"

    @property
    def rating_label(self) -> str:
        return LABELS.get(self.scale, {}).get(self.rating or 0, "")

    @property
    def is_bad(self) -> bool:
        return self.rating is not None and self.rating <= BAD_UP_TO[self.scale]

    @property
    def is_good(self) -> bool:
        return self.rating is not None and self.rating >= GOOD_FROM[self.scale]

    @property
    def follow_up_open(self) -> bool:
        return self.is_bad and self.follow_up_done_at is None
