"""An agent answers a complaint in Chromium on the real stack with the composer's other tools:
a help-article link inserted from the picker, a file attached, and the courtesy check that
stops a blunt phrase until the agent chooses "Send anyway". The customer's email carries the
text, the article's link and the file's name. Screenshots land in test-artifacts/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from canned_responses.models import BluntPhrase
from knowledgebase.seed import seed_articles
from tests.e2e.conftest import Mailbox, Worker
from tests.e2e.helpers import PNG_BYTES, Screenshot, sign_in, text_body
from tickets import services
from tickets.models import Message, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.redis]


def test_agent_replies_to_a_complaint_with_an_article_link_and_a_file_past_the_courtesy_check(
    celery_worker_process: Worker,
    smtp_server: Mailbox,
    desk: Any,
    live_site: str,
    browser: Browser,
    screenshot: Screenshot,
    tmp_path: Path,
) -> None:
    seed_articles()
    BluntPhrase.objects.get_or_create(phrase="obviously", defaults={"suggestion": ""})
    ticket = services.ticket_submit(
        name="Grace Hopper",
        email="grace@example.com",
        kind=Ticket.Kind.COMPLAINT,
        subject="Your invoice is wrong again",
        description="Third month in a row the PDF is blank.",
    ).ticket
    smtp_server.wait_for(1)  # the acknowledgement
    receipt = tmp_path / "corrected-invoice.png"
    receipt.write_bytes(PNG_BYTES)

    page = browser.new_context().new_page()
    sign_in(page, live_site, "alice")
    page.goto(f"{live_site}/desk/t/{ticket.reference}/")
    body = page.get_by_label("Message")
    body.fill("Obviously the PDF should not be blank. Here is the corrected one, and how to download it:")
    page.get_by_role("searchbox", name="Search help articles").fill("invoice pdf")
    picker = page.get_by_label("Insert a help article link")
    expect(picker.locator("option", has_text="Download an invoice as PDF")).to_have_count(1)
    picker.select_option(label="Download an invoice as PDF")
    page.get_by_role("button", name="Insert article link").click()
    article_link = f"[Download an invoice as PDF]({live_site}/kb/a/download-an-invoice/)"
    expect(body).to_have_value(
        f"Obviously the PDF should not be blank. Here is the corrected one, and how to download it: {article_link}"
    )
    page.locator("input[name=attachments]").set_input_files(str(receipt))
    page.get_by_role("button", name="Send reply to Grace Hopper").click()

    check = page.get_by_role("alert").filter(has_text="A quick read before sending?")
    expect(check).to_contain_text("“obviously”")
    expect(body).to_have_value(
        f"Obviously the PDF should not be blank. Here is the corrected one, and how to download it: {article_link}"
    )
    expect(check).to_contain_text("Attach your file again before sending: corrected-invoice.png.")
    screenshot(page, "desk-reply-01-courtesy-check")
    assert not Message.objects.filter(ticket=ticket, author_kind=Message.Author.AGENT).exists(), "nothing sent yet"
    smtp_server.wait_quiet(1, 0.3)

    # A re-shown page's file input is empty (browsers never prefill one), as the check says.
    page.locator("input[name=attachments]").set_input_files(str(receipt))
    check.get_by_role("button", name="Send anyway").click()
    expect(page.get_by_text("Reply sent to Grace Hopper.")).to_be_visible()
    sent = page.get_by_role("list", name="Timeline").locator("li.timeline-agent")
    expect(sent).to_contain_text("Here is the corrected one")
    expect(sent.get_by_role("link", name="corrected-invoice.png")).to_be_visible()
    screenshot(page, "desk-reply-02-sent")

    _, reply = smtp_server.wait_for(2)
    assert reply["To"] == "grace@example.com"
    text = text_body(reply)
    assert "Obviously the PDF should not be blank." in text
    assert f"{live_site}/kb/a/download-an-invoice/" in text
    assert "- corrected-invoice.png" in text
    smtp_server.wait_quiet(2, 0.5)
