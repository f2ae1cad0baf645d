"""Bounces and quarantine in Chromium: an agent sees that a customer's address bounces (the
acknowledgement came back from her mail server) and clears the warning; an admin files a
quarantined message again with "Retry filing". Screenshots land in test-artifacts/.
"""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from mail import services as mail_services
from mail.models import InboundMessage, Mailbox
from mail.services import email_ingest
from tests.e2e.conftest import Mailbox as SmtpSink
from tests.e2e.conftest import Worker
from tests.e2e.helpers import Screenshot, admin_sign_in, sign_in
from tests.mail import bounces
from tickets.models import Customer, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.redis]

GRACE = "grace@example.org"
WARNING = "Emails to grace@example.org bounce: 550 5.1.1 <grace@example.org>: Recipient address rejected"


def written(subject: str, msgid: str) -> bytes:
    message = EmailMessage()
    message["From"], message["To"] = f"Grace Hopper <{GRACE}>", "support@localhost"
    message["Subject"], message["Message-ID"] = subject, msgid
    message.set_content("Every page comes out blank since this morning.\n")
    return message.as_bytes()


def test_agent_sees_that_the_customers_address_bounces_and_clears_it(
    celery_worker_process: Worker,
    smtp_server: SmtpSink,
    desk: Any,
    live_site: str,
    browser: Browser,
    screenshot: Screenshot,
) -> None:
    mailbox = Mailbox.objects.create(name="support", address="support@localhost", queue=desk.queue_a)
    ticket = email_ingest(
        mailbox=mailbox, raw=written("The printer prints blank pages", "<p1@example.org>")
    ).inbound.ticket
    assert ticket is not None
    [ack] = smtp_server.wait_for(1)
    email_ingest(mailbox=mailbox, raw=bounces.postfix(ack.as_bytes()))  # her server refused it

    page = browser.new_context().new_page()
    sign_in(page, live_site, "alice")
    row = page.locator("tr", has_text=ticket.subject)
    expect(row.locator(".bounce-badge")).to_have_text("email bounces")
    row.get_by_role("link", name=ticket.reference).click()
    warning = page.locator(".email-bouncing")
    expect(warning).to_contain_text(WARNING)
    expect(warning).to_contain_text("This clears by itself when they write in from it.")
    expect(page.locator(".event-email_bounced")).to_contain_text("email bounced grace@example.org: 550 5.1.1")
    screenshot(page, "desk-ticket-bouncing-address")

    warning.get_by_role("button", name="Clear: the address works again").click()
    expect(page.get_by_text(f"Cleared: emails to {GRACE} are no longer flagged as bouncing.")).to_be_visible()
    expect(page.locator(".email-bouncing")).to_have_count(0)
    expect(page.locator(".event-bounce_cleared")).to_contain_text("Alice Agent: bouncing address cleared")
    assert Customer.objects.get(email=GRACE).email_bouncing_since is None
    assert len(smtp_server.wait_quiet(1, 1.0)) == 1  # the bounce and the clearing emailed nobody


def test_admin_retries_a_quarantined_message_and_it_becomes_a_ticket(
    celery_worker_process: Worker,
    smtp_server: SmtpSink,
    desk: Any,
    live_site: str,
    browser: Browser,
    screenshot: Screenshot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mailbox = Mailbox.objects.create(name="support", address="support@localhost", queue=desk.queue_a)

    def broken(**kwargs: object) -> None:
        raise KeyError("a bug in filing")

    with monkeypatch.context() as patched:  # it arrived while filing had a bug, since fixed
        patched.setattr(mail_services.services, "ticket_submit", broken)
        stuck = email_ingest(mailbox=mailbox, raw=written("Scanner jams", "<p2@example.org>")).inbound
    assert stuck.status == InboundMessage.Status.QUARANTINED

    page = browser.new_context().new_page()
    admin_sign_in(page, live_site)
    page.goto(f"{live_site}/admin/mail/inboundmessage/?status__exact=quarantined")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Scanner jams")
    rows.first.locator("th a").click()
    expect(page.get_by_text("Could not be filed: KeyError: 'a bug in filing'")).to_be_visible()
    screenshot(page, "admin-inbound-quarantined")
    page.get_by_role("button", name="Retry filing").click()
    ticket = Ticket.objects.get()
    expect(page.locator(".messagelist")).to_contain_text(f"from grace@example.org: Filed as {ticket.reference}")
    expect(page.get_by_role("button", name="Retry filing")).to_have_count(0)
    screenshot(page, "admin-inbound-retried")
    [ack] = smtp_server.wait_for(1)
    assert ack["To"] == GRACE and ticket.reference in str(ack["Subject"])
