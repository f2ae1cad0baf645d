"""One page of search results with their snippets (tickets.search finds them; docs/search.md).

For each ticket on the page, its best-matching message (or the file name that matched) as a
snippet, and the subject, with the query's words marked: one query for the whole page. PostgreSQL
reads each message's words on the fly (``to_tsvector``), for these few tickets only, and cuts the
snippet with ``ts_headline``; elsewhere Python does. Snippets are escaped text where only the
match markers become ``<mark>`` (``helpdesk.lib.snippets``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils.safestring import SafeString

from helpdesk.lib.snippets import START, STOP, marked, python_snippet, without_sentinels
from tickets import search
from tickets.models import Attachment, Message, Ticket
from tickets.services.search_index import HYPHEN_PATTERN, HYPHEN_REPLACEMENT, MESSAGE_CHARS, search_config

SNIPPET_OPTIONS = f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=' … '"


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
        "terms": search.query_text(" or ".join(terms)),
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
    terms = search.any_terms(text)
    ids = [t.pk for t in tickets]
    snippets: dict[int, tuple[SafeString, str]] = {}
    if ids and terms:
        snippets = (_snippets_postgres if search.full_text() else _snippets_portable)(ids, terms)
    hits = []
    for ticket in tickets:
        headline = getattr(ticket, "subject_marked", None)
        subject = marked(headline) if headline else python_snippet(ticket.subject, terms, width=len(ticket.subject))
        snippet, source = snippets.get(ticket.pk, (None, ""))
        hits.append(SearchHit(ticket=ticket, subject=subject, snippet=snippet, source=source))
    return hits
