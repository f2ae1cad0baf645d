"""After a ticket is solved, and complaints handled with care.

- ``FollowUpRule`` (admin): which kind of ticket gets a follow-up email, how many days after it is
  solved, and what it says. ``ScheduledCheckIn``: one rule's follow-up owed to one ticket for one
  solve, sent once by the periodic task or cancelled (tickets/services/check_ins.py). The code
  says "check-in" to keep it apart from a follow-up *ticket* (tickets/services/follow_up.py);
  people read "Follow-up".
- ``RootCause`` (admin) and ``ComplaintResolution``: what went wrong on a complaint, required
  before it is solved (tickets/services/resolutions.py).
- ``GoodwillLimit`` (admin) and ``Gesture``: what the desk offers an upset customer, above a limit
  only once a team lead approved it (tickets/services/gestures.py).
- ``Praise``: a customer's words marked as praise for an agent (tickets/services/praise.py).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models

KIND_CHOICES = [("problem", "Problem"), ("complaint", "Complaint"), ("info", "Info request")]
currency_code = RegexValidator(r"^[A-Z]{3}$", "Use the three-letter code in capitals, like EUR or USD.")


class FollowUpRule(models.Model):
    """A follow-up email owed to every ticket of ``kind`` ``days`` after it is solved."""

    name = models.CharField(max_length=100, help_text="For the desk's timeline, e.g. “Still working?”.")
    kind = models.CharField(max_length=16, choices=KIND_CHOICES, help_text="Which tickets get it.")
    days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1)],
        help_text="Days after the ticket is solved. It goes out at the next moment the queue's calendar "
        "is open, so the answer finds someone at the desk.",
    )
    message = models.TextField(
        help_text="The email's words, plain text, after “Hello <first name>,”. The customer can answer "
        "the email and the answer lands on the ticket."
    )
    active = models.BooleanField(default=True, help_text="Untick to stop scheduling it (owed ones still go).")

    class Meta:
        ordering = ["kind", "days", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display().lower()}, {self.days} days)"


class CheckInQuerySet(models.QuerySet["ScheduledCheckIn"]):
    def pending(self) -> CheckInQuerySet:
        return self.filter(sent_at__isnull=True, cancelled_at__isnull=True)


class ScheduledCheckIn(models.Model):
    """One follow-up owed to a ticket: pending, then sent or cancelled, never both, never twice."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+", db_index=False)
    rule = models.ForeignKey(FollowUpRule, on_delete=models.PROTECT, related_name="+")
    solved_at = models.DateTimeField(help_text="The solve it follows: one per ticket, rule and solve.")
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=100, blank=True)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "rule", "solved_at"], name="check_in_once_per_solve"),
        ]
        indexes = [
            # The periodic task: pending ones by due time (few, so a small partial index).
            models.Index(
                fields=["due_at"],
                name="check_in_pending_due",
                condition=models.Q(sent_at__isnull=True, cancelled_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"Follow-up {self.rule_id} for ticket {self.ticket_id}"

    @property
    def state(self) -> str:
        if self.sent_at:
            return "sent"
        return "cancelled" if self.cancelled_at else "scheduled"


class RootCause(models.Model):
    """Why a complaint happened, as admins name the causes (for the reports)."""

    name = models.CharField(max_length=100, unique=True)
    active = models.BooleanField(default=True, help_text="Untick to stop offering it; past resolutions keep it.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ComplaintResolution(models.Model):
    """What went wrong on a complaint and why: required before the complaint is solved."""

    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE, related_name="resolution")
    note = models.TextField()
    root_cause = models.ForeignKey(RootCause, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(db_index=True, help_text="When it was first recorded.")

    def __str__(self) -> str:
        return f"Resolution of ticket {self.ticket_id}"


class GoodwillLimit(models.Model):
    """The largest gesture an agent may promise alone, per currency; above it a team lead approves.
    A currency with no limit here needs approval for any amount."""

    currency = models.CharField(max_length=3, unique=True, validators=[currency_code])
    amount = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["currency"]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


class Gesture(models.Model):
    """A goodwill gesture offered on a complaint; it counts as promised only once ``PROMISED``."""

    class Type(models.TextChoices):
        APOLOGY = "apology", "Apology only"
        REFUND = "refund", "Refund"
        CREDIT = "credit", "Credit"
        FREE_PERIOD = "free_period", "Free period"
        UPGRADE = "upgrade", "Upgrade"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        AWAITING = "awaiting", "Awaiting a lead's approval"
        PROMISED = "promised", "Promised"
        DECLINED = "declined", "Declined"

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="gestures")
    type = models.CharField(max_length=16, choices=Type.choices)
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    details = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField()
    # Who approved or declined it; empty for one within the limit (promised on the spot).
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        indexes = [models.Index(fields=["requested_at"], name="gesture_requested")]

    def __str__(self) -> str:
        return f"{self.get_type_display()} on ticket {self.ticket_id}"

    @property
    def amount_label(self) -> str:
        return f"{self.amount} {self.currency}" if self.amount is not None else ""


class Praise(models.Model):
    """A customer's words marked as praise for an agent: a message, or (``message`` empty) a
    comment given with a rating, whose words are kept in ``text``."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    message = models.OneToOneField(
        "tickets.Message", on_delete=models.CASCADE, null=True, blank=True, related_name="praise"
    )
    text = models.TextField(blank=True)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["agent", "-created_at"], name="praise_agent_created"),
            models.Index(fields=["created_at"], name="praise_created"),
        ]

    def __str__(self) -> str:
        return f"Praise for {self.agent_id} on ticket {self.ticket_id}"
