"""A long conversation on the customer's private page: the latest 100 messages, then the rest."""

from __future__ import annotations

import html
import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import TicketFactory, timeline_written
from tickets.links import link_path
from tickets.models import Message


def page(path: str) -> str:
    response = Client().get(path)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def bodies(text: str) -> list[str]:
    return re.findall(r"<p>(Message \d+)</p>", text)


def test_the_customer_reads_the_latest_messages_then_the_earlier_ones_and_never_a_note(desk):
    ticket = TicketFactory(queue=desk.queue_a)
    timeline_written(ticket, messages=140, events=10, notes_every=7)
    public = list(ticket.messages.exclude(visibility=Message.Visibility.NOTE).order_by("created_at", "id"))
    path = link_path(ticket)

    latest = page(path)
    assert bodies(latest) == [m.body for m in public[-100:]]
    earlier_url = re.search(r'<a href="([^"]+)">Show earlier messages</a>', latest).group(1)
    assert earlier_url.startswith(f"{path}?before=")

    earlier = page(earlier_url.removesuffix("#conversation"))
    assert bodies(earlier) == [m.body for m in public[:-100]]
    assert "Back to the latest" in earlier and "Show earlier messages" not in earlier
    notes = {m.body for m in ticket.messages.filter(visibility=Message.Visibility.NOTE)}
    assert not notes & set(bodies(latest) + bodies(earlier))


def test_the_private_page_costs_the_same_for_5_messages_or_300(desk):
    counts = []
    for messages in (5, 300):
        ticket = TicketFactory(queue=desk.queue_a)
        timeline_written(ticket, messages=messages, events=0)
        page(link_path(ticket))  # the first visit may build the process's copies
        with CaptureQueriesContext(connection) as queries:
            page(link_path(ticket))
        counts.append(len(queries))
    assert counts[0] == counts[1]
