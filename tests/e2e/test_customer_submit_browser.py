"""A customer submits each kind of request with a file, in Chromium, on the real stack.

The success page gives the reference and the address the confirmation went to; the
acknowledgement arrives at the SMTP server worded for the kind (a complaint's acknowledges the
feeling first; a question's lists the help articles that match); the agent then sees the file
on the ticket and can download it. Screenshots land in test-artifacts/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from knowledgebase.seed import seed_articles
from tests.e2e.conftest import Mailbox, Worker
from tests.e2e.helpers import PNG_BYTES, Screenshot, fill_subject, private_link, sign_in, text_body
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.redis]

KINDS = {
    # kind: (the label the customer picks, subject, the success page's heading, the ack's opening)
    "info": (
        "I have a question",
        "How do I reset my password?",
        "We've got your request",
        "Thank you for contacting us. We've got your request",
    ),
    "problem": (
        "Something isn't working",
        "Invoice PDF opens blank",
        "We've got your request",
        "Thank you for contacting us. We've got your request",
    ),
    "complaint": (
        "I want to make a complaint",
        "Charged twice and nobody answered",
        "We're sorry this happened",
        "We're sorry this happened, and thank you for telling us.",
    ),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_customer_submits_with_a_file_is_acknowledged_and_the_agent_sees_the_file(
    kind: str,
    celery_worker_process: Worker,
    smtp_server: Mailbox,
    desk: Any,
    live_site: str,
    browser: Browser,
    screenshot: Screenshot,
    tmp_path: Any,
) -> None:
    label, subject, heading, opening = KINDS[kind]
    seed_articles()  # public help articles, so a question's acknowledgement can point to some
    screenshot_file = tmp_path / "what-i-see.png"
    screenshot_file.write_bytes(PNG_BYTES)

    customer = browser.new_context().new_page()
    customer.goto(f"{live_site}/support/new/")
    customer.get_by_label("Your name").fill("Grace Hopper")
    customer.get_by_label("Your email address").fill("grace@example.com")
    customer.get_by_label(label).check()
    fill_subject(customer, subject)
    customer.get_by_label("Tell us more").fill("Here is what I see on my screen.")
    customer.get_by_label("Attachments").set_input_files(str(screenshot_file))
    customer.get_by_role("button", name="Send my request").click()

    expect(customer.get_by_role("heading", name=heading)).to_be_visible()
    ticket = Ticket.objects.get()
    assert ticket.kind == kind
    expect(customer.locator(".reference")).to_have_text(ticket.reference)
    expect(customer.get_by_text("grace@example.com")).to_be_visible()
    screenshot(customer, f"submit-{kind}-01-success")

    [ack] = smtp_server.wait_for(1)
    assert ack["To"] == "grace@example.com"
    assert ticket.reference in ack["Subject"]
    body = text_body(ack)
    assert body.startswith(f"Hello Grace,\n\n{opening}"), body
    if kind == "info":
        assert "These articles may answer your question right away:" in body
        assert f"- Reset your password: {live_site}/kb/a/reset-your-password/" in body
    else:
        assert "These articles may answer" not in body
    customer.goto(private_link(ack, live_site))
    expect(customer.get_by_role("heading", name=subject)).to_be_visible()

    agent = browser.new_context().new_page()
    sign_in(agent, live_site, "alice")
    agent.locator(".queue-table tbody tr", has_text=ticket.reference).get_by_role("link", name=ticket.reference).click()
    expect(agent.get_by_role("heading", name=subject)).to_be_visible()
    file_link = agent.locator(".timeline").get_by_role("link", name="what-i-see.png")
    expect(file_link).to_be_visible()
    screenshot(agent, f"submit-{kind}-02-agent-sees-file")
    with agent.expect_download() as download:
        file_link.click()
    assert download.value.suggested_filename == "what-i-see.png"
    assert Path(download.value.path()).read_bytes() == PNG_BYTES
    smtp_server.wait_quiet(1, 0.5)
