"""Desk reports: promise kept-rates and first-response times, recounted from rows.

Every number is an aggregate over Promise and Ticket rows (docs/reliability.md §2 rule 14), grouped
in the database, so the number of queries never depends on how many queues, agents or promises
there are. Callers pass the queues the viewer may see; ``desk_report`` does that scoping.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from tickets import selectors
from tickets.models import Promise, Queue, Ticket
from tickets.models.agent import is_agent

PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30
KEPT_TARGET_PERCENT = 80


def period_days(raw: str | None) -> int:
    """The ``days`` query parameter, or the default for anything else."""
    return int(raw) if raw in {str(days) for days in PERIODS} else DEFAULT_PERIOD


@dataclass(frozen=True)
class PromiseCounts(selectors.PromiseStats):
    """Promises made in the period, and how many of them are now kept or broken."""

    @property
    def kept_percent(self) -> int | None:
        """Rounded down, so "80 %" always means at least 80 %."""
        settled = self.kept + self.broken
        return self.kept * 100 // settled if settled else None

    @property
    def below_target(self) -> bool:
        return self.kept * 100 < KEPT_TARGET_PERCENT * (self.kept + self.broken)

    def __add__(self, other: PromiseCounts) -> PromiseCounts:
        return PromiseCounts(self.made + other.made, self.kept + other.kept, self.broken + other.broken)


NO_PROMISES = PromiseCounts(made=0, kept=0, broken=0)


@dataclass(frozen=True)
class FirstResponse:
    """Tickets created in the period: answered (with the wait) and still waiting for an answer."""

    answered: int = 0
    waiting: int = 0
    average: timedelta | None = None
    median: timedelta | None = None

    @property
    def average_seconds(self) -> int | None:
        return round(self.average.total_seconds()) if self.average is not None else None

    @property
    def median_seconds(self) -> int | None:
        return round(self.median.total_seconds()) if self.median is not None else None


def _promises(queues: QuerySet[Queue], since: datetime) -> QuerySet[Promise]:
    return Promise.objects.filter(ticket__queue__in=queues, created_at__gte=since)


def _count_promises(promises: QuerySet[Promise], group: str) -> dict[int, PromiseCounts]:
    rows = (
        promises.filter(**{f"{group}__isnull": False})
        .order_by()
        .values(group)
        .annotate(
            made=Count("id"),
            kept=Count("id", filter=Q(state=Promise.State.KEPT)),
            broken=Count("id", filter=Q(state=Promise.State.BROKEN)),
        )
    )
    return {row[group]: PromiseCounts(made=row["made"], kept=row["kept"], broken=row["broken"]) for row in rows}


def promises_by_queue(queues: QuerySet[Queue], since: datetime) -> dict[int, PromiseCounts]:
    """Queue id -> promises made on its tickets since ``since``."""
    return _count_promises(_promises(queues, since), "ticket__queue")


def promises_by_assignee(queues: QuerySet[Queue], since: datetime) -> dict[int, PromiseCounts]:
    """User id -> promises on tickets currently assigned to that user (any maker)."""
    return _count_promises(_promises(queues, since), "ticket__assignee")


def promises_by_maker(queues: QuerySet[Queue], since: datetime) -> dict[int, PromiseCounts]:
    """User id -> promises that user made themselves (policy promises have no maker)."""
    return _count_promises(_promises(queues, since), "made_by")


WAIT = ExpressionWrapper(F("first_response_at") - F("created_at"), output_field=DurationField())
ANSWERED = Count("id", filter=Q(first_response_at__isnull=False))
# Open tickets nobody has answered yet; one solved without a reply is not waiting.
WAITING = Count(
    "id", filter=Q(first_response_at__isnull=True) & ~Q(status__in=[Ticket.Status.RESOLVED, Ticket.Status.CLOSED])
)


def _tickets(queues: QuerySet[Queue], since: datetime) -> QuerySet[Ticket]:
    return Ticket.objects.filter(queue__in=queues, created_at__gte=since).order_by()


def _medians(tickets: QuerySet[Ticket], *, per_queue: bool) -> dict[int | None, timedelta]:
    """The median wait per queue (or overall, under None) in one query that returns at most
    two rows per group: the middle one or two of the waits ranked by window functions."""
    partition = [F("queue")] if per_queue else None
    middle = (
        tickets.filter(first_response_at__isnull=False)
        .annotate(
            wait=WAIT,
            rank=Window(RowNumber(), partition_by=partition, order_by=[WAIT.asc(), F("id").asc()]),
            total=Window(Count("id"), partition_by=partition),
        )
        .filter(rank__gte=(F("total") + 1) / 2, rank__lte=(F("total") + 2) / 2)
        .values_list("queue_id", "wait")
    )
    waits: dict[int | None, list[timedelta]] = {}
    for queue_id, wait in middle:
        waits.setdefault(queue_id if per_queue else None, []).append(wait)
    return {key: sum(pair, timedelta()) / len(pair) for key, pair in waits.items()}


def first_response_by_queue(queues: QuerySet[Queue], since: datetime) -> dict[int, FirstResponse]:
    """Queue id -> first-response figures for its tickets created since ``since``."""
    tickets = _tickets(queues, since)
    medians = _medians(tickets, per_queue=True)
    rows = tickets.values("queue").annotate(answered=ANSWERED, waiting=WAITING, average=Avg(WAIT))
    return {
        row["queue"]: FirstResponse(row["answered"], row["waiting"], row["average"], medians.get(row["queue"]))
        for row in rows
    }


def first_response_total(queues: QuerySet[Queue], since: datetime) -> FirstResponse:
    """The same figures over all of ``queues`` (the median is not a mean of medians)."""
    tickets = _tickets(queues, since)
    totals = tickets.aggregate(answered=ANSWERED, waiting=WAITING, average=Avg(WAIT))
    median = _medians(tickets, per_queue=False).get(None)
    return FirstResponse(totals["answered"], totals["waiting"], totals["average"], median)


@dataclass(frozen=True)
class QueueRow:
    queue: Queue
    promises: PromiseCounts
    first_response: FirstResponse


@dataclass(frozen=True)
class AgentRow:
    agent: User
    assigned: PromiseCounts
    made: PromiseCounts

    @property
    def groups(self) -> tuple[PromiseCounts, PromiseCounts]:
        return self.assigned, self.made


@dataclass(frozen=True)
class DeskReport:
    days: int
    since: datetime
    queues: list[QueueRow]
    promises_total: PromiseCounts
    first_response_total: FirstResponse
    agents: list[AgentRow]
    assigned_total: PromiseCounts
    made_total: PromiseCounts

    @property
    def agent_totals(self) -> tuple[PromiseCounts, PromiseCounts]:
        return self.assigned_total, self.made_total


def desk_report(*, user: User, days: int, now: datetime) -> DeskReport:
    """Everything on /desk/reports/ for this viewer: only the queues they may see."""
    queues = selectors.queues_for_agent(user) if is_agent(user) else Queue.objects.none()
    since = now - timedelta(days=days)
    promises = promises_by_queue(queues, since)
    responses = first_response_by_queue(queues, since)
    queue_rows = [
        QueueRow(queue, promises.get(queue.pk, NO_PROMISES), responses.get(queue.pk, FirstResponse()))
        for queue in queues.order_by("name")
    ]
    assigned, made = promises_by_assignee(queues, since), promises_by_maker(queues, since)
    agent_rows = [
        AgentRow(agent, assigned.get(agent.pk, NO_PROMISES), made.get(agent.pk, NO_PROMISES))
        for agent in selectors.agents_for_queues(queues)
    ]
    return DeskReport(
        days=days,
        since=since,
        queues=queue_rows,
        promises_total=sum((row.promises for row in queue_rows), NO_PROMISES),
        first_response_total=first_response_total(queues, since),
        agents=agent_rows,
        assigned_total=sum((row.assigned for row in agent_rows), NO_PROMISES),
        made_total=sum((row.made for row in agent_rows), NO_PROMISES),
    )
