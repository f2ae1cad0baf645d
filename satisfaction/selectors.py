"""Reads of the satisfaction app: a ticket's surveys, the CSAT figures, open follow-ups.

**CSAT** over a period is the share of ratings that are good (3 on the 3-point scale, 4 or 5 on
the 5-point one) among the ratings given; the **response rate** is ratings given among surveys
sent. Both count surveys by when they were sent (``created_at`` in the period), so a late
rating still belongs to its period. Per agent it is the agent the ticket was assigned to at the
solve; per queue, the queue it was in then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from django.contrib.auth.models import User
from django.db.models import Count, Q, QuerySet

from satisfaction.links import LinkExpired, LinkInvalid, survey_id_from_token
from satisfaction.models import BAD_Q, GOOD_Q, Survey
from tickets.models import Queue, Ticket


@dataclass(frozen=True)
class Csat:
    key: int | None  # the agent's or queue's id (None: no agent at the solve)
    sent: int
    rated: int
    good: int
    bad: int

    @property
    def score(self) -> int | None:
        """Percent of ratings that are good; None without ratings."""
        return round(100 * self.good / self.rated) if self.rated else None

    @property
    def response_rate(self) -> int | None:
        return round(100 * self.rated / self.sent) if self.sent else None


def csat_figures(
    *, start: datetime, end: datetime, by: Literal["agent", "queue"], queue_ids: list[int] | None = None
) -> dict[int | None, Csat]:
    """CSAT per agent or per queue for surveys sent in [start, end): one query."""
    surveys = Survey.objects.filter(status=Survey.Status.SENT, created_at__gte=start, created_at__lt=end)
    if queue_ids is not None:
        surveys = surveys.filter(queue_id__in=queue_ids)
    field = "agent_id" if by == "agent" else "queue_id"
    rows = (
        surveys.values(field)
        .order_by(field)
        .annotate(
            sent=Count("id"),
            rated=Count("id", filter=Q(rated_at__isnull=False)),
            good=Count("id", filter=GOOD_Q),
            bad=Count("id", filter=BAD_Q),
        )
    )
    return {
        row[field]: Csat(key=row[field], sent=row["sent"], rated=row["rated"], good=row["good"], bad=row["bad"])
        for row in rows
    }


def csat_for_agent(*, agent: User, start: datetime, end: datetime) -> Csat:
    """One agent's figure (``/desk/me/``): one query."""
    return csat_figures(start=start, end=end, by="agent").get(agent.pk) or Csat(agent.pk, 0, 0, 0, 0)


def ticket_surveys(ticket: Ticket) -> list[Survey]:
    """The ticket's sent surveys, newest solve first, each with its rating (if any): one query."""
    return list(
        Survey.objects.filter(ticket=ticket, status=Survey.Status.SENT)
        .select_related("follow_up_done_by")
        .order_by("-solved_at", "-id")[:20]
    )


def survey_for_token(token: str) -> Survey:
    """The survey a rating link was made for, with its ticket and customer; raises ``LinkExpired``
    or ``LinkInvalid`` (also for a survey that no longer exists)."""
    survey_id = survey_id_from_token(token)
    survey = Survey.objects.select_related("ticket", "customer").filter(pk=survey_id).first()
    if survey is None:
        raise LinkInvalid
    return survey


def follow_ups_open(*, lead: User, limit: int = 10) -> tuple[list[Survey], int]:
    """Bad ratings not yet followed up in the queues ``lead`` leads: the newest ``limit`` and how
    many there are (two queries; the partial index ``survey_follow_up_open`` holds only these)."""
    queues = Queue.objects.filter(team_lead=lead).values("pk")
    open_ones: QuerySet[Survey] = Survey.objects.filter(BAD_Q, queue__in=queues, follow_up_done_at__isnull=True)
    rows = list(open_ones.select_related("ticket", "customer").order_by("-rated_at", "-id")[:limit])
    return rows, (open_ones.count() if len(rows) == limit else len(rows))


def survey_of_ticket(*, ticket: Ticket, survey_id: int) -> Survey | None:
    return Survey.objects.filter(ticket=ticket, pk=survey_id).first()


__all__ = ["Csat", "LinkExpired", "LinkInvalid"]
