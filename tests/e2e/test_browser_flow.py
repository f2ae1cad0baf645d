"""One conversation through real everything: Chromium, the live server, PostgreSQL,
a Celery worker on Redis and an SMTP server. Screenshots land in test-artifacts/."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import Mailbox, Worker
from tests.e2e.helpers import fill_subject, text_body
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.redis]

Screenshot = Callable[[Page, str], Path]
SUBJECT = "Invoice PDF opens blank"
REPLY = "Thanks Grace: we've regenerated the invoice, please download it again."


def customer_submits_request(page: Page, site: str, screenshot: Screenshot) -> None:
    page.goto(f"{site}/support/new/")
    expect(page.get_by_role("heading", name="Contact support")).to_be_visible()
    page.get_by_label("Your name").fill("Grace Hopper")
    page.get_by_label("Your email address").fill("grace@example.com")
    page.get_by_label("Something isn't working").check()
    fill_subject(page, SUBJECT)
    page.get_by_label("Tell us more").fill("The PDF for last month's invoice is an empty page.")
    screenshot(page, "01-customer-new-request")
    page.get_by_role("button", name="Send my request").click()


def agent_replies(page: Page, site: str, reference: str, screenshot: Screenshot) -> None:
    page.goto(f"{site}/desk/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    screenshot(page, "03-agent-login")
    page.get_by_role("button", name="Sign in").click()

    row = page.locator(".queue-table tbody tr", has_text=reference)
    expect(row).to_contain_text(SUBJECT)
    expect(row).to_contain_text("Grace Hopper")
    screenshot(page, "04-agent-queue")
    row.get_by_role("link", name=reference).click()

    expect(page.get_by_role("heading", name=SUBJECT)).to_be_visible()
    page.get_by_label("Public reply (emailed to the customer)").check()
    page.get_by_label("Message").fill(REPLY)
    send = page.get_by_role("button", name="Send reply to Grace Hopper")
    screenshot(page, "05-agent-ticket-composing")
    send.click()
    expect(page.get_by_text("Reply sent to Grace Hopper.")).to_be_visible()
    expect(page.locator(".timeline")).to_contain_text(REPLY)
    screenshot(page, "06-agent-reply-sent")


def test_customer_asks_agent_replies_customer_reads_it(
    celery_worker_process: Worker,
    smtp_server: Mailbox,
    desk: Any,
    live_site: str,
    browser: Browser,
    screenshot: Screenshot,
) -> None:
    customer = browser.new_context().new_page()
    customer_submits_request(customer, live_site, screenshot)

    expect(customer.get_by_role("heading", name="We've got your request")).to_be_visible()
    ticket = Ticket.objects.get()
    expect(customer.locator(".reference")).to_have_text(ticket.reference)
    expect(customer.get_by_text("grace@example.com")).to_be_visible()
    screenshot(customer, "02-customer-submitted")

    [ack] = smtp_server.wait_for(1)
    assert ack["To"] == "grace@example.com"
    assert ticket.reference in ack["Subject"]
    match = re.search(rf"{re.escape(live_site)}/support/t/\S+/", text_body(ack))
    assert match, f"the acknowledgement links to the live site:\n{text_body(ack)}"
    private_link = match.group(0)

    agent = browser.new_context().new_page()  # a separate browser profile: no shared cookies
    agent_replies(agent, live_site, ticket.reference, screenshot)

    _, notification = smtp_server.wait_for(2)
    assert notification["To"] == "grace@example.com"
    assert REPLY in text_body(notification)

    customer.goto(private_link)
    expect(customer.get_by_role("heading", name=SUBJECT)).to_be_visible()
    conversation = customer.get_by_role("list", name="Conversation")
    expect(conversation).to_contain_text(REPLY)
    expect(conversation).to_contain_text("The PDF for last month's invoice is an empty page.")
    screenshot(customer, "07-customer-reads-reply")
    smtp_server.wait_quiet(2, 1.0)
