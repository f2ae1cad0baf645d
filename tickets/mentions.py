"""@mentions in internal notes: who ``@name`` means, and who may be told.

``@username`` names an agent (case does not matter). ``@Firstname`` names one too when exactly
one agent who can see the ticket has that first name and no such agent has it as a username;
when several do, nobody is notified and the agent is asked to use a username instead. Only
agents who can see the ticket (its queue's agents, and superusers) are ever notified; a name
that means someone else is refused with a sentence saying why, shown after the note is saved.
Mentions count only in internal notes (``tickets.services.mentions``): a customer-visible
reply never notifies anyone.

A mention starts after a space or punctuation, not inside a word, an address or a link
(``ann@example.com`` and ``https://x.example/@ann`` mention nobody); it ends on a letter or
digit, so ``@bob.`` at the end of a sentence is ``@bob``. Usernames that contain "@" can't be
mentioned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower

from helpdesk.lib.sanitize import MENTION_PATTERN
from tickets.models import Queue, Ticket
from tickets.models.agent import agents

MENTION = re.compile(MENTION_PATTERN)  # the same rule the note's highlighting uses
MAX_MENTIONS = 20  # names looked up per note; more are ignored


def mention_tokens(text: str) -> list[str]:
    """The names mentioned in ``text``, each once (first spelling kept), in order."""
    seen: dict[str, str] = {}
    for match in MENTION.finditer(text):
        seen.setdefault(match.group(1).lower(), match.group(1))
    return list(seen.values())[:MAX_MENTIONS]


def display_name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def mentionable_agents(ticket: Ticket) -> QuerySet[User]:
    """The agents who can see ``ticket`` (its queue's, and superusers): the ones a note may notify."""
    return (
        agents()
        .filter(Q(helpdesk_queues=ticket.queue_id) | Q(is_superuser=True))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def mention_names(users: list[User]) -> dict[str, User]:
    """Lowercased name -> agent, for agents who can see the ticket: usernames, and first names
    that only one of them has and that are nobody's username."""
    names = {user.get_username().lower(): user for user in users}
    by_first: dict[str, list[User]] = {}
    for user in users:
        if user.first_name:
            by_first.setdefault(user.first_name.lower(), []).append(user)
    for first, people in by_first.items():
        if len(people) == 1 and first not in names:
            names[first] = people[0]
    return names


@dataclass(frozen=True)
class Mentions:
    notify: list[User] = field(default_factory=list)  # each once, never the author
    refused: list[str] = field(default_factory=list)  # "@carol can't see this queue; not notified."


def _candidates(ticket: Ticket, tokens: list[str]) -> list[tuple[User, bool]]:
    """Agents whose username or first name is one of ``tokens``, each with whether they can see
    the ticket (one query)."""
    lowered = [token.lower() for token in tokens]
    member = Queue.agents.through.objects.filter(queue_id=ticket.queue_id, user_id=OuterRef("pk"))
    found = (
        agents()
        .annotate(name_l=Lower("username"), first_l=Lower("first_name"), in_queue=Exists(member))
        .filter(Q(name_l__in=lowered) | Q(first_l__in=lowered))
        .order_by("username")
    )
    return [(user, user.is_superuser or bool(getattr(user, "in_queue", False))) for user in found]


def _refusal(token: str, candidates: list[tuple[User, bool]]) -> str:
    lowered = token.lower()
    same_first = [user for user, sees in candidates if sees and user.first_name.lower() == lowered]
    if len(same_first) > 1:
        usernames = ", ".join(f"@{user.get_username()}" for user in same_first)
        return f"@{token} could be {usernames}; not notified: use a username."
    if any(lowered in (user.get_username().lower(), user.first_name.lower()) for user, _ in candidates):
        return f"@{token} can't see this queue; not notified."
    return f"@{token}: no agent by that name; not notified."


def mentions_resolve(*, ticket: Ticket, body: str, author: User | None) -> Mentions:
    """Who the ``@names`` in ``body`` notify, and why the others don't. One query (none without a mention)."""
    tokens = mention_tokens(body)
    if not tokens:
        return Mentions()
    candidates = _candidates(ticket, tokens)
    names = mention_names([user for user, sees in candidates if sees])
    notify: dict[int, User] = {}
    refused = []
    for token in tokens:
        user = names.get(token.lower())
        if user is None:
            refused.append(_refusal(token, candidates))
        elif author is None or user.pk != author.pk:
            notify.setdefault(user.pk, user)
    return Mentions(notify=list(notify.values()), refused=refused)
