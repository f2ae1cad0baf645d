"""Two agents on one ticket, in Chromium on the real stack: they see each other ("is viewing",
"is typing a reply"), a hidden tab stops its heartbeat and a closed one leaves; a reply sent
over a newer customer message asks first and "Send anyway" sends it once; an @mention in a
note rings the mentioned agent's bell and emails them.

The heartbeat runs every second here instead of every ten (``desk.presence.POLL_SECONDS``: the
live server runs in this process). Screenshots land in test-artifacts/.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import Mailbox, Worker
from tests.e2e.helpers import Screenshot, sign_in, text_body
from tests.factories import UserFactory
from tickets import services
from tickets.links import link_path
from tickets.models import Message, Notice, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.redis]

SUBJECT = "Label printer feeds two labels at once"


@pytest.fixture
def fast_heartbeat(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("desk.presence.POLL_SECONDS", 1)


@pytest.fixture
def carl(desk: Any) -> Any:
    carl = UserFactory(username="carl", first_name="Carl", last_name="Clerk")
    desk.queue_a.agents.add(carl)
    return carl


def submitted(mailbox: Mailbox) -> Ticket:
    ticket = services.ticket_submit(
        name="Grace Hopper",
        email="grace@example.com",
        kind=Ticket.Kind.PROBLEM,
        subject=SUBJECT,
        description="Since Monday every label comes out doubled.",
    ).ticket
    mailbox.wait_for(1)  # the acknowledgement
    return ticket


def open_ticket(browser: Browser, site: str, username: str, ticket: Ticket) -> Page:
    page = browser.new_context().new_page()
    sign_in(page, site, username)
    page.goto(f"{site}/desk/t/{ticket.reference}/")
    expect(page.get_by_role("heading", name=SUBJECT)).to_be_visible()
    return page


def set_hidden(page: Page, hidden: bool) -> None:
    """What the browser does when the tab goes to the background (or comes back)."""
    page.evaluate(
        """hidden => {
            Object.defineProperty(document, "hidden", { value: hidden, configurable: true });
            document.dispatchEvent(new Event("visibilitychange"));
        }""",
        hidden,
    )


def test_two_agents_on_one_ticket_see_each_other_viewing_and_typing(
    celery_worker_process: Worker,
    smtp_server: Mailbox,
    desk: Any,
    carl: Any,
    fast_heartbeat: None,
    live_site: str,
    browser: Browser,
    screenshot: Screenshot,
) -> None:
    ticket = submitted(smtp_server)
    alice = open_ticket(browser, live_site, "alice", ticket)
    carls = open_ticket(browser, live_site, "carl", ticket)

    alice_sees = alice.locator(".presence-others")
    expect(alice_sees).to_have_text("Carl Clerk is viewing")
    expect(carls.locator(".presence-others")).to_have_text("Alice Agent is viewing")

    carls.get_by_label("Message").press_sequentially("Hi Grace, ")
    expect(alice_sees).to_have_text("Carl Clerk is typing a reply")
    screenshot(alice, "collide-01-carl-is-typing")

    carls.get_by_label("Internal note (agents only)").check()
    carls.get_by_label("Message").press_sequentially("checking stock first")
    expect(alice_sees).to_have_text("Carl Clerk is writing a note")

    set_hidden(alice, True)  # Alice switches to another tab: her page stops beating
    alice.wait_for_timeout(500)  # a beat already on its way may still land
    beats: list[str] = []
    alice.on("request", lambda request: beats.append(request.url) if request.url.endswith("/presence/") else None)
    alice.wait_for_timeout(2500)  # watching for beats that must not come (one a second while visible)
    assert beats == []
    with alice.expect_request(lambda request: request.url.endswith("/presence/")):
        set_hidden(alice, False)  # back on the tab: a beat at once

    carls.context.close()  # the page says goodbye as it goes
    expect(alice_sees).to_be_hidden()


def test_a_reply_over_a_newer_customer_message_asks_first_and_send_anyway_sends_it_once(
    celery_worker_process: Worker,
    smtp_server: Mailbox,
    desk: Any,
    fast_heartbeat: None,
    live_site: str,
    browser: Browser,
    screenshot: Screenshot,
) -> None:
    ticket = submitted(smtp_server)
    alice = open_ticket(browser, live_site, "alice", ticket)
    draft = "Please try the other tray and tell me if it still doubles."
    alice.get_by_label("Message").fill(draft)

    customer = browser.new_context().new_page()
    customer.goto(f"{live_site}{link_path(ticket)}")
    customer.get_by_label("Your reply").fill("Update: it only happens with the thick labels.")
    customer.get_by_role("button", name="Send reply").click()
    expect(customer.get_by_text("Update: it only happens with the thick labels.")).to_be_visible()

    live = alice.locator(".presence-changes")  # the heartbeat warns before Alice sends
    expect(live).to_contain_text("Since you opened this ticket: Grace Hopper wrote 1 min ago.")
    expect(live).to_contain_text("Press Send to see it first")

    alice.get_by_role("button", name="Send reply to Grace Hopper").click()

    asked = alice.locator("#conversation-changed")
    expect(asked).to_contain_text("The conversation changed since you opened this ticket.")
    expect(asked).to_contain_text("Grace Hopper wrote 1 min ago")
    expect(alice.get_by_label("Message")).to_have_value(draft)
    assert not Message.objects.filter(ticket=ticket, author_kind=Message.Author.AGENT).exists()
    asked.get_by_role("link", name="Review").click()
    expect(alice).to_have_url(f"{live_site}/desk/t/{ticket.reference}/reply/#timeline-new")
    expect(alice.locator("li.timeline-new", has_text="only happens with the thick labels")).to_be_visible()
    screenshot(alice, "collide-02-conversation-changed")

    asked.get_by_role("button", name="Send anyway").click()

    expect(alice.get_by_text("Reply sent to Grace Hopper.")).to_be_visible()
    expect(alice.locator(".presence-changes")).to_be_hidden()
    assert Message.objects.filter(ticket=ticket, author_kind=Message.Author.AGENT, body=draft).count() == 1
    replies = [m for m in smtp_server.wait_for(3) if m["To"] == "grace@example.com" and draft in text_body(m)]
    assert len(replies) == 1


def test_a_mention_in_a_note_rings_the_mentioned_agents_bell_and_emails_them(
    celery_worker_process: Worker,
    smtp_server: Mailbox,
    desk: Any,
    carl: Any,
    live_site: str,
    browser: Browser,
    screenshot: Screenshot,
) -> None:
    ticket = submitted(smtp_server)
    alice = open_ticket(browser, live_site, "alice", ticket)
    alice.get_by_label("Internal note (agents only)").check()
    box = alice.get_by_label("Message")
    box.press_sequentially("Stock question for @ca")
    options = alice.get_by_role("listbox", name="Agents to mention")
    expect(options.get_by_role("option")).to_have_count(1)
    expect(options.get_by_role("option")).to_contain_text("Carl Clerk")
    screenshot(alice, "collide-03-mention-autocomplete")
    box.press("Enter")
    box.press_sequentially("do we have thick labels? Also @bob")
    hint = alice.locator(".mention-hint")
    expect(hint).to_have_text("Will notify Carl Clerk.")  # "@bob" is still being typed: not judged yet
    box.press_sequentially(", thanks")
    expect(box).to_have_value("Stock question for @carl do we have thick labels? Also @bob, thanks")
    expect(hint).to_contain_text("Will notify Carl Clerk.")
    expect(hint).to_contain_text("@bob: no agent of this ticket's queue by that name; not notified.")

    alice.get_by_role("button", name="Add internal note").click()

    expect(alice.get_by_text("Notified Carl Clerk (a notice under the bell and an email).")).to_be_visible()
    expect(alice.get_by_text("@bob can't see this queue; not notified.")).to_be_visible()
    note = alice.get_by_role("list", name="Timeline").locator("li.timeline-note")
    expect(note.locator("span.mention")).to_have_text("@carl")
    screenshot(alice, "collide-04-note-with-a-mention")

    emails = [m for m in smtp_server.wait_for(2) if m["To"] == carl.email]
    assert [str(m["Subject"]) for m in emails] == [f"Alice Agent mentioned you: {ticket.reference} {SUBJECT}"]
    assert "Stock question for @carl do we have thick labels? Also @bob, thanks" in text_body(emails[0])
    assert Notice.objects.filter(kind=Notice.Kind.MENTION).count() == 1

    carls = browser.new_context().new_page()
    sign_in(carls, live_site, "carl")
    bell = carls.get_by_role("link", name="1 unread notice")
    expect(bell).to_be_visible()
    bell.click()
    mention = carls.locator(".notice-list li.notice-mention")
    expect(mention).to_contain_text("Mentioned you")
    note_text = "Stock question for @carl do we have thick labels? Also @bob, thanks"
    expect(mention).to_contain_text(f"Alice Agent: “{note_text}”")
    screenshot(carls, "collide-05-mention-under-the-bell")
    mention.get_by_role("link", name=ticket.reference).click()
    expect(carls.get_by_role("heading", name=SUBJECT)).to_be_visible()
