"""The reply composer on the desk's ticket page: its one owner.

Without JavaScript the composer works by posting the whole form and seeing the page again:
"Insert" (a canned response) and "Insert article link" each add text to the body and return
every field the agent had set (``KEPT_FIELDS``, the one list), so a custom due time or the
canned response the body came from survive any number of inserts. With JavaScript
(static/js/canned.js, static/js/kb-insert.js) the same text is put in place without a round
trip. Either way "Send" posts once, and ``canned_reply_post`` counts the canned use in the
same transaction as the reply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from django.contrib.auth.models import User
from django.forms import ChoiceField, Form
from django.http import QueryDict

from canned_responses import selectors as canned_selectors
from canned_responses.models import CannedResponse
from knowledgebase.links import article_markdown_link
from knowledgebase.models import Article
from tickets.models import CopiedAddress, Ticket
from tickets.services import CopyChoice

# What a re-shown composer keeps from the post: every field but the files (browsers never
# prefill a file input) and the pickers themselves. ``seen`` is the page's conversation marker
# (desk/collide.py): an insert doesn't count as having read what arrived meanwhile.
KEPT_FIELDS = ("visibility", "body", "status_after", "next_update", "next_update_at", "canned_id", "seen")


@dataclass(frozen=True)
class Inserted:
    """The composer's fields after an insert, and what to tell the agent (None: nothing)."""

    initial: dict[str, Any]
    note: str | None


def kept(post: QueryDict) -> dict[str, Any]:
    initial: dict[str, Any] = {name: post.get(name, "") for name in KEPT_FIELDS}
    initial["visibility"] = initial["visibility"] or "public"
    if "copies_offered" in post:  # the copy boxes as the agent left them, ticked or not
        initial["copy_to"] = post.getlist("copy_to")
    return initial


def composer_copies_set(*, form: Form, copies: list[CopiedAddress]) -> None:
    """Offer the people the customer copied: ticked as last chosen for this ticket, or as the
    agent left them in this form. Call before validating a posted form (its choices)."""
    choices = [(copy.email, copy.email) for copy in copies]
    for name in ("copy_to", "copies_offered"):
        cast(ChoiceField, form.fields[name]).choices = choices
    if not form.is_bound:
        form.initial["copies_offered"] = [copy.email for copy in copies]
        form.initial.setdefault("copy_to", [copy.email for copy in copies if copy.copy_replies])


def copy_choice(data: dict[str, Any]) -> CopyChoice:
    """What the agent chose in the copy boxes; always a choice, so an address copied after the
    page was shown is neither sent to nor unticked unseen."""
    return CopyChoice(offered=list(data.get("copies_offered") or []), chosen=list(data.get("copy_to") or []))


def text_appended(body: str, text: str) -> str:
    """The body with ``text`` as a new paragraph at its end."""
    body = body.rstrip()
    return f"{body}\n\n{text}" if body else text


def _label(response: CannedResponse) -> str:
    return f"{response.title} ({response.shortcut})" if response.shortcut else response.title


def composer_choices_set(*, form: Form, user: User, ticket: Ticket) -> None:
    """Fill the composer's "Canned response" select: suggestions for this ticket first. One query."""
    found = canned_selectors.canned_for_ticket(user=user, ticket=ticket)
    suggested = [(r.pk, _label(r)) for r, s in found if s]
    others = [(r.pk, _label(r)) for r, s in found if not s]
    choices: list[Any] = [("", "Pick a response…" if found else "No canned responses for this ticket")]
    if suggested:
        choices.append(("Suggested for this ticket", suggested))
    if others:
        choices.append(("Other responses", others))
    form.fields["canned"].widget.choices = choices


def canned_insert(*, post: QueryDict, user: User, ticket: Ticket, at: datetime) -> Inserted:
    """The "Insert" button: the chosen response, rendered for this ticket, added to the body.

    Raises Http404 for a response this agent may not use on this ticket.
    """
    initial = kept(post)
    raw = post.get("canned", "")
    if not raw.isdigit():
        return Inserted(initial, "Pick a canned response to insert first.")
    response = canned_selectors.canned_get_for_ticket(user=user, ticket=ticket, pk=int(raw))
    text = canned_selectors.canned_render(response=response, ticket=ticket, agent=user, at=at)
    initial["body"] = text_appended(initial["body"], text)
    initial["canned_id"] = response.pk
    if response.suggested_status:
        initial["status_after"] = response.suggested_status
    if response.suggested_next_update:
        initial["next_update"] = response.suggested_next_update
    return Inserted(initial, f"Inserted “{response.title}”: check it, edit it if needed, then send.")


def article_insert(*, post: QueryDict) -> Inserted:
    """The "Insert article link" button: a Markdown link to the chosen public article."""
    initial = kept(post)
    chosen = Article.objects.public().filter(slug=post.get("kb_article", "")[:200]).first()
    if chosen is not None:
        initial["body"] = text_appended(initial["body"], article_markdown_link(chosen))
    return Inserted(initial, None)
