"""What one reports page shows: who may see what, the chosen range and filters, and the figures.

A *section* (``reporting/sections``) turns the daily roll-ups into *figures*: a chart's series and
the table behind it, cell for cell (the page shows the table under the chart, the CSV download is
that table). Sections read through ``ReportContext.once`` so rows several of them need are read
once per page, and each section runs a fixed number of queries: the page's query count never
depends on the data. Adding a section: docs/reports.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Protocol, TypeVar

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from reporting.models import DailyTicketStats
from tickets import selectors
from tickets.models import Queue
from tickets.models.agent import is_agent

T = TypeVar("T")
Cell = str | int
WEEKLY_AFTER_DAYS = 92  # a longer range is charted week by week


@dataclass(frozen=True)
class Scope:
    """The queues the viewer may see, and whose per-agent figures: agents see their own, team
    leads and admins everyone's in those queues (admins see every queue)."""

    user: User
    queues: list[Queue]
    all_agents: bool

    @property
    def queue_ids(self) -> list[int]:
        return [queue.pk for queue in self.queues]


def report_scope(user: User) -> Scope:
    if not is_agent(user):
        return Scope(user, [], all_agents=False)
    queues = list(selectors.queues_for_agent(user).order_by("name"))
    lead = user.is_superuser or any(queue.team_lead_id == user.pk for queue in queues)
    return Scope(user, queues, all_agents=lead)


@dataclass(frozen=True)
class ReportQuery:
    """A range of report days (both ends included) and the filters; ``None`` means all."""

    start: date
    end: date
    queue_id: int | None = None
    agent_id: int | None = None
    kind: str | None = None
    channel: str | None = None

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    @property
    def weekly(self) -> bool:
        return (self.end - self.start).days + 1 > WEEKLY_AFTER_DAYS

    def period_of(self, day: date) -> date:
        """The chart's step a day falls in: the day itself, or its week's Monday (weekly ranges)."""
        return day - timedelta(days=day.weekday()) if self.weekly else day

    @property
    def periods(self) -> list[date]:
        return sorted({self.period_of(day) for day in self.days})


@dataclass
class Series:
    name: str
    values: list[float]


@dataclass
class Figure:
    """One chart and its table. ``chart`` is "stacked" or "grouped" bars (or "" for a table alone);
    ``labels`` are its categories, one per table row, and ``series`` its bars, one per value column."""

    key: str
    title: str
    description: str
    columns: list[str]
    rows: list[list[Cell]]
    labels: list[str] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    chart: str = "stacked"
    unit: str = ""
    footer: list[Cell] | None = None  # a total row, shown and exported after the rows

    @property
    def text_rows(self) -> list[list[str]]:
        """The rows as the table shows them (the CSV writes numbers as numbers, the same digits)."""
        return [[str(cell) for cell in row] for row in self.rows]

    @property
    def text_footer(self) -> list[str] | None:
        return [str(cell) for cell in self.footer] if self.footer else None


@dataclass
class ReportContext:
    scope: Scope
    query: ReportQuery
    memo: dict[str, Any] = field(default_factory=dict)

    def once(self, key: str, load: Callable[[], T]) -> T:
        if key not in self.memo:
            self.memo[key] = load()
        return self.memo[key]  # type: ignore[no-any-return]

    @property
    def queue_ids(self) -> list[int]:
        ids = self.scope.queue_ids
        return [self.query.queue_id] if self.query.queue_id in ids else ids if self.query.queue_id is None else []

    def ticket_filter(self, prefix: str = "") -> Q:
        """The filters and the viewer's queues, on a table with queue, agent, kind and channel."""
        q = Q(**{f"{prefix}queue_id__in": self.queue_ids})
        for name, value in (
            ("agent_id", self.query.agent_id),
            ("kind", self.query.kind),
            ("channel", self.query.channel),
        ):
            if value is not None:
                q &= Q(**{f"{prefix}{name}": value})
        return q

    def daily_rows(self) -> list[dict[str, Any]]:
        """The range's ``DailyTicketStats`` rows in scope (read once per page)."""

        def load() -> list[dict[str, Any]]:
            rows: QuerySet[DailyTicketStats] = DailyTicketStats.objects.filter(
                self.ticket_filter(), day__gte=self.query.start, day__lte=self.query.end
            )
            values: Any = rows.order_by().values()
            return list(values)

        return self.once("daily_rows", load)

    def agent_names(self) -> dict[int, str]:
        """Agent id -> name for the agents in the range's rows whose figures the viewer may see
        (everyone's for leads and admins, else their own), read once per page."""

        def load() -> dict[int, str]:
            ids = {row["agent_id"] for row in self.daily_rows() if row["agent_id"] is not None}
            if not self.scope.all_agents:
                ids &= {self.scope.user.pk}
            users = User.objects.filter(pk__in=ids).order_by("first_name", "last_name", "username")
            return {user.pk: user.get_full_name() or user.username for user in users}

        return self.once("agent_names", load)


class Section(Protocol):
    key: str
    title: str

    def figures(self, context: ReportContext) -> list[Figure]: ...
