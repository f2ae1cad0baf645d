"""The rating page a survey link opens (/support/rate/<token>/<rating>/): GET asks, POST records."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.utils import timezone

from satisfaction.links import SALT, rate_token
from satisfaction.models import Survey
from tests.satisfaction.helpers import run_survey_task_later, solve
from tickets.models import TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(desk, ticket) -> Survey:
    solve(ticket, desk.agent_a)
    run_survey_task_later()
    return Survey.objects.get(ticket=ticket)


def url(survey: Survey, rating: int = 3, token: str | None = None) -> str:
    return f"/support/rate/{token or rate_token(survey.pk)}/{rating}/"


def text(response) -> str:
    """The page's words, tags left out."""
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(response.content.decode())).split())


def test_a_mail_scanner_opening_every_link_records_nothing(survey, django_assert_max_num_queries):
    client = Client()
    for rating in (3, 2, 1):
        with django_assert_max_num_queries(3):
            response = client.get(url(survey, rating))
        assert response.status_code == 200
        assert "How did we do?" in text(response)
    client.head(url(survey, 1))
    survey.refresh_from_db()
    assert survey.rated_at is None
    assert not TicketEvent.objects.filter(kind=TicketEvent.Kind.RATED).exists()


def test_the_link_preselects_its_answer(survey):
    page = Client().get(url(survey, 2)).content.decode()
    checked = re.findall(r'<input[^>]*name="rating"[^>]*>', page)
    assert len(checked) == 3
    assert [("checked" in tag, 'value="2"' in tag) for tag in checked] == [(False, False), (True, True), (False, False)]


def test_posting_the_form_records_the_rating_and_comment(survey, django_assert_max_num_queries):
    client = Client(enforce_csrf_checks=False)
    with django_assert_max_num_queries(12):
        response = client.post(url(survey, 3), {"rating": "2", "comment": "Fine, a bit slow"})
    assert response.status_code == 200
    assert "We've got your answer: Okay" in text(response)
    survey.refresh_from_db()
    assert (survey.rating, survey.comment) == (2, "Fine, a bit slow")


def test_a_second_answer_is_thanked_and_not_counted(survey):
    client = Client()
    client.post(url(survey), {"rating": "3"})
    response = client.post(url(survey, 1), {"rating": "1"})
    assert "You've already rated this request (Good)" in text(response)
    assert "already rated" in text(client.get(url(survey, 1)))
    survey.refresh_from_db()
    assert survey.rating == 3


def test_no_answer_chosen_is_shown_beside_the_field(survey):
    response = Client().post(url(survey), {"comment": "hello"})
    assert response.status_code == 400
    assert "Please choose one of the answers." in text(response)
    assert "hello</textarea>" in response.content.decode()  # the comment comes back


def test_a_forged_link_is_refused(survey):
    forged = signing.dumps(survey.pk, salt="another.purpose")
    for token in (forged, rate_token(survey.pk)[:-2] + "xx", "nonsense"):
        response = Client().post(url(survey, token=token), {"rating": "1"})
        assert response.status_code == 404
        assert "This link doesn't work" in text(response)
    survey.refresh_from_db()
    assert survey.rated_at is None


def test_a_link_for_another_purpose_cannot_rate(survey):
    assert signing.loads(rate_token(survey.pk), salt=SALT) == survey.pk
    response = Client().get(url(survey, token=signing.dumps(survey.pk)))
    assert response.status_code == 404


def test_an_expired_link_is_refused(survey):
    token = rate_token(survey.pk)
    with time_machine.travel(timezone.now() + timedelta(days=31), tick=False):
        response = Client().post(url(survey, token=token), {"rating": "3"})
    assert response.status_code == 410
    assert "This link has expired" in text(response)
    survey.refresh_from_db()
    assert survey.rated_at is None
