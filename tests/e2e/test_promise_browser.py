"""The promise, told the same everywhere, through real everything: Chromium, the live server,
PostgreSQL, a Celery worker on Redis and an SMTP server. Each reader sees the same instant in
their own zone: the customer in New York (their browser's zone), the agent in the zone they set.

Flows: the success page's promise, agent settings (zone, hours), promise pick, waiting on the customer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import Mailbox, Worker
from tests.e2e.helpers import fill_subject
from tickets.models import AgentProfile, Promise, SlaPolicy, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.redis]

Screenshot = Callable[[Page, str], Path]
NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def policy(desk: Any) -> SlaPolicy:
    """Problems: first response in 4 hours, then an update every 2 (around the clock); pauses while waiting.
    Made here: the migration's default policies don't survive another test's flush of the database."""
    SlaPolicy.objects.update(is_active=False)
    return SlaPolicy.objects.create(
        name="Problems", kind="problem", first_response_minutes=240, next_update_minutes=120,
        resolution_minutes=1440, pause_when_waiting=True,
    )  # fmt: skip


def text_body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None, "the email has a text part"
    return " ".join(str(part.get_content()).split())


def private_link(message: EmailMessage, site: str) -> str:
    match = re.search(rf"{re.escape(site)}/support/t/\S+/", text_body(message))
    assert match, text_body(message)
    return match.group(0)


def customer_submits(page: Page, site: str, subject: str) -> None:
    page.goto(f"{site}/support/new/")
    page.get_by_label("Your name").fill("Dana Scully")
    page.get_by_label("Your email address").fill("dana@example.com")
    page.get_by_label("Something isn't working").check()
    fill_subject(page, subject)
    page.get_by_label("Tell us more").fill("The export stops halfway.")
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("heading", name="We've got your request")).to_be_visible()


def agent_signs_in(page: Page, site: str) -> None:
    page.goto(f"{site}/desk/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name=re.compile("Alice Agent"))).to_be_visible()


def clock(when: datetime, zone: ZoneInfo) -> str:
    """'Tue 1 Dec 19:00' in ``zone``: how the desk writes a due time."""
    local = when.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b} {local:%H:%M}"


def test_a_picked_time_is_the_same_instant_in_the_email_the_page_the_sidebar_and_the_timeline(
    celery_worker_process: Worker,
    smtp_server: Mailbox,
    desk: Any,
    policy: SlaPolicy,
    live_site: str,
    browser: Browser,
    screenshot: Screenshot,
) -> None:
    customer = browser.new_context(timezone_id="America/New_York").new_page()
    customer_submits(customer, live_site, "Export stops halfway")

    # The success page states the promise in the acknowledgement's words and zone.
    [ack] = smtp_server.wait_for(1)
    sentence = re.search(r"We'll update you by [^.]*\(New York time\)\.", text_body(ack))
    assert sentence, text_body(ack)
    expect(customer.locator(".promise-text")).to_have_text(sentence.group(0))
    screenshot(customer, "promise-01-success-page")
    ticket = Ticket.objects.get()

    # The agent sets their zone; the ticket page's times and zone name follow.
    agent = browser.new_context().new_page()
    agent_signs_in(agent, live_site)
    first = Promise.objects.get(ticket=ticket, state="pending")
    agent.goto(f"{live_site}/desk/t/{ticket.reference}/")
    card = agent.locator(".promise-card")
    expect(card).to_contain_text(f"{clock(first.due_at, ZoneInfo('UTC'))} (UTC)")
    agent.get_by_role("link", name=re.compile("Alice Agent")).click()
    agent.get_by_label("Your time zone").select_option("Asia/Tokyo")
    for day in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"):
        agent.get_by_label(day, exact=True).check()
    agent.get_by_label("From", exact=True).fill("00:00")
    agent.get_by_label("Until", exact=True).fill("23:59")
    screenshot(agent, "promise-02-my-settings")
    agent.get_by_role("button", name="Save").click()
    expect(agent.get_by_text("Saved.")).to_be_visible()
    profile = AgentProfile.objects.get(user=desk.agent_a)
    assert (profile.timezone, profile.duty_days) == ("Asia/Tokyo", "")  # every day ticked: every day
    agent.goto(f"{live_site}/desk/t/{ticket.reference}/")
    expect(card).to_contain_text(f"{clock(first.due_at, TOKYO)} (Tokyo time)")
    expect(agent.locator(".desk-zone")).to_have_text("· Tokyo time")

    # The agent promises "Tomorrow by 10:00" with a public reply.
    agent.get_by_label("Message").fill("We're looking at the export now.")
    agent.get_by_label("Promise the next update").select_option("tomorrow10")
    agent.get_by_role("button", name="Send reply to Dana Scully").click()
    expect(agent.get_by_text("Reply sent to Dana Scully.")).to_be_visible()
    due = Promise.objects.get(ticket=ticket, state="pending").due_at
    assert due is not None
    expect(agent.locator(".alert-success")).to_contain_text(
        f"Next update promised by {due.astimezone(TOKYO):%a %H:%M} (Tokyo time)."
    )
    expect(card).to_contain_text(f"{clock(due, TOKYO)} (Tokyo time)")
    expect(agent.get_by_role("list", name="Timeline")).to_contain_text(
        f"promise made due {clock(due, TOKYO)} (Tokyo time)"
    )
    screenshot(agent, "promise-03-desk-after-pick")

    in_new_york = due.astimezone(NEW_YORK)
    _, reply = smtp_server.wait_for(2)
    told = re.search(r"We'll update you again by (.+? at (\d\d:\d\d) \(New York time\))\.", text_body(reply))
    assert told, text_body(reply)
    assert told.group(2) == f"{in_new_york:%H:%M}"  # the same instant, in the customer's zone
    customer.goto(private_link(ack, live_site))
    expect(customer.locator(".status-box .promise-text")).to_have_text(f"We'll update you by {told.group(1)}.")
    screenshot(customer, "promise-04-customer-page-after-pick")
    smtp_server.wait_quiet(2, 0.5)


def test_waiting_on_the_customer_pauses_the_clock_and_everyone_says_so(
    celery_worker_process: Worker,
    smtp_server: Mailbox,
    desk: Any,
    policy: SlaPolicy,
    live_site: str,
    browser: Browser,
    screenshot: Screenshot,
) -> None:
    customer = browser.new_context(timezone_id="America/New_York").new_page()
    customer_submits(customer, live_site, "Which version do I need?")
    [ack] = smtp_server.wait_for(1)
    ticket = Ticket.objects.get()

    agent = browser.new_context().new_page()
    agent_signs_in(agent, live_site)
    agent.goto(f"{live_site}/desk/t/{ticket.reference}/")
    picker = agent.get_by_label("Promise the next update")
    note = agent.locator("#waiting-note")
    expect(note).to_be_hidden()
    picker.select_option("tomorrow10")
    agent.get_by_label("Then set status to").select_option("waiting")
    expect(picker).to_be_disabled()
    expect(agent.get_by_label("Date and time")).to_be_disabled()
    expect(note).to_have_text(
        "The clock pauses while we wait for Dana. When Dana answers, we'll promise an update within 2 business hours."
    )
    screenshot(agent, "promise-05-waiting-chosen")
    agent.get_by_label("Then set status to").select_option("open")
    expect(picker).to_be_enabled()
    expect(note).to_be_hidden()
    agent.get_by_label("Then set status to").select_option("waiting")

    agent.get_by_label("Message").fill("Which version are you running?")
    agent.get_by_role("button", name="Send reply to Dana Scully").click()
    expect(agent.get_by_text("Reply sent to Dana Scully. The clock waits for Dana's answer")).to_be_visible()
    card = agent.locator(".promise-card")
    expect(card).to_contain_text("Clock paused: waiting on the customer. No update time is promised.")
    expect(card).to_contain_text("When Dana answers, we promise an update within 2 business hours.")
    expect(agent.get_by_role("list", name="Timeline")).to_contain_text(
        "clock paused until the customer answers, then an update within 2 business hours"
    )
    screenshot(agent, "promise-06-desk-waiting")

    waits = (
        "We're waiting for your reply. The clock waits for you: "
        "once you answer, we'll update you within 2 business hours."
    )
    _, reply = smtp_server.wait_for(2)
    assert waits in text_body(reply) and "update you again by" not in text_body(reply)
    customer.goto(private_link(ack, live_site))
    expect(customer.locator(".status-box .promise-text")).to_have_text(waits)
    screenshot(customer, "promise-07-customer-waiting")
    smtp_server.wait_quiet(2, 0.5)
