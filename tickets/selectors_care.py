"""Reads for follow-ups, complaint resolutions, goodwill gestures and praise: the desk's ticket
cards and the agent's page, and the figures the reports use (each over a date range, counted by
the database: a constant number of queries however many rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.db.models import Count, QuerySet, Sum

from tickets.models import ComplaintResolution, Gesture, Praise, RootCause, ScheduledCheckIn, Ticket


@dataclass(frozen=True)
class TicketCare:
    """What the desk's ticket page shows of the ticket's follow-ups, resolution and gestures."""

    check_ins: list[ScheduledCheckIn]
    resolution: ComplaintResolution | None
    gestures: list[Gesture]
    root_causes: list[RootCause]
    praised_ids: set[int]


def ticket_care(ticket: Ticket) -> TicketCare:
    """Five queries for any ticket (two fewer for one that is no complaint)."""
    check_ins = list(ScheduledCheckIn.objects.filter(ticket=ticket).select_related("rule").order_by("due_at", "id"))
    praised = set(Praise.objects.filter(ticket=ticket, message__isnull=False).values_list("message_id", flat=True))
    if ticket.kind != Ticket.Kind.COMPLAINT:
        return TicketCare(check_ins=check_ins, resolution=None, gestures=[], root_causes=[], praised_ids=praised)
    resolution = ComplaintResolution.objects.filter(ticket=ticket).select_related("root_cause", "recorded_by").first()
    gestures = list(Gesture.objects.filter(ticket=ticket).select_related("requested_by", "decided_by"))
    causes = list(RootCause.objects.filter(active=True))
    return TicketCare(
        check_ins=check_ins, resolution=resolution, gestures=gestures, root_causes=causes, praised_ids=praised
    )


def praise_for_agent(user: User) -> QuerySet[Praise]:
    """The praise credited to ``user``, newest first (index ``praise_agent_created``); paginate it."""
    return (
        Praise.objects.filter(agent=user)
        .select_related("ticket", "message", "ticket__customer")
        .order_by("-created_at", "-id")
    )


def praise_by_agent(*, start: datetime, end: datetime) -> dict[int, int]:
    """Praise per credited agent's id in [start, end)."""
    rows = (
        Praise.objects.filter(created_at__gte=start, created_at__lt=end)
        .order_by()
        .values("agent")
        .annotate(total=Count("pk"))
    )
    return {row["agent"]: row["total"] for row in rows}


@dataclass(frozen=True)
class GestureFigure:
    type: str
    type_label: str
    currency: str
    count: int
    total: Decimal | None


def gestures_summary(*, start: datetime, end: datetime) -> list[GestureFigure]:
    """Promised gestures recorded in [start, end), counted and summed by type and currency."""
    rows = (
        Gesture.objects.filter(status=Gesture.Status.PROMISED, requested_at__gte=start, requested_at__lt=end)
        .order_by()
        .values("type", "currency")
        .annotate(count=Count("pk"), total=Sum("amount"))
        .order_by("type", "currency")
    )
    return [
        GestureFigure(r["type"], Gesture.Type(r["type"]).label, r["currency"], r["count"], r["total"]) for r in rows
    ]


def resolutions_by_root_cause(*, start: datetime, end: datetime) -> list[tuple[str, int]]:
    """Complaint resolutions recorded in [start, end) per root cause, the most frequent first."""
    rows = (
        ComplaintResolution.objects.filter(recorded_at__gte=start, recorded_at__lt=end)
        .order_by()
        .values("root_cause__name")
        .annotate(total=Count("pk"))
        .order_by("-total", "root_cause__name")
    )
    return [(r["root_cause__name"], r["total"]) for r in rows]


def gestures_awaiting(user: User) -> QuerySet[Gesture]:
    """Gestures waiting for ``user``'s approval (the queues they lead; every one for a superuser)."""
    awaiting = Gesture.objects.filter(status=Gesture.Status.AWAITING).select_related("ticket", "requested_by")
    return awaiting if user.is_superuser else awaiting.filter(ticket__queue__team_lead=user)
