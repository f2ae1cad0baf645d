"""An agent works a ticket in Chromium on the real stack: opens it from the queue, adds an
internal note (it looks different, and no email leaves), then changes status, priority and
assignee in one go (the header, the sidebar and the timeline say so; the customer is not
emailed for an internal change). Screenshots land in test-artifacts/.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, expect

from tests.e2e.conftest import Mailbox, Worker
from tests.e2e.helpers import Screenshot, sign_in
from tests.factories import UserFactory
from tickets import services
from tickets.models import Message, OutboundEmail, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.redis]

SUBJECT = "Scanner jams on page two"
NOTE = "Same model as HD-1001: probably the firmware. Checking with the vendor."


def background(item: Locator) -> str:
    return str(item.evaluate("element => getComputedStyle(element).backgroundColor"))


def test_agent_adds_a_note_and_changes_status_priority_and_assignee(
    celery_worker_process: Worker,
    smtp_server: Mailbox,
    desk: Any,
    live_site: str,
    browser: Browser,
    screenshot: Screenshot,
) -> None:
    desk.queue_a.agents.add(UserFactory(username="carl", first_name="Carl", last_name="Clerk"))
    ticket = services.ticket_submit(
        name="Grace Hopper",
        email="grace@example.com",
        kind=Ticket.Kind.PROBLEM,
        subject=SUBJECT,
        description="Every second page comes out crumpled.",
    ).ticket
    smtp_server.wait_for(1)  # the acknowledgement

    page = browser.new_context().new_page()
    sign_in(page, live_site, "alice")
    page.locator(".queue-table tbody tr", has_text=SUBJECT).get_by_role("link", name=SUBJECT).click()
    expect(page.get_by_role("heading", name=SUBJECT)).to_be_visible()
    expect(page).to_have_url(re.compile(rf"{re.escape(live_site)}/desk/t/{ticket.reference}/(\?.*)?$"))  # + the view

    page.get_by_label("Internal note (agents only)").check()
    send = page.get_by_role("button", name="Add internal note")
    expect(send).to_be_visible()  # the composer says which one is about to go
    expect(page.get_by_text("Only agents will see this note.")).to_be_visible()
    page.get_by_label("Message").fill(NOTE)
    send.click()

    expect(page.get_by_text("Internal note added.")).to_be_visible()
    timeline = page.get_by_role("list", name="Timeline")
    note = timeline.locator("li.timeline-message", has_text=NOTE)
    customer_message = timeline.locator("li.timeline-message", has_text="Every second page comes out crumpled.")
    expect(note.get_by_text("Internal note", exact=True)).to_be_visible()
    assert background(note) != background(customer_message), "a note is tinted unlike the conversation"
    screenshot(page, "desk-ticket-01-note")

    change = page.get_by_role("complementary", name="Ticket facts")
    change.get_by_label("Status").select_option(label="Open")
    change.get_by_label("Priority").select_option(label="High")
    change.get_by_label("Assignee").select_option(label="Carl Clerk")
    change.get_by_role("button", name="Save changes").click()

    expect(page.get_by_text("Ticket updated.")).to_be_visible()
    expect(page.locator("header .status-badge")).to_have_text("Open")
    expect(change.get_by_label("Status").locator("option:checked")).to_have_text("Open")
    expect(change.get_by_label("Priority").locator("option:checked")).to_have_text("High")
    expect(change.get_by_label("Assignee").locator("option:checked")).to_have_text("Carl Clerk")
    events = timeline.locator("li.timeline-event")
    expect(events.filter(has_text="status changed")).to_contain_text("New → Open")
    expect(events.filter(has_text="priority changed")).to_contain_text("Normal → High")
    expect(events.filter(has_text="assignee changed")).to_contain_text("Carl Clerk")
    screenshot(page, "desk-ticket-02-changed")

    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.assignee.username) == ("open", Ticket.Priority.HIGH, "carl")
    assert Message.objects.get(ticket=ticket, visibility=Message.Visibility.NOTE).body == NOTE
    smtp_server.wait_quiet(1, 1.5)  # only the acknowledgement: neither the note nor the change emailed anyone
    assert list(OutboundEmail.objects.values_list("kind", flat=True)) == [OutboundEmail.Kind.ACKNOWLEDGEMENT]
