"""An admin connects a mailbox that signs in with OAuth 2.0 (as Microsoft 365 requires), in
Chromium on the real stack, and reads in the mailbox list how each poll went: the provider's
refusal first, then, once it accepts, a clean poll and the customer's email as a ticket.

The stack: the live server, the real worker on Redis, a local OAuth provider and dovecot over
IMAPS (``tests.e2e.oauth_imap``). Screenshots land in test-artifacts/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from helpdesk.celery import app
from mail.models import Mailbox
from tests.e2e.conftest import Worker, _poll
from tests.e2e.helpers import Screenshot, admin_sign_in
from tests.e2e.imap_server import ImapServer
from tests.e2e.oauth_imap import CLIENT_ID, REFRESH_ENV, SCOPE, SECRET_ENV, oauth_imap
from tests.mail.oauth_provider import Provider
from tickets.models import Ticket

EXPIRED = "AADSTS700082: The refresh token has expired due to inactivity."


@pytest.fixture
def stack(tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Provider, ImapServer]]:
    with oauth_imap(tmp_path, settings, monkeypatch) as both:
        yield both


def poll_and_wait() -> Mailbox:
    """Beat's task, run by the real worker; returns the mailbox once the run has recorded itself."""
    before = Mailbox.objects.get().imap_polled_at
    app.send_task("mail.tasks.poll_mailboxes")
    assert _poll(lambda: Mailbox.objects.get().imap_polled_at != before, 30), "the poll did not run"
    return Mailbox.objects.get()


def mailbox_row(page: Page) -> Any:
    return page.locator("#result_list tbody tr", has_text="support@localhost")


@pytest.mark.browser
@pytest.mark.postgres
@pytest.mark.redis
def test_admin_connects_an_oauth_mailbox_and_reads_how_each_poll_went(
    stack: tuple[Provider, ImapServer], celery_worker_process: Worker, desk: Any, live_site: str, browser: Browser,
    screenshot: Screenshot,
) -> None:  # fmt: skip
    provider, imap_server = stack
    customer = EmailMessage()
    customer["From"], customer["To"], customer["Subject"] = "ada@example.org", "support@localhost", "Invoice twice"
    customer["Message-ID"] = "<invoice@example.org>"
    customer.set_content("I was charged twice for order 88.")
    imap_server.append(customer.as_bytes())
    provider.refusal = EXPIRED

    admin = browser.new_context().new_page()
    admin_sign_in(admin, live_site)
    admin.goto(f"{live_site}/admin/mail/mailbox/add/")
    admin.locator("#id_name").fill("support")
    admin.locator("#id_address").fill("support@localhost")
    admin.locator("#id_queue").select_option(label=desk.queue_a.name)
    admin.locator("#id_imap_host").fill("localhost")
    admin.locator("#id_imap_port").fill(str(imap_server.imaps_port))
    admin.locator("#id_imap_security").select_option("imaps")
    admin.locator("#id_imap_username").fill("support")
    admin.locator("#id_imap_auth").select_option(
        label="OAuth 2.0 for a signed-in user (refresh token): Gmail, Microsoft 365"
    )
    admin.locator("#id_oauth_token_url").fill(provider.token_url)
    admin.locator("#id_oauth_client_id").fill(CLIENT_ID)
    admin.locator("#id_oauth_client_secret_env").fill(SECRET_ENV)
    admin.locator("#id_oauth_scope").fill(SCOPE)
    admin.get_by_role("button", name="Save", exact=True).click()
    # The refresh token's variable was forgotten: said beside the field, the rest kept as typed.
    expect(admin.locator(".field-oauth_refresh_token_env .errorlist")).to_have_text(
        "Name the variable that holds the refresh token."
    )
    expect(admin.locator("#id_oauth_token_url")).to_have_value(provider.token_url)
    assert admin.locator("input[type=password]").count() == 0  # no secret is ever typed here
    screenshot(admin, "admin-mailbox-01-missing-variable")
    admin.locator("#id_oauth_refresh_token_env").fill(REFRESH_ENV)
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".messagelist")).to_contain_text("was added successfully")

    # The provider refuses the refresh token: the list says so, in the provider's words.
    mailbox = poll_and_wait()
    assert EXPIRED in mailbox.imap_error
    admin.reload()
    expect(mailbox_row(admin).locator(".field-last_poll")).to_contain_text(f"invalid_grant: {EXPIRED}")
    screenshot(admin, "admin-mailbox-02-token-refused")
    assert (Ticket.objects.exists(), imap_server.unseen()) == (False, 1)

    provider.refusal = ""  # a new refresh token put in the worker's environment
    poll_and_wait()
    admin.reload()
    expect(mailbox_row(admin).locator(".field-last_poll")).to_have_text(re.compile(r".+: OK$"))
    screenshot(admin, "admin-mailbox-03-polled")
    assert (Ticket.objects.get().subject, imap_server.unseen()) == ("Invoice twice", 0)
