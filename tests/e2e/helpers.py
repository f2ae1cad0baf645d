"""Small steps the browser tests share: signing in, reading the emails the SMTP sink caught."""

from __future__ import annotations

import re
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

Screenshot = Callable[[Page, str], Path]
# The smallest valid PNG: 1x1 pixel. Checked by content, so it passes the upload allow-list.
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


def sign_in(page: Page, site: str, username: str) -> None:
    """Sign in to the desk as ``username`` (every persona shares the test password)."""
    page.goto(f"{site}/desk/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.wait_for_load_state("load")  # the scripts too: a key pressed next finds its shortcut listening


def fill_subject(page: Page, subject: str) -> None:
    """Type a request's subject and wait for the help-article lookup it starts to finish.

    The articles that match are listed under the subject, which moves everything below it
    down the page: a click aimed at the send button while the list is still on its way can
    land where the button was.
    """
    with page.expect_request_finished(lambda request: "/kb/suggest/" in request.url):
        page.get_by_label("Subject").fill(subject)


def admin_sign_in(page: Page, site: str, username: str = "admin") -> None:
    """Sign in through the admin's own login page (a superuser)."""
    page.goto(f"{site}/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()


def text_body(message: EmailMessage) -> str:
    """The plain-text part, with the wire's CRLF line ends read as newlines."""
    part = message.get_body(("plain",))
    assert part is not None, "the email has a text part"
    return str(part.get_content()).replace("\r\n", "\n")


def html_body(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None, "the email has an HTML part"
    return str(part.get_content())


def private_link(message: EmailMessage, site: str) -> str:
    """The customer's private link in an email, pointing at the live site."""
    match = re.search(rf"{re.escape(site)}/support/t/\S+?/\S+?/", text_body(message))
    assert match, f"the email links to the live site:\n{text_body(message)}"
    return match.group(0)
