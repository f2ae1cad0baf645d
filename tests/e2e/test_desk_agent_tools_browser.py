"""An agent's own tools in the desk, in Chromium: the knowledge base with internal articles (which
customers can't open), and a personal canned response written in the desk and inserted from the
composer's picker. Needs Chromium only. Screenshots land in test-artifacts/.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from canned_responses.models import CannedResponse
from knowledgebase.seed import seed_articles
from tests.e2e.helpers import Screenshot, sign_in
from tests.factories import CustomerFactory, TicketFactory

pytestmark = [pytest.mark.browser]

INTERNAL = "How we handle refund requests (internal)"


def test_agent_reads_internal_articles_and_writes_a_personal_canned_response(
    live_server: Any, transactional_db: None, desk: Any, browser: Browser, screenshot: Screenshot
) -> None:
    seed_articles()
    ticket = TicketFactory(queue=desk.queue_a, customer=CustomerFactory(name="Grace Hopper"), subject="Refund please")
    site = live_server.url
    page = browser.new_context().new_page()
    sign_in(page, site, "alice")

    page.get_by_role("link", name="Knowledge base").click()
    page.get_by_label("Search articles").fill("refund")
    page.get_by_role("button", name="Search").click()
    hit = page.locator(".kb-results li", has_text=INTERNAL)
    expect(hit.get_by_text("Internal", exact=True)).to_be_visible()
    screenshot(page, "desk-tools-01-kb")
    hit.get_by_role("link", name=INTERNAL).click()
    expect(page.get_by_role("heading", name=INTERNAL)).to_be_visible()
    customer = browser.new_context().new_page()
    response = customer.goto(f"{site}/kb/a/how-we-handle-refund-requests/")
    assert response is not None and response.status == 404, "an internal article is for agents only"

    page.goto(f"{site}/desk/t/{ticket.reference}/")
    page.get_by_role("link", name="My canned responses").click()
    page.get_by_role("link", name="New personal response").click()
    page.get_by_label("Title").fill("Refund on its way")
    page.get_by_label("Body").fill(
        "Hi {{ customer.first_name }}, your refund for {{ ticket.reference }} is on its way."
    )
    page.get_by_label("Shortcut", exact=True).fill("/my-refund")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Response saved.")).to_be_visible()
    row = page.locator(".canned-table tbody tr", has_text="Refund on its way")
    expect(row).to_contain_text("/my-refund")
    expect(row).to_contain_text("Mine")
    screenshot(page, "desk-tools-02-canned-list")

    page.goto(f"{site}/desk/t/{ticket.reference}/")
    page.get_by_label("Canned response", exact=True).select_option(label="Refund on its way (/my-refund)")
    page.get_by_role("button", name="Insert", exact=True).click()
    expect(page.get_by_label("Message")).to_have_value(f"Hi Grace, your refund for {ticket.reference} is on its way.")
    screenshot(page, "desk-tools-03-inserted")
    assert CannedResponse.objects.get(title="Refund on its way").owner == desk.agent_a
