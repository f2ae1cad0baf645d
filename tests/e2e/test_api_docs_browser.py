"""The API's docs page (/api/docs/) in Chromium: Swagger UI from this server, the site's CSP intact,
the operations listed from the OpenAPI document."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Request, expect

pytestmark = [pytest.mark.browser]


def test_the_docs_page_renders_under_the_sites_csp(browser: Browser, live_site: str, db: Any) -> None:
    page = browser.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    elsewhere: list[str] = []

    def note(request: Request) -> None:
        if not request.url.startswith(live_site) and not request.url.startswith("data:"):
            elsewhere.append(request.url)

    page.on("request", note)
    page.goto(f"{live_site}/api/docs/")
    expect(page.get_by_text("Help desk API").first).to_be_visible()
    expect(page.get_by_text("List tickets in your queues").first).to_be_visible()
    assert refused == []
    assert elsewhere == []  # no CDN: every asset from this server
