"""An agent hears of a broken promise and reads the reports, in Chromium on the real stack.

The sweep that beat runs every minute goes to the real worker: it breaks the overdue promise,
emails the assignee (caught by the SMTP server) and rings the desk's bell. The agent opens the
notices page, marks them read, then reads the kept-rates of the
seeded data on the reports page, after the roll-up. Screenshots land in test-artifacts/.
"""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import Mailbox, Worker
from tests.e2e.helpers import Screenshot, sign_in, text_body
from tests.factories import TicketFactory
from tickets.models import Notice, Promise, Ticket
from tickets.tasks import promise_sweep_task

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.redis]


def promise(ticket: Ticket, state: str, *, hours_ago: float, due_in_hours: float = 4, by: Any = None) -> Promise:
    created = timezone.now() - timedelta(hours=hours_ago)
    return Promise.objects.create(
        ticket=ticket,
        kind=Promise.Kind.NEXT_UPDATE if by else Promise.Kind.FIRST_RESPONSE,
        source=Promise.Source.AGENT if by else Promise.Source.POLICY,
        made_by=by,
        state=state,
        created_at=created,
        due_at=created + timedelta(hours=due_in_hours),
    )


def test_a_broken_promise_rings_the_bell_is_emailed_and_counts_in_the_reports(
    celery_worker_process: Worker,
    smtp_server: Mailbox,
    desk: Any,
    live_site: str,
    browser: Browser,
    screenshot: Screenshot,
) -> None:
    now = timezone.now()
    late = TicketFactory(
        queue=desk.queue_a,
        assignee=desk.agent_a,
        subject="Refund never arrived",
        next_due_at=now - timedelta(minutes=5),
    )
    promise(late, Promise.State.PENDING, hours_ago=1, due_in_hours=55 / 60)  # due 5 minutes ago
    answered = TicketFactory(
        queue=desk.queue_a,
        assignee=desk.agent_a,
        status=Ticket.Status.OPEN,
        created_at=now - timedelta(days=2),
        first_response_at=now - timedelta(days=2) + timedelta(minutes=90),
    )
    for _ in range(3):
        promise(answered, Promise.State.KEPT, hours_ago=40, by=desk.agent_a)
    promise(TicketFactory(queue=desk.queue_b), Promise.State.BROKEN, hours_ago=30)  # Bob's queue: not Alice's figures

    promise_sweep_task.delay()  # what beat queues every minute
    [notice_email] = smtp_server.wait_for(1)
    assert notice_email["To"] == "alice@desk.example"
    assert notice_email["Subject"] == f"Promise broken: {late.reference} Refund never arrived"
    assert f"The promise to {late.customer.name} on {late.reference} was broken" in text_body(notice_email)
    assert f"{live_site}/desk/t/{late.reference}/" in text_body(notice_email)

    page = browser.new_context().new_page()
    sign_in(page, live_site, "alice")
    bell = page.get_by_role("link", name="1 unread notice")
    expect(bell).to_be_visible()
    screenshot(page, "notices-01-bell")
    bell.click()

    expect(page.get_by_role("heading", name="Notices")).to_contain_text("1 unread")
    notice = page.get_by_role("list", name="Your notices, newest first").get_by_role("listitem")
    expect(notice).to_have_count(1)
    expect(notice).to_contain_text("Promise broken")
    expect(notice).to_contain_text("Refund never arrived")
    expect(notice.get_by_role("link", name=late.reference)).to_have_attribute("href", f"/desk/t/{late.reference}/")
    screenshot(page, "notices-02-page")
    page.get_by_role("button", name="Mark all as read").click()

    expect(page.get_by_text("Marked 1 notice as read.")).to_be_visible()
    expect(page.get_by_role("heading", name="Notices")).to_contain_text("all read")
    expect(page.get_by_role("link", name="No unread notices")).to_be_visible()
    assert Notice.objects.get().read_at is not None

    call_command("reports_backfill", stdout=StringIO())  # the roll-up the worker keeps up to date
    page.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("link", name="Last 30 days")).to_have_attribute("aria-current", "page")
    by_queue = page.locator("table[data-figure='promises-queue']")
    billing = by_queue.get_by_role("row", name=re.compile("^Billing"))
    # Promises settled in the period: kept, broken, kept rate (the sweep's breach counts at once).
    expect(billing.get_by_role("cell")).to_have_text(["3", "1", re.compile(r"75\s%")])
    expect(by_queue.get_by_role("row", name=re.compile("^Technical"))).to_have_count(0)
    screenshot(page, "reports-01-figures")
    smtp_server.wait_quiet(1, 0.5)
