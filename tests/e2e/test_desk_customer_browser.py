"""The customer in view, in Chromium: the ticket page's panel (their other tickets, open first, the
counts, first seen, their time zone), their page, renaming them (search finds the new name), and
merging a second record of the same person after reading what will happen. Needs Chromium only.
Screenshots land in test-artifacts/.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.helpers import Screenshot, sign_in
from tickets import services
from tickets.models import Ticket

pytestmark = [pytest.mark.browser]


def submit(desk: Any, subject: str, email: str, name: str = "Ada Lovelace") -> Ticket:
    return services.ticket_submit(
        name=name,
        email=email,
        kind=Ticket.Kind.PROBLEM,
        subject=subject,
        description="Details.",
        timezone_name="Europe/Paris",
        acknowledge=False,  # no email in this flow
    ).ticket


def test_agent_sees_the_customer_renames_and_merges_them(
    live_server: Any, transactional_db: None, desk: Any, browser: Browser, screenshot: Screenshot
) -> None:
    solved = submit(desk, "Old printer question", "ada@example.com")
    services.ticket_status_change(ticket=solved, agent=desk.agent_a, status="resolved")
    still_open = submit(desk, "Invoice shows the old address", "ada@example.com")
    current = submit(desk, "Scanner jams", "ada@example.com")
    old_record = submit(desk, "Order never arrived", "ada.old@example.net", name="A. Lovelace")

    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    site = live_server.url
    sign_in(page, site, "alice")
    page.goto(f"{site}/desk/t/{current.reference}/")
    panel = page.get_by_role("region", name="Customer")
    expect(panel.locator(".customer-counts")).to_have_text("3 in your queues, 2 open")
    expect(panel.locator(".customer-zone")).to_contain_text("Europe/Paris")
    expect(panel.locator(".customer-other-tickets a")).to_have_text([still_open.reference, solved.reference])
    screenshot(page, "customer-01-panel")

    panel.get_by_role("link", name="All 3 tickets").click()
    expect(page).to_have_url(f"{site}/desk/customers/{current.customer_id}/")
    expect(page.get_by_role("heading", name="Ada Lovelace", exact=True)).to_be_visible()
    rows = page.locator(".customer-tickets tbody tr td.ref")
    expect(rows).to_have_text([current.reference, still_open.reference, solved.reference])  # open first

    name_form = page.locator("form.customer-name-form")
    name_form.get_by_label("Name").fill("Augusta King")
    name_form.get_by_role("button", name="Save name").click()
    expect(page.get_by_text("Name changed to Augusta King.")).to_be_visible()
    expect(page.get_by_role("heading", name="Augusta King", exact=True)).to_be_visible()
    box = page.get_by_role("searchbox", name="Search tickets")
    box.fill("Augusta")
    box.press("Enter")
    expect(page.locator(".search-hit .ref")).to_have_count(3)
    page.go_back()

    merge = page.locator("form.customer-merge-form")
    merge.get_by_label("Their other address").fill("ada.old@example.net")
    merge.get_by_role("button", name="Review the merge").click()
    expect(page.get_by_role("heading", name="Merge A. Lovelace into Augusta King?")).to_be_visible()
    expect(page.get_by_text("Our replies on them go to ada@example.com from now on.")).to_be_visible()
    screenshot(page, "customer-02-merge-asks-first")
    page.get_by_role("button", name="Merge").click()

    expect(page.get_by_text("Merged: 1 ticket moved from ada.old@example.net")).to_be_visible()
    expect(page.locator(".customer-aliases")).to_contain_text("ada.old@example.net")
    expect(page.locator(".customer-counts")).to_have_text("4 in your queues, 3 open")
    screenshot(page, "customer-03-merged")

    page.get_by_role("link", name=old_record.reference).click()
    timeline = page.get_by_role("list", name="Timeline")
    expect(timeline).to_contain_text("customer merged")
    expect(timeline).to_contain_text("ada.old@example.net → ada@example.com")
    expect(page.get_by_role("region", name="Customer").locator(".customer-name")).to_have_text("Augusta King")
