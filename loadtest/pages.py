"""What the simulated browsers read off our pages (tests/test_loadtest_pages.py keeps these true)."""

from __future__ import annotations

import re

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SEEN = re.compile(r'name="seen" value="(\d+)"')  # the ticket page's conversation marker
REFERENCE = re.compile(r"\bHD-\d+\b")
TICKET_LINK = re.compile(r'href="(/desk/t/HD-\d+/)[^"]*"')
