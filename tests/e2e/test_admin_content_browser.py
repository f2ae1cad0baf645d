"""An admin's everyday work in /admin/, in Chromium on the real stack, each followed through to
the person it is for: a canned response written in the admin and used by an agent in the desk;
a knowledge-base article taken from draft to published and found on /kb/; an email that failed,
sent again from the outbox and caught by the SMTP server; an agent put in a queue, who then
sees its tickets. Screenshots land in test-artifacts/.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from knowledgebase.models import Article, Category
from tests.e2e.conftest import Mailbox, Worker
from tests.e2e.helpers import Screenshot, admin_sign_in, sign_in, text_body
from tests.factories import TicketFactory
from tickets import services
from tickets.models import OutboundEmail, Ticket


def submitted(email: str = "grace@example.com") -> Ticket:
    return services.ticket_submit(
        name="Grace Hopper",
        email=email,
        kind=Ticket.Kind.PROBLEM,
        subject="Parcel is a week late",
        description="Order 1234 was due last Monday.",
    ).ticket


def csp_refusals(page: Page) -> list[str]:
    """The Content-Security-Policy violations Chromium reports on this page from now on."""
    refused: list[str] = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    return refused


def run_action(page: Page, row_text: str, action: str) -> None:
    """Tick one row of an admin list and run an action on it."""
    page.locator("#result_list tbody tr", has_text=row_text).locator("input.action-select").check()
    page.locator("select[name=action]").select_option(label=action)
    page.get_by_role("button", name="Go").click()


@pytest.mark.browser
@pytest.mark.postgres
@pytest.mark.redis
def test_admin_writes_a_canned_response_and_an_agent_sends_it(
    celery_worker_process: Worker,
    smtp_server: Mailbox,
    desk: Any,
    live_site: str,
    browser: Browser,
    screenshot: Screenshot,
) -> None:
    ticket = submitted()
    smtp_server.wait_for(1)  # the acknowledgement

    admin = browser.new_context().new_page()
    refused = csp_refusals(admin)
    admin_sign_in(admin, live_site)
    admin.goto(f"{live_site}/admin/canned_responses/cannedresponse/add/")
    admin.locator("#id_title").fill("Delivery is late")
    admin.locator("#id_shortcut").fill("/late-delivery")
    admin.locator("#id_body").fill(
        "Hi {{ customer.first_name }}, sorry for the wait: "
        "the courier has {{ ticket.reference }} and it arrives tomorrow."
    )
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".messagelist")).to_contain_text("was added successfully")
    expect(admin.locator("#result_list")).to_contain_text("Delivery is late")
    screenshot(admin, "admin-canned-01-added")
    admin.locator("#result_list tbody tr", has_text="Delivery is late").get_by_role("link", name="Preview").click()
    admin.get_by_label("Render against ticket").fill(ticket.reference)
    admin.get_by_role("button", name="Preview").click()
    expect(admin.locator(".preview-text")).to_have_text(
        f"Hi Grace, sorry for the wait: the courier has {ticket.reference} and it arrives tomorrow."
    )
    screenshot(admin, "admin-canned-02-preview")
    assert refused == [], "the canned responses' admin pages break no rule of the Content-Security-Policy"

    agent = browser.new_context().new_page()
    sign_in(agent, live_site, "alice")
    agent.goto(f"{live_site}/desk/t/{ticket.reference}/")
    body = agent.get_by_label("Message")
    body.click()
    body.press_sequentially("/late-d")
    option = agent.get_by_role("listbox", name="Canned responses").get_by_role("option", name="Delivery is late")
    expect(option).to_be_visible()
    body.press("Enter")
    rendered = f"Hi Grace, sorry for the wait: the courier has {ticket.reference} and it arrives tomorrow."
    expect(body).to_have_value(rendered)
    agent.get_by_role("button", name="Send reply to Grace Hopper").click()
    expect(agent.get_by_text("Reply sent to Grace Hopper.")).to_be_visible()
    screenshot(agent, "admin-canned-03-used-in-desk")

    _, reply = smtp_server.wait_for(2)
    assert reply["To"] == "grace@example.com"
    assert rendered in text_body(reply)
    smtp_server.wait_quiet(2, 0.5)


@pytest.mark.browser
def test_admin_publishes_a_draft_article_and_customers_find_it(
    live_server: Any, transactional_db: None, desk: Any, browser: Browser, screenshot: Screenshot
) -> None:
    Category.objects.create(name="Delivery", slug="delivery", position=1)
    site = live_server.url
    admin = browser.new_context().new_page()
    refused = csp_refusals(admin)
    admin_sign_in(admin, site)
    admin.goto(f"{site}/admin/knowledgebase/article/add/")
    admin.locator("#id_title").press_sequentially("Track your parcel")  # typed: the slug follows keystrokes
    expect(admin.locator("#id_slug")).to_have_value("track-your-parcel")
    admin.locator("#id_category").select_option(label="Delivery")
    admin.locator("#id_summary").fill("Where your order is, day by day.")
    admin.locator("#id_body").fill("Open **Orders** and press **Track** next to the order.")
    expect(admin.locator("#id_status")).to_have_value("draft")
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".messagelist")).to_contain_text("was added successfully")
    admin.locator("#result_list").get_by_role("link", name="Track your parcel").click()
    expect(admin.locator(".kb-preview")).to_contain_text("Open Orders and press Track")
    assert refused == [], "the article's admin pages break no rule of the Content-Security-Policy"
    admin.go_back()

    customer = browser.new_context().new_page()
    response = customer.goto(f"{site}/kb/a/track-your-parcel/")
    assert response is not None and response.status == 404, "a draft is not public"

    run_action(admin, "Track your parcel", "Publish the selected articles")
    expect(admin.locator(".messagelist")).to_contain_text("1 article(s) published.")
    expect(admin.locator("#result_list tbody tr", has_text="Track your parcel")).to_contain_text("Published")
    screenshot(admin, "admin-kb-01-published")
    assert Article.objects.get(slug="track-your-parcel").published_at is not None

    customer.goto(f"{site}/kb/")
    customer.get_by_label("Search help articles").fill("track parcel")
    customer.get_by_role("button", name="Search").click()
    customer.locator(".kb-results").get_by_role("link", name="Track your parcel").click()
    expect(customer.get_by_role("heading", name="Track your parcel", level=1)).to_be_visible()
    expect(customer.locator(".kb-body")).to_contain_text("Open Orders and press Track next to the order.")
    screenshot(customer, "admin-kb-02-on-kb")


@pytest.mark.browser
@pytest.mark.postgres
@pytest.mark.redis
def test_admin_sends_a_failed_email_again_and_it_arrives(
    celery_worker_process: Worker,
    smtp_server: Mailbox,
    desk: Any,
    live_site: str,
    browser: Browser,
    screenshot: Screenshot,
) -> None:
    smtp_server.reject.add("grace@example.com")  # the mail server refuses it once...
    ticket = submitted()
    [run] = celery_worker_process.wait_for_runs(1)
    assert run.result == "sent=0 skipped=0 retry=0 failed=1 more=no"  # the batch sender's report
    smtp_server.reject.clear()  # ...and accepts it once the mailbox is fixed

    admin = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    admin_sign_in(admin, live_site)
    admin.goto(f"{live_site}/admin/tickets/outboundemail/?status__exact=failed")
    row = admin.locator("#result_list tbody tr", has_text=f"ack:{ticket.pk}")
    expect(row).to_contain_text("Failed")
    expect(row).to_contain_text("SMTPRecipientsRefused")  # the list shows the error's start...
    screenshot(admin, "admin-outbox-01-failed")
    row.get_by_role("link", name=f"ack:{ticket.pk}").click()
    expect(admin.locator("body")).to_contain_text("5.1.1 no such user")  # ...its page the whole of it
    admin.go_back()
    run_action(admin, f"ack:{ticket.pk}", "Send again now")
    expect(admin.locator(".messagelist")).to_contain_text("1 email(s) queued to send now.")

    [ack] = smtp_server.wait_for(1)
    assert ack["To"] == "grace@example.com"
    assert ticket.reference in ack["Subject"]
    assert ticket.reference in text_body(ack)
    celery_worker_process.wait_for_runs(2)
    admin.goto(f"{live_site}/admin/tickets/outboundemail/")
    expect(admin.locator("#result_list tbody tr", has_text=f"ack:{ticket.pk}")).to_contain_text("Sent")
    screenshot(admin, "admin-outbox-02-sent")
    assert OutboundEmail.objects.get(ticket=ticket).attempts == 2
    smtp_server.wait_quiet(1, 0.5)


@pytest.mark.browser
def test_admin_puts_an_agent_in_a_queue_and_the_agent_sees_its_tickets(
    live_server: Any, transactional_db: None, desk: Any, browser: Browser, screenshot: Screenshot
) -> None:
    billing_ticket = TicketFactory(queue=desk.queue_a, subject="Card declined at checkout")
    site = live_server.url
    bob = browser.new_context().new_page()
    sign_in(bob, site, "bob")
    expect(bob.locator(".queue-table")).not_to_contain_text(billing_ticket.reference)  # not Bob's queue yet

    admin = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    admin_sign_in(admin, site)
    admin.goto(f"{site}/admin/tickets/queue/")
    admin.locator("#result_list").get_by_role("link", name="Billing").click()
    admin.locator("#id_agents_from").select_option(label="bob")
    admin.locator("#id_agents_add").click()
    expect(admin.locator("#id_agents_to option")).to_have_text(["alice", "bob"])
    screenshot(admin, "admin-queue-01-agents")
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(admin.locator("#result_list tbody tr", has_text="Billing")).to_contain_text("2")

    bob.reload()
    expect(bob.locator(".queue-table tbody tr", has_text=billing_ticket.reference)).to_contain_text(
        "Card declined at checkout"
    )
