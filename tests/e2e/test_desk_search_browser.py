"""An agent searches from the desk's top bar in Chromium: "/" focuses the box, words find a ticket by
its third message with the word marked in a snippet, a filter narrows them, an internal note is
found (and says it is one), another queue's ticket never shows, and a reference or a customer's
address goes straight to the ticket or the customer. Needs Chromium only (PostgreSQL's full-text
search on CI, the portable search on SQLite). Screenshots land in test-artifacts/.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.helpers import Screenshot, sign_in
from tests.factories import MessageFactory
from tickets import services
from tickets.models import Ticket

pytestmark = [pytest.mark.browser]


def submit(desk: Any, subject: str, body: str, email: str, queue: Any = None) -> Ticket:
    return services.ticket_submit(
        name=email.split("@")[0].title(),
        email=email,
        kind=Ticket.Kind.PROBLEM,
        subject=subject,
        description=body,
        queue=queue or desk.queue_a,
        acknowledge=False,  # no email in this flow
    ).ticket


def search(page: Page, words: str) -> None:
    box = page.get_by_role("searchbox", name="Search tickets")
    box.fill(words)
    box.press("Enter")


def test_agent_searches_from_the_top_bar_and_jumps_by_reference_or_address(
    live_server: Any, transactional_db: None, desk: Any, browser: Browser, screenshot: Screenshot
) -> None:
    printer = submit(desk, "Printer shows a red light", "It started this morning.", "ada@example.com")
    services.agent_reply_post(ticket=printer, agent=desk.agent_a, body="Please restart it.", internal=False)
    MessageFactory(ticket=printer, body="Restarted; now the display says zeppelin mode.")
    noted = submit(desk, "Invoice question", "Which VAT rate applies?", "grace@example.com")
    note = "Supplier code platypus, ask finance."
    services.agent_reply_post(ticket=noted, agent=desk.agent_a, body=note, internal=True)
    theirs = submit(desk, "Zeppelin in the other queue", "zeppelin zeppelin", "linus@example.com", desk.queue_b)

    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    site = live_server.url
    sign_in(page, site, "alice")
    page.keyboard.press("/")  # the shortcut focuses the top bar's box
    expect(page.get_by_role("searchbox", name="Search tickets")).to_be_focused()
    page.keyboard.type("zeppelin")
    page.keyboard.press("Enter")

    results = page.get_by_role("list", name="Results")
    expect(results.locator(".search-hit .ref")).to_have_text([printer.reference])  # never Bob's queue's
    expect(results.locator(".search-snippet mark")).to_have_text(["zeppelin"])
    expect(results.locator(".search-snippet")).to_contain_text("Customer")
    expect(page.get_by_role("searchbox", name="Search tickets")).to_have_value("zeppelin")
    screenshot(page, "search-01-a-word-in-the-third-message")

    filters = page.get_by_role("form", name="Search filters")
    filters.get_by_label("Status", exact=True).select_option(label="Resolved")
    filters.get_by_role("button", name="Search").click()
    expect(page.get_by_text("No tickets in your queues match “zeppelin” with these filters.")).to_be_visible()

    search(page, "platypus")
    expect(results.locator(".search-hit .ref")).to_have_text([noted.reference])
    expect(results.locator(".search-snippet-note")).to_contain_text("Internal note")
    expect(results.locator(".search-snippet-note mark")).to_have_text(["platypus"])
    screenshot(page, "search-02-an-internal-note")

    search(page, printer.reference.lower())
    expect(page).to_have_url(f"{site}/desk/t/{printer.reference}/")
    expect(page.get_by_role("heading", name="Printer shows a red light")).to_be_visible()

    search(page, "ADA@example.com")
    expect(page).to_have_url(f"{site}/desk/customers/{printer.customer_id}/")
    expect(page.get_by_role("heading", name="Ada", exact=True)).to_be_visible()

    search(page, theirs.reference)
    expect(page).to_have_url(f"{site}/desk/search/?q={theirs.reference}")
    expect(page.get_by_text(f"No tickets in your queues match “{theirs.reference}”.")).to_be_visible()
