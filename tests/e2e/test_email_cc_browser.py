"""People copied on a customer's email, in Chromium: the agent sees them, keeps one, unticks the
other, replies; the SMTP server gets the customer's email (with her private link) and a separate
copy for the kept person (without it), and that person's answer joins the ticket as theirs.
Screenshots land in test-artifacts/.
"""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from mail.models import Mailbox
from mail.services import email_ingest
from tests.e2e.conftest import Mailbox as SmtpSink
from tests.e2e.conftest import Worker
from tests.e2e.helpers import Screenshot, html_body, private_link, sign_in, text_body
from tickets.reply_address import reply_address

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.redis]

SUBJECT = "Invoices for the Oslo office"
REPLY = "We've sent the corrected invoices; the Oslo ones now show the right VAT number."
QUIET_SECONDS = 2.0


def written(*, sender: str, to: str, text: str, msgid: str, cc: str = "") -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"], message["Message-ID"] = sender, to, SUBJECT, msgid
    if cc:
        message["Cc"] = cc
    message.set_content(text)
    return message.as_bytes()


def test_agent_keeps_one_copied_person_and_both_get_the_reply_the_copy_without_the_link(
    celery_worker_process: Worker,
    smtp_server: SmtpSink,
    desk: Any,
    live_site: str,
    browser: Browser,
    screenshot: Screenshot,
) -> None:
    mailbox = Mailbox.objects.create(name="support", address="support@localhost", queue=desk.queue_a)
    first = written(
        sender="Grace Hopper <grace@example.org>", to="support@localhost",
        cc="Lin Ma <lin@work.example>, bob@example.com",
        text="Our Oslo invoices show the wrong VAT number.", msgid="<oslo@mail.example.org>",
    )  # fmt: skip
    ticket = email_ingest(mailbox=mailbox, raw=first).inbound.ticket
    assert ticket is not None
    [ack] = smtp_server.wait_for(1)
    assert ack["To"] == "grace@example.org"  # the acknowledgement, with her link, is hers alone

    page = browser.new_context().new_page()
    sign_in(page, live_site, "alice")
    page.goto(f"{live_site}/desk/t/{ticket.reference}/")
    expect(page.locator(".copied")).to_have_text("Copied: lin@work.example, bob@example.com")
    lin, bob = page.get_by_label("lin@work.example"), page.get_by_label("bob@example.com")
    expect(lin).to_be_checked()
    expect(bob).to_be_checked()
    bob.uncheck()  # Alice keeps Lin only
    page.get_by_label("Public reply (emailed to the customer)").check()
    page.get_by_label("Message").fill(REPLY)
    screenshot(page, "email-cc-composer")
    page.get_by_role("button", name="Send reply to Grace Hopper").click()
    expect(page.get_by_text("Reply sent to Grace Hopper, copied to lin@work.example.")).to_be_visible()

    messages = smtp_server.wait_for(3)
    smtp_server.wait_quiet(3, QUIET_SECONDS)  # nothing for Bob
    by_recipient = {str(m["To"]): m for m in messages[1:]}
    assert set(by_recipient) == {"grace@example.org", "lin@work.example"}
    hers, copy = by_recipient["grace@example.org"], by_recipient["lin@work.example"]
    assert private_link(hers, live_site)
    assert "A copy of this reply went to the people you copied: lin@work.example." in text_body(hers)
    for body in (text_body(copy), html_body(copy)):
        assert REPLY in body
        assert "/support/t/" not in body  # the private link opens the whole ticket: never in a copy
    assert copy["Reply-To"] == reply_address(ticket)
    assert copy["Message-ID"] != hers["Message-ID"]

    # Alice's choice is remembered for the ticket.
    page.reload()
    expect(page.get_by_label("lin@work.example")).to_be_checked()
    expect(page.get_by_label("bob@example.com")).not_to_be_checked()

    # Lin answers her copy: it joins the ticket, shown as hers, not as Grace's.
    answer = written(
        sender="Lin Ma <lin@work.example>", to=str(copy["Reply-To"]),
        text="Thanks, the Oslo ones are right now.", msgid="<lin-answer@work.example>",
    )  # fmt: skip
    email_ingest(mailbox=mailbox, raw=answer)
    page.reload()
    entry = page.locator(".timeline-customer", has_text="Thanks, the Oslo ones are right now.")
    expect(entry).to_contain_text("Lin Ma")
    expect(entry).to_contain_text("not the customer")
    screenshot(page, "email-cc-answer-from-copied-person")
