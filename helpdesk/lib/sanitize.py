"""The one sanitiser: everything a person wrote reaches HTML through ``render_user_text``.

Text is treated as Markdown, then cleaned with nh3 (an allow-list HTML sanitiser):
scripts, event attributes, styles and ``javascript:``/``data:`` links never survive.
"""

from __future__ import annotations

import re
import threading
import xml.etree.ElementTree as etree
from collections.abc import Collection

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.util import AtomicString

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "abbr": {"title"},
    "td": {"align"},
    "th": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# ``@name`` as a mention: after a space or punctuation, never inside a word, an address or a link.
MENTION_PATTERN = r"(?<![\w@.+\-/:])@([\w.+-]*\w)"


class _NoRawHtml(Extension):  # type: ignore[misc]  # Markdown ships no type hints: its base is Any
    """Markdown without its raw-HTML passthrough: typed tags come out as text, escaped once."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


class _MentionProcessor(InlineProcessor):  # type: ignore[misc]  # Markdown ships no type hints
    def __init__(self, names: Collection[str]) -> None:
        super().__init__(MENTION_PATTERN)
        self.names = names

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element | None, int | None, int | None]:
        if m.group(1).lower() not in self.names:
            return None, None, None
        span = etree.Element("span", {"class": "mention"})
        span.text = AtomicString(m.group(0))
        return span, m.start(0), m.end(0)


class _Mentions(Extension):  # type: ignore[misc]
    """``@name`` for a name in ``names`` (lowercased) becomes ``<span class="mention">``. After
    code spans, links and autolinks (priority 105), so a mention inside them stays plain text."""

    def __init__(self, names: Collection[str]) -> None:
        super().__init__()
        self.names = names

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.inlinePatterns.register(_MentionProcessor(self.names), "mention", 105)


_converters = threading.local()  # a Markdown converter is not thread-safe: one per thread


def _markdown(mentions: Collection[str]) -> markdown.Markdown:
    """This thread's converter, reset. Building one (its extensions, parsers and patterns) costs
    as much as converting a message, so it is built once per thread and reused."""
    key = "with_mentions" if mentions else "plain"
    md = getattr(_converters, key, None)
    if md is None:
        extensions = [_NoRawHtml(), "fenced_code", "tables", "nl2br", "sane_lists"]
        if mentions:
            extensions.append(_Mentions(()))
        md = markdown.Markdown(extensions=extensions)
        setattr(_converters, key, md)
    if mentions:
        md.inlinePatterns["mention"].names = mentions
    md.reset()  # link references and stashed blocks of the last text are forgotten
    return md


def render_user_text(text: str, *, mentions: Collection[str] = ()) -> SafeString:
    """Markdown to safe HTML. Raw HTML in the input is escaped, never interpreted.

    ``mentions``: lowercased names whose ``@name`` is highlighted (internal notes on the desk).
    The only markup this adds is a ``span`` whose one allowed class is ``mention``.
    """
    html = _markdown(mentions).convert(text)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS | {"span"} if mentions else ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes={"span": {"mention"}},
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(cleaned)  # noqa: S308 - nh3 has just cleaned it
