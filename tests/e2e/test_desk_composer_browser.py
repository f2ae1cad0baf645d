"""The reply composer in Chromium, with and without JavaScript: the agent promises a custom
update time, inserts a canned response, then a help-article link, then sends. Either way the
customer gets one reply with both texts, the promise is the time the agent picked, and the
canned response counts one use. (Without JavaScript each insert reloads the page, which once
dropped the custom time and the canned response's id.) Screenshots land in test-artifacts/.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from canned_responses.models import CannedResponse, CannedResponseUse
from canned_responses.services import canned_response_create
from knowledgebase.models import Article, Category
from knowledgebase.services import article_create
from tests.e2e.conftest import Mailbox, Worker
from tests.e2e.helpers import Screenshot, sign_in, text_body
from tickets import services
from tickets.models import Message, Promise, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.redis]

CANNED_TEXT = "Hi Grace, your parcel left our warehouse this morning."


def promised_time() -> datetime:
    """Two days ahead at 15:30 in the desk's zone (the agent's zone: the profile has none)."""
    day = timezone.localdate() + timedelta(days=2)
    return datetime(day.year, day.month, day.day, 15, 30, tzinfo=timezone.get_default_timezone())


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_canned_then_article_then_send_keeps_the_custom_time_and_counts_one_use(
    javascript: bool,
    celery_worker_process: Worker,
    smtp_server: Mailbox,
    desk: Any,
    live_site: str,
    browser: Browser,
    screenshot: Screenshot,
) -> None:
    shipped = canned_response_create(
        actor=desk.admin, shared=True, title="Parcel shipped", body="Hi {{ customer.first_name }}, " + CANNED_TEXT[10:]
    )
    category = Category.objects.create(name="Delivery", slug="delivery", position=1)
    article_create(
        title="Track your parcel", body="Open Orders, press Track.", category=category, status=Article.Status.PUBLISHED
    )
    ticket = services.ticket_submit(
        name="Grace Hopper",
        email="grace@example.com",
        kind=Ticket.Kind.PROBLEM,
        subject="Where is my parcel?",
        description="Ordered a week ago, nothing yet.",
    ).ticket
    smtp_server.wait_for(1)  # the acknowledgement
    due = promised_time()

    page = browser.new_context(java_script_enabled=javascript).new_page()
    sign_in(page, live_site, "alice")
    page.goto(f"{live_site}/desk/t/{ticket.reference}/")
    page.get_by_label("Promise the next update").select_option(label="A date and time…")
    page.get_by_label("Date and time").fill(due.strftime("%Y-%m-%dT%H:%M"))
    body = page.get_by_label("Message")

    page.get_by_label("Canned response", exact=True).select_option(label="Parcel shipped")
    page.get_by_role("button", name="Insert", exact=True).click()
    expect(body).to_have_value(CANNED_TEXT)

    page.get_by_label("Insert a help article link").select_option(label="Track your parcel")
    page.get_by_role("button", name="Insert article link").click()
    link = f"[Track your parcel]({live_site}/kb/a/track-your-parcel/)"
    expect(body).to_have_value(f"{CANNED_TEXT}{' ' if javascript else chr(10) * 2}{link}")
    expect(page.get_by_label("Promise the next update")).to_have_value("custom")
    expect(page.get_by_label("Date and time")).to_have_value(due.strftime("%Y-%m-%dT%H:%M"))
    screenshot(page, f"desk-composer-01-inserted-{'js' if javascript else 'nojs'}")

    page.locator("button.reply-submit").click()
    expect(page.get_by_text("Reply sent to Grace Hopper.")).to_be_visible()
    expect(page.get_by_text(f"Next update promised by {due:%a %H:%M}")).to_be_visible()

    reply = Message.objects.get(ticket=ticket, author_kind=Message.Author.AGENT)
    assert CANNED_TEXT in reply.body and link in reply.body
    assert Promise.objects.pending_for(ticket).due_at == due  # type: ignore[union-attr]
    assert CannedResponseUse.objects.filter(response=shipped).count() == 1
    assert CannedResponse.objects.get(pk=shipped.pk).usage_count == 1
    _, email = smtp_server.wait_for(2)
    assert f"{live_site}/kb/a/track-your-parcel/" in text_body(email)
