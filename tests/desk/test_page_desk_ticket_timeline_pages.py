"""A long ticket on the desk: the latest 100 entries, a link to the ones before, the same cost."""

from __future__ import annotations

import html
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import TicketFactory, timeline_written
from tickets.models import Ticket
from tickets.selectors_timeline import TIMELINE_PAGE
from tickets.sla_config import sla_config


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def shown_messages(text: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<li id="message-(\d+)"', text)]


def link(text: str, label: str) -> str:
    match = re.search(rf'<a href="([^"]+)">{label}</a>', text)
    assert match, f"no link {label!r}"
    return match.group(1)


def test_a_long_ticket_shows_the_latest_entries_and_walks_back_to_the_first(desk, ticket: Ticket, alice):
    places = timeline_written(ticket, messages=150, events=0)
    path = f"/desk/t/{ticket.reference}/"

    latest = page(alice, path)
    assert shown_messages(latest) == [pk for _, _, pk in places[-TIMELINE_PAGE:]]
    assert "Back to the latest" not in latest
    earlier_url = link(latest, "Show earlier messages and events")
    assert earlier_url.startswith(f"{path}?before=") and earlier_url.endswith("#timeline")

    earlier = page(alice, earlier_url.removesuffix("#timeline"))
    assert shown_messages(earlier) == [pk for _, _, pk in places[:-TIMELINE_PAGE]]
    assert "Show earlier messages and events" not in earlier
    assert link(earlier, "Back to the latest") == f"{path}#timeline"
    assert f'action="{path}reply/"' in earlier  # a reply from here goes on the ticket as usual


def test_the_page_before_costs_what_the_latest_costs(desk, ticket: Ticket, alice):
    timeline_written(ticket, messages=260, events=40)
    sla_config()  # as after the process's first request
    path = f"/desk/t/{ticket.reference}/"
    with CaptureQueriesContext(connection) as latest_queries:
        latest = page(alice, path)
    with CaptureQueriesContext(connection) as earlier_queries:
        page(alice, link(latest, "Show earlier messages and events").removesuffix("#timeline"))
    assert len(earlier_queries) == len(latest_queries)


def test_a_cursor_that_means_nothing_shows_the_latest_page(desk, ticket: Ticket, alice):
    places = timeline_written(ticket, messages=3, events=1)
    text = page(alice, f"/desk/t/{ticket.reference}/?before=m1.99999999999999999999")
    assert shown_messages(text) == [pk for _, is_event, pk in places if not is_event]
    assert "Back to the latest" not in text


def test_a_link_to_an_early_message_opens_the_page_that_ends_with_it(desk, ticket: Ticket, alice):
    places = timeline_written(ticket, messages=150, events=30)  # two messages, then an event, share instants
    messages = [place for place in places if not place[1]]
    target = messages[20][2]  # far behind the latest page
    text = page(alice, f"/desk/t/{ticket.reference}/?message={target}")
    shown = shown_messages(text)
    assert shown[-1] == target  # the message, with the entries before it
    entries_through = places[: places.index(messages[20]) + 1]
    assert shown == [pk for _, is_event, pk in entries_through[-TIMELINE_PAGE:] if not is_event]
    assert link(text, "Back to the latest") == f"/desk/t/{ticket.reference}/#timeline"


def test_a_link_to_a_recent_message_opens_the_latest_page(desk, ticket: Ticket, alice):
    places = timeline_written(ticket, messages=150, events=0)
    recent = places[-5][2]
    text = page(alice, f"/desk/t/{ticket.reference}/?message={recent}")
    assert shown_messages(text) == [pk for _, _, pk in places[-TIMELINE_PAGE:]]
    assert "Back to the latest" not in text


def test_a_link_to_another_tickets_message_opens_the_latest_page(desk, ticket: Ticket, alice):
    other = TicketFactory(queue=ticket.queue)
    [foreign] = timeline_written(other, messages=1, events=0)
    places = timeline_written(ticket, messages=120, events=0)
    for raw in (str(foreign[2]), "9" * 30, "abc"):
        text = page(alice, f"/desk/t/{ticket.reference}/?message={raw}")
        assert shown_messages(text) == [pk for _, _, pk in places[-TIMELINE_PAGE:]]
        assert f'id="message-{foreign[2]}"' not in text


def test_a_reply_to_a_long_ticket_costs_what_a_reply_to_a_short_one_does(desk, alice):
    def reply_queries(ticket: Ticket) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = alice.post(f"/desk/t/{ticket.reference}/reply/", {"visibility": "public", "body": "On it."})
        assert response.status_code == 302
        return len(queries)

    short, long = TicketFactory(queue=desk.queue_a), TicketFactory(queue=desk.queue_a)
    timeline_written(short, messages=3, events=2)
    timeline_written(long, messages=600, events=200)
    reply_queries(TicketFactory(queue=desk.queue_a))  # the process's first request builds its caches
    assert reply_queries(long) == reply_queries(short) <= 25  # 27 before the promise bookkeeping was trimmed
    assert long.messages.filter(body="On it.").exists()
