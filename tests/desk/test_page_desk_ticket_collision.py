"""Sending from the ticket page over a changed conversation (no JavaScript needed): the page asks
first, showing what changed, keeps the text, sends nothing; "Send anyway" sends."""

from __future__ import annotations

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import UserFactory
from tickets import services
from tickets.conversation import latest_event_id
from tickets.models import Message, OutboundEmail, Promise, Ticket

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def url(ticket: Ticket, action: str = "") -> str:
    return f"/desk/t/{ticket.reference}/{action + '/' if action else ''}"


def text(response) -> str:
    return html.unescape(response.content.decode())


def marker(page: str) -> int:
    match = re.search(r'<input type="hidden" name="seen" value="(\d+)">', page)
    assert match, "the reply form carries the conversation marker"
    return int(match.group(1))


def send(client, ticket, seen, body="We've ordered new toner.", **extra):
    return client.post(url(ticket, "reply"), {"visibility": "public", "body": body, "seen": seen, **extra})


@pytest.fixture
def carl(desk):
    carl = UserFactory(username="carl", first_name="Carl", last_name="Clerk")
    desk.queue_a.agents.add(carl)
    return carl


def test_the_page_carries_the_newest_event_as_its_marker(desk, ticket, alice):
    services.customer_reply_post(ticket=ticket, body="Hello?")
    assert marker(text(alice.get(url(ticket)))) == latest_event_id(ticket)


def test_a_reply_over_a_newer_customer_message_asks_first_and_keeps_the_text(desk, ticket, alice):
    seen = marker(text(alice.get(url(ticket))))
    services.customer_reply_post(ticket=ticket, body="Actually it's the blue printer.")
    file = SimpleUploadedFile("invoice.png", PNG, content_type="image/png")

    answer = send(alice, ticket, seen, body="Try turning it off and on.", attachments=[file], status_after="waiting")

    assert answer.status_code == 409
    page = text(answer)
    assert "The conversation changed since you opened this ticket." in page
    assert f"{ticket.customer.name} wrote 1 min ago" in page
    assert "Nothing was sent." in page
    assert "Try turning it off and on." in page  # the text is kept
    assert "Attach your file again before sending: invoice.png." in page
    assert re.search(r'<option value="waiting" selected>', page)  # so is every other choice
    assert "Send anyway" in page and 'href="#timeline-new"' in page
    assert page.count('id="timeline-new"') == 1  # the review point, before the first new entry
    assert page.index('id="timeline-new"') < page.index("Actually it's the blue printer.")
    assert marker(page) == latest_event_id(ticket)  # the prompt shows the changes: its form has seen them
    assert not Message.objects.filter(author_kind=Message.Author.AGENT).exists()
    assert not OutboundEmail.objects.filter(kind=OutboundEmail.Kind.AGENT_REPLY).exists()


def test_send_anyway_sends(desk, ticket, alice):
    seen = marker(text(alice.get(url(ticket))))
    services.customer_reply_post(ticket=ticket, body="Hello?")
    prompt = text(send(alice, ticket, seen))

    answer = send(alice, ticket, marker(prompt))  # "Send anyway" posts the form, with the prompt's marker

    assert answer.status_code == 302
    assert Message.objects.filter(author_kind=Message.Author.AGENT, body="We've ordered new toner.").count() == 1
    assert OutboundEmail.objects.filter(kind=OutboundEmail.Kind.AGENT_REPLY).count() == 1


def test_send_anyway_asks_again_if_it_changed_once_more(desk, ticket, alice, carl):
    seen = marker(text(alice.get(url(ticket))))
    services.customer_reply_post(ticket=ticket, body="Hello?")
    prompt = text(send(alice, ticket, seen))
    services.agent_reply_post(ticket=ticket, agent=carl, body="Hi, Carl here.")

    again = send(alice, ticket, marker(prompt))

    assert again.status_code == 409
    assert "Carl Clerk replied 1 min ago" in text(again)
    assert f"{ticket.customer.name} wrote" not in text(again)  # already shown
    assert not Message.objects.filter(author_user=desk.agent_a).exists()


def test_a_colleagues_status_change_is_asked_about(desk, ticket, alice, carl):
    seen = marker(text(alice.get(url(ticket))))
    services.ticket_status_change(ticket=ticket, agent=carl, status="resolved")
    answer = send(alice, ticket, seen)
    assert answer.status_code == 409
    page = text(answer)
    assert "Carl Clerk changed the status to Resolved 1 min ago" in page
    assert '<span class="badge status-badge status-resolved">Resolved</span>' in page  # the page as it is now


def test_a_double_send_is_caught(desk, ticket, alice):
    seen = marker(text(alice.get(url(ticket))))
    assert send(alice, ticket, seen).status_code == 302
    second = send(alice, ticket, seen)  # a double click, or the same page in another tab
    assert second.status_code == 409
    assert "You replied 1 min ago" in text(second)
    assert Message.objects.filter(author_user=desk.agent_a).count() == 1


def test_my_own_status_change_is_not_news(desk, ticket, alice):
    seen = marker(text(alice.get(url(ticket))))
    services.ticket_status_change(ticket=ticket, agent=desk.agent_a, status="open")
    assert send(alice, ticket, seen).status_code == 302


def test_a_re_shown_form_keeps_the_marker_it_was_sent_with(desk, ticket, alice):
    seen = marker(text(alice.get(url(ticket))))
    services.customer_reply_post(ticket=ticket, body="Hello?")
    refused = send(alice, ticket, seen, body="   ")  # an empty body: the form again, with its error
    assert refused.status_code == 400
    assert marker(text(refused)) == seen  # a form error is no review of the changes
    inserted = alice.post(
        url(ticket, "reply"), {"visibility": "public", "body": "Hi", "seen": seen, "insert_article": "1"}
    )
    assert marker(text(inserted)) == seen  # nor is an insert without JavaScript
    assert send(alice, ticket, seen).status_code == 409


def test_the_courtesy_check_comes_first_and_send_anyway_then_asks_about_the_change(desk, alice):
    from canned_responses.models import BluntPhrase

    BluntPhrase.objects.get_or_create(phrase="calm down")
    complaint = services.ticket_submit(
        name="Grace", email="grace@example.com", kind=Ticket.Kind.COMPLAINT, subject="Rude", description="Hmm"
    ).ticket
    seen = marker(text(alice.get(url(complaint))))
    services.customer_reply_post(ticket=complaint, body="Hello?")

    courtesy = send(alice, complaint, seen, body="Please calm down.")
    assert "A quick read before sending?" in text(courtesy)
    assert marker(text(courtesy)) == seen
    changed = send(alice, complaint, seen, body="Please calm down.", confirm_courtesy="1")
    assert changed.status_code == 409
    assert "A quick read before sending?" not in text(changed)
    assert (
        send(alice, complaint, marker(text(changed)), body="Please calm down.", confirm_courtesy="1").status_code == 302
    )


def test_two_sends_from_two_agents_make_one_promise_change(desk, ticket, alice, carl):
    """In sequence here; at the same instant on PostgreSQL in tests/e2e/test_reply_concurrency.py."""
    from django.test import Client

    carls = Client()
    carls.force_login(carl)
    seen = marker(text(alice.get(url(ticket))))
    assert send(alice, ticket, seen, next_update="2bh").status_code == 302
    assert send(carls, ticket, seen, next_update="tomorrow10").status_code == 409
    assert Promise.objects.filter(ticket=ticket, state=Promise.State.PENDING).count() == 1
    assert Promise.objects.filter(ticket=ticket, made_by=carl).count() == 0
