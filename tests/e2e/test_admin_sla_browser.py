"""An admin sets up promises in Chromium: creates an SLA policy and reads its due-time preview,
then changes the calendar's opening hours and adds a holiday and sees the preview move.

The clock is set (time-machine, ticking) to Monday 4 January 2027, 10:00 UTC, so the preview's
wall-clock times are known. Needs Chromium only. Screenshots land in test-artifacts/.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

import pytest
import time_machine
from playwright.sync_api import Browser, Page, expect

from tests.e2e.helpers import Screenshot, admin_sign_in
from tickets.models import BusinessCalendar, OpeningHours, SlaPolicy

pytestmark = [pytest.mark.browser]

MONDAY_10AM = datetime(2027, 1, 4, 10, 0, tzinfo=UTC)


def preview(page: Page) -> Any:
    return page.locator(".field-preview .readonly")


def test_admin_creates_a_policy_previews_it_and_sees_business_hours_move_it(
    live_server: Any, transactional_db: None, desk: Any, browser: Browser, screenshot: Screenshot
) -> None:
    calendar = BusinessCalendar.objects.create(name="Weekday office", zone="UTC")
    OpeningHours.objects.bulk_create(
        OpeningHours(calendar=calendar, weekday=day, opens=time(9), closes=time(17)) for day in range(5)
    )
    site = live_server.url
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    with time_machine.travel(MONDAY_10AM, tick=True):
        admin_sign_in(page, site)
        page.goto(f"{site}/admin/tickets/slapolicy/add/")
        page.locator("#id_name").fill("Billing problems")
        page.locator("#id_kind").select_option(label="Problem")
        page.locator("#id_queue").select_option(label="Billing")
        page.locator("#id_first_response_minutes").fill("120")
        page.locator("#id_next_update_minutes").fill("60")
        page.locator("#id_resolution_minutes").fill("480")
        page.locator("#id_remind_before_minutes").fill("15")
        page.locator("#id_calendar").select_option(label="Weekday office (UTC)")
        expect(preview(page)).to_have_text("Save the policy to see the due times it would promise.")
        page.get_by_role("button", name="Save and continue editing").click()

        expect(page.locator(".messagelist")).to_contain_text("was added successfully")
        expect(preview(page)).to_have_text(
            "A problem created now would be due for a first response at Mon 4 Jan 12:00 (UTC) and then updated "
            "every 1h; its resolution would be due at Tue 5 Jan 10:00. Counted in the open hours of “Weekday office”."
        )
        screenshot(page, "admin-sla-01-preview")
        policy_url = page.url

        page.goto(f"{site}/admin/tickets/businesscalendar/{calendar.pk}/change/")
        weekdays = page.locator("select[name^='opening_hours-'][name$='-weekday']")
        tuesday = [i for i, value in enumerate(weekdays.evaluate_all("all => all.map(s => s.value)")) if value == "1"]
        assert len(tuesday) == 1, "one Tuesday row"
        page.locator(f"[name='opening_hours-{tuesday[0]}-closes']").fill("10:00")
        page.locator("[name='holidays-0-day']").fill("2027-01-04")
        page.locator("[name='holidays-0-name']").fill("Bank holiday")
        page.get_by_role("button", name="Save and continue editing").click()
        expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
        screenshot(page, "admin-sla-02-calendar")

        page.goto(policy_url)
        # Monday is a holiday and Tuesday opens one hour: two hours of business time end Wednesday 10:00.
        expect(preview(page)).to_have_text(
            "A problem created now would be due for a first response at Wed 6 Jan 10:00 (UTC) and then updated "
            "every 1h; its resolution would be due at Wed 6 Jan 16:00. Counted in the open hours of “Weekday office”."
        )
        screenshot(page, "admin-sla-03-preview-moved")
    assert SlaPolicy.objects.get(name="Billing problems").calendar == calendar
