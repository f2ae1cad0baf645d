"""Agent signs in, sees the queue (and a ticket whose acknowledgement was held), goes off duty
and back on, and signs out; and is told when to try again after too many failures. Chromium
against the live server; screenshots land in test-artifacts/."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import PASSWORD
from tickets import services
from tickets.models import Ticket

pytestmark = [pytest.mark.browser]

Screenshot = Callable[[Page, str], Path]


def fill_sign_in(page: Page, password: str, username: str = "alice") -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_agent_signs_in_sees_the_queue_and_signs_out(
    desk: Any, live_site: str, browser: Browser, screenshot: Screenshot, settings: Any
) -> None:
    settings.ACK_PER_RECIPIENT_PER_HOUR = 0  # this ticket's acknowledgement is held
    ticket = services.ticket_submit(
        name="Lori Hunter",
        email="lori@example.com",
        kind=Ticket.Kind.PROBLEM,
        subject="Printer prints blank pages",
        description="Every page comes out blank.",
    ).ticket
    page = browser.new_context().new_page()
    page.goto(f"{live_site}/desk/")
    expect(page.get_by_role("heading", name="Sign in to the help desk")).to_be_visible()
    fill_sign_in(page, PASSWORD)

    expect(page).to_have_url(f"{live_site}/desk/")
    row = page.locator(".queue-table tbody tr", has_text=ticket.reference)
    expect(row).to_contain_text("Printer prints blank pages")
    screenshot(page, "sign-in-01-queue")
    row.get_by_role("link", name=ticket.reference).click()
    expect(page.get_by_role("status")).to_contain_text(
        "Acknowledgement held: too many to this address in the last hour."
    )
    expect(page.get_by_role("list", name="Timeline")).to_contain_text("acknowledgement held")
    screenshot(page, "sign-in-02-ticket-ack-held")

    # The top bar's duty switch: off duty and back, staying on the same ticket.
    page.get_by_role("button", name="On duty").click()
    expect(page.get_by_text("You're off duty: you still get notices for tickets assigned to you.")).to_be_visible()
    expect(page.get_by_role("heading", name="Printer prints blank pages")).to_be_visible()
    page.get_by_role("button", name="Off duty").click()
    expect(page.get_by_text("You're on duty: unassigned tickets' notices reach you.")).to_be_visible()
    expect(page.get_by_role("button", name="On duty")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to the help desk")).to_be_visible()
    page.goto(f"{live_site}/desk/")  # the session is gone: the desk asks to sign in again
    expect(page).to_have_url(re.compile(r"/desk/login/\?next=/desk/$"))
    screenshot(page, "sign-in-03-signed-out")


def test_repeated_failures_show_when_to_try_again(
    desk: Any, live_site: str, browser: Browser, screenshot: Screenshot, settings: Any
) -> None:
    settings.RATELIMIT_LOGIN_ACCOUNT = (2, 900)
    page = browser.new_context().new_page()
    page.goto(f"{live_site}/desk/login/")
    fill_sign_in(page, "wrong-guess")
    expect(page.get_by_text("Please enter a correct username and password.")).to_be_visible()

    fill_sign_in(page, "wrong-guess-again")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(
        re.compile(r"Too many sign-in attempts for this account\. Try again in 1 minute \(at \d\d:\d\d UTC\)\.")
    )
    expect(page.get_by_label("Username")).to_have_value("alice")  # kept for the next try
    screenshot(page, "sign-in-04-throttled")

    fill_sign_in(page, PASSWORD)  # the right password is refused during the cool-off
    expect(alert).to_contain_text("Too many sign-in attempts for this account.")
    expect(page).to_have_url(f"{live_site}/desk/login/")
