"""The desk's search: the tickets an agent may see, found by anything said in them (docs/search.md).

PostgreSQL: each ticket's weighted document (``TicketSearch``: reference and subject A, the
customer B, every message and internal note C, attachment names D) is matched through its GIN
index with ``websearch_to_tsquery`` ("quoted phrases", ``or``, ``-word``). The newest
``CANDIDATES`` matches within the filters and the agent's queues are found window by window,
newest tickets first (``_candidates``), and only they are ranked, so a common word costs what a
rare one does; more than that shows as "1,000+", as the queue does. A page's tickets and their
snippets come afterwards, for that page only (``SearchResults``, ``tickets.search_hits``).
SQLite: every word somewhere in the same columns (``icontains``), the same operators, ranked
crudely. Internal notes are searched: only agents search.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.exceptions import EmptyResultSet, ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import BigIntegerField, Case, ExpressionWrapper, F, FloatField, Q, QuerySet, Value, When
from django.utils import timezone

from helpdesk.lib.pagination import CappedPaginator
from helpdesk.lib.snippets import START, STOP
from tickets.customers import customer_for_email
from tickets.models import Attachment, Customer, Message, Ticket
from tickets.models.ticket import REFERENCE_OFFSET
from tickets.selectors import QueueFilters, ticket_list_for_agent
from tickets.services.search_index import search_config

QUERY_MAX = 200  # longer queries are cut: nobody types more, and a 10,000-character one must not hurt
CANDIDATES = CappedPaginator.cap + 1  # ranked at most; one more than the page counter shows, for "1,000+"
# The newest tickets are searched first, then older ones, window by window (``_candidates``).
WINDOWS = (20_000, 100_000, 500_000)
DOCUMENT_BOUNDS_UP_TO = 100_000
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

    ``ids`` are the matching tickets' ids in the page's order (at most ``CANDIDATES``). A slice's
    tickets come with their customer, queue and assignee, and their subject marked: one query.
    """

    def __init__(self, ids: list[int], query: SearchQuery | None = None) -> None:
        self.ids = ids
        self._query = query

    def count(self) -> int:
        return len(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def capped(self) -> bool:
        """More matched than were ranked: the page says "1,000+"."""
        return len(self.ids) > CappedPaginator.cap

    def __getitem__(self, window: slice) -> list[Ticket]:
        ids = self.ids[window]
        if not ids:
            return []
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
        return iter(self[:])


def ticket_search(*, user: User | AnonymousUser, text: str, filters: SearchFilters) -> SearchResults:
    """Tickets ``user`` may see that match ``text`` and ``filters``, best first (``filters.sort``)."""
    text = clean_text(text)
    if not text or not isinstance(user, User):
        return SearchResults([])
    base = QueueFilters(
        status=filters.status, kind=filters.kind, queue_id=filters.queue_id, assignee=filters.assignee, search=""
    )
    tickets = _narrowed(ticket_list_for_agent(user=user, filters=base), filters).order_by()
    sort = filters.sort if filters.sort in SORTS else "relevance"
    if full_text():
        return _search_postgres(tickets, text, sort)
    return _search_portable(tickets, text, sort)


def _candidates(matches: QuerySet[Ticket], query: SearchQuery, *, oldest: bool) -> list[tuple[int, float]]:
    """The newest ``CANDIDATES`` matches (the oldest, for ``oldest``): (id, rank) of each.

    Searched window by window, the newest ``WINDOWS[0]`` tickets first, then the next older ones,
    in one statement (UNION ALL under one LIMIT: PostgreSQL runs a window only while the ones
    before it found too few). A common word fills the first window, scanned newest first, and the
    rest never run; a rare one is read from the GIN index in each. No window reads more than its
    own tickets, whichever plan PostgreSQL picks, so no word costs more than the windows it needs.
    Each candidate is ranked as it is found (``ts_rank`` reads its document once): only the
    candidates are ranked, never every match of a common word.
    """
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(_OLDEST_SQL if oldest else _NEWEST_SQL)
        row = cursor.fetchone()
        if row is None:
            return []
        # Up to 1,001 rows of two numbers: read straight from the cursor, not through the ORM's
        # per-row conversions.
        try:
            sql, params = _windows(matches, query, edge=row[0], oldest=oldest)[:CANDIDATES].query.sql_with_params()
        except EmptyResultSet:  # a user who may see no ticket at all
            return []
        cursor.execute(sql, params)
        return [(pk, rank) for pk, rank in cursor.fetchall()]


# The newest (oldest) ticket's id, as a number rather than a subquery: PostgreSQL then knows how
# many tickets each window holds. And for this transaction only: no JIT, which would spend 100 ms
# compiling the big windows that a common word never runs, and no parallel workers, whose start
# costs more than the windows they would share.
_SETTINGS = "set_config('jit', 'off', true), set_config('max_parallel_workers_per_gather', '0', true)"
_NEWEST_SQL = f"SELECT id, {_SETTINGS} FROM tickets_ticket ORDER BY id DESC LIMIT 1"  # noqa: S608 - constant
_OLDEST_SQL = f"SELECT id, {_SETTINGS} FROM tickets_ticket ORDER BY id LIMIT 1"  # noqa: S608 - constant


def _windows(matches: QuerySet[Ticket], query: SearchQuery, *, edge: int, oldest: bool) -> QuerySet[Any]:
    """One part per window, (id, rank) of its newest matches; the parts joined by UNION ALL."""
    rank = SearchRank(F("search__document"), query, normalization=Value(1))
    parts = []
    for n, near in enumerate((0, *WINDOWS)):
        far = WINDOWS[n] if n < len(WINDOWS) else None
        # In the small windows, the same bounds on the document too: PostgreSQL can then intersect the
        # GIN index's matches with the window before it reads one, which a common word needs. A
        # bigger window is reached only by a rarer word, whose few matches are cheaper to read
        # than the window's bounds are to build.
        fields = ("pk", "search__ticket_id") if far is not None and far <= DOCUMENT_BOUNDS_UP_TO else ("pk",)
        low: int | None
        high: int | None
        if oldest:
            low, high = edge + near, (None if far is None else edge + far - 1)
        else:
            low, high = (None if far is None else edge - far + 1), edge - near
        part = matches
        for field in fields:
            if low is not None:
                part = part.filter(**{f"{field}__gte": low})
            if high is not None:
                part = part.filter(**{f"{field}__lte": high})
        ordered: QuerySet[Any]
        if len(fields) == 1:
            # A big window is reached only by a rarer word: read its matches from the GIN index and
            # sort them, never walk the window newest first (``pk + 0`` hides the key's order, which
            # PostgreSQL would otherwise walk, reading document after document, on a wrong guess).
            keyed = part.annotate(order_key=ExpressionWrapper(F("pk") + 0, output_field=BigIntegerField()))
            ordered = keyed.order_by("order_key" if oldest else "-order_key")
        else:
            ordered = part.order_by("pk" if oldest else "-pk")
        parts.append(ordered.annotate(rank=rank).values_list("pk", "rank")[:CANDIDATES])
    first, *rest = parts
    return first.union(*rest, all=True)


def _search_postgres(tickets: QuerySet[Ticket], text: str, sort: str) -> SearchResults:
    query = SearchQuery(query_text(text), search_type="websearch", config=search_config())
    found = _candidates(tickets.filter(search__document=query), query, oldest=sort == "oldest")
    if sort == "relevance":
        found.sort(key=lambda row: (-row[1], -row[0]))
    else:
        found.sort(key=lambda row: row[0], reverse=sort == "newest")
    return SearchResults([pk for pk, _ in found], query)


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
    return SearchResults(list(rows.order_by(*order).values_list("pk", flat=True)[:CANDIDATES]))


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
