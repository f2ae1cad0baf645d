"""The customer's ticket page at /support/t/<ref>/<token>/ and its file downloads."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tests.factories import MessageFactory, TicketFactory
from tickets import services
from tickets.links import link_path
from tickets.models import Message, OutboundEmail, Promise, Ticket

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def png(name: str = "screen.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def wrong_token(path: str) -> str:
    ref, token = path.rstrip("/").split("/")[-2:]
    return f"/support/t/{ref}/{'A' if token[0] != 'A' else 'B'}{token[1:]}/"


def customer_file(ticket: Ticket, name: str = "screen.png"):
    message = services.customer_reply_post(ticket=ticket, body="Here is a screenshot", files=[png(name)])
    return message.attachments.get()


def note_file(ticket: Ticket, agent):
    message = services.agent_reply_post(
        ticket=ticket, agent=agent, body="Internal screenshot", internal=True, files=[png("note.png")]
    )
    return message.attachments.get()


def with_status(ticket: Ticket, status: str) -> Ticket:
    Ticket.objects.filter(pk=ticket.pk).update(status=status)
    ticket.refresh_from_db()
    return ticket


def test_the_right_link_shows_public_messages_but_never_notes(desk, ticket, customer_link, client):
    MessageFactory(ticket=ticket, body="My printer prints nothing at all")
    services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="Have you tried new toner?")
    services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="Customer sounds annoyed", internal=True)
    response = client.get(customer_link)
    assert response.status_code == 200
    page = text(response)
    assert "My printer prints nothing at all" in page
    assert "Have you tried new toner?" in page
    assert "Customer sounds annoyed" not in page
    assert "Internal note" not in page
    assert ticket.subject in page and ticket.reference in page


def test_the_page_keeps_its_link_to_our_own_origin(desk, customer_link, client):
    # same-origin: no Referer leaves for another site, yet the page's own POST carries a real
    # Origin (under no-referrer browsers send "Origin: null" and the CSRF check refuses replies).
    assert client.get(customer_link)["Referrer-Policy"] == "same-origin"


def test_a_reply_with_the_browsers_origin_header_passes_the_csrf_check(desk, ticket, customer_link):
    browser = Client(enforce_csrf_checks=True)
    browser.get(customer_link)
    token = browser.cookies["csrftoken"].value
    response = browser.post(
        customer_link,
        {"body": "Still blank", "csrfmiddlewaretoken": token},
        headers={"Origin": "http://testserver"},
    )
    assert response.status_code == 302
    assert ticket.messages.filter(body="Still blank").exists()


def test_head_answers_like_get(desk, customer_link, client):
    response = client.head(customer_link)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert response.content == b""


def test_wrong_token_unknown_and_malformed_references_look_the_same(desk, ticket, customer_link, client):
    token = customer_link.rstrip("/").split("/")[-1]
    paths = [
        wrong_token(customer_link),
        f"/support/t/HD-{ticket.pk + 1000 + 99}/{token}/",
        f"/support/t/not-a-ref/{token}/",
        f"/support/t/HD-0/{token}/",
    ]
    responses = [client.get(path) for path in paths]
    assert [r.status_code for r in responses] == [404] * len(paths)
    # Our 404 page, identical for all four (bar the per-response CSP nonce).
    assert len({re.sub(r'nonce="[^"]+"', "", text(r)) for r in responses}) == 1
    assert ticket.subject not in text(responses[0])


def test_reply_adds_a_message_and_brings_a_waiting_ticket_back(desk, ticket, customer_link, client):
    with_status(ticket, Ticket.Status.WAITING)
    assert "We're waiting for your reply below." in text(client.get(customer_link))
    response = client.post(customer_link, {"body": "Here is the model number: X200"})
    assert response.status_code == 302 and response.url == customer_link
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    assert ticket.messages.get().body == "Here is the model number: X200"
    page = text(client.get(customer_link))
    assert "Thanks, your reply has been added." in page
    assert "Here is the model number: X200" in page and "We're working on it" in page


def test_reply_with_a_file_shows_its_download_link(desk, ticket, customer_link, client):
    client.post(customer_link, {"body": "See attached", "attachments": png("error.png")})
    attachment = ticket.attachments.get()
    assert f'href="{customer_link}files/{attachment.pk}/"' in client.get(customer_link).content.decode()


def test_an_empty_reply_keeps_the_page_and_says_what_is_wrong(desk, ticket, customer_link, client):
    response = client.post(customer_link, {"body": "   "})
    assert response.status_code == 400
    page = text(response)
    assert ticket.subject in page
    assert "Please write your reply before sending." in page
    assert 'aria-describedby="id_body_error"' in page
    assert not ticket.messages.exists()


def test_a_closed_ticket_takes_a_message_as_a_new_request_that_follows_it(desk, ticket, customer_link, client):
    with_status(ticket, Ticket.Status.CLOSED)
    page = text(client.get(customer_link))
    assert "This request is closed, so your message will start a new request that follows this one." in page
    assert "Send as a new request" in page
    response = client.post(customer_link, {"body": "Hello again?"})
    follow_up = Ticket.objects.exclude(pk=ticket.pk).get()
    assert response.status_code == 302 and response["Location"] == link_path(follow_up)  # the customer's own
    assert (follow_up.follows, follow_up.subject, follow_up.customer) == (ticket, ticket.subject, ticket.customer)
    assert list(follow_up.messages.values_list("body", flat=True)) == ["Hello again?"]
    assert not ticket.messages.exists()
    assert follow_up.emails.get().kind == OutboundEmail.Kind.ACKNOWLEDGEMENT
    page = text(client.get(response["Location"]))
    said = f"We've opened a new request, {follow_up.reference}, for your message, and emailed you its private link."
    assert said in page
    # The old link again: the message joins that follow-up instead of opening another one.
    response = client.post(customer_link, {"body": "And one more thing."})
    assert response["Location"] == link_path(follow_up)
    assert Ticket.objects.count() == 2
    assert f"added to your newer request {follow_up.reference}" in text(client.get(response["Location"]))


def test_a_resolved_ticket_invites_a_reply_to_reopen(desk, ticket, customer_link, client):
    with_status(ticket, Ticket.Status.RESOLVED)
    page = text(client.get(customer_link))
    assert "Solved" in page and "Not solved after all? Reply to reopen it" in page


def test_a_ticket_solved_longer_ago_than_the_reopen_window_follows_up_instead(
    desk, ticket, customer_link, client, settings
):
    settings.REOPEN_WITHIN_DAYS = 14
    Ticket.objects.filter(pk=ticket.pk).update(
        status=Ticket.Status.RESOLVED, resolved_at=timezone.now() - timedelta(days=14, minutes=1)
    )
    page = text(client.get(customer_link))
    assert "This request was solved more than 14 days ago, so your message will start a new request" in page
    assert "Reply to reopen it" not in page
    client.post(customer_link, {"body": "It broke again."})
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED and not ticket.messages.exists()
    assert Ticket.objects.get(follows=ticket).messages.get().body == "It broke again."


def download(client, link: str, attachment_id: int):
    return client.get(f"{link}files/{attachment_id}/")


def test_a_public_file_downloads_safely(desk, ticket, customer_link, client):
    attachment = customer_file(ticket, "my screen.png")
    response = download(client, customer_link, attachment.pk)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Disposition"].startswith("attachment;")
    assert "my screen.png" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/png"


def test_a_file_of_an_internal_note_is_not_found(desk, ticket, customer_link, client):
    assert download(client, customer_link, note_file(ticket, desk.agent_a).pk).status_code == 404


def test_another_tickets_file_is_not_found(desk, ticket, customer_link, client):
    other = customer_file(TicketFactory(queue=desk.queue_a))
    assert download(client, customer_link, other.pk).status_code == 404


def test_a_file_with_a_wrong_token_is_not_found(desk, ticket, customer_link, client):
    attachment = customer_file(ticket)
    assert download(client, wrong_token(customer_link), attachment.pk).status_code == 404


def test_a_note_without_files_leaves_the_customer_view_unchanged(desk, ticket, customer_link, client):
    MessageFactory(ticket=ticket, body="First words", visibility=Message.Visibility.PUBLIC)
    before = text(client.get(customer_link)).count('class="bubble ')
    services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="note only", internal=True)
    assert text(client.get(customer_link)).count('class="bubble ') == before == 1
    assert link_path(ticket) == customer_link  # a note does not rotate the link


def test_the_promise_shows_in_the_customers_own_time(desk, ticket):
    ticket.customer.timezone = "America/New_York"
    ticket.customer.save()
    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    due = datetime(2026, 3, 11, 19, 0, tzinfo=UTC)  # 15:00 in New York (EDT) the next day
    Promise.objects.create(ticket=ticket, kind="first_response", source="policy", due_at=due, created_at=now)
    with time_machine.travel(now, tick=False):
        page = html.unescape(Client().get(link_path(ticket)).content.decode())
    assert "We'll update you by tomorrow at 15:00 (New York time)." in page


def test_a_paused_promise_tells_the_customer_the_clock_waits(desk, ticket):
    ticket.status = "waiting"
    ticket.save()
    Promise.objects.create(
        ticket=ticket, kind="next_update", source="agent", created_at=timezone.now(),
        paused_at=timezone.now(), remaining_seconds=5400,
    )  # fmt: skip
    page = html.unescape(Client().get(link_path(ticket)).content.decode())
    # No policy: the business time carried forward, in the words of the email (tickets.promise_text)
    assert "The clock waits for you: once you answer, we'll update you within 90 business minutes." in page
