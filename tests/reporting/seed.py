"""A seeded desk for the reports tests: two queues (one on a London office calendar, one around the
clock), a dozen days of tickets across a daylight-saving change, promises and suggestions, and
the care around them: satisfaction surveys (both scales, some rated), complaint resolutions,
goodwill gestures (promised, awaiting, declined) and praise.

The desk's report zone is New York, so a ticket created at 02:30 UTC counts on the day before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from knowledgebase.models import DeflectionEvent
from satisfaction.models import Survey
from tests.factories import TicketFactory
from tickets.models import (
    BusinessCalendar,
    ComplaintResolution,
    Gesture,
    OpeningHours,
    Praise,
    Promise,
    RootCause,
    Ticket,
)

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)  # Tuesday; New York moved its clocks on Sunday 8 March
ZONE = "America/New_York"
KINDS = list(Ticket.Kind.values)
CHANNELS = list(Ticket.Channel.values)


def office_hours() -> BusinessCalendar:
    calendar = BusinessCalendar.objects.create(name="London office", zone="Europe/London")
    OpeningHours.objects.bulk_create(
        OpeningHours(calendar=calendar, weekday=day, opens=time(9), closes=time(17)) for day in range(5)
    )
    return calendar


def promise(ticket: Ticket, state: str, settled: datetime | None, created: datetime) -> Promise:
    return Promise.objects.create(
        ticket=ticket,
        kind=Promise.Kind.NEXT_UPDATE,
        source=Promise.Source.POLICY,
        state=state,
        created_at=created,
        due_at=created + timedelta(hours=4),
        settled_at=settled,
    )


@dataclass
class Seeded:
    friday_ticket: Ticket  # created Fri 16:00 London, answered Mon 10:00: 2 business hours
    late_evening: Ticket  # created 02:30 UTC on 10 March: 9 March in New York


GESTURES = [  # type, amount, currency, status
    ("refund", "25.50", "EUR", "promised"),
    ("credit", "10.00", "USD", "promised"),
    ("apology", None, "", "promised"),
    ("refund", "500.00", "EUR", "awaiting"),
    ("refund", "40.00", "EUR", "declined"),
    ("refund", "4.50", "EUR", "promised"),
]


def care_for(ticket: Ticket, n: int, causes: list[RootCause], agent: object) -> None:
    """Surveys, resolutions, gestures and praise around one ticket, each cycling on ``n``."""
    solved = ticket.resolved_at or ticket.closed_at
    if solved is not None and solved + timedelta(minutes=10) <= NOW:
        scale = (3, 5)[n % 2]
        rated = n % 3 != 1
        Survey.objects.create(
            ticket=ticket,
            solved_at=solved,
            customer=ticket.customer,
            queue=ticket.queue,
            agent=ticket.assignee,
            status="sent" if n % 5 else "recent",
            scale=scale,
            created_at=solved + timedelta(minutes=10),
            rating=1 + n % scale if rated else None,
            rated_at=min(solved + timedelta(hours=n), NOW) if rated else None,
        )
    if ticket.kind == "complaint":
        ComplaintResolution.objects.create(
            ticket=ticket,
            note="What went wrong",
            root_cause=causes[n // 3 % len(causes)],
            recorded_by=ticket.assignee,
            recorded_at=min(ticket.created_at + timedelta(hours=n), NOW),
        )
        kind, amount, currency, status = GESTURES[n // 3 % len(GESTURES)]
        Gesture.objects.create(
            ticket=ticket,
            type=kind,
            amount=amount,
            currency=currency,
            status=status,
            requested_by=ticket.assignee,
            requested_at=ticket.created_at + timedelta(minutes=30),
        )
    if n % 4 == 0:
        Praise.objects.create(
            ticket=ticket, text="Thank you!", agent=ticket.assignee or agent, created_at=ticket.created_at
        )


def seed(desk: object, *, count: int = 48) -> Seeded:
    """``count`` tickets, one every 7 hours back from NOW, each field cycling on its own."""
    queue_a, queue_b = desk.queue_a, desk.queue_b  # type: ignore[attr-defined]
    queue_a.calendar = office_hours()
    queue_a.save()
    agents = [desk.agent_a, None, desk.agent_b]  # type: ignore[attr-defined]
    causes = [RootCause.objects.create(name=name) for name in ("Late delivery", "Wrong charge", "Rude reply")]
    for n in range(count):
        created = NOW - timedelta(hours=7 * n + 3, minutes=11 * n)
        status = ("new", "open", "resolved", "closed", "waiting")[n % 5]
        responded = created + timedelta(minutes=23 * n + 5) if status != "new" else None
        ticket = TicketFactory(
            queue=(queue_a, queue_b)[n % 2],
            kind=KINDS[n % 3],
            channel=CHANNELS[n % 4],
            assignee=agents[n % 3],
            status=status,
            created_at=created,
            first_response_at=responded if responded and responded <= NOW else None,
            resolved_at=created + timedelta(hours=3 * n + 1) if status == "resolved" else None,
            closed_at=created + timedelta(hours=2 * n + 2) if status == "closed" else None,
        )
        if n % 3 == 0:
            promise(ticket, Promise.State.KEPT, created + timedelta(hours=2), created)
        if n % 4 == 1:
            promise(ticket, Promise.State.BROKEN, created + timedelta(hours=4, minutes=n), created)
        if n % 7 == 2:
            promise(ticket, Promise.State.PENDING, None, created)
        care_for(ticket, n, causes, desk.agent_b)  # type: ignore[attr-defined]
    friday = TicketFactory(
        queue=queue_a,
        kind="info",
        channel="email",
        status="open",
        created_at=datetime(2026, 3, 6, 16, 0, tzinfo=UTC),
        first_response_at=datetime(2026, 3, 9, 10, 0, tzinfo=UTC),
    )
    evening = TicketFactory(
        queue=queue_b, kind="complaint", channel="phone", created_at=datetime(2026, 3, 10, 2, 30, tzinfo=UTC)
    )
    # Sent, rated and praised at 02:30 UTC: 9 March in New York.
    Survey.objects.create(
        ticket=evening,
        solved_at=evening.created_at - timedelta(minutes=10),
        customer=evening.customer,
        queue=queue_b,
        agent=desk.agent_b,  # type: ignore[attr-defined]
        status="sent",
        scale=5,
        created_at=evening.created_at,
        rating=5,
        rated_at=evening.created_at,
    )
    Praise.objects.create(ticket=evening, text="Great", agent=desk.agent_b, created_at=evening.created_at)  # type: ignore[attr-defined]
    for n in range(12):
        at = NOW - timedelta(hours=13 * n + 1)
        form = f"form-{n}"
        DeflectionEvent.objects.create(form_id=form, kind="shown", created_at=at)
        if n % 2 == 0:
            DeflectionEvent.objects.create(form_id=form, kind="opened", created_at=at + timedelta(minutes=1))
        if n % 4 == 0:
            DeflectionEvent.objects.create(form_id=form, kind="submitted", created_at=at + timedelta(minutes=3))
    return Seeded(friday_ticket=friday, late_evening=evening)
