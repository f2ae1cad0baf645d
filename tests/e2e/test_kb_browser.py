"""The knowledge base in a real browser: suggestions on the ticket form, and a deflection counted.

Needs Chromium only (no worker, no SMTP): runs on SQLite or PostgreSQL. Screenshots land in test-artifacts/.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from knowledgebase.models import Category
from knowledgebase.seed import seed_articles
from knowledgebase.selectors import deflection_stats

pytestmark = [pytest.mark.browser]

Screenshot = Callable[[Page, str], Path]


@pytest.fixture
def kb_site(live_server: Any, transactional_db: None, desk: Any) -> str:
    seed_articles()
    assert Category.objects.exists()
    return str(live_server.url)


def test_typing_a_subject_suggests_an_article_and_opening_it_then_leaving_is_a_deflection(
    browser: Browser, kb_site: str, screenshot: Screenshot
) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{kb_site}/kb/")
    expect(page.get_by_label("Search help articles")).to_be_visible()
    screenshot(page, "kb-01-home")

    page.goto(f"{kb_site}/support/new/")
    page.get_by_label("Subject").press_sequentially("printer prints blank", delay=20)
    suggestion = page.locator(".kb-suggestions a", has_text="Printer prints blank pages")
    expect(suggestion).to_be_visible()
    screenshot(page, "kb-02-form-with-suggestions")

    with context.expect_page() as opened:
        suggestion.click()
    article = opened.value
    expect(article.get_by_role("heading", name="Printer prints blank pages")).to_be_visible()
    screenshot(article, "kb-03-article")
    article.close()
    page.close()  # the customer leaves without submitting
    context.close()

    stats = deflection_stats()
    assert (stats.opened, stats.submitted_anyway, stats.deflected) == (1, 0, 1)


def test_the_form_still_submits_after_suggestions_and_counts_it(browser: Browser, kb_site: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{kb_site}/support/new/")
    page.get_by_label("Your name").fill("Grace Hopper")
    page.get_by_label("Your email address").fill("grace@example.com")
    page.get_by_label("I have a question").check()
    page.get_by_label("Subject").press_sequentially("refund", delay=20)
    suggestion = page.locator(".kb-suggestions a", has_text="Request a refund")
    expect(suggestion).to_be_visible()
    with context.expect_page() as opened:
        suggestion.click()
    opened.value.close()
    page.get_by_label("Tell us more").fill("I'd still like to talk to someone.")
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("heading", name="We've got your request")).to_be_visible()
    context.close()
    stats = deflection_stats()
    assert (stats.opened, stats.submitted_anyway, stats.deflected) == (1, 1, 0)
