"""The one sanitiser: everything a person wrote reaches HTML through ``render_user_text``.

Text is treated as Markdown, then cleaned with nh3 (an allow-list HTML sanitiser):
scripts, event attributes, styles and ``javascript:``/``data:`` links never survive.
"""

from __future__ import annotations

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension

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


class _NoRawHtml(Extension):  # type: ignore[misc]  # Markdown ships no type hints: its base is Any
    """Markdown without its raw-HTML passthrough: typed tags come out as text, escaped once."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


def render_user_text(text: str) -> SafeString:
    """Markdown to safe HTML. Raw HTML in the input is escaped, never interpreted."""
    html = markdown.markdown(text, extensions=[_NoRawHtml(), "fenced_code", "tables", "nl2br", "sane_lists"])
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(cleaned)  # noqa: S308 - nh3 has just cleaned it
