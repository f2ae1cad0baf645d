"""Text out of a customer's HTML email: the desk shows text only, never their markup.

Scripts, styles and the document head are dropped with their content, and images entirely (a
remote image is a tracker at best). A link keeps its words, followed by its address in brackets
when that is an http(s) or mailto address other than the words; any other scheme (javascript:,
data:) is dropped. The result is plain text: the desk escapes and sanitises it like any
customer text. Block elements become line breaks so paragraphs survive.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SKIP = {"script", "style", "head", "title", "template", "noscript"}
_BREAK = {"br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "hr"}


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.links: list[tuple[str, int]] = []  # (safe address or "", where the link's words start)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag in _BREAK:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")
        if tag == "a":
            href = (dict(attrs).get("href") or "").strip()
            safe = href if href.lower().startswith(("http://", "https://", "mailto:")) else ""
            self.links.append((safe, len(self.parts)))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.links:
            href, start = self.links.pop()
            words = "".join(self.parts[start:]).strip()
            if href and href.removeprefix("mailto:") not in (words, ""):
                self.parts.append(f" ({href})")
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BREAK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:  # a line break in HTML source is a space; only block elements break lines
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
