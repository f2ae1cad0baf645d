"""The ticket page's "Customer rating" card and a bad rating's follow-up (/desk/t/<ref>/ratings/<id>/done/)."""

from __future__ import annotations

import html
import re

import pytest

from satisfaction.models import Survey
from satisfaction.services.surveys import rating_record
from tests.satisfaction.helpers import run_survey_task_later, solve
from tickets import services
from tickets.models import Praise

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(response.content.decode())).split())


def url(ticket) -> str:
    return f"/desk/t/{ticket.reference}/"


@pytest.fixture
def rated_bad(desk, ticket) -> Survey:
    solve(ticket, desk.agent_a)
    run_survey_task_later()
    survey = Survey.objects.get(ticket=ticket)
    rating_record(survey_id=survey.pk, rating=1, comment="Nobody called me back")
    return survey


def test_no_card_before_a_survey(desk, ticket, alice):
    assert "Customer rating" not in text(alice.get(url(ticket)))


def test_an_unanswered_survey_says_so(desk, ticket, alice):
    solve(ticket, desk.agent_a)
    run_survey_task_later()
    assert "survey sent, no answer yet" in text(alice.get(url(ticket)))


def test_the_rating_and_comment_show_with_the_follow_up(desk, ticket, alice, rated_bad):
    page = text(alice.get(url(ticket)))
    assert "Customer rating" in page and "Bad" in page and "Nobody called me back" in page
    assert "Follow-up open Mark followed up" in page


def test_marking_the_follow_up_done(desk, ticket, alice, rated_bad):
    response = alice.post(f"/desk/t/{ticket.reference}/ratings/{rated_bad.pk}/done/", follow=True)
    page = text(response)
    assert "Follow-up marked done." in page and "Followed up by Alice Agent" in page
    assert "Mark followed up" not in page
    rated_bad.refresh_from_db()
    assert rated_bad.follow_up_done_by == desk.agent_a


def test_the_follow_up_is_only_a_post_and_only_in_the_agents_queues(desk, ticket, alice, bob, rated_bad):
    done = f"/desk/t/{ticket.reference}/ratings/{rated_bad.pk}/done/"
    assert alice.get(done).status_code == 405
    assert bob.post(done).status_code == 404  # Bob works another queue
    other = solve(
        services.ticket_submit(name="O", email="o@example.com", kind="info", subject="x", description="y").ticket,
        desk.agent_a,
    )
    assert alice.post(f"/desk/t/{other.reference}/ratings/{rated_bad.pk}/done/").status_code == 404
    rated_bad.refresh_from_db()
    assert rated_bad.follow_up_open


def test_each_solve_keeps_its_own_rating(desk, ticket, alice, rated_bad):
    from satisfaction.services.config import settings_get

    config = settings_get()
    config.survey_every_days = 0
    config.save()
    services.customer_write(ticket=ticket, body="It broke again")
    solve(ticket, desk.agent_a)
    run_survey_task_later(30)
    second = Survey.objects.exclude(pk=rated_bad.pk).get(ticket=ticket)
    rating_record(survey_id=second.pk, rating=3)
    page = text(alice.get(url(ticket)))
    assert page.count("Solve of") == 2 and "Good" in page and "Nobody called me back" in page


def test_the_lead_finds_the_bad_rating_under_the_bell(desk, ticket):
    from django.test import Client

    from tests.factories import UserFactory

    lead = UserFactory(username="lena", first_name="Lena", last_name="Lead")
    desk.queue_a.team_lead = lead
    desk.queue_a.save()
    solve(ticket, desk.agent_a)
    run_survey_task_later()
    rating_record(survey_id=Survey.objects.get(ticket=ticket).pk, rating=1)
    client = Client()
    client.force_login(lead)
    page = text(client.get("/desk/notices/"))
    assert f"Bad rating Unread {ticket.reference} {ticket.subject}" in page


@pytest.fixture
def rated_good(desk, ticket) -> Survey:
    ticket.assignee = desk.agent_a
    ticket.save(update_fields=["assignee"])
    solve(ticket, desk.agent_a)
    run_survey_task_later()
    survey = Survey.objects.get(ticket=ticket)
    rating_record(survey_id=survey.pk, rating=3, comment="Alice sorted it in minutes, thank you!")
    return survey


def test_a_kind_comment_is_marked_as_praise_once_and_shows_on_the_agents_page(desk, ticket, alice, bob, rated_good):
    praise_url = f"/desk/t/{ticket.reference}/ratings/{rated_good.pk}/praise/"
    assert "Mark as praise" in text(alice.get(url(ticket)))
    assert alice.get(praise_url).status_code == 405
    assert bob.post(praise_url).status_code == 404  # Bob works another queue
    page = text(alice.post(praise_url, follow=True))
    assert "Marked as praise for Alice Agent." in page and "Mark as praise" not in page
    # The history says both in words: the customer's rating, and who marked the praise for whom.
    assert "rated the help “Good”" in page and "Alice Agent: marked praise for Alice Agent" in page
    again = text(alice.post(praise_url, follow=True))
    assert "This comment is already marked as praise." in again
    assert Praise.objects.get().text == "Alice sorted it in minutes, thank you!"
    assert "Alice sorted it in minutes, thank you!" in text(alice.get("/desk/me/"))


def test_a_bad_ratings_comment_offers_no_praise(desk, ticket, alice, rated_bad):
    assert "Mark as praise" not in text(alice.get(url(ticket)))
