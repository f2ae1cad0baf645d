"""Followers hear of the customer's replies along with the assignee (or the queue on duty): each
person once, and only while they can still open the ticket."""

import pytest

from tests.factories import UserFactory
from tickets import services
from tickets.emails import build_email
from tickets.models import AgentProfile, Notice, OutboundEmail, TicketFollower
from tickets.services.triage import ticket_follow

pytestmark = pytest.mark.django_db


def told() -> list[str]:
    notices = Notice.objects.filter(kind=Notice.Kind.CUSTOMER_REPLY).order_by("user__username")
    return list(notices.values_list("user__username", flat=True))


def test_following_twice_is_once_and_unfollowing_stops_it(desk, ticket):
    assert ticket_follow(ticket=ticket, user=desk.agent_a, follow=True)
    assert not ticket_follow(ticket=ticket, user=desk.agent_a, follow=True)
    assert TicketFollower.objects.count() == 1
    assert ticket_follow(ticket=ticket, user=desk.agent_a, follow=False)
    assert not ticket_follow(ticket=ticket, user=desk.agent_a, follow=False)
    assert not TicketFollower.objects.exists()


def test_a_follower_is_told_along_with_the_assignee_each_once(desk, ticket):
    carl = UserFactory(username="carl")
    desk.queue_a.agents.add(carl)
    services.ticket_assign(ticket=ticket, agent=desk.agent_a, assignee_id=desk.agent_a.pk)
    ticket_follow(ticket=ticket, user=carl, follow=True)
    ticket_follow(ticket=ticket, user=desk.agent_a, follow=True)  # the assignee follows too: still once
    services.customer_reply_post(ticket=ticket, body="Any news?")
    assert told() == ["alice", "carl"]
    emails = OutboundEmail.objects.filter(kind=OutboundEmail.Kind.NOTICE).order_by("to_email")
    assert list(emails.values_list("to_email", flat=True)) == [desk.agent_a.email, carl.email]
    carl_email = build_email(emails.get(to_email=carl.email))
    assert "you follow this ticket" in carl_email.body


def test_an_off_duty_follower_still_hears_an_off_duty_queue_agent_does_not(desk, ticket):
    carl, dave = UserFactory(username="carl"), UserFactory(username="dave")
    desk.queue_a.agents.add(carl, dave)
    AgentProfile.objects.create(user=carl, on_duty=False)
    AgentProfile.objects.create(user=dave, on_duty=False)
    ticket_follow(ticket=ticket, user=carl, follow=True)
    services.customer_reply_post(ticket=ticket, body="Hello?")
    assert told() == ["alice", "carl"]  # alice on duty for the unassigned ticket; carl follows it


def test_a_follower_who_can_no_longer_open_the_ticket_is_not_told(desk, ticket):
    ticket_follow(ticket=ticket, user=desk.agent_b, follow=True)  # Bob works Technical, not Billing
    former = UserFactory(username="former")
    desk.queue_a.agents.add(former)
    ticket_follow(ticket=ticket, user=former, follow=True)
    former.is_active = False
    former.save()
    ticket_follow(ticket=ticket, user=desk.admin, follow=True)  # a superuser sees every ticket
    services.customer_reply_post(ticket=ticket, body="Hello?")
    assert told() == ["admin", "alice"]
