"""The database goes away while a customer sends the form and an agent works, in Chromium.

docs/reliability.md §5: a database outage answers our own 503 page in the portal's or the desk's
look, with Retry-After and the text the person typed; nothing is half-saved, and when the
database is back, the form the browser kept sends as usual (one ticket).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections
from playwright.sync_api import Browser, expect

from tests.e2e.helpers import Screenshot, fill_subject, sign_in
from tests.e2e.stack import database_unreachable
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

OUTAGE_HEADING = "We'll be back in a minute"
TEXT = "Since this morning, every invoice is a white page."


@pytest.fixture
def reconnect_afterwards(transactional_db: None) -> Iterator[None]:
    """Torn down after the browser: the outage also cut this thread's connection from before
    Playwright's loop started (Django keeps another one while it runs); the flush needs a fresh one."""
    yield
    connections.close_all()


def test_a_database_outage_shows_our_503_page_keeps_the_text_and_the_form_sends_afterwards(
    desk: Any, reconnect_afterwards: None, live_site: str, browser: Browser, screenshot: Screenshot
) -> None:
    context = browser.new_context()
    customer, agent = context.new_page(), browser.new_context().new_page()
    sign_in(agent, live_site, "alice")
    customer.goto(f"{live_site}/support/new/")
    customer.get_by_label("Your name").fill("Grace Hopper")
    customer.get_by_label("Your email address").fill("grace@example.com")
    customer.get_by_label("Something isn't working").check()
    fill_subject(customer, "Invoice PDF opens blank")
    customer.get_by_label("Tell us more").fill(TEXT)

    with database_unreachable():
        with customer.expect_response(f"{live_site}/support/new/") as answer:
            customer.get_by_role("button", name="Send my request").click()
        expect(customer.get_by_role("heading", name=OUTAGE_HEADING)).to_be_visible()
        expect(customer.get_by_label("Description")).to_have_value(TEXT)  # shown back, read-only
        screenshot(customer, "outage-01-portal-503")
        agent.goto(f"{live_site}/desk/")
        expect(agent.get_by_role("heading", name=OUTAGE_HEADING)).to_be_visible()
        expect(agent.locator(".desk-topbar")).to_be_visible()
        screenshot(agent, "outage-02-desk-503")
    assert answer.value.status == 503
    assert answer.value.headers["retry-after"] == "60"
    assert not Ticket.objects.exists()

    customer.go_back()  # the database is back: the browser kept the form as it was
    expect(customer.get_by_label("Tell us more")).to_have_value(TEXT)
    customer.get_by_role("button", name="Send my request").click()
    expect(customer.get_by_role("heading", name="We've got your request")).to_be_visible()
    assert Ticket.objects.get().messages.get().body == TEXT
