"""An agent reads an email ticket in Chromium: the customer's HTML arrives as text (no script
runs, no remote image loads), a refused attachment is listed, and the emailed reply sits in the
same thread. Screenshots land in test-artifacts/.
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
from tests.e2e.helpers import Screenshot, sign_in
from tickets.reply_address import reply_address

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.redis]

SUBJECT = "My account is locked"
HTML = (
    "<html><body><p>Hello <b>team</b>,</p><p>my account is locked since the update.</p>"
    "<script>alert('from the email')</script>"
    '<img src="https://tracker.example/pixel.gif" alt="">'
    '<p><a href="javascript:alert(1)">click here</a> for the error screen.</p></body></html>'
)


def html_email_with_exe() -> bytes:
    message = EmailMessage()
    message["From"] = "Grace Hopper <grace@example.org>"
    message["To"] = "support@localhost"
    message["Subject"] = SUBJECT
    message["Message-ID"] = "<locked@mail.example.org>"
    message.set_content(HTML, subtype="html")
    message.add_attachment(b"MZ\x90\x00" * 64, maintype="application", subtype="octet-stream", filename="fix.exe")
    return message.as_bytes()


def test_agent_reads_an_email_ticket_as_safe_text_with_the_emailed_reply_in_the_thread(
    celery_worker_process: Worker,
    smtp_server: SmtpSink,
    desk: Any,
    live_site: str,
    browser: Browser,
    screenshot: Screenshot,
) -> None:
    mailbox = Mailbox.objects.create(name="support", address="support@localhost", queue=desk.queue_a)
    ticket = email_ingest(mailbox=mailbox, raw=html_email_with_exe()).inbound.ticket
    assert ticket is not None
    smtp_server.wait_for(1)  # the acknowledgement
    reply = EmailMessage()
    reply["From"], reply["To"], reply["Subject"] = "grace@example.org", reply_address(ticket), f"Re: {SUBJECT}"
    reply["Message-ID"] = "<locked-2@mail.example.org>"
    reply.set_content("The error says: code 4711.")
    email_ingest(mailbox=mailbox, raw=reply.as_bytes())

    page = browser.new_context().new_page()
    dialogs: list[str] = []
    remote: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: remote.append(request.url) if "tracker.example" in request.url else None)
    sign_in(page, live_site, "alice")
    page.goto(f"{live_site}/desk/t/{ticket.reference}/")
    expect(page.get_by_role("heading", name=SUBJECT)).to_be_visible()
    expect(page.get_by_text("my account is locked since the update.")).to_be_visible()
    expect(page.get_by_text("click here for the error screen.")).to_be_visible()
    expect(page.get_by_text("Attachment refused: fix.exe (not an allowed type)")).to_be_visible()
    expect(page.get_by_text("The error says: code 4711.")).to_be_visible()
    expect(page.get_by_text("Email", exact=True)).to_be_visible()  # the channel, in the sidebar
    expect(page.get_by_role("link", name="click here")).to_have_count(0)
    screenshot(page, "email-ticket-desk")
    assert dialogs == [] and remote == []
    assert "<script>alert" not in page.content()
