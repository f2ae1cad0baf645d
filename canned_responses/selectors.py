"""Reads: permission-scoped lookups, the composer's ranked suggestions, rendering for a ticket,
and the courtesy check (blunt phrases in a public reply to a complaint)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.safestring import SafeString

from canned_responses import placeholders
from canned_responses.models import BluntPhrase, CannedResponse
from helpdesk.lib.sanitize import render_user_text
from tickets.models import Customer, Ticket
from tickets.selectors import default_next_update
from tickets.services import agent_due_choice

WORD = re.compile(r"[^\W_]{3,}")
STOP = frozenset(
    ["the", "and", "for", "you", "your", "with", "this", "that", "are", "was", "have", "from", "not", "our"]
)
SUGGESTION_LIMIT = 8


@dataclass(frozen=True)
class Rendered:
    response: CannedResponse
    body: str
    suggested: bool

    def as_json(self) -> dict[str, object]:
        r = self.response
        return {
            "id": r.pk,
            "title": r.title,
            "shortcut": r.shortcut,
            "body": self.body,
            "status": r.suggested_status,
            "next_update": r.suggested_next_update,
            "shared": r.is_shared,
            "suggested": self.suggested,
        }


def canned_list_for_agent(user: User) -> QuerySet[CannedResponse]:
    """What the agent's /desk/canned/ page lists: their own, then the shared ones."""
    return (
        CannedResponse.objects.filter(Q(owner__isnull=True, is_active=True) | Q(owner=user))
        .prefetch_related("queues")
        .order_by("owner_id", "title")
    )


def canned_get_for_edit(*, user: User, pk: int) -> CannedResponse:
    """An agent's own response; 404 for shared ones and for other agents' (whether or not they exist)."""
    try:
        return CannedResponse.objects.get(pk=pk, owner=user)
    except CannedResponse.DoesNotExist:
        raise Http404 from None


def _words(text: str) -> set[str]:
    return {word for word in WORD.findall(text.lower()) if word not in STOP}


def _score(response: CannedResponse, ticket: Ticket, subject_words: set[str]) -> float:
    overlap = len(subject_words & _words(f"{response.title} {response.shortcut} {response.body}"))
    scoped = bool(response.kinds) + bool(getattr(response, "queue_total", 0))
    return overlap * 3 + scoped * 2 + math.log1p(response.usage_count)


def canned_for_ticket(*, user: User, ticket: Ticket, query: str = "") -> list[tuple[CannedResponse, bool]]:
    """The responses an agent may use on this ticket, best first, each with "suggested?".

    One query: those for this ticket's queue (or all queues), then kind, search and ranking in
    Python (a desk has dozens of responses, not millions). Suggested: scoped to this kind or
    queue, or sharing words with the subject.
    """
    responses = (
        CannedResponse.objects.usable_by(user)
        .for_queue(ticket.queue_id)
        .annotate(queue_total=Count("queues"))
        .order_by("title")
    )
    subject_words = _words(ticket.subject)
    query = query.strip().lower()
    ranked: list[tuple[float, CannedResponse, bool]] = []
    for response in responses:
        if not response.applies_to_kind(ticket.kind) or not _matches(response, query):
            continue
        score = _score(response, ticket, subject_words)
        if query.startswith("/") and response.shortcut == query:
            score += 1000
        ranked.append((score, response, score >= 2))
    ranked.sort(key=lambda item: (-item[0], item[1].title))
    return [(response, suggested) for _, response, suggested in ranked]


def _matches(response: CannedResponse, query: str) -> bool:
    if not query:
        return True
    if query.startswith("/"):
        return response.shortcut.startswith(query)
    return query in response.title.lower() or (bool(response.shortcut) and query in response.shortcut)


def canned_promise_due(*, ticket: Ticket, choice: str, at: datetime) -> datetime | None:
    """The next update a reply with this quick pick would promise ("" is the policy's default)."""
    due = agent_due_choice(ticket=ticket, choice=choice, custom=None, at=at) if choice else None
    return due or default_next_update(ticket, at)[0]


def canned_render(
    *,
    response: CannedResponse,
    ticket: Ticket,
    agent: User,
    at: datetime,
    dues: dict[str, datetime | None] | None = None,
) -> str:
    """The response filled in for this ticket; ``dues`` caches the promise per quick pick."""
    dues = {} if dues is None else dues
    choice = response.suggested_next_update
    if choice not in dues:
        dues[choice] = canned_promise_due(ticket=ticket, choice=choice, at=at)
    context = placeholders.Context(
        ticket=ticket,
        agent_first_name=agent.first_name or agent.get_username(),
        promise_due=dues[choice],
        now=at,
    )
    try:
        return placeholders.render(response.body, context)
    except placeholders.PlaceholderError:
        return response.body  # saved before a rule changed: insert as written, for the agent to fix


def canned_suggestions(*, user: User, ticket: Ticket, query: str, at: datetime) -> list[Rendered]:
    found = canned_for_ticket(user=user, ticket=ticket, query=query)[:SUGGESTION_LIMIT]
    dues: dict[str, datetime | None] = {}
    return [
        Rendered(response=r, body=canned_render(response=r, ticket=ticket, agent=user, at=at, dues=dues), suggested=s)
        for r, s in found
    ]


def canned_get_for_ticket(*, user: User, ticket: Ticket, pk: int) -> CannedResponse:
    """A response this agent may use on this ticket; 404 otherwise."""
    response = CannedResponse.objects.usable_by(user).for_queue(ticket.queue_id).filter(pk=pk).first()
    if response is None or not response.applies_to_kind(ticket.kind):
        raise Http404
    return response


def canned_most_used(*, since: datetime, limit: int) -> list[CannedResponse]:
    """The responses sent most often since ``since`` (a recount of uses, not the running total)."""
    return list(
        CannedResponse.objects.annotate(recent=Count("uses", filter=Q(uses__used_at__gte=since)))
        .filter(recent__gt=0)
        .select_related("owner")
        .order_by("-recent", "title")[:limit]
    )


def tickets_for_preview(*, user: User, limit: int = 8) -> list[Ticket]:
    return list(Ticket.objects.visible_to(user).select_related("customer").order_by("-created_at")[:limit])


def ticket_for_preview(*, user: User, reference: str) -> Ticket | None:
    pk = Ticket.pk_from_reference(reference)
    if pk is None:
        return None
    return Ticket.objects.visible_to(user).select_related("customer", "queue__calendar").filter(pk=pk).first()


def _sample_ticket() -> Ticket:
    """An unsaved ticket for previews when the desk has none to show."""
    customer = Customer(name="Ada Lovelace", email="ada@example.com", timezone="Europe/London")
    return Ticket(
        pk=234, kind=Ticket.Kind.PROBLEM, subject="The invoice PDF opens blank", customer=customer, link_salt="sample"
    )


@dataclass(frozen=True)
class Preview:
    ticket: Ticket
    sample: bool
    text: str
    html: SafeString
    error: str


def canned_preview(*, response: CannedResponse, ticket: Ticket | None, agent: User, at: datetime) -> Preview:
    """The response rendered against a real ticket, or a sample one: its Markdown and its HTML."""
    sample = ticket is None
    target = ticket or _sample_ticket()
    due = (
        at + timedelta(hours=2)
        if sample
        else canned_promise_due(ticket=target, choice=response.suggested_next_update, at=at)
    )
    context = placeholders.Context(
        ticket=target, agent_first_name=agent.first_name or agent.get_username(), promise_due=due, now=at
    )
    try:
        text, error = placeholders.render(response.body, context), ""
    except placeholders.PlaceholderError as exc:
        text, error = response.body, str(exc)
    return Preview(ticket=target, sample=sample, text=text, html=render_user_text(text), error=error)


# --- the courtesy check ----------------------------------------------------------------------

CURLY_APOSTROPHE = "\u2019"


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    words = [re.escape(word) for word in phrase.replace(CURLY_APOSTROPHE, "'").split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def courtesy_flags(*, ticket: Ticket, body: str, internal: bool) -> list[BluntPhrase]:
    """The blunt phrases in a public reply to a complaint (none for notes and other kinds)."""
    if internal or not ticket.is_complaint:
        return []
    text = body.replace(CURLY_APOSTROPHE, "'")
    return [
        phrase for phrase in BluntPhrase.objects.filter(is_active=True) if _phrase_pattern(phrase.phrase).search(text)
    ]
