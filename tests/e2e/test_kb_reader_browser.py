"""A customer helps themselves in the knowledge base, in Chromium: browse a topic, search on /kb/, read an
article, answer "Was this helpful?" with yes, and with no, which offers the ticket form
prefilled with the article.

Needs Chromium only (no worker, no email). Screenshots land in test-artifacts/.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from knowledgebase.models import Article, Feedback
from knowledgebase.seed import seed_articles
from tests.e2e.helpers import Screenshot

pytestmark = [pytest.mark.browser]


@pytest.fixture
def kb_site(live_server: Any, transactional_db: None, desk: Any) -> str:
    seed_articles()
    return str(live_server.url)


def test_customer_searches_reads_and_votes_then_asks_the_team(
    browser: Browser, kb_site: str, screenshot: Screenshot
) -> None:
    page = browser.new_context().new_page()
    page.goto(f"{kb_site}/kb/")
    page.get_by_role("link", name="Billing and invoices").click()
    expect(page.get_by_role("heading", name="Billing and invoices")).to_be_visible()
    expect(page.get_by_role("link", name="Download an invoice as PDF")).to_be_visible()
    page.get_by_role("link", name="Help articles").first.click()
    search = page.get_by_label("Search help articles")
    search.fill("invoice pdf")
    page.get_by_role("button", name="Search").click()

    expect(page.get_by_role("heading", name="for “invoice pdf”")).to_be_visible()
    results = page.locator(".kb-results")
    expect(results.get_by_role("link", name="Download an invoice as PDF")).to_be_visible()
    screenshot(page, "kb-reader-01-results")
    with page.expect_response(lambda r: r.url.endswith("/viewed/") and r.request.method == "POST") as beacon:
        results.get_by_role("link", name="Download an invoice as PDF").click()
    assert beacon.value.status == 204  # the read is counted by a POST beacon, not by the GET

    expect(page.get_by_role("heading", name="Download an invoice as PDF", level=1)).to_be_visible()
    expect(page.locator(".kb-body")).to_contain_text("Billing → Invoices")
    expect(page.get_by_role("heading", name="Was this helpful?")).to_be_visible()
    page.get_by_role("button", name="Yes").click()
    expect(page.get_by_role("status")).to_have_text("Thanks for telling us. We're glad it helped.")
    expect(page.get_by_role("link", name="Ask our team about this")).to_have_count(0)
    screenshot(page, "kb-reader-02-voted-yes")

    page.goto(f"{kb_site}/kb/a/reset-your-password/")
    page.get_by_label("Anything we should add? (optional)").fill("My email never arrived.")
    page.get_by_role("button", name="No").click()
    expect(page.get_by_role("status")).to_contain_text("we'll use it to improve this article")
    screenshot(page, "kb-reader-03-voted-no")
    page.get_by_role("link", name="Ask our team about this").click()

    expect(page.get_by_role("heading", name="Contact support")).to_be_visible()
    expect(page.get_by_label("Subject")).to_have_value("Reset your password")
    expect(page.get_by_label("Tell us more")).to_have_value("About the help article “Reset your password”: ")
    screenshot(page, "kb-reader-04-prefilled-form")

    votes = {(f.article.slug, f.helpful, f.comment) for f in Feedback.objects.select_related("article")}
    assert votes == {
        ("download-an-invoice", True, ""),
        ("reset-your-password", False, "My email never arrived."),
    }
    assert Article.objects.get(slug="download-an-invoice").view_count == 1  # once: the page after the vote counts none
