"""The placeholder language of canned responses: a fixed list of names, never a template engine.

A body is plain Markdown with tokens such as ``{{ customer.first_name }}`` or ``{{ kb:refunds }}``.
The tokenizer below is the whole language: a token names one entry of ``PLACEHOLDERS`` (a
function of the ticket context) or a knowledge-base slug; anything else is refused when the
response is saved. Nothing here looks up attributes by name or evaluates admin-written text.

The output is Markdown text for a reply body. Values are escaped for Markdown (brackets,
emphasis, code, backslashes), so a customer named ``[x](javascript:...)`` stays inert text; raw
HTML needs no escaping here because ``render_user_text`` escapes ``<``, ``>`` and ``&`` first.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError

from helpdesk.lib.markdown import md_escape
from knowledgebase.links import article_markdown_link
from knowledgebase.models import Article
from tickets.links import link_url
from tickets.models import Ticket
from tickets.promise_text import customer_zone
from tickets.time_text import wall_clock

OPEN, CLOSE = "{{", "}}"
NAME = re.compile(r"[a-z]+\.[a-z_]+")
KB = re.compile(r"kb:([a-z0-9]+(?:-[a-z0-9]+)*)")


@dataclass(frozen=True)
class Context:
    """What a response is rendered against; ``promise_due`` is the next update the reply promises."""

    ticket: Ticket
    agent_first_name: str
    promise_due: datetime | None
    now: datetime


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Placeholder:
    name: str


@dataclass(frozen=True)
class KbLink:
    slug: str


Token = Text | Placeholder | KbLink


def _promise_due(ctx: Context) -> str:
    if ctx.promise_due is None:
        return "as soon as we can"
    return wall_clock(ctx.promise_due, customer_zone(ctx.ticket), ctx.now)


def _link(ctx: Context) -> str:
    # Percent-encoding "_" keeps the link intact through Markdown and still resolves.
    return link_url(ctx.ticket).replace("_", "%5F")


PLACEHOLDERS: dict[str, Callable[[Context], str]] = {
    "customer.first_name": lambda ctx: md_escape(ctx.ticket.customer.first_name),
    "customer.name": lambda ctx: md_escape(ctx.ticket.customer.name),
    "ticket.reference": lambda ctx: md_escape(ctx.ticket.reference),
    "ticket.subject": lambda ctx: md_escape(ctx.ticket.subject),
    "ticket.link": _link,
    "agent.first_name": lambda ctx: md_escape(ctx.agent_first_name),
    "promise.due": lambda ctx: md_escape(_promise_due(ctx)),
}
VALID = [*(f"{{{{ {name} }}}}" for name in PLACEHOLDERS), "{{ kb:<slug> }}"]


class PlaceholderError(ValueError):
    pass


def tokenize(text: str) -> list[Token]:
    """Split a body into text and tokens; raise ``PlaceholderError`` on anything unknown or broken."""
    tokens: list[Token] = []
    position = 0
    while True:
        start = text.find(OPEN, position)
        chunk = text[position:] if start < 0 else text[position:start]
        if CLOSE in chunk:
            raise PlaceholderError("There is a “}}” without its opening “{{”.")
        if chunk:
            tokens.append(Text(chunk))
        if start < 0:
            return tokens
        end = text.find(CLOSE, start + len(OPEN))
        if end < 0:
            raise PlaceholderError("A “{{” is never closed with “}}”.")
        inner = text[start + len(OPEN) : end].strip()
        tokens.append(_placeholder(inner))
        position = end + len(CLOSE)


def _placeholder(inner: str) -> Token:
    if inner in PLACEHOLDERS:
        return Placeholder(inner)
    kb = KB.fullmatch(inner)
    if kb:
        return KbLink(kb.group(1))
    shown = inner if len(inner) <= 40 and OPEN not in inner else inner[:40] + "…"
    raise PlaceholderError(f"“{{{{ {shown} }}}}” is not a placeholder we know.")


def _article_model() -> type[Article] | None:
    """The knowledge base's article model; None stands for a knowledge base without articles,
    where a ``kb:`` slug stays plain text (the tests replace this function to check that)."""
    return Article


def _article(slug: str) -> Article | None:
    model = _article_model()
    if model is None:
        return None
    # Customers read these replies: only a published, public article may be linked.
    return model.objects.public().filter(slug=slug).first()


def validate(text: str) -> None:
    """Raise ``ValidationError`` (listing the valid placeholders) if the body can't be rendered."""
    try:
        tokens = tokenize(text)
    except PlaceholderError as exc:
        raise ValidationError(f"{exc} Valid placeholders: {', '.join(VALID)}.", code="placeholder") from None
    if _article_model() is None:
        return  # the knowledge base doesn't exist yet: a kb slug renders as plain text for now
    for token in tokens:
        if isinstance(token, KbLink) and _article(token.slug) is None:
            raise ValidationError(f"There is no knowledge-base article with slug “{token.slug}”.", code="kb")


def render(text: str, ctx: Context) -> str:
    """The body with every token filled in, as safe Markdown text."""
    parts: list[str] = []
    for token in tokenize(text):
        if isinstance(token, Text):
            parts.append(token.text)
        elif isinstance(token, Placeholder):
            parts.append(PLACEHOLDERS[token.name](ctx))
        else:
            parts.append(_kb_link(token.slug))
    return "".join(parts)


def _kb_link(slug: str) -> str:
    article = _article(slug)
    if article is None:
        return md_escape(slug)
    return article_markdown_link(article)
