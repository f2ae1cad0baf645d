"""A long conversation in Chromium: the agent and the customer each read the latest messages,
go back to the earliest with "Show earlier", and return to the latest. Screenshots land in
test-artifacts/.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.helpers import Screenshot, sign_in
from tests.factories import TicketFactory, timeline_written
from tickets.links import link_path

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
