"""Keyboard shortcuts in Chromium: j / k / x / o on the queue, r / n / a / s / ] on a ticket, "/"
for search and "?" for the list; none fires while typing in a field or with Ctrl held.
Screenshots land in test-artifacts/.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from tests.e2e.helpers import Screenshot, sign_in
from tests.factories import TicketFactory
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.postgres]


def current_row(page: Page) -> str:
    return page.locator(".queue-table tbody tr.is-current td.ref").inner_text()


def test_shortcuts_drive_the_queue_and_the_ticket_but_never_while_typing(
    live_site: str, transactional_db: None, desk: Any, browser: Browser, screenshot: Screenshot
) -> None:
    now = timezone.now()
    first, second, third = (
        TicketFactory(
            queue=desk.queue_a, subject=f"Ticket number {n}", status="open", next_due_at=now + timedelta(hours=n)
        )
        for n in (1, 2, 3)
    )
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    sign_in(page, live_site, "alice")
    page.wait_for_load_state()  # the shortcuts' script runs once the page has loaded

    # "?" lists the shortcuts in a dialog; Escape closes it. The top bar's button does the same.
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Next / previous ticket in the list")
    screenshot(page, "shortcuts-01-the-list")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    page.get_by_role("button", name=re.compile("^Shortcuts")).click()
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()

    # The queue: j / k move the current row, x ticks it, o opens it.
    page.keyboard.press("j")
    assert current_row(page) == first.reference
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert current_row(page) == third.reference
    page.keyboard.press("k")
    assert current_row(page) == second.reference
    page.keyboard.press("x")
    expect(page.get_by_label(f"Select {second.reference}")).to_be_checked()
    expect(page.get_by_role("form", name="Change many tickets")).to_contain_text("1 selected.")
    screenshot(page, "shortcuts-02-queue-current-row")

    # Not while typing: "/" puts the cursor in search, where j and o are letters.
    page.keyboard.press("/")
    search = page.get_by_role("searchbox", name="Search tickets")
    expect(search).to_be_focused()
    page.keyboard.type("jo")
    expect(search).to_have_value("jo")
    assert current_row(page) == second.reference  # j did not move the row
    expect(page).to_have_url(f"{live_site}/desk/")  # o did not open anything
    search.fill("")
    page.locator("h1").click()  # out of the field
    page.keyboard.press("Control+o")  # nor with a modifier held
    expect(page).to_have_url(f"{live_site}/desk/")

    page.keyboard.press("o")
    expect(page.get_by_role("heading", name="Ticket number 2")).to_be_visible()
    page.wait_for_load_state()

    # The ticket: r writes a reply, n a note; letters typed in the box stay there.
    page.keyboard.press("r")
    body = page.get_by_label("Message")
    expect(body).to_be_focused()
    expect(page.get_by_label("Public reply (emailed to the customer)")).to_be_checked()
    page.keyboard.type("ran as")
    expect(body).to_have_value("ran as")
    expect(page.get_by_label("Public reply (emailed to the customer)")).to_be_checked()  # "n" typed, no note
    assert Ticket.objects.get(pk=second.pk).assignee is None  # "a" typed, not assigned
    page.locator("h1").click()
    page.keyboard.press("n")
    expect(page.get_by_label("Internal note (agents only)")).to_be_checked()
    expect(body).to_be_focused()
    expect(page.get_by_role("button", name="Add internal note")).to_be_visible()
    body.fill("")
    screenshot(page, "shortcuts-03-note")

    page.locator("h1").click()
    page.keyboard.press("s")
    expect(page.locator("form[action*='/update/'] select[name=status]")).to_be_focused()
    page.locator("h1").click()
    page.keyboard.press("a")
    expect(page.get_by_text("Assigned to you.")).to_be_visible()
    assert Ticket.objects.get(pk=second.pk).assignee == desk.agent_a
    page.wait_for_load_state()

    page.keyboard.press("]")
    expect(page.get_by_role("heading", name="Ticket number 3")).to_be_visible()
    page.wait_for_load_state()
    page.keyboard.press("[")
    expect(page.get_by_role("heading", name="Ticket number 2")).to_be_visible()
