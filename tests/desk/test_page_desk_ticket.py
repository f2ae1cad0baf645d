"""The agent's ticket page at /desk/t/<ref>/ with its reply, update and file endpoints."""

from __future__ import annotations

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.factories import MessageFactory, UserFactory
from tickets import services
from tickets.models import Message, OutboundEmail, Ticket, TicketEvent
from tickets.sla_config import sla_config

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
TICKET_QUERIES = 30  # session, user, the agent's bell/duty/zone, ticket, pending promise, promise counts, agents,
# the tickets it follows up or that follow it up, the people the customer copied,
# messages, files, events (the ticket's policy comes from the process's copy: call sla_config() first),
# canned responses for the composer (one query, whatever their number),
# help articles for the composer's link picker (matches, then most read: two queries at most),
# the conversation marker (newest event id) and the agents a note may @mention (desk/collide.py),
# the triage cards (six: tags, tag names to suggest, related tickets, followers, merge candidates, queues),
# the previous and the next ticket in the view (one index seek each),
# the customer panel (their ticket counts, a few of their other tickets: two queries),
# the care cards (the ticket's follow-ups, its praised messages; a complaint's are counted in
# tests/desk/test_page_desk_ticket_care.py),
# the customer's ratings of each solve (one query)

pytestmark = pytest.mark.django_db


def url(ticket: Ticket, action: str = "") -> str:
    return f"/desk/t/{ticket.reference}/{action + '/' if action else ''}"


def text(response) -> str:
    return html.unescape(response.content.decode())


def reply(client, ticket, body="We've ordered new toner.", **extra):
    return client.post(url(ticket, "reply"), {"visibility": "public", "body": body, **extra})


def update(client, ticket, follow=False, **changes):
    data = {"status": ticket.status, "priority": ticket.priority, "assignee": ticket.assignee_id or ""}
    return client.post(url(ticket, "update"), {**data, **changes}, follow=follow)


def png(name: str = "screen.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def test_alice_sees_the_timeline(desk, ticket, alice):
    MessageFactory(ticket=ticket, body="My printer prints blank pages")
    services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="Toner is on its way")
    services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="Customer is a VIP", internal=True)
    response = alice.get(url(ticket))
    assert response.status_code == 200
    page = text(response)
    for words in ("My printer prints blank pages", "Toner is on its way", "Customer is a VIP", ticket.reference):
        assert words in page
    assert page.count(">Internal note</span>") == 1
    assert page.index("My printer prints blank pages") < page.index("Toner is on its way")
    assert "Alice Agent: status changed" in page and "New → Open" in page  # the first reply opened it


def test_admin_sees_any_ticket(desk, ticket, admin_client_):
    assert admin_client_.get(url(ticket)).status_code == 200


def test_bob_from_another_queue_finds_nothing(desk, ticket, bob):
    attachment = services.customer_reply_post(ticket=ticket, body="pic", files=[png()]).attachments.get()
    assert bob.get(url(ticket)).status_code == 404
    assert reply(bob, ticket).status_code == 404
    assert update(bob, ticket, status="closed").status_code == 404
    assert bob.get(url(ticket, f"files/{attachment.pk}")).status_code == 404
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.NEW and ticket.messages.count() == 1


def test_unknown_and_malformed_references_give_404(desk, alice):
    assert alice.get("/desk/t/HD-99999/").status_code == 404
    assert alice.get("/desk/t/nonsense/").status_code == 404


def test_a_stranger_is_sent_to_login(desk, ticket, stranger):
    response = stranger.get(url(ticket))
    assert response.status_code == 302 and response.url == f"/desk/login/?next={url(ticket)}"
    assert reply(stranger, ticket).status_code == 302
    assert not ticket.messages.exists()


def test_a_public_reply_is_saved_and_emailed(desk, ticket, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = reply(alice, ticket, status_after="waiting")
    assert response.status_code == 302 and response.url == url(ticket)
    message = ticket.messages.get()
    assert message.body == "We've ordered new toner."
    assert (message.visibility, message.author_user) == ("public", desk.agent_a)
    email = OutboundEmail.objects.get()
    assert (email.kind, email.message) == (OutboundEmail.Kind.AGENT_REPLY, message)
    assert len(callbacks) == 1
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.WAITING
    assert f"Reply sent to {ticket.customer.name}." in text(alice.get(url(ticket)))


def test_a_note_is_never_emailed(desk, ticket, alice):
    response = reply(alice, ticket, visibility="note", body="Check the warranty first")
    assert response.status_code == 302
    assert ticket.messages.get().visibility == Message.Visibility.NOTE
    assert not OutboundEmail.objects.exists()
    assert "Internal note added." in text(alice.get(url(ticket)))


def test_a_reply_with_a_file_links_to_its_download(desk, ticket, alice):
    reply(alice, ticket, attachments=png("invoice.png"))
    attachment = ticket.attachments.get()
    assert f'href="{url(ticket, f"files/{attachment.pk}")}"' in alice.get(url(ticket)).content.decode()
    response = alice.get(url(ticket, f"files/{attachment.pk}"))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_empty_reply_keeps_the_composer_as_it_was(desk, ticket, alice):
    response = reply(alice, ticket, body="   ", visibility="note", status_after="waiting")
    assert response.status_code == 400
    page = text(response)
    assert "This field is required." in page and 'aria-describedby="id_body_error"' in page
    assert re.search(r'<input[^>]*value="note"[^>]*checked', page)  # still "Internal note"
    assert '<option value="waiting" selected>' in page
    assert not ticket.messages.exists()


def test_a_refused_reply_keeps_the_text(desk, ticket, alice):
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.CLOSED)
    response = reply(alice, ticket, body="Long careful answer")
    assert response.status_code == 400
    page = text(response)
    assert "This ticket is closed; add an internal note instead." in page
    assert "Long careful answer</textarea>" in page
    assert not ticket.messages.exists()


def test_update_changes_status_priority_and_assignee(desk, ticket, alice):
    response = update(alice, ticket, status="open", priority=Ticket.Priority.URGENT, assignee=desk.agent_a.pk)
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.assignee) == ("open", Ticket.Priority.URGENT, desk.agent_a)
    kinds = set(ticket.events.values_list("kind", flat=True))
    assert kinds == {TicketEvent.Kind.STATUS_CHANGED, TicketEvent.Kind.PRIORITY_CHANGED, TicketEvent.Kind.ASSIGNED}
    page = text(alice.get(url(ticket)))
    assert "Ticket updated." in page and "Normal → Urgent" in page and "Unassigned → Alice Agent" in page


def test_an_unchanged_update_says_so(desk, ticket, alice):
    assert "Nothing to change." in text(update(alice, ticket, follow=True))
    assert not ticket.events.exists()


def test_an_illegal_transition_shows_an_error(desk, ticket, alice):
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.CLOSED)
    ticket.refresh_from_db()
    response = update(alice, ticket, status="open")
    assert response.status_code == 400
    assert "A closed ticket can't become open." in text(response)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED and not ticket.events.exists()


def test_assigning_an_agent_of_another_queue_is_refused(desk, ticket, alice):
    response = update(alice, ticket, assignee=desk.agent_b.pk)
    assert response.status_code == 400
    assert "Pick an agent who works in this ticket's queue." in text(response)
    ticket.refresh_from_db()
    assert ticket.assignee is None and not ticket.events.exists()


def test_reply_and_update_urls_refuse_get(desk, ticket, alice):
    assert alice.get(url(ticket, "reply")).status_code == 405
    assert alice.get(url(ticket, "update")).status_code == 405


def test_posts_without_csrf_token_are_refused(desk, ticket):
    client = Client(enforce_csrf_checks=True)
    client.force_login(desk.agent_a)
    assert reply(client, ticket).status_code == 403
    assert update(client, ticket, status="closed").status_code == 403
    assert not ticket.messages.exists() and not ticket.events.exists()


def busy(ticket: Ticket, agent, messages: int) -> None:
    for n in range(messages):
        if n % 2:
            services.agent_reply_post(ticket=ticket, agent=agent, body=f"Reply {n}", internal=n % 4 == 1)
        else:
            services.customer_reply_post(ticket=ticket, body=f"Message {n}", files=[png(f"f{n}.png")])
        services.ticket_priority_change(ticket=ticket, agent=agent, priority=1 + n % 4)


@pytest.mark.parametrize("messages", [1, 20])
def test_query_count_does_not_grow_with_the_timeline(desk, ticket, alice, django_assert_max_num_queries, messages):
    busy(ticket, desk.agent_a, messages)
    sla_config()  # as after the process's first request
    with django_assert_max_num_queries(TICKET_QUERIES):
        page = text(alice.get(url(ticket)))
    assert page.count('class="timeline-message') == messages


def test_a_team_lead_follows_the_tickets_of_the_queue_they_lead(desk, ticket):
    lead = UserFactory(username="lead", first_name="Lena")
    desk.queue_a.team_lead = lead
    desk.queue_a.save()
    client = Client()
    client.force_login(lead)
    assert client.get(url(ticket)).status_code == 200
    assert ticket.subject in html.unescape(client.get("/desk/").content.decode())


def test_a_promise_in_the_past_is_refused_beside_the_field_and_the_reply_kept(desk, ticket, alice):
    response = alice.post(
        url(ticket, "reply"),
        {
            "visibility": "public",
            "body": "We'll look again",
            "next_update": "custom",
            "next_update_at": "2001-01-01T10:00",
        },
    )
    assert response.status_code == 400
    page = text(response)
    assert "Pick a time in the future for the next update." in page
    assert "We&#x27;ll look again" in response.content.decode() or "We'll look again" in page
    assert not ticket.messages.exists()


def test_quick_pick_two_business_hours_sets_the_next_promise(desk, ticket, alice):
    from datetime import timedelta

    response = alice.post(url(ticket, "reply"), {"visibility": "public", "body": "On it", "next_update": "2bh"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    promise = ticket.promises.get(state="pending")
    assert promise.source == "agent" and promise.made_by == desk.agent_a
    assert promise.due_at > ticket.updated_at + timedelta(hours=1, minutes=59)


def test_a_follow_up_and_the_ticket_it_follows_link_to_each_other(desk, ticket, alice):
    services.ticket_status_change(ticket=ticket, agent=desk.agent_a, status=Ticket.Status.CLOSED)
    follow_up = services.customer_write(ticket=ticket, body="Blank pages again.").ticket
    old_page, new_page = text(alice.get(url(ticket))), text(alice.get(url(follow_up)))
    assert f'Followed up in <a href="{url(follow_up)}">{follow_up.reference}</a>' in old_page
    assert f'Follow-up to <a href="{url(ticket)}">{ticket.reference}</a>' in new_page
    event = f'wrote again: a new ticket follows this one <span class="text-body">{follow_up.reference}</span>'
    assert f"{ticket.customer.name}: {event}" in old_page


def test_a_linked_ticket_in_a_queue_the_agent_cannot_see_is_not_shown(desk, ticket, alice):
    services.ticket_status_change(ticket=ticket, agent=desk.agent_a, status=Ticket.Status.CLOSED)
    follow_up = services.customer_write(ticket=ticket, body="Again.").ticket
    Ticket.objects.filter(pk=follow_up.pk).update(queue=desk.queue_b)  # an admin moved it to Bob's queue
    page = text(alice.get(url(ticket)))
    assert "Followed up in" not in page
