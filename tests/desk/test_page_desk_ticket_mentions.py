"""@mentions on the ticket page: the note box's list of agents, what the page says after a note,
the highlighted (and safe) mention in the timeline, and the mentioned agent's bell."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.test import Client

from tests.desk.test_page_desk_notices import NOTICES_QUERIES
from tests.factories import TicketFactory, UserFactory
from tickets.models import Notice, Ticket

pytestmark = pytest.mark.django_db


def url(ticket: Ticket, action: str = "") -> str:
    return f"/desk/t/{ticket.reference}/{action + '/' if action else ''}"


def text(response) -> str:
    return html.unescape(response.content.decode())


def add_note(client, ticket, body, **extra):
    return client.post(url(ticket, "reply"), {"visibility": "note", "body": body, **extra}, follow=True)


@pytest.fixture
def carl(desk):
    carl = UserFactory(username="carl", first_name="Carl", last_name="Clerk")
    desk.queue_a.agents.add(carl)
    return carl


def test_the_note_box_offers_the_agents_who_can_see_the_ticket(desk, ticket, alice, carl):
    page = alice.get(url(ticket)).content.decode()
    raw = re.search(r'data-mention-agents="([^"]*)"', page)
    assert raw
    offered = json.loads(html.unescape(raw.group(1)))
    assert [a["username"] for a in offered] == ["admin", "alice", "carl"]  # bob works another queue
    assert {"username": "carl", "name": "Carl Clerk", "first": "Carl"} in offered


def test_a_note_says_whom_it_notified_and_which_names_it_could_not(desk, ticket, alice, carl):
    page = text(add_note(alice, ticket, "@carl can you call them? @bob knows the model, @nobody else"))
    assert "Internal note added." in page
    assert "Notified Carl Clerk (a notice under the bell and an email)." in page
    assert "@bob can't see this queue; not notified." in page
    assert "@nobody: no agent by that name; not notified." in page
    assert list(Notice.objects.filter(kind=Notice.Kind.MENTION).values_list("user__username", flat=True)) == ["carl"]


def test_an_agent_without_an_email_address_is_told_under_the_bell_only(desk, ticket, alice, carl):
    carl.email = ""
    carl.save()
    page = text(add_note(alice, ticket, "@carl please call them"))
    assert "Notified Carl Clerk under the bell (no email address on file)." in page
    assert Notice.objects.filter(kind=Notice.Kind.MENTION, user=carl).exists()


def test_a_public_reply_mentions_nobody(desk, ticket, alice, carl):
    page = text(alice.post(url(ticket, "reply"), {"visibility": "public", "body": "@carl will call you."}, follow=True))
    assert "Notified" not in page
    assert not Notice.objects.filter(kind=Notice.Kind.MENTION).exists()


def test_mentions_in_a_note_are_highlighted_and_nothing_else_is(desk, ticket, alice, carl):
    add_note(alice, ticket, '@carl see <b onmouseover="x">this</b>, @zed, `@carl` and ann@example.com')
    page = alice.get(url(ticket)).content.decode()
    body = re.search(
        r'<li id="message-\d+" class="timeline-message timeline-note.*?<div class="timeline-body">(.*?)</div>',
        page,
        re.S,
    )
    assert body
    rendered = body.group(1)
    assert rendered.count('<span class="mention">') == 1
    assert '<span class="mention">@carl</span> see' in rendered
    assert "&lt;b onmouseover" in rendered and "<b " not in rendered
    assert "<code>@carl</code>" in rendered  # code stays code
    assert "@zed" in rendered and "ann@example.com" in rendered


def test_the_mentioned_agent_finds_it_under_the_bell(desk, ticket, alice, carl):
    add_note(alice, ticket, "@Carl: the customer prefers a call after 3pm.")
    carls = Client()
    carls.force_login(carl)
    assert "1 unread notice" in carls.get("/desk/").content.decode()
    notices = text(carls.get("/desk/notices/"))
    assert "Mentioned you" in notices
    assert "Alice Agent: “@Carl: the customer prefers a call after 3pm.”" in notices
    assert ticket.reference in notices


@pytest.mark.parametrize("count", [1, 10])
def test_the_notices_page_with_mentions_costs_the_same(desk, alice, carl, count, django_assert_max_num_queries):
    for n in range(count):
        add_note(alice, TicketFactory(queue=desk.queue_a), f"@carl number {n}")
    carls = Client()
    carls.force_login(carl)
    with django_assert_max_num_queries(NOTICES_QUERIES):  # the note and its author come joined
        page = text(carls.get("/desk/notices/"))
    assert page.count("Mentioned you") == count
