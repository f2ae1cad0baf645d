"""A customer writes on a closed request's private page, in Chromium on the real stack: the page
says beforehand that it starts a new request, then lands them on it, and its acknowledgement
(with its own private link) reaches the SMTP server. Screenshots land in test-artifacts/.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import Mailbox, Worker
from tests.e2e.helpers import Screenshot, private_link
from tickets import services
from tickets.links import link_url
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.redis]

SUBJECT = "Router drops the connection every hour"


def test_writing_on_a_closed_request_opens_a_follow_up_and_lands_the_customer_on_it(
    celery_worker_process: Worker,
    smtp_server: Mailbox,
    desk: Any,
    live_site: str,
    browser: Browser,
    screenshot: Screenshot,
) -> None:
    ticket = services.ticket_submit(
        name="Dana Scully", email="dana@example.com", kind="problem", subject=SUBJECT, description="At :00."
    ).ticket
    [ack] = smtp_server.wait_for(1)
    services.ticket_status_change(ticket=ticket, agent=desk.agent_a, status=Ticket.Status.CLOSED)

    page = browser.new_context().new_page()
    page.goto(private_link(ack, live_site))
    expect(page.get_by_role("heading", name="Need more help? Write to us again")).to_be_visible()
    expect(page.get_by_text("This request is closed, so your message will start a new request")).to_be_visible()
    page.get_by_label("Your reply").fill("It started again after the firmware update.")
    screenshot(page, "portal-follow-up-closed")
    page.get_by_role("button", name="Send as a new request").click()

    follow_up = Ticket.objects.get(follows=ticket)
    expect(page.locator(".reference")).to_have_text(follow_up.reference)
    expect(page.get_by_text(f"We've opened a new request, {follow_up.reference}, for your message")).to_be_visible()
    expect(page.get_by_text("It started again after the firmware update.")).to_be_visible()
    screenshot(page, "portal-follow-up-opened")

    new_ack = smtp_server.wait_for(2)[1]
    assert new_ack["To"] == "dana@example.com" and follow_up.reference in str(new_ack["Subject"])
    assert private_link(new_ack, live_site) == link_url(follow_up)  # SITE_URL is the live site
    smtp_server.wait_quiet(2, 2.0)
