"""The desk's search: the tickets an agent may see, found by anything said in them (docs/search.md).

PostgreSQL: each ticket's weighted document (``TicketSearch``: reference and subject A, the
customer B, every message and internal note C, attachment names D) is matched through its GIN
index with ``websearch_to_tsquery`` ("quoted phrases", ``or``, ``-word``). Ranking reads each
matching document, so it is bounded: the newest ``CANDIDATES`` matches (within the filters and the
agent's queues) are ranked, never all matches of a common word; more than that shows as "1,000+",
as the queue does. Snippets come afterwards, for one page only (``search_hits``): each ticket's
best-matching message or file name through ``ts_headline``, in one query.
SQLite: every word somewhere in the same columns (``icontains``), the same operators, ranked
crudely; snippets cut in Python. Internal notes are searched: only agents search.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection
from django.db.models import Case, FloatField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.safestring import SafeString

from helpdesk.lib.pagination import CappedPaginator
from helpdesk.lib.snippets import START, STOP, marked, python_snippet, without_sentinels
from tickets.customers import customer_for_email
from tickets.models import Attachment, Customer, Message, Ticket
from tickets.models.ticket import REFERENCE_OFFSET
from tickets.selectors import QueueFilters, ticket_list_for_agent
from tickets.services.search_index import HYPHEN_PATTERN, HYPHEN_REPLACEMENT, MESSAGE_CHARS, search_config

QUERY_MAX = 200  # longer queries are cut: nobody types more, and a 10,000-character one must not hurt
CANDIDATES = CappedPaginator.cap + 1  # ranked at most; one more than the page counter shows, for "1,000+"
# The newest tickets are searched first, then older ones, window by window (``_candidates``).
WINDOWS = (20_000, 100_000, 500_000)
SNIPPET_OPTIONS = f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=' … '"
SORTS = ("relevance", "newest", "oldest")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
# A token holding a letter or digit, a hyphen, then a digit: "HD-1001", "ORD-4821", "2024-05-01".
_HYPHENATED = re.compile(r'(?<![^\s(])(-?)([^\s"()]*\w-\d[^\s"()]*)')
_HYPHEN = re.compile(r"(\w)-(?=\d)")
_TOKEN = re.compile(r'-?"[^"]*"?|\S+')


@dataclass
class SearchFilters(QueueFilters):
    """The search page's filters: the queue's (status, kind, queue, assignee) and more.

    A new filter is a field here, a field of ``desk.search_form.SearchForm`` and a line in
    ``_narrowed``.
    """

    status: str = "all"
    sort: str = "relevance"
    channel: str = ""
    created_from: date | None = None
    created_to: date | None = None


def full_text() -> bool:
    """PostgreSQL's full-text search; anywhere else the portable one."""
    return connection.vendor == "postgresql"


def clean_text(text: str) -> str:
    return " ".join(_CONTROL.sub(" ", str(text or "")).split())[:QUERY_MAX]


def _as_phrase(match: re.Match[str]) -> str:
    negation, token = match.groups()
    return negation + '"' + _HYPHEN.sub(r"\1 ", token) + '"'


def query_text(text: str) -> str:
    """The query as ``websearch_to_tsquery`` should read it: "HD-1001" as the phrase "HD 1001".

    Documents are split the same way (``tickets.services.search_index``), so "1001" alone finds it
    too, and a leading "-" still means "without".
    """
    parts = clean_text(text).split('"')
    for n, part in enumerate(parts):
        if n % 2:  # inside quotes: already a phrase
            parts[n] = _HYPHEN.sub(r"\1 ", part)
        else:
            parts[n] = _HYPHENATED.sub(_as_phrase, part)
    return '"'.join(parts)


def any_terms(text: str) -> list[str]:
    """The words the query asks for (not those after "-", not "or"): what a snippet marks."""
    words: list[str] = []
    for token in _TOKEN.findall(clean_text(text)):
        if token.startswith("-"):
            continue
        for word in _HYPHEN.sub(r"\1 ", token.strip('"')).split():
            if word.lower() != "or" and word not in words:
                words.append(word)
    return words


def _narrowed(tickets: QuerySet[Ticket], filters: SearchFilters) -> QuerySet[Ticket]:
    if filters.channel in Ticket.Channel.values:
        tickets = tickets.filter(channel=filters.channel)
    zone = timezone.get_current_timezone()  # the agent's: the days they picked are their days
    if filters.created_from:
        tickets = tickets.filter(created_at__gte=datetime.combine(filters.created_from, time.min, tzinfo=zone))
    if filters.created_to:
        tickets = tickets.filter(created_at__lte=datetime.combine(filters.created_to, time.max, tzinfo=zone))
    return tickets


class SearchResults:
    """The matches, as Django's ``Paginator`` reads them: ``count()``, and a slice as tickets in order.

    ``ids`` are the matching tickets' ids (at most ``CANDIDATES``); ``order(ids, start, stop)``
    gives the ids of a slice in the page's order (by rank, one query; by date, none). A slice's
    tickets come with their customer, queue and assignee, and their subject marked: one query.
    """

    def __init__(self, ids: list[int], order: Callable[[list[int], int, int | None], list[int]], query: Any) -> None:
        self.ids = ids
        self._order = order
        self._query = query

    def count(self) -> int:
        return len(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def capped(self) -> bool:
        """More matched than are ranked: the page says "1,000+"."""
        return len(self.ids) > CappedPaginator.cap

    def __getitem__(self, window: slice) -> list[Ticket]:
        if not self.ids:
            return []
        ids = self._order(self.ids, window.start or 0, window.stop)
        rows = Ticket.objects.filter(pk__in=ids).select_related("customer", "queue", "assignee")
        if self._query is not None:
            rows = rows.annotate(
                subject_marked=SearchHeadline(
                    "subject", self._query, config=search_config(), start_sel=START, stop_sel=STOP, highlight_all=True
                )
            )
        by_id = {ticket.pk: ticket for ticket in rows}
        return [by_id[pk] for pk in ids if pk in by_id]

    def __iter__(self) -> Iterator[Ticket]:
        return iter(self[0 : len(self.ids)])


def ticket_search(*, user: User | AnonymousUser, text: str, filters: SearchFilters) -> SearchResults:
    """Tickets ``user`` may see that match ``text`` and ``filters``, best first (``filters.sort``)."""
    text = clean_text(text)
    if not text or not isinstance(user, User):
        return SearchResults([], _in_given_order, None)
    base = QueueFilters(
        status=filters.status, kind=filters.kind, queue_id=filters.queue_id, assignee=filters.assignee, search=""
    )
    tickets = _narrowed(ticket_list_for_agent(user=user, filters=base), filters).order_by()
    sort = filters.sort if filters.sort in SORTS else "relevance"
    if full_text():
        return _search_postgres(tickets, text, sort)
    return _search_portable(tickets, text, sort)


def _in_given_order(ids: list[int], start: int, stop: int | None) -> list[int]:
    return ids[start:stop]


def _candidates(matches: QuerySet[Ticket], *, oldest: bool) -> list[int]:
    """The ids of the newest ``CANDIDATES`` matches (the oldest, for ``oldest``), newest first.

    Searched window by window, the newest ``WINDOWS[0]`` tickets first, then the next older ones,
    in one statement (UNION ALL under one LIMIT: PostgreSQL runs a window only while the ones
    before it found too few). A common word fills the first window, scanned newest first, and the
    rest never run; a rare one is read from the GIN index in each. No window reads more than its
    own tickets, whichever plan PostgreSQL picks, so no word costs more than the windows it needs.
    """
    # The edge as a number, not a subquery: PostgreSQL then knows how many tickets each window holds.
    edge = Ticket.objects.order_by("pk" if oldest else "-pk").values_list("pk", flat=True).first()
    if edge is None:
        return []
    parts = []
    for n, near in enumerate((0, *WINDOWS)):
        far = WINDOWS[n] if n < len(WINDOWS) else None
        if oldest:
            part = matches.filter(pk__gte=edge + near, **({"pk__lt": edge + far} if far is not None else {}))
        else:
            part = matches.filter(pk__lte=edge - near, **({"pk__gt": edge - far} if far is not None else {}))
        parts.append(part.order_by("pk" if oldest else "-pk").values_list("pk", flat=True)[:CANDIDATES])
    first, *rest = parts
    ids = list(first.union(*rest, all=True)[:CANDIDATES])
    return sorted(ids, reverse=not oldest)


# One array parameter, not a thousand: parsed and planned in a fraction of the time.
_RANK_SQL = """
SELECT ticket_id FROM tickets_ticketsearch
WHERE ticket_id = ANY(%(ids)s)
ORDER BY ts_rank(document, websearch_to_tsquery(%(config)s::regconfig, %(query)s), 1) DESC, ticket_id DESC
LIMIT %(limit)s OFFSET %(offset)s
"""


def _search_postgres(tickets: QuerySet[Ticket], text: str, sort: str) -> SearchResults:
    params = {"config": search_config(), "query": query_text(text)}
    query = SearchQuery(params["query"], search_type="websearch", config=params["config"])
    ids = _candidates(tickets.filter(search__document=query), oldest=sort == "oldest")
    if sort != "relevance":
        return SearchResults(ids, _in_given_order, query)

    def by_rank(ids: list[int], start: int, stop: int | None) -> list[int]:
        """Ranking reads each candidate's document: only the candidates, never every match."""
        with connection.cursor() as cursor:
            cursor.execute(
                _RANK_SQL, {**params, "ids": ids, "offset": start, "limit": None if stop is None else stop - start}
            )
            return [row[0] for row in cursor.fetchall()]

    return SearchResults(ids, by_rank, query)


def _term_q(term: str) -> Q:
    """A ticket saying ``term`` anywhere: reference, subject, customer, a message or note, a file name."""
    found = (
        Q(subject__icontains=term)
        | Q(customer__name__icontains=term)
        | Q(customer__email__icontains=term)
        | Q(customer_id__in=Customer.objects.filter(email__icontains=term).values("merged_into_id"))
        | Q(pk__in=Message.objects.filter(body__icontains=term).values("ticket_id"))
        | Q(pk__in=Attachment.objects.filter(filename__icontains=term).values("ticket_id"))
    )
    pk = Ticket.pk_from_reference(term) or (int(term) - REFERENCE_OFFSET if term.isdigit() and len(term) < 16 else None)
    return found | Q(pk=pk) if pk else found


def _alternatives(text: str) -> list[tuple[list[str], list[str]]]:
    """``websearch_to_tsquery``'s grammar, roughly: groups joined by "or", each of words and
    "phrases" that must appear and "-words" that must not."""
    groups: list[tuple[list[str], list[str]]] = [([], [])]
    for token in _TOKEN.findall(text):
        if token.lower() == "or":
            groups.append(([], []))
            continue
        negated = token.startswith("-") and len(token) > 1
        term = token.lstrip("-").strip('"').strip()
        if term:
            groups[-1][1 if negated else 0].append(term)
    return [group for group in groups if group[0] or group[1]]


def _search_portable(tickets: QuerySet[Ticket], text: str, sort: str) -> SearchResults:
    condition = Q(pk__in=[])
    for wanted, unwanted in _alternatives(text):
        group = Q()
        for term in wanted:
            group &= _term_q(term)
        for term in unwanted:
            group &= ~_term_q(term)
        condition |= group
    score: Any = Value(0.0)
    for term in any_terms(text):
        score += Case(
            When(subject__icontains=term, then=Value(3.0)),
            When(Q(customer__name__icontains=term) | Q(customer__email__icontains=term), then=Value(2.0)),
            default=Value(1.0),
            output_field=FloatField(),
        )
    rows = tickets.filter(condition).annotate(rank=score)
    order = {"relevance": ["-rank", "-pk"], "newest": ["-pk"], "oldest": ["pk"]}[sort]
    return SearchResults(list(rows.order_by(*order).values_list("pk", flat=True)[:CANDIDATES]), _in_given_order, None)


# --- the page's snippets ----------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    ticket: Ticket
    subject: SafeString  # the subject, matched words marked
    snippet: SafeString | None  # the best-matching message or file name, matched words marked
    source: str  # "customer", "agent", "note" or "file"


def _source(kind: str, visibility: str, author_kind: str) -> str:
    if kind == "file":
        return "file"
    if visibility == Message.Visibility.NOTE:
        return "note"
    return "customer" if author_kind == Message.Author.CUSTOMER else "agent"


_SNIPPETS_SQL = """
WITH q AS (SELECT websearch_to_tsquery(%(config)s::regconfig, %(terms)s) AS q)
SELECT best.ticket_id, best.kind, best.visibility, best.author_kind,
       ts_headline(%(config)s::regconfig, best.text, q.q, %(options)s)
FROM q, (
    SELECT DISTINCT ON (ticket_id) ticket_id, kind, visibility, author_kind, text
    FROM (
        SELECT m.ticket_id, 0 AS kind_order, 'message' AS kind, m.visibility, m.author_kind, m.id,
               translate(left(m.body, %(chars)s), %(sentinels)s, '') AS text,
               ts_rank(v.v, q.q) AS rank
        FROM tickets_message m
        CROSS JOIN q
        CROSS JOIN LATERAL (SELECT to_tsvector(%(config)s::regconfig,
            regexp_replace(left(m.body, %(chars)s), %(hyphen)s, %(hyphen_to)s, 'g')) AS v) v
        WHERE m.ticket_id = ANY(%(ids)s) AND v.v @@ q.q
        UNION ALL
        SELECT a.ticket_id, 1, 'file', '', '', a.id, translate(a.filename, %(sentinels)s, ''),
               ts_rank(v.v, q.q)
        FROM tickets_attachment a
        CROSS JOIN q
        CROSS JOIN LATERAL (SELECT to_tsvector(%(config)s::regconfig,
            a.filename || ' ' || translate(a.filename, '._-', '   ')) AS v) v
        WHERE a.ticket_id = ANY(%(ids)s) AND v.v @@ q.q
    ) found
    ORDER BY ticket_id, kind_order, rank DESC, id
) best
"""


def _snippets_postgres(ids: list[int], terms: list[str]) -> dict[int, tuple[SafeString, str]]:
    params: dict[str, Any] = {
        "config": search_config(),
        "terms": query_text(" or ".join(terms)),
        "options": SNIPPET_OPTIONS,
        "chars": MESSAGE_CHARS,
        "sentinels": START + STOP,
        "hyphen": HYPHEN_PATTERN,
        "hyphen_to": HYPHEN_REPLACEMENT,
        "ids": ids,
    }
    with connection.cursor() as cursor:
        cursor.execute(_SNIPPETS_SQL, params)
        rows = cursor.fetchall()
    return {
        pk: (marked(headline), _source(kind, visibility, author)) for pk, kind, visibility, author, headline in rows
    }


def _snippets_portable(ids: list[int], terms: list[str]) -> dict[int, tuple[SafeString, str]]:
    any_term = Q(pk__in=[])
    for term in terms:
        any_term |= Q(body__icontains=term)
    found: dict[int, tuple[SafeString, str]] = {}
    messages = Message.objects.filter(any_term, ticket_id__in=ids).order_by("ticket_id", "id")
    for message in messages.only("ticket_id", "body", "visibility", "author_kind"):
        if message.ticket_id not in found:
            source = _source("message", message.visibility, message.author_kind)
            found[message.ticket_id] = (python_snippet(without_sentinels(message.body), terms), source)
    files = Q(pk__in=[])
    for term in terms:
        files |= Q(filename__icontains=term)
    rest = [pk for pk in ids if pk not in found]
    for attachment in Attachment.objects.filter(files, ticket_id__in=rest).order_by("ticket_id", "id"):
        found.setdefault(attachment.ticket_id, (python_snippet(attachment.filename, terms), "file"))
    return found


def search_hits(tickets: list[Ticket], text: str) -> list[SearchHit]:
    """One page of results with their snippets: one query, whatever the page holds."""
    terms = any_terms(text)
    ids = [t.pk for t in tickets]
    snippets: dict[int, tuple[SafeString, str]] = {}
    if ids and terms:
        snippets = (_snippets_postgres if full_text() else _snippets_portable)(ids, terms)
    hits = []
    for ticket in tickets:
        headline = getattr(ticket, "subject_marked", None)
        subject = marked(headline) if headline else python_snippet(ticket.subject, terms, width=len(ticket.subject))
        snippet, source = snippets.get(ticket.pk, (None, ""))
        hits.append(SearchHit(ticket=ticket, subject=subject, snippet=snippet, source=source))
    return hits


# --- typing a reference or an address ---------------------------------------------------------


def search_jump(*, user: User, text: str) -> Ticket | Customer | None:
    """The ticket a reference names, or the customer an address belongs to, when ``user`` may see
    it; None otherwise (the search then runs as usual, and finds nothing it may not show)."""
    text = clean_text(text)
    pk = Ticket.pk_from_reference(text)
    if pk is not None:
        return Ticket.objects.visible_to(user).filter(pk=pk).first()
    if "@" in text and " " not in text:
        try:
            validate_email(text)
        except ValidationError:
            return None
        return customer_for_email(user=user, email=text)
    return None
