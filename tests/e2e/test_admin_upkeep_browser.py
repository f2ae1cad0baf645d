"""An admin's upkeep of shared text, in Chromium: canned responses exported to CSV, edited and
imported back; a frequent answer turned into a draft article; the article edited, an earlier
revision restored, then published and unpublished again (customers see it, then don't).
Needs Chromium only. Screenshots land in test-artifacts/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from canned_responses.models import CannedResponse
from canned_responses.services import canned_response_create
from knowledgebase.models import Article, Category
from tests.e2e.helpers import Screenshot, admin_sign_in

pytestmark = [pytest.mark.browser]

OLD = "Open Settings, then Password, and choose a new one."
NEW = "Open Settings, then Security, then Password, and choose a new one."


def run_action(page: Page, row_text: str, action: str) -> None:
    page.locator("#result_list tbody tr", has_text=row_text).locator("input.action-select").check()
    page.locator("select[name=action]").select_option(label=action)
    page.get_by_role("button", name="Go").click()


def test_admin_round_trips_canned_responses_and_curates_an_article(
    live_server: Any, transactional_db: None, desk: Any, browser: Browser, screenshot: Screenshot, tmp_path: Path
) -> None:
    Category.objects.create(name="Your account", slug="account", position=1)
    CannedResponse.objects.all().delete()  # the seeded ones, when a migration's data is still there
    canned_response_create(
        actor=desk.admin, shared=True, title="Change your password", shortcut="/password", kinds=[], body=OLD
    )
    site = live_server.url
    admin = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    admin_sign_in(admin, site)

    admin.goto(f"{site}/admin/canned_responses/cannedresponse/")
    with admin.expect_download() as exported:
        admin.get_by_role("link", name="Export shared (CSV)").click()
    csv = exported.value.path().read_text()
    assert OLD in csv
    edited = tmp_path / "canned.csv"
    edited.write_text(csv.replace(OLD, NEW))
    admin.get_by_role("link", name="Import CSV / JSON").click()
    admin.locator("input[type=file]").set_input_files(str(edited))
    admin.get_by_role("button", name="Import").click()
    expect(admin.locator(".messagelist")).to_contain_text("Imported: 0 new, 1 updated shared responses.")
    assert CannedResponse.objects.get(shortcut="/password").body == NEW

    run_action(admin, "Change your password", "Publish as knowledge-base article (creates drafts)")
    expect(admin.locator(".messagelist")).to_contain_text("1 draft article(s) created in the knowledge base.")
    article = Article.objects.get(title="Change your password")
    assert article.status == Article.Status.DRAFT

    admin.goto(f"{site}/admin/knowledgebase/article/{article.pk}/change/")
    admin.locator("#id_body").fill("Call us and we'll reset it.")
    admin.get_by_role("button", name="Save and continue editing").click()
    expect(admin.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(admin.locator(".kb-preview")).to_have_text("Call us and we'll reset it.")
    admin.get_by_role("button", name="Restore").first.click()  # the version before that edit
    expect(admin.locator(".messagelist")).to_contain_text("Restored the version of")
    expect(admin.locator("#id_body")).to_have_value(NEW)
    screenshot(admin, "admin-upkeep-01-restored")

    customer = browser.new_context().new_page()
    admin.goto(f"{site}/admin/knowledgebase/article/")
    run_action(admin, "Change your password", "Publish the selected articles")
    expect(admin.locator(".messagelist")).to_contain_text("1 article(s) published.")
    customer.goto(f"{site}/kb/a/{article.slug}/")
    expect(customer.locator(".kb-body")).to_have_text(NEW)
    run_action(admin, "Change your password", "Unpublish the selected articles (back to draft)")
    expect(admin.locator(".messagelist")).to_contain_text("1 article(s) back to draft.")
    response = customer.goto(f"{site}/kb/a/{article.slug}/")
    assert response is not None and response.status == 404, "an unpublished article is gone from /kb/"
