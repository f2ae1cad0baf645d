"""The desk's ticket page with people the customer copied: "Copied: ..." beside the customer,
a ticked box per person in the composer, the agent's ticks sent and remembered."""

from __future__ import annotations

import html

import pytest
from django.utils import timezone

from tickets import services
from tickets.models import OutboundEmail, Ticket

pytestmark = pytest.mark.django_db


def url(ticket: Ticket, action: str = "") -> str:
    return f"/desk/t/{ticket.reference}/{action + '/' if action else ''}"


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def copied_ticket(ticket: Ticket) -> Ticket:
    services.ticket_copies_add(ticket=ticket, addresses=["lin@work.example", "bob@example.com"], at=timezone.now())
    return ticket


def copies_sent() -> list[str]:
    rows = OutboundEmail.objects.filter(kind=OutboundEmail.Kind.REPLY_COPY).order_by("id")
    return list(rows.values_list("to_email", flat=True))


def test_the_page_shows_who_is_copied_and_offers_each_ticked(copied_ticket, alice):
    page = text(alice.get(url(copied_ticket)))
    assert "Copied: " in page and '<a href="mailto:lin@work.example">lin@work.example</a>' in page
    assert "Copy this reply to" in page
    assert page.count('name="copy_to"') == 2 and 'name="copies_offered"' in page
    assert 'name="copy_to" value="lin@work.example"' in page


def test_a_ticket_without_copies_shows_no_boxes(ticket, alice):
    page = text(alice.get(url(ticket)))
    assert "Copy this reply to" not in page and "Copied:" not in page


def test_the_agent_unticks_one_the_reply_goes_to_the_other_and_the_choice_sticks(copied_ticket, alice):
    offered = ["lin@work.example", "bob@example.com"]
    response = alice.post(
        url(copied_ticket, "reply"),
        {"visibility": "public", "body": "On its way.", "copies_offered": offered, "copy_to": ["lin@work.example"]},
        follow=True,
    )
    assert f"Reply sent to {copied_ticket.customer.name}, copied to lin@work.example." in text(response)
    assert copies_sent() == ["lin@work.example"]
    page = text(alice.get(url(copied_ticket)))
    assert 'value="lin@work.example"' in page
    checked = [line for line in page.splitlines() if 'name="copy_to"' in line and "checked" in line]
    assert len(checked) == 1 and "lin@work.example" in checked[0]  # Bob stays unticked next time


def test_inserting_a_canned_response_keeps_the_boxes_as_the_agent_left_them(copied_ticket, alice):
    response = alice.post(
        url(copied_ticket, "reply"),
        {
            "visibility": "public",
            "body": "Hello",
            "copies_offered": ["lin@work.example", "bob@example.com"],
            "copy_to": ["bob@example.com"],
            "insert_article": "1",
        },
    )
    page = text(response)
    checked = [line for line in page.splitlines() if 'name="copy_to"' in line and "checked" in line]
    assert len(checked) == 1 and "bob@example.com" in checked[0]
    assert not OutboundEmail.objects.filter(kind=OutboundEmail.Kind.REPLY_COPY).exists()  # nothing sent


def test_a_posted_address_the_ticket_does_not_have_is_refused_and_nothing_is_sent(copied_ticket, alice):
    response = alice.post(
        url(copied_ticket, "reply"),
        {"visibility": "public", "body": "Hi", "copies_offered": ["lin@work.example"], "copy_to": ["x@evil.example"]},
    )
    assert response.status_code == 400
    assert not copied_ticket.messages.exists() and copies_sent() == []
