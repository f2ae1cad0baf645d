"""A canned response in a real browser: the agent types its shortcut in the reply box, the text
appears rendered for this customer, the agent sends it, and the customer's email carries it.

Real everything: Chromium, the live server, PostgreSQL, a Celery worker on Redis and an SMTP
server. Screenshots land in test-artifacts/.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from canned_responses.models import CannedResponse, CannedResponseUse
from canned_responses.services import canned_response_create
from tests.conftest import PASSWORD
from tests.e2e.conftest import Mailbox, Worker
from tests.e2e.helpers import html_body, text_body
from tickets import services
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.redis]

Screenshot = Callable[[Page, str], Path]
SUBJECT = "Charged twice for my order"
RENDERED = "Hi Grace, thanks for your patience: the refund for"


def agent_signs_in(page: Page, site: str) -> None:
    page.goto(f"{site}/desk/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_agent_inserts_a_canned_response_by_shortcut_and_the_customer_gets_it(
    celery_worker_process: Worker,
    smtp_server: Mailbox,
    desk: Any,
    live_site: str,
    browser: Browser,
    screenshot: Screenshot,
) -> None:
    CannedResponse.objects.filter(shortcut="/refund-done").delete()
    response = canned_response_create(
        actor=desk.admin,
        shared=True,
        title="Refund done",
        shortcut="/refund-done",
        kinds=["problem"],
        body="Hi {{ customer.first_name }}, thanks for your patience: the refund for {{ ticket.reference }} "
        "is on its way. <script>alert(1)</script>\n\n{{ agent.first_name }}",
        suggested_status="resolved",
    )
    services.ticket_submit(
        name="Grace Hopper",
        email="grace@example.com",
        kind=Ticket.Kind.PROBLEM,
        subject=SUBJECT,
        description="My card shows two payments for order 1234.",
    )
    ticket = Ticket.objects.get()
    smtp_server.wait_for(1)  # the acknowledgement

    page = browser.new_context().new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    agent_signs_in(page, live_site)
    page.goto(f"{live_site}/desk/t/{ticket.reference}/")
    expect(page.get_by_role("heading", name=SUBJECT)).to_be_visible()

    body = page.get_by_label("Message")
    body.click()
    body.press_sequentially("/refund-d")
    option = page.get_by_role("listbox", name="Canned responses").get_by_role("option", name="Refund done")
    expect(option).to_be_visible()
    screenshot(page, "canned-01-suggestions")
    body.press("Enter")
    expect(body).to_have_value(f"{RENDERED} {ticket.reference} is on its way. <script>alert(1)</script>\n\nAlice")
    expect(page.get_by_label("Then set status to")).to_have_value("resolved")
    body.press("End")
    body.press_sequentially(" Sorry again!")  # still editable
    screenshot(page, "canned-02-inserted")

    page.get_by_role("button", name="Send reply to Grace Hopper").click()
    expect(page.get_by_text("Reply sent to Grace Hopper.")).to_be_visible()
    expect(page.locator(".timeline")).to_contain_text(RENDERED)
    screenshot(page, "canned-03-sent")
    assert dialogs == [], "no script ran"

    _, notification = smtp_server.wait_for(2)
    assert notification["To"] == "grace@example.com"
    assert f"{RENDERED} {ticket.reference} is on its way." in text_body(notification)
    assert "Sorry again!" in text_body(notification)
    assert "<script" not in html_body(notification)
    assert "&lt;script&gt;" in html_body(notification)
    assert CannedResponseUse.objects.filter(response=response, ticket=ticket).count() == 1
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED
    smtp_server.wait_quiet(2, 1.0)
