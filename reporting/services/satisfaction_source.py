"""The satisfaction roll-up source: ``DailySatisfaction`` from the surveys (satisfaction app).

A survey counts on the report day it was sent, as ``satisfaction.selectors.csat_figures`` counts
it, so a rating given days later updates the day the survey went out (and the response rate is
ratings among the surveys of the same days). Queue and agent are the survey's, as at the solve;
kind and channel the ticket's, as at the last roll-up. Skipped surveys (not sent) don't count.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Q, QuerySet

from reporting.models import DailySatisfaction
from reporting.services.day_recount import DayRecountSource, Raw, Span, tickets_written_since
from satisfaction.models import GOOD_FROM, Survey

FIELDS = ("created_at", "queue_id", "agent_id", "ticket__kind", "ticket__channel", "scale", "rating", "rated_at")


class SatisfactionSource(DayRecountSource):
    name = "satisfaction"
    table = DailySatisfaction
    amounts = ("sent", "rated", "good")

    def _sent(self) -> QuerySet[Survey]:
        return Survey.objects.filter(status=Survey.Status.SENT).order_by()

    def changed_moments(self, since: datetime) -> Iterable[datetime]:
        changed = Q(created_at__gte=since) | Q(rated_at__gte=since) | Q(ticket__in=tickets_written_since(since))
        return self._sent().filter(changed).values_list("created_at", flat=True)

    def raw(self, span: Span) -> Iterable[Raw]:
        surveys = self._sent()
        if span is not None:
            surveys = surveys.filter(created_at__gte=span[0], created_at__lt=span[1])
        for sent, queue, agent, kind, channel, scale, rating, rated_at in surveys.values_list(*FIELDS):
            group = {"queue_id": queue, "agent_id": agent, "kind": kind, "channel": channel}
            rated = rated_at is not None
            good = rated and rating is not None and rating >= GOOD_FROM.get(scale, scale)
            yield sent, group, {"sent": 1, "rated": int(rated), "good": int(good)}


SATISFACTION = SatisfactionSource()
