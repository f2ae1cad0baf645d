"""Text out of a customer's HTML email: the desk shows text only, never their markup.

Scripts, styles and the document head are dropped with their content, and images entirely (a
remote image is a tracker at best). A link keeps its words, followed by its address in brackets
when that is an http(s) or mailto address other than the words; any other scheme (javascript:,
data:) is dropped. The result is plain text: the desk escapes and sanitises it like any
customer text. Block elements become line breaks so paragraphs survive, <pre> keeps its lines,
and a <blockquote> (how Gmail, Apple Mail and Thunderbird quote the message answered) becomes
"> " lines, as in a plain-text email, so ``mail.trimming`` treats both alike.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SKIP = {"script", "style", "head", "title", "template", "noscript"}
_BREAK = {"br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "table", "hr"}
# Where a <blockquote> opens and closes, each on a line of its own until the lines are prefixed.
_QUOTE_OPEN, _QUOTE_CLOSE = "\x01", "\x02"
_QUOTE_BLANK = re.compile(r"^>*$")


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.preformatted = 0
        self.links: list[tuple[str, int]] = []  # (safe address or "", where the link's words start)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag in _BREAK:
            self.parts.append("\n")
        elif tag == "blockquote":
            self.parts.append(f"\n{_QUOTE_OPEN}\n")
        if tag == "pre":
            self.preformatted += 1
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
        elif tag == "blockquote":
            self.parts.append(f"\n{_QUOTE_CLOSE}\n")
        if tag == "pre":
            self.preformatted = max(0, self.preformatted - 1)

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        data = data.replace(_QUOTE_OPEN, "").replace(_QUOTE_CLOSE, "")
        if self.preformatted:
            self.parts.append(re.sub(r"[^\S\n]+", " ", data.replace("\r\n", "\n")))
        else:  # a line break in HTML source is a space; only block elements break lines
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    lines: list[str] = []
    depth = 0
    for line in "".join(parser.parts).splitlines():
        words = " ".join(line.split())
        if words in (_QUOTE_OPEN, _QUOTE_CLOSE):
            while lines and _QUOTE_BLANK.match(lines[-1]):  # one blank line, at the outer level
                lines.pop()
            outer = depth if words == _QUOTE_OPEN else max(0, depth - 1)
            lines.append(">" * outer)
            depth = depth + 1 if words == _QUOTE_OPEN else outer
        elif not depth:
            lines.append(words)
        elif words or not (lines and _QUOTE_BLANK.match(lines[-1])):  # one quoted blank line at most
            lines.append(f"{'>' * depth} {words}".rstrip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
