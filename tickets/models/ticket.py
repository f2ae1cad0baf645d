from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from django.db.models import Exists, OuterRef
from django.db.models.functions import Coalesce

from tickets.models.agent import is_agent
from tickets.models.queue import Queue
from tickets.models.triage import TicketTag

REFERENCE_OFFSET = 1000

# The queue's sort keys that are expressions (tickets/sorts.py): the due time with "none" last,
# and minus the priority, so every sort runs ascending and "next ticket" is one row comparison.
# The indexes below use these very objects: an expression index serves only an identical expression.
FAR_FUTURE = datetime(9999, 12, 31, tzinfo=UTC)
DUE_KEY = Coalesce(models.F("next_due_at"), models.Value(FAR_FUTURE, output_field=models.DateTimeField()))
URGENCY = models.Value(0, output_field=models.IntegerField()) - models.F("priority")
# Open = neither resolved nor closed, named as the list of open statuses (a new status must join it
# if it is open). ``TicketQuerySet.open`` and the partial indexes share this condition word for
# word, so PostgreSQL sees that the indexes cover the query; a single open status implies it too,
# and as a list the index can seek to each status in turn.
OPEN_STATUSES = ["new", "open", "waiting"]
OPEN_Q = models.Q(status__in=OPEN_STATUSES)


class TicketQuerySet(models.QuerySet["Ticket"]):
    def visible_to(self, user: User | AnonymousUser) -> TicketQuerySet:
        """Tickets an agent may see: all for superusers, else those of the agent's queues."""
        if not is_agent(user) or isinstance(user, AnonymousUser):
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(queue__in=Queue.objects.for_agent(user).values("pk"))

    def open(self) -> TicketQuerySet:
        return self.filter(OPEN_Q)

    def tagged(self, tag_id: int) -> TicketQuerySet:
        """Tickets carrying the tag ``tag_id``: a semi-join on the ``ticket_tag_by_tag`` index.

        Takes the id, not the name: with a constant the planner reads the tag's share of tickets
        from its statistics and picks the tag's index for a rare tag, the queue's sort index for a
        common one (a subquery on the name hides that, and a rare tag then scans every open ticket).
        """
        return self.filter(Exists(TicketTag.objects.filter(ticket=OuterRef("pk"), tag_id=tag_id)))


class Ticket(models.Model):
    class Kind(models.TextChoices):
        INFO = "info", "Info request"
        PROBLEM = "problem", "Problem"
        COMPLAINT = "complaint", "Complaint"

    class Status(models.TextChoices):
        NEW = "new", "New"
        OPEN = "open", "Open"
        WAITING = "waiting", "Waiting on customer"
        RESOLVED = "resolved", "Resolved"
        CLOSED = "closed", "Closed"

    class Priority(models.IntegerChoices):
        LOW = 1, "Low"
        NORMAL = 2, "Normal"
        HIGH = 3, "High"
        URGENT = 4, "Urgent"

    class Channel(models.TextChoices):
        WEB = "web", "Web form"
        EMAIL = "email", "Email"
        PHONE = "phone", "Phone"
        API = "api", "API"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.WEB)
    queue = models.ForeignKey("tickets.Queue", on_delete=models.PROTECT, related_name="tickets")
    customer = models.ForeignKey("tickets.Customer", on_delete=models.PROTECT, related_name="tickets")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
    )
    subject = models.CharField(max_length=200)
    # The private link's token is derived from this salt and SECRET_KEY; only its hash is
    # compared, so a database read alone neither reveals nor forges a link.
    link_salt = models.CharField(max_length=64)
    link_hash = models.CharField(max_length=64)
    # The web form's one-time key: a double submit finds the first ticket instead of a second.
    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    # The earlier ticket this one continues: the customer wrote again after it was closed, or
    # after it had been solved longer than REOPEN_WITHIN_DAYS (tickets.services.follow_up).
    follows = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="follow_ups", editable=False
    )
    # The pending promise's due time, copied here so "due next" is an index scan.
    next_due_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # A duplicate merged into another ticket of the same customer: closed, pointing at the one that goes on.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from_tickets", db_index=False
    )
    tags = models.ManyToManyField("tickets.Tag", through="tickets.TicketTag", related_name="tickets", blank=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The desk queue: filtered by queue and status, sorted by created or updated.
            models.Index(fields=["queue", "status", "-created_at"], name="ticket_queue_status_created"),
            models.Index(fields=["queue", "status", "-updated_at"], name="ticket_queue_status_updated"),
            # "Mine" and "unassigned" views.
            models.Index(fields=["assignee", "status", "-updated_at"], name="ticket_assignee_status"),
            models.Index(fields=["customer", "status"], name="ticket_customer_status"),
            # Merged duplicates only (few): a partial index instead of one over every ticket.
            models.Index(
                fields=["merged_into"], name="ticket_merged_into", condition=models.Q(merged_into__isnull=False)
            ),
            # The queue's sorts (tickets/sorts.py), the id last so each order is total. Each index
            # serves its sort both ways and the keyset "next / previous ticket". The queue shows
            # open tickets nearly always, so those are partial indexes over open tickets only:
            # small, and a scan never wades through years of closed tickets to find open ones.
            # "due" also serves the Overdue and "Due within the hour" ranges.
            # The due index also carries the queue and the raw due time, so Overdue and "Due within
            # the hour" are counted from the index alone (an index-only scan).
            models.Index(
                DUE_KEY, URGENCY, "id", name="ticket_open_due", condition=OPEN_Q, include=["queue", "next_due_at"]
            ),
            models.Index("queue", DUE_KEY, URGENCY, "id", name="ticket_open_queue_due", condition=OPEN_Q),
            models.Index(URGENCY, DUE_KEY, "id", name="ticket_open_priority", condition=OPEN_Q),
            models.Index(fields=["updated_at", "id"], name="ticket_open_updated", condition=OPEN_Q),
            models.Index(fields=["created_at", "id"], name="ticket_open_created", condition=OPEN_Q),
            # The saved views' counts over open tickets (tickets/selectors_views.py): every column a
            # filter names, so a count is an index-only scan of open tickets, never of the closed
            # history. The kind leads: "Active" is the index's own condition, so it can't seek on it.
            models.Index(
                "kind",
                "status",
                "assignee",
                "queue",
                DUE_KEY,
                name="ticket_open_filters",
                condition=OPEN_Q,
                include=["id", "next_due_at"],
            ),
            # Every status ("All statuses", "Resolved", "Closed"): only these two sorts are offered.
            models.Index(fields=["updated_at", "id"], name="ticket_sort_updated"),
            models.Index(fields=["created_at", "id"], name="ticket_sort_created"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @property
    def reference(self) -> str:
        return self.reference_for(self.pk)

    @staticmethod
    def reference_for(pk: int) -> str:
        """The reference of the ticket with id ``pk`` ("HD-1001"), without loading it."""
        return f"{settings.TICKET_REFERENCE_PREFIX}-{pk + REFERENCE_OFFSET}"

    @staticmethod
    def pk_from_reference(reference: str) -> int | None:
        prefix, _, number = reference.strip().upper().partition("-")
        if prefix != settings.TICKET_REFERENCE_PREFIX or not number.isdigit() or len(number) > 15:
            return None
        pk = int(number) - REFERENCE_OFFSET
        return pk if pk > 0 else None

    @property
    def is_complaint(self) -> bool:
        return self.kind == self.Kind.COMPLAINT

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.RESOLVED, self.Status.CLOSED)

    @property
    def customer_status_label(self) -> str:
        return CUSTOMER_STATUS_LABELS[self.status]


CUSTOMER_STATUS_LABELS: dict[str, str] = {
    Ticket.Status.NEW: "Received",
    Ticket.Status.OPEN: "We're working on it",
    Ticket.Status.WAITING: "Waiting for your reply",
    Ticket.Status.RESOLVED: "Solved",
    Ticket.Status.CLOSED: "Closed",
}

CUSTOMER_KIND_LABELS: dict[str, str] = {
    Ticket.Kind.INFO: "I have a question",
    Ticket.Kind.PROBLEM: "Something isn't working",
    Ticket.Kind.COMPLAINT: "I want to make a complaint",
}
