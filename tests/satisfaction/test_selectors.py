"""CSAT per agent and per queue over a period: satisfaction.selectors.csat_figures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from satisfaction.models import Survey
from satisfaction.selectors import Csat, csat_figures
from satisfaction.services.config import settings_get
from satisfaction.services.surveys import rating_record
from tests.factories import TicketFactory
from tests.satisfaction.helpers import run_survey_task_later, solve

pytestmark = pytest.mark.django_db


@pytest.fixture
def ratings(desk):
    """Alice: good, bad, unanswered in queue A; Bob: okay in queue B on a 3-point scale, and 5/5 on a 5-point one."""
    made = []
    for queue, agent in [(desk.queue_a, desk.agent_a)] * 3 + [(desk.queue_b, desk.agent_b)]:
        made.append(solve(TicketFactory(queue=queue, assignee=agent), agent))
    run_survey_task_later()
    surveys = {s.ticket_id: s for s in Survey.objects.all()}
    rating_record(survey_id=surveys[made[0].pk].pk, rating=3)
    rating_record(survey_id=surveys[made[1].pk].pk, rating=1)
    rating_record(survey_id=surveys[made[3].pk].pk, rating=2)
    config = settings_get()
    config.scale = 5
    config.save()
    five = solve(TicketFactory(queue=desk.queue_b, assignee=desk.agent_b), desk.agent_b)
    run_survey_task_later()
    rating_record(survey_id=Survey.objects.get(ticket=five).pk, rating=5)


def window(days: int = 1):
    now = timezone.now()
    return {"start": now - timedelta(days=days), "end": now + timedelta(hours=1)}


def test_per_agent(desk, ratings, django_assert_num_queries):
    with django_assert_num_queries(1):
        figures = csat_figures(by="agent", **window())
    alice, bob = figures[desk.agent_a.pk], figures[desk.agent_b.pk]
    assert (alice.sent, alice.rated, alice.good, alice.bad, alice.score, alice.response_rate) == (3, 2, 1, 1, 50, 67)
    assert (bob.sent, bob.rated, bob.good, bob.bad, bob.score, bob.response_rate) == (2, 2, 1, 0, 50, 100)


def test_per_queue_and_only_the_queues_asked(desk, ratings):
    figures = csat_figures(by="queue", queue_ids=[desk.queue_b.pk], **window())
    assert list(figures) == [desk.queue_b.pk]
    assert figures[desk.queue_b.pk] == Csat(key=desk.queue_b.pk, sent=2, rated=2, good=1, bad=0)


def test_surveys_outside_the_period_do_not_count(desk, ratings):
    later = timezone.now() + timedelta(days=2)
    assert csat_figures(by="queue", start=later, end=later + timedelta(days=1)) == {}


def test_no_ratings_means_no_score():
    empty = Csat(key=None, sent=2, rated=0, good=0, bad=0)
    assert (empty.score, empty.response_rate) == (None, 0)
