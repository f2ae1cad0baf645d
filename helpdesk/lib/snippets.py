"""Search snippets as safe HTML: the text escaped, only the matched words wrapped in ``<mark>``.

PostgreSQL's ``ts_headline`` marks matches with the sentinels ``START`` and ``STOP`` (characters no
one types); ``marked`` escapes everything else and turns them into ``<mark>`` tags. Where there is
no ``ts_headline`` (SQLite), ``python_snippet`` cuts a window around the first match itself.
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

START, STOP = "\x02", "\x03"


def without_sentinels(text: str) -> str:
    """The text with any sentinel a person managed to type removed, before it is marked."""
    return text.replace(START, "").replace(STOP, "")


def marked(headline: str) -> SafeString:
    html = escape(headline).replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped above; only <mark> added


def python_snippet(text: str, terms: list[str], width: int = 160) -> SafeString:
    """About ``width`` characters of ``text`` around the first of ``terms``, each term marked."""
    lower = text.lower()
    positions = [p for p in (lower.find(t.lower()) for t in terms if t) if p >= 0]
    start = max(min(positions) - width // 3, 0) if positions else 0
    window = text[start : start + width]
    parts: list[str] = []
    done = 0
    terms = [t for t in terms if t]
    if terms:  # escape the text between matches and each match on its own: no entity is ever split
        for match in re.finditer("|".join(re.escape(t) for t in terms), window, flags=re.IGNORECASE):
            parts += [escape(window[done : match.start()]), f"<mark>{escape(match.group())}</mark>"]
            done = match.end()
    parts.append(escape(window[done:]))
    html = "".join(parts)
    prefix = "… " if start else ""
    suffix = " …" if start + width < len(text) else ""
    return mark_safe(prefix + html + suffix)  # noqa: S308 - escaped above; only <mark> added
