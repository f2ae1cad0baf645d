"""The agent's workspace in Chromium: a saved view and its count in the sidebar, sorting by a
column, next / previous through the view, renaming and narrowing it, a bulk assignment, tagging
and move of ticked rows, and a big bulk
change run by the real Celery worker with its progress on screen. Screenshots land in
test-artifacts/.
"""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import Mailbox, Worker
from tests.e2e.helpers import Screenshot, sign_in
from tests.factories import TicketFactory, UserFactory
from tickets.models import BulkJob, Ticket, TicketEvent
from tickets.services import bulk

pytestmark = [pytest.mark.browser, pytest.mark.postgres]


def refs(page: Page) -> list[str]:
    return page.locator(".queue-table tbody td.ref").all_inner_texts()


def test_agent_saves_a_view_sees_its_count_sorts_it_and_walks_it_with_next(
    live_site: str, transactional_db: None, desk: Any, browser: Browser, screenshot: Screenshot
) -> None:
    now = timezone.now()
    complaints = [
        TicketFactory(
            queue=desk.queue_a,
            kind="complaint",
            subject=f"Complaint {n}",
            priority=p,
            next_due_at=now + timedelta(hours=n),
        )
        for n, p in ((1, 2), (2, 4), (3, 3))
    ]
    TicketFactory(queue=desk.queue_a, kind="problem", subject="Not a complaint")
    TicketFactory(queue=desk.queue_b, kind="complaint", subject="Bob's complaint")
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    sign_in(page, live_site, "alice")

    page.get_by_role("group", name="Quick views").get_by_role("link", name="Complaints").click()
    sidebar = page.get_by_role("navigation", name="Views")
    sidebar.get_by_text("Save this view").click()
    sidebar.get_by_label("Name").fill("Complaints to answer")
    sidebar.get_by_role("button", name="Save view").click()
    expect(page.get_by_text("Saved the view “Complaints to answer”.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Complaints to answer")
    view_link = sidebar.get_by_role("link", name="Complaints to answer")
    expect(view_link).to_have_attribute("aria-current", "page")
    expect(sidebar.locator(".views-count")).to_have_text("3")  # Bob's complaint is not Alice's to see
    assert refs(page) == [t.reference for t in complaints]  # due next
    screenshot(page, "views-01-saved-with-count")

    # Sorting by a column: the header says how the table is sorted.
    due = page.get_by_role("columnheader", name=re.compile("^Due"))
    expect(due).to_have_attribute("aria-sort", "ascending")
    page.get_by_role("link", name="Priority").click()
    priority = page.get_by_role("columnheader", name=re.compile("^Priority"))
    expect(priority).to_have_attribute("aria-sort", "descending")
    expect(due).not_to_have_attribute("aria-sort", re.compile("."))
    assert refs(page) == [complaints[1].reference, complaints[2].reference, complaints[0].reference]
    page.get_by_role("link", name="Priority").click()
    expect(priority).to_have_attribute("aria-sort", "ascending")
    assert refs(page) == [complaints[0].reference, complaints[2].reference, complaints[1].reference]
    screenshot(page, "views-02-sorted-by-priority")

    # Next / previous through the view from the ticket page, and back to it.
    view_link.click()
    page.get_by_role("link", name=complaints[0].reference).click()
    expect(page.get_by_role("heading", name="Complaint 1")).to_be_visible()
    nav = page.get_by_role("navigation", name="Tickets in this view")
    expect(nav.get_by_role("link", name="Complaints to answer")).to_be_visible()
    nav.get_by_role("link", name="Next →").click()
    expect(page.get_by_role("heading", name="Complaint 2")).to_be_visible()
    nav.get_by_role("link", name="Next →").click()
    expect(page.get_by_role("heading", name="Complaint 3")).to_be_visible()
    expect(nav.get_by_role("link", name="Next →")).to_have_count(0)  # the end of the view
    screenshot(page, "views-03-last-ticket-of-the-view")
    nav.get_by_role("link", name="← Previous").click()
    expect(page.get_by_role("heading", name="Complaint 2")).to_be_visible()
    nav.get_by_role("link", name="Complaints to answer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Complaints to answer")

    # Renamed, and sorted as the queue shows it now (highest priority first).
    page.get_by_role("link", name="Priority").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Complaints to answer filters changed, not saved")
    sidebar.get_by_text("Rename or update “Complaints to answer”").click()
    sidebar.get_by_role("form", name="Rename or update the view").get_by_label("Name").fill("Urgent complaints")
    sidebar.get_by_label("Use the filters and sort shown now").check()
    sidebar.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Saved the view “Urgent complaints” with the filters shown.")).to_be_visible()
    expect(sidebar.get_by_role("link", name="Urgent complaints")).to_have_attribute("aria-current", "page")
    expect(sidebar.locator(".views-count")).to_have_text("3")
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("not saved")
    assert refs(page) == [complaints[1].reference, complaints[2].reference, complaints[0].reference]


def test_agent_bulk_assigns_the_ticked_tickets(
    live_site: str, transactional_db: None, desk: Any, browser: Browser, screenshot: Screenshot
) -> None:
    carl = UserFactory(username="carl", first_name="Carl", last_name="Clerk")
    desk.queue_a.agents.add(carl)
    tickets = [TicketFactory(queue=desk.queue_a, subject=f"Printer {n} jams") for n in range(3)]
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    sign_in(page, live_site, "alice")

    bar = page.get_by_role("form", name="Change many tickets")
    bar.get_by_label("With the selected tickets").select_option(label="Assign")
    expect(bar.get_by_label("New status")).to_be_hidden()  # only what this action needs
    bar.get_by_label("Assign to").select_option(label="Carl Clerk")
    page.get_by_label(f"Select {tickets[0].reference}").check()
    page.get_by_label(f"Select {tickets[2].reference}").check()
    expect(bar).to_contain_text("2 selected.")
    screenshot(page, "bulk-01-two-ticked")
    bar.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("Assign: 2 changed.")).to_be_visible()
    for ticket, assignee in zip(tickets, ["Carl Clerk", "Unassigned", "Carl Clerk"], strict=True):
        expect(page.locator(".queue-table tbody tr", has_text=ticket.reference).locator("td.assignee")).to_have_text(
            assignee
        )
        changes = TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.ASSIGNED).count()
        assert changes == (1 if assignee == "Carl Clerk" else 0)
    screenshot(page, "bulk-02-assigned")

    # "Select all on this page", then unassign them all.
    page.get_by_label("Select all on this page").check()
    expect(bar).to_contain_text("3 selected.")
    bar.get_by_label("With the selected tickets").select_option(label="Assign")
    bar.get_by_label("Assign to").select_option(label="Nobody (unassign)")
    bar.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("Assign: 2 changed, 1 skipped")).to_be_visible()
    assert not Ticket.objects.filter(assignee__isnull=False).exists()

    # Tag them all, then move them to a queue Alice isn't in: they leave her queue.
    page.get_by_label("Select all on this page").check()
    bar.get_by_label("With the selected tickets").select_option(label="Add tags")
    bar.get_by_label("Tags").fill("printer, hardware")
    bar.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("Add tags: 3 changed.")).to_be_visible()
    expect(page.locator(".queue-table tbody tr", has_text="printer")).to_have_count(3)
    screenshot(page, "bulk-03-tagged")
    page.get_by_label("Select all on this page").check()
    bar.get_by_label("With the selected tickets").select_option(label="Move to queue")
    expect(bar.get_by_label("Tags")).to_be_hidden()
    bar.get_by_label("Move to").select_option(label=desk.queue_b.name)
    bar.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("Move to queue: 3 changed.")).to_be_visible()
    expect(page.get_by_text("No tickets match these filters.")).to_be_visible()
    assert set(Ticket.objects.values_list("queue", flat=True)) == {desk.queue_b.pk}


@pytest.mark.redis
def test_a_big_bulk_close_runs_in_the_worker_with_progress_and_emails_no_one(
    celery_worker_process: Worker,
    smtp_server: Mailbox,
    live_site: str,
    desk: Any,
    browser: Browser,
    screenshot: Screenshot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bulk, "CHUNK", 20)
    monkeypatch.setattr(bulk, "TASK_BUDGET_SECONDS", 0.0)  # one batch per task run: progress after each
    # The worker holds after its first batch until the page has shown it: no race with the poll.
    first_batch_shown = threading.Event()
    recount = bulk._recount

    def recount_then_hold(job: BulkJob, *, finished: bool = False) -> None:
        recount(job, finished=finished)
        if threading.current_thread() is not threading.main_thread():
            first_batch_shown.wait(timeout=20)

    monkeypatch.setattr(bulk, "_recount", recount_then_hold)
    TicketFactory.create_batch(120, queue=desk.queue_a, kind="problem", status="open")
    untouched = TicketFactory(queue=desk.queue_a, kind="info", status="open")
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    sign_in(page, live_site, "alice")
    page.goto(f"{live_site}/desk/?kind=problem")

    bar = page.get_by_role("form", name="Change many tickets")
    bar.get_by_label("With the selected tickets").select_option(label="Close")
    expect(bar.get_by_label("Email the customers (one email each)")).not_to_be_checked()
    bar.get_by_label("Apply to").select_option(label="All 120 matching")
    bar.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"/desk/bulk/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Close: 120 tickets")
    expect(page.locator(".progress-text")).to_have_text("20 of 120 done: 20 changed, 0 skipped.")
    expect(page.locator("progress")).to_have_attribute("value", "20")
    screenshot(page, "bulk-04-progress")
    first_batch_shown.set()

    summary = page.locator(".bulk-summary")
    expect(summary).to_contain_text("120 changed, 0 skipped; no customer was emailed.", timeout=60_000)
    screenshot(page, "bulk-05-summary")
    runs = [run for run in celery_worker_process.runs if run.name == "tickets.tasks.bulk_job_run"]
    assert len(runs) >= 6 and runs[-1].result == "done"  # a batch per run, each queueing the next
    assert Ticket.objects.filter(kind="problem", status="closed").count() == 120
    assert TicketEvent.objects.filter(kind=TicketEvent.Kind.STATUS_CHANGED).count() == 120  # one each
    untouched.refresh_from_db()
    assert untouched.status == "open"
    smtp_server.wait_quiet(0, seconds=2)  # no customer was told
    page.get_by_role("link", name="Back to the queue").click()
    expect(page.get_by_text("No tickets match these filters.")).to_be_visible()
