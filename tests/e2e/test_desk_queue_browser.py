"""The agent's queue in Chromium: the quick views (Overdue, Due within the hour, Mine) and the
filters (status, kind, assignee, search), each showing exactly the tickets it names, never
another queue's. Needs Chromium only. Screenshots land in test-artifacts/.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from tests.e2e.helpers import Screenshot, sign_in
from tests.factories import TicketFactory, UserFactory
from tickets.models import Ticket

pytestmark = [pytest.mark.browser]


def shows(page: Page, *tickets: Ticket) -> None:
    """The queue lists exactly these tickets, in this order."""
    expect(page.locator(".queue-table tbody tr td.ref")).to_have_text([t.reference for t in tickets])


def test_agent_narrows_the_queue_with_quick_views_and_filters(
    live_server: Any, transactional_db: None, desk: Any, browser: Browser, screenshot: Screenshot
) -> None:
    now = timezone.now()
    carl = UserFactory(username="carl", first_name="Carl", last_name="Clerk")
    desk.queue_a.agents.add(carl)
    a = desk.queue_a
    overdue = TicketFactory(
        queue=a, kind="problem", status="open", assignee=desk.agent_a, subject="Scanner jams on page two",
        next_due_at=now - timedelta(minutes=10),
    )  # fmt: skip
    soon = TicketFactory(
        queue=a, kind="complaint", status="new", subject="Parcel left in the rain",
        next_due_at=now + timedelta(minutes=30),
    )  # fmt: skip
    later = TicketFactory(
        queue=a, kind="info", status="open", assignee=carl, subject="Do you ship to Norway",
        next_due_at=now + timedelta(hours=5),
    )  # fmt: skip
    resolved = TicketFactory(queue=a, kind="problem", status="resolved", subject="Printer fixed last week")
    TicketFactory(queue=desk.queue_b, subject="Bob's queue only", next_due_at=now - timedelta(hours=1))

    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    site = live_server.url
    sign_in(page, site, "alice")
    shows(page, overdue, soon, later)  # all active, what is due first at the top
    expect(page.locator("tr.due-overdue")).to_contain_text(overdue.reference)
    expect(page.locator("tr.due-soon")).to_contain_text(soon.reference)
    screenshot(page, "queue-01-all-active")

    quick = page.get_by_role("group", name="Quick views")
    quick.get_by_role("link", name="Overdue").click()
    shows(page, overdue)
    expect(quick.get_by_role("link", name="Overdue")).to_have_class(re.compile(r"\bactive\b"))
    quick.get_by_role("link", name="Due within the hour").click()
    shows(page, soon)
    screenshot(page, "queue-02-due-within-the-hour")
    quick.get_by_role("link", name="Mine").click()
    shows(page, overdue)
    quick.get_by_role("link", name="All active").click()
    shows(page, overdue, soon, later)

    filters = page.get_by_role("form", name="Filter tickets")
    for label, value, expected in [
        ("Status", "Resolved", [resolved]),
        ("Kind", "Info request", [later]),
        ("Assignee", "Carl Clerk", [later]),
        ("Assignee", "Unassigned", [soon]),
    ]:
        quick.get_by_role("link", name="All active").click()
        filters.get_by_label(label, exact=True).select_option(label=value)
        filters.get_by_role("button", name="Apply").click()
        shows(page, *expected)
        expect(filters.get_by_label(label, exact=True).locator("option:checked")).to_have_text(value)

    # The top bar's box searches everything (tests/e2e/test_desk_search_browser.py has the rest).
    search = page.get_by_role("searchbox", name="Search tickets")
    search.fill("parcel")
    search.press("Enter")
    expect(page.locator(".search-hit .ref")).to_have_text([soon.reference])
    expect(search).to_have_value("parcel")
    search.fill(later.reference)
    search.press("Enter")
    expect(page).to_have_url(f"{site}/desk/t/{later.reference}/")
    search = page.get_by_role("searchbox", name="Search tickets")
    search.fill("Bob's queue")
    search.press("Enter")
    expect(page.get_by_text("No tickets in your queues match “Bob's queue”.")).to_be_visible()
    screenshot(page, "queue-03-search-nothing")
