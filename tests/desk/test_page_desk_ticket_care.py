"""The ticket page's care cards: a complaint's Resolution and Goodwill cards, the lead's approval,
"Mark as praise" on a customer's message, the Follow-ups card; and praise on /desk/me/.

Each action is a POST with CSRF that stays on the ticket; an agent of another queue gets 404.
"""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from django.test import Client

from tests.desk.test_page_desk_ticket import TICKET_QUERIES
from tests.factories import MessageFactory, TicketFactory
from tickets import services
from tickets.models import (
    ComplaintResolution,
    FollowUpRule,
    Gesture,
    GoodwillLimit,
    Notice,
    Praise,
    RootCause,
    Ticket,
)
from tickets.sla_config import sla_config

pytestmark = pytest.mark.django_db
COMPLAINT_EXTRA_QUERIES = 4  # its resolution, gestures, root causes, the goodwill limits' first currency


def url(ticket: Ticket, action: str = "") -> str:
    return f"/desk/t/{ticket.reference}/{action + '/' if action else ''}"


def words(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(response.content.decode())).split())


@pytest.fixture
def complaint(desk) -> Ticket:
    """A complaint in Billing (Alice's queue), led by Bob; agents promise up to 50 EUR alone."""
    desk.queue_a.team_lead = desk.agent_b
    desk.queue_a.save()
    GoodwillLimit.objects.create(currency="EUR", amount=Decimal("50"))
    return TicketFactory(queue=desk.queue_a, kind=Ticket.Kind.COMPLAINT, status=Ticket.Status.OPEN)


@pytest.fixture
def bob_lead(desk) -> Client:
    client = Client()
    client.force_login(desk.agent_b)
    return client


def test_a_complaint_shows_the_resolution_and_goodwill_cards_other_tickets_do_not(desk, complaint, ticket, alice):
    page = words(alice.get(url(complaint)))
    assert "Resolution" in page and "Record the resolution" in page
    assert "Goodwill" in page and "Record the gesture" in page
    other = words(alice.get(url(ticket)))
    assert "Record the resolution" not in other and "Record the gesture" not in other


@pytest.mark.parametrize("gestures", [1, 12])
def test_the_complaint_page_costs_the_same_queries_however_many_gestures(
    desk, complaint, alice, django_assert_max_num_queries, gestures
):
    for _ in range(gestures):
        services_gesture(complaint, desk.agent_a, "80")
    sla_config()  # as after the process's first request
    with django_assert_max_num_queries(TICKET_QUERIES + COMPLAINT_EXTRA_QUERIES):
        page = words(alice.get(url(complaint)))
    assert page.count("Awaiting a lead's approval") == gestures


def services_gesture(ticket: Ticket, agent, amount: str) -> Gesture:
    from tickets.services.gestures import gesture_record

    return gesture_record(ticket=ticket, agent=agent, type="refund", amount=amount, currency="EUR")


def test_within_the_limit_the_agent_may_promise_it(desk, complaint, alice):
    response = alice.post(url(complaint, "gestures"), {"type": "refund", "amount": "25", "currency": "EUR"})
    assert (response.status_code, response.url) == (302, url(complaint))
    page = words(alice.get(url(complaint)))
    assert "Recorded: you can promise it to the customer." in page
    assert "Refund 25.00 EUR" in page and "within the limit" in page


def test_in_a_queue_without_a_lead_an_admin_is_asked_and_approves(desk, complaint, alice, admin_client_):
    complaint.queue.team_lead = None
    complaint.queue.save()
    alice.post(url(complaint, "gestures"), {"type": "refund", "amount": "120", "currency": "EUR"})
    page = words(alice.get(url(complaint)))
    assert "an admin must approve it before you promise it" in page
    assert "Don't promise it yet: an admin decides, as this queue has no active team lead." in page
    assert Notice.objects.get().user == desk.admin
    assert "Gestures waiting for your approval" in words(admin_client_.get("/desk/me/"))
    gesture = Gesture.objects.get()
    admin_client_.post(url(complaint, f"gestures/{gesture.pk}/decide"), {"decision": "approve"})
    gesture.refresh_from_db()
    assert (gesture.status, gesture.decided_by) == (Gesture.Status.PROMISED, desk.admin)


def test_a_lead_whose_account_is_switched_off_leaves_it_to_an_admin(desk, complaint, alice):
    desk.agent_b.is_active = False
    desk.agent_b.save()
    alice.post(url(complaint, "gestures"), {"type": "refund", "amount": "120", "currency": "EUR"})
    page = words(alice.get(url(complaint)))
    assert "an admin must approve it before you promise it" in page
    assert "Don't promise it yet: an admin decides, as this queue has no active team lead." in page
    assert Notice.objects.get().user == desk.admin


def test_above_the_limit_the_agent_cannot_promise_it_until_the_lead_approves(desk, complaint, alice, bob_lead):
    alice.post(url(complaint, "gestures"), {"type": "refund", "amount": "120", "currency": "EUR"})
    gesture = Gesture.objects.get()
    assert gesture.status == Gesture.Status.AWAITING
    page = words(alice.get(url(complaint)))
    assert "the team lead must approve it before you promise it" in page
    assert "Don't promise it yet: the team lead decides." in page
    assert "Approve" not in page  # Alice is no lead
    # A crafted approval from Alice changes nothing.
    alice.post(url(complaint, f"gestures/{gesture.pk}/decide"), {"decision": "approve"})
    gesture.refresh_from_db()
    assert gesture.status == Gesture.Status.AWAITING
    assert "Only the queue's team lead" in words(alice.get(url(complaint)))
    # Bob, the lead, has a notice and approves on the page.
    assert Notice.objects.get(user=desk.agent_b).kind == Notice.Kind.APPROVAL
    assert "Gestures waiting for your approval" in words(bob_lead.get("/desk/me/"))
    lead_page = words(bob_lead.get(url(complaint)))
    assert "Approve" in lead_page and "Decline" in lead_page
    response = bob_lead.post(url(complaint, f"gestures/{gesture.pk}/decide"), {"decision": "approve"})
    assert response.status_code == 302
    gesture.refresh_from_db()
    assert (gesture.status, gesture.decided_by) == (Gesture.Status.PROMISED, desk.agent_b)
    assert "approved by Bob Builder" in words(alice.get(url(complaint)))


def test_a_refused_gesture_is_shown_again_with_the_error_beside_the_field(desk, complaint, alice):
    response = alice.post(url(complaint, "gestures"), {"type": "refund", "amount": "", "currency": "EUR"})
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert re.search(r'id="id_amount_error"[^>]*>.*?A refund needs its amount', page, re.S)
    assert not Gesture.objects.exists()


def test_the_resolution_is_recorded_then_the_complaint_closes(desk, complaint, alice):
    cause = RootCause.objects.get_or_create(name="Our mistake")[0]
    refused = alice.post(url(complaint, "update"), {"status": "closed", "priority": complaint.priority, "assignee": ""})
    assert refused.status_code == 400
    assert "can't be solved without its resolution" in words(refused)
    response = alice.post(url(complaint, "resolution"), {"root_cause": cause.pk, "note": "We billed twice."})
    assert response.status_code == 302
    assert ComplaintResolution.objects.get(ticket=complaint).note == "We billed twice."
    page = words(alice.get(url(complaint)))
    assert "Resolution recorded: the complaint can be solved now." in page
    assert "Update the resolution" in page and "We billed twice." in page
    closed = alice.post(url(complaint, "update"), {"status": "closed", "priority": complaint.priority, "assignee": ""})
    assert closed.status_code == 302
    assert Ticket.objects.get(pk=complaint.pk).status == Ticket.Status.CLOSED


def test_a_resolution_without_its_cause_is_shown_again_beside_the_field(desk, complaint, alice):
    response = alice.post(url(complaint, "resolution"), {"root_cause": "", "note": "Typed this much."})
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "Typed this much." in page and 'id="id_root_cause_error"' in page
    assert not ComplaintResolution.objects.exists()


def test_mark_as_praise_then_it_shows_on_the_agents_page(desk, ticket, alice):
    MessageFactory(ticket=ticket, author_kind="agent", author_user=desk.agent_a, body="Restart the spooler.")
    thanks = MessageFactory(ticket=ticket, body="That fixed it, Alice is brilliant!")
    assert "Mark as praise" in words(alice.get(url(ticket)))
    response = alice.post(url(ticket, f"praise/{thanks.pk}"))
    assert response.status_code == 302
    page = words(alice.get(url(ticket)))
    assert "Marked as praise for Alice Agent." in page and "Praise" in page
    assert Praise.objects.get().agent == desk.agent_a
    me = words(alice.get("/desk/me/"))
    assert "Praise from customers" in me and "That fixed it, Alice is brilliant!" in me


@pytest.mark.parametrize("items", [1, 15])
def test_my_page_lists_praise_paginated_in_constant_queries(desk, ticket, alice, django_assert_max_num_queries, items):
    from tickets.services.praise import praise_record

    for n in range(items):
        praise_record(ticket=ticket, marked_by=None, text=f"Thank you number {n}", agent=desk.agent_a)
    with django_assert_max_num_queries(12):
        page = words(alice.get("/desk/me/"))
    assert page.count("Thank you number") == min(items, 10)


def test_the_follow_ups_card_says_when_it_is_due(desk, ticket, alice):
    FollowUpRule.objects.all().delete()
    FollowUpRule.objects.create(name="Still working?", kind="problem", days=3, message="Still ok?")
    services.ticket_status_change(ticket=ticket, agent=desk.agent_a, status=Ticket.Status.RESOLVED)
    page = words(alice.get(url(ticket)))
    assert "Follow-ups" in page and "Still working? · due" in page


@pytest.mark.parametrize(
    "action",
    ["gestures", "resolution", "gestures/1/decide", "praise/1"],
)
def test_another_queues_agent_gets_404_and_get_is_refused(desk, complaint, bob, alice, action):
    desk.queue_a.team_lead = None  # Bob no longer leads Billing: its tickets are not his to see
    desk.queue_a.save()
    assert bob.post(url(complaint, action), {"decision": "approve"}).status_code == 404
    assert alice.get(url(complaint, action)).status_code == 405
