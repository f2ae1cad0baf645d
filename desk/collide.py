"""The ticket page's part in "never collide": presence, the conversation marker and @mentions.

- The reply form carries ``seen``, the ticket's newest event when the page was rendered
  (``tickets.conversation``). A re-shown form keeps the marker it was posted with, so a change
  that arrived meanwhile is still asked about; only the "conversation changed" prompt itself
  moves it on, since that page shows the changes.
- The note box offers the agents who can see the ticket for ``@`` (static/js/mentions.js reads
  them from a JSON data block), and notes highlight the mentions of those agents.
- After a note is saved, the page says whom it notified and which mentions it could not.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.forms import Form
from django.http import HttpRequest

from desk import presence
from tickets.conversation import latest_event_id
from tickets.mentions import display_name, mention_names, mentionable_agents, mentions_resolve
from tickets.models import Message, Ticket


def _kept_marker(form: Form) -> int | None:
    value = str(form["seen"].value() or "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


def page_context(*, ticket: Ticket, reply_form: Form) -> dict[str, Any]:
    """What the ticket page's presence bar, composer marker and mentions need. Two queries."""
    users = list(mentionable_agents(ticket))
    marker = _kept_marker(reply_form)
    return {
        "seen_marker": latest_event_id(ticket) if marker is None else marker,
        "mention_names": frozenset(mention_names(users)),
        "mention_agents_json": json.dumps(
            [{"username": user.get_username(), "name": display_name(user), "first": user.first_name} for user in users]
        ),
        "presence_seconds": presence.POLL_SECONDS,
    }


def mentions_announce(request: HttpRequest, *, message: Message, author: User) -> None:
    """Say whom a saved note notified, and why any other @name did not (one query, none without @)."""
    mentions = mentions_resolve(ticket=message.ticket, body=message.body, author=author)
    emailed = [display_name(user) for user in mentions.notify if user.email]
    bell_only = [display_name(user) for user in mentions.notify if not user.email]
    if emailed:
        messages.info(request, f"Notified {', '.join(emailed)} (a notice under the bell and an email).")
    if bell_only:
        messages.info(request, f"Notified {', '.join(bell_only)} under the bell (no email address on file).")
    for refusal in mentions.refused:
        messages.warning(request, refusal)
