"""A long conversation in Chromium: the agent and the customer each read the latest messages,
go back to the earliest with "Show earlier", and return to the latest; a mention far back opens
the page that holds its note. Screenshots land in test-artifacts/.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from tests.e2e.helpers import Screenshot, sign_in
from tests.factories import TicketFactory, timeline_written
from tickets.links import link_path
from tickets.models import Message, Notice

pytestmark = [pytest.mark.browser, pytest.mark.postgres]


def test_agent_and_customer_page_back_through_a_long_conversation(
    desk: Any, live_site: str, browser: Browser, screenshot: Screenshot
) -> None:
    ticket = TicketFactory(queue=desk.queue_a, subject="Invoices arrive twice")
    timeline_written(ticket, messages=130, events=20)  # "Message 0" to "Message 129"

    agent = browser.new_context().new_page()
    sign_in(agent, live_site, "alice")
    agent.goto(f"{live_site}/desk/t/{ticket.reference}/")
    timeline = agent.get_by_role("list", name="Timeline")
    expect(timeline.get_by_text("Message 129", exact=True)).to_be_visible()
    expect(timeline.get_by_text("Message 0", exact=True)).to_have_count(0)
    agent.get_by_role("link", name="Show earlier messages and events").click()
    expect(timeline.get_by_text("Message 0", exact=True)).to_be_visible()
    expect(timeline.get_by_text("Message 129", exact=True)).to_have_count(0)
    expect(agent.get_by_role("link", name="Show earlier messages and events")).to_have_count(0)
    screenshot(agent, "timeline-01-agent-earlier-entries")
    agent.get_by_role("link", name="Back to the latest").click()
    expect(timeline.get_by_text("Message 129", exact=True)).to_be_visible()
    expect(agent.get_by_label("Message")).to_be_visible()  # the composer, ready for the next reply

    customer = browser.new_context().new_page()
    customer.goto(f"{live_site}{link_path(ticket)}")
    conversation = customer.get_by_role("list", name="Conversation")
    expect(conversation.get_by_text("Message 129", exact=True)).to_be_visible()
    customer.get_by_role("link", name="Show earlier messages").click()
    expect(conversation.get_by_text("Message 0", exact=True)).to_be_visible()
    screenshot(customer, "timeline-02-customer-earlier-messages")
    customer.get_by_role("link", name="Show the latest messages").click()
    expect(conversation.get_by_text("Message 129", exact=True)).to_be_visible()


def test_an_agent_follows_a_mention_to_a_note_far_back_in_a_long_ticket(
    desk: Any, live_site: str, browser: Browser, screenshot: Screenshot
) -> None:
    ticket = TicketFactory(queue=desk.queue_a, subject="Printer jams on tray 2")
    places = timeline_written(ticket, messages=160, events=20, notes_every=40)  # notes: Message 0, 40, 80, 120
    old_note = Message.objects.get(ticket=ticket, body="Message 40")
    assert old_note.is_note and old_note.pk in [pk for _, _, pk in places[:-100]]  # not on the latest page
    Notice.objects.create(
        ticket=ticket, user=desk.agent_a, kind=Notice.Kind.MENTION, message=old_note, created_at=timezone.now()
    )

    agent = browser.new_context().new_page()
    sign_in(agent, live_site, "alice")
    agent.goto(f"{live_site}/desk/notices/")
    agent.get_by_role("link", name="“Message 40”").click()
    note = agent.locator(f"#message-{old_note.pk}")
    expect(note).to_contain_text("Message 40")
    expect(note).to_be_in_viewport()
    expect(agent.get_by_text("You are reading earlier entries.")).to_be_visible()
    screenshot(agent, "timeline-03-mention-far-back")
    agent.get_by_role("link", name="Show the latest messages and events").click()
    expect(agent.get_by_role("list", name="Timeline").get_by_text("Message 159", exact=True)).to_be_visible()
