"""An agent reads the reports in Chromium on the real stack: a chart with the table behind it, and
its CSV download, which holds the same rows; then the satisfaction chart and its table. The roll-up
is the backfill command, then the worker's periodic task picking up a ticket that came in since and
a survey rated since (it counts on the day the survey went out). Screenshots land in test-artifacts/."""

from __future__ import annotations

import csv
import re
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Browser, expect

from reporting.tasks import rollup_task
from satisfaction.models import Survey
from satisfaction.services.surveys import rating_record
from tests.e2e.conftest import Worker
from tests.e2e.helpers import Screenshot, sign_in
from tests.factories import TicketFactory

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.redis]


def test_a_chart_shows_with_its_table_and_its_csv_downloads(
    celery_worker_process: Worker,
    desk: Any,
    live_site: str,
    browser: Browser,
    screenshot: Screenshot,
    tmp_path: Path,
) -> None:
    now = timezone.now()
    for days_ago, kind in enumerate(["info", "problem", "problem", "complaint"]):
        TicketFactory(queue=desk.queue_a, kind=kind, channel="email", created_at=now - timedelta(days=days_ago))
    TicketFactory(queue=desk.queue_b, kind="info", created_at=now)  # Bob's queue: not in Alice's figures
    # Solved long ago, surveyed yesterday twice (two solves): one rated 5 of 5, one rated later.
    solved = TicketFactory(
        queue=desk.queue_a,
        assignee=desk.agent_a,
        status="resolved",
        created_at=now - timedelta(days=40),
        resolved_at=now - timedelta(days=1),
    )
    surveys = [
        Survey.objects.create(
            ticket=solved,
            solved_at=now - timedelta(hours=hours),
            customer=solved.customer,
            queue=desk.queue_a,
            agent=desk.agent_a,
            status="sent",
            scale=5,
            created_at=now - timedelta(hours=hours) + timedelta(minutes=10),
            rating=rating,
            rated_at=now - timedelta(hours=2) if rating else None,
        )
        for hours, rating in ((24, 5), (25, None))
    ]
    call_command("reports_backfill", stdout=StringIO())
    # Came in after the backfill: the worker's run (what beat queues every few minutes) counts it.
    TicketFactory(queue=desk.queue_a, kind="complaint", channel="phone", created_at=timezone.now())
    rating_record(survey_id=surveys[1].pk, rating=4)  # rated since: updates yesterday's row
    rollup_task.delay()
    celery_worker_process.wait_for_runs(1)

    page = browser.new_context(accept_downloads=True).new_page()
    sign_in(page, live_site, "alice")
    page.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Reports", exact=False).first).to_be_visible()
    figure = page.locator("#figure-volume-kind")
    chart = figure.get_by_role("img", name="New tickets by kind")
    expect(chart).to_be_visible()
    expect(chart.locator("rect[height]:not([height='0.0'])")).not_to_have_count(0)
    table = figure.get_by_role("table")
    expect(table.get_by_role("row").first).to_have_text(re.compile(r"Day\s*Info request\s*Problem\s*Complaint\s*Total"))
    total = table.locator("tfoot tr")
    expect(total.get_by_role("cell")).to_have_text(["1", "2", "2", "5"])
    expect(page.get_by_text("Technical")).to_have_count(0)
    screenshot(page, "reports-01-chart-and-table")

    with page.expect_download() as download:
        figure.get_by_role("link", name="Download CSV of New tickets by kind").click()
    assert download.value.suggested_filename.startswith("volume-kind_")
    saved = tmp_path / "volume-kind.csv"
    download.value.save_as(saved)
    rows = list(csv.reader(saved.read_text(encoding="utf-8").splitlines()))
    shown = [[cell.strip() for cell in row.locator("th, td").all_inner_texts()] for row in table.locator("tr").all()]
    assert rows == shown
    assert rows[0] == ["Day", "Info request", "Problem", "Complaint", "Total"]
    assert rows[-1] == ["Total", "1", "2", "2", "5"]

    satisfaction = page.locator("#figure-csat-queue")
    satisfaction.scroll_into_view_if_needed()
    csat_chart = satisfaction.get_by_role("img", name="Satisfaction by queue")
    expect(csat_chart).to_be_visible()
    expect(csat_chart.locator("rect[height]:not([height='0.0'])")).not_to_have_count(0)
    csat_table = satisfaction.get_by_role("table")
    expect(csat_table.get_by_role("row").first).to_have_text(
        re.compile(r"Queue\s*Surveys sent\s*Rated\s*Good\s*Score\s*Response rate")
    )
    expect(csat_table.locator("tbody tr").first.locator("th, td")).to_have_text(
        ["Billing", "2", "2", "2", "100 %", "100 %"]
    )
    expect(page.locator("#figure-csat-agent tbody tr")).to_have_count(1)
    expect(page.locator("#figure-csat-agent tbody tr th")).to_have_text("Alice Agent")
    screenshot(page, "reports-02-satisfaction")
