"""/desk/me/: the agent's own CSAT over 30 days, and a team lead's bad ratings to follow up."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from satisfaction.models import Survey
from satisfaction.services.surveys import follow_up_done, rating_record
from tests.factories import TicketFactory, UserFactory
from tests.satisfaction.helpers import run_survey_task_later, solve

pytestmark = pytest.mark.django_db
URL = "/desk/me/"


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(response.content.decode())).split())


def solved_and_surveyed(desk, n: int) -> list[Survey]:
    """``n`` tickets of different customers, assigned to Alice, solved and surveyed."""
    tickets = [TicketFactory(queue=desk.queue_a, assignee=desk.agent_a) for _ in range(n)]
    for ticket in tickets:
        solve(ticket, desk.agent_a)
    run_survey_task_later()
    return list(Survey.objects.order_by("id"))


def test_no_ratings_yet(desk, alice):
    assert "No ratings yet. 0 surveys sent" in text(alice.get(URL))


def test_my_score_and_response_rate(desk, alice):
    surveys = solved_and_surveyed(desk, 4)
    rating_record(survey_id=surveys[0].pk, rating=3)
    rating_record(survey_id=surveys[1].pk, rating=3)
    rating_record(survey_id=surveys[2].pk, rating=1)
    with time_machine.travel(timezone.now() + timedelta(minutes=15), tick=False):  # after the surveys went out
        page = text(alice.get(URL))
        bobs = text(_client(desk.agent_b).get(URL))
    assert "67% satisfied (2 good of 3 ratings, 1 bad)" in page
    assert "4 surveys sent, 75% answered" in page
    assert "No ratings yet" in bobs  # Bob's own figure, not Alice's


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("bad", [1, 12])
def test_a_lead_sees_the_open_follow_ups_in_constant_queries(desk, bad, django_assert_max_num_queries):
    lead = UserFactory(username="lena", first_name="Lena", last_name="Lead")
    desk.queue_a.team_lead = lead
    desk.queue_a.save()
    surveys = solved_and_surveyed(desk, bad + 1)
    for survey in surveys[:bad]:
        rating_record(survey_id=survey.pk, rating=1)
    follow_up_done(survey=surveys[0], agent_id=lead.pk)
    client = _client(lead)
    with django_assert_max_num_queries(12):
        page = text(client.get(URL))
    if bad == 1:
        assert "Bad ratings to follow up" not in page
    else:
        assert f"Bad ratings to follow up in your queues ({bad - 1})" in page
        assert page.count("HD-") == 10 and "Showing the newest 10." in page
    assert "Bad ratings to follow up" not in text(_client(desk.agent_a).get(URL))  # Alice leads no queue
