"""The customer's rating, once; a bad one notifies the team lead and opens a follow-up."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from satisfaction.services.surveys import comment_praise_mark, follow_up_done, rating_record
from tests.factories import UserFactory
from tickets.models import Notice, OutboundEmail, Praise, TicketEvent

pytestmark = pytest.mark.django_db


def test_a_rating_is_recorded_once_with_an_event(surveyed):
    rated = rating_record(survey_id=surveyed.pk, rating=3, comment="  Quick and kind  ")
    assert rated.recorded and (rated.survey.rating, rated.survey.comment) == (3, "Quick and kind")
    again = rating_record(survey_id=surveyed.pk, rating=1, comment="changed my mind")
    assert not again.recorded
    surveyed.refresh_from_db()
    assert (surveyed.rating, surveyed.comment, surveyed.rating_label) == (3, "Quick and kind", "Good")
    event = TicketEvent.objects.get(ticket=surveyed.ticket, kind=TicketEvent.Kind.RATED)
    assert (event.actor_is_customer, event.new_value) == (True, "Good")


def test_a_rating_outside_the_scale_is_refused(surveyed):
    with pytest.raises(ValidationError):
        rating_record(survey_id=surveyed.pk, rating=4)
    surveyed.refresh_from_db()
    assert surveyed.rated_at is None


def test_a_bad_rating_notifies_the_team_lead_by_notice_and_email(desk, surveyed):
    lead = UserFactory(username="lena", first_name="Lena", last_name="Lead")
    desk.queue_a.team_lead = lead
    desk.queue_a.save()
    rating_record(survey_id=surveyed.pk, rating=1, comment="Nobody listened")
    notice = Notice.objects.get(kind=Notice.Kind.BAD_RATING)
    assert (notice.user, notice.ticket) == (lead, surveyed.ticket)
    email = OutboundEmail.objects.get(notice=notice)
    assert email.to_email == lead.email
    surveyed.refresh_from_db()
    assert surveyed.follow_up_open


def test_the_bad_rating_email_reads_well(desk, surveyed):
    from django.core import mail

    from tickets.services.outbox import outbox_send

    desk.queue_a.team_lead = desk.agent_b
    desk.queue_a.save()
    rating_record(survey_id=surveyed.pk, rating=1)
    outbox_send(email_id=OutboundEmail.objects.get(kind=OutboundEmail.Kind.NOTICE).pk)
    sent = mail.outbox[-1]
    assert sent.subject.startswith(f"Bad rating: {surveyed.ticket.reference}")
    assert "as bad" in sent.body and f"you lead the {desk.queue_a.name} queue" in sent.body
    assert f"/desk/t/{surveyed.ticket.reference}/" in sent.body


def test_without_a_team_lead_the_agent_who_solved_it_hears(desk, surveyed):
    rating_record(survey_id=surveyed.pk, rating=1)
    assert Notice.objects.get(kind=Notice.Kind.BAD_RATING).user == desk.agent_a


def test_a_good_rating_notifies_nobody(surveyed):
    rating_record(survey_id=surveyed.pk, rating=2)
    assert not Notice.objects.filter(kind=Notice.Kind.BAD_RATING).exists()
    surveyed.refresh_from_db()
    assert not surveyed.follow_up_open


def test_marking_the_follow_up_done_once(desk, surveyed):
    rating_record(survey_id=surveyed.pk, rating=1)
    assert follow_up_done(survey=surveyed, agent_id=desk.agent_b.pk)
    assert not follow_up_done(survey=surveyed, agent_id=desk.agent_a.pk)
    surveyed.refresh_from_db()
    assert surveyed.follow_up_done_by == desk.agent_b and not surveyed.follow_up_open


def test_a_comment_is_praise_for_the_agent_who_solved_it_once(desk, surveyed):
    rating_record(survey_id=surveyed.pk, rating=3, comment="Patient and clear")
    survey = comment_praise_mark(survey=surveyed, marked_by=desk.agent_b)
    assert (survey.praise.agent, survey.praise.text, survey.praise.marked_by) == (
        desk.agent_a,
        "Patient and clear",
        desk.agent_b,
    )
    with pytest.raises(ValidationError, match="already marked"):
        comment_praise_mark(survey=surveyed, marked_by=desk.agent_a)
    assert Praise.objects.count() == 1


def test_a_rating_without_a_comment_has_nothing_to_mark(surveyed):
    rating_record(survey_id=surveyed.pk, rating=3)
    with pytest.raises(ValidationError, match="no comment"):
        comment_praise_mark(survey=surveyed, marked_by=None)
    assert not Praise.objects.exists()
