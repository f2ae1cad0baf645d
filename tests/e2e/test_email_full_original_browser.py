"""An agent opens an email ticket whose message was trimmed: the new words show, the quoted
history and signature don't; one click on "Show the full email" reveals them, and from there the
email as it arrived (decoded headers) and its raw .eml download. Bob, of another queue, finds
nothing. Screenshots land in test-artifacts/.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from mail.models import Mailbox
from mail.services import email_ingest
from tests.e2e.conftest import Mailbox as SmtpSink
from tests.e2e.conftest import Worker
from tests.e2e.helpers import Screenshot, sign_in
from tests.mail.corpus import OUTLOOK_REPLY

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.redis]

NEW = "Yes, that\u2019s right \u2013 it still prints blank pages on the 2nd floor."
HISTORY = "We've got your request and a person from our team will look at it."


def test_agent_reveals_the_full_email_behind_a_trimmed_message_with_one_click(
    celery_worker_process: Worker,
    smtp_server: SmtpSink,
    desk: Any,
    live_site: str,
    browser: Browser,
    screenshot: Screenshot,
) -> None:
    mailbox = Mailbox.objects.create(name="support", address="support@localhost", queue=desk.queue_a)
    inbound = email_ingest(mailbox=mailbox, raw=OUTLOOK_REPLY).inbound
    ticket = inbound.ticket
    assert ticket is not None
    smtp_server.wait_for(1)  # the acknowledgement

    page = browser.new_context(accept_downloads=True).new_page()
    sign_in(page, live_site, "alice")
    page.goto(f"{live_site}/desk/t/{ticket.reference}/")
    message = page.locator(".timeline-customer")
    body, full = message.locator(".timeline-body"), message.locator(".full-email-text")
    expect(body).to_have_text(f"{NEW}\nKind regards\nGrace")
    expect(full).to_be_hidden()  # the quoted history: inside the closed disclosure
    expect(full).to_contain_text(HISTORY)

    message.get_by_text("Show the full email").click()  # the one click
    expect(full).to_be_visible()
    expect(full).to_contain_text(NEW)
    expect(full).to_contain_text("Sent: Monday, 30 November 2026 09:12")
    expect(full).to_contain_text(HISTORY)
    screenshot(page, "email-full-original-desk")

    message.get_by_role("link", name="Headers and the raw email").click()
    expect(page.get_by_role("heading", name="The email as it arrived")).to_be_visible()
    headers = page.locator(".original-headers")
    expect(headers).to_contain_text("Grace Hopper <grace@example.org>")
    expect(headers).to_contain_text("RE: We've got your request [HD-1001] Printer prints blank pages")
    expect(page.locator(".full-email-text")).to_contain_text(HISTORY)
    screenshot(page, "email-full-original-page")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the raw email").click()
    download = download_info.value
    assert download.suggested_filename == f"{ticket.reference}-email-{inbound.pk}.eml"
    with open(download.path(), "rb") as raw:
        assert raw.read() == OUTLOOK_REPLY

    other = browser.new_context().new_page()
    sign_in(other, live_site, "bob")
    response = other.goto(page.url)
    assert response is not None and response.status == 404
