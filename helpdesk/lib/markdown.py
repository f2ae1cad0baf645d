"""Writing Markdown text safely: every value is escaped, so it stays inert text.

A customer named ``[x](javascript:...)`` must not become a link in a reply; raw HTML needs no
escaping here because ``helpdesk.lib.sanitize`` escapes ``<``, ``>`` and ``&`` first.
"""

from __future__ import annotations

import re

MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]])")


def md_escape(value: str) -> str:
    """A value as inert Markdown text on one line."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(value.split()))


def md_link(text: str, href: str) -> str:
    """``[text](href)`` with the text escaped and the characters that end a Markdown URL encoded."""
    href = href.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
    return f"[{md_escape(text)}]({href})"
