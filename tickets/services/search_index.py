"""Keep each ticket's search document in step with what the ticket says (PostgreSQL).

Every write that changes what a ticket can be found by (a new ticket, a message or note, an
attachment, a subject edited in the admin, a customer renamed or merged) calls
``search_refresh`` with the tickets it touched, inside its own transaction: the document commits
with the change or not at all. The document is rebuilt whole from the ticket's rows by one SQL
statement, never patched, so a refresh is always right whatever came before it, and running it
twice changes nothing. ``search_backfill`` builds the documents of existing tickets in small
batches (``manage.py search_index``). On SQLite there is no document: search reads the columns
themselves (``tickets.search``). See docs/search.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from tickets.models import Ticket
from tickets.models.ticket import REFERENCE_OFFSET

# How much of a conversation the document holds: each message's first MESSAGE_CHARS characters, and
# CONVERSATION_CHARS in all, oldest first. A tsvector holds at most 1 MB and PostgreSQL stops
# counting word positions at 16,383 anyway; a word past these limits is not found.
MESSAGE_CHARS = 20_000
CONVERSATION_CHARS = 200_000
BATCH = 2_000

# "HD-1001", "ORD-4821" and "2024-05-01" are split before the hyphen, in documents and queries alike
# (tickets.search.query_text): PostgreSQL's parser would read "-1001" as a negative number, which
# "1001" alone would never find.
HYPHEN_PATTERN = r"([[:alnum:]])-(?=[[:digit:]])"
HYPHEN_REPLACEMENT = r"\1 "


def _norm(expression: str) -> str:
    return f"regexp_replace({expression}, %(hyphen)s, %(hyphen_to)s, 'g')"


def _vector(expression: str, weight: str) -> str:
    return f"setweight(to_tsvector(%(config)s::regconfig, {_norm(expression)}), '{weight}')"


# An address is found whole (ada.l@example.com), by its domain (example.com) and by its parts.
_ADDRESS = "{0}.email || ' ' || split_part({0}.email, '@', 2) || ' ' || translate({0}.email, '@._+-', '     ')"
_REFERENCE_AND_SUBJECT = "%(prefix)s || '-' || (t.id + %(offset)s) || ' ' || t.subject"
_ALIASES = "SELECT string_agg(" + _ADDRESS.format("o") + ", ' ') FROM tickets_customer o WHERE o.merged_into_id = c.id"  # noqa: S608
_CUSTOMER = f"c.name || ' ' || {_ADDRESS.format('c')} || ' ' || coalesce(({_ALIASES}), '')"
_CONVERSATION = (
    "left(coalesce((SELECT string_agg(left(m.body, %(message_chars)s), E'\\n' ORDER BY m.id) "
    "FROM tickets_message m WHERE m.ticket_id = t.id), ''), %(conversation_chars)s)"
)
_FILES = (
    "coalesce((SELECT string_agg(a.filename || ' ' || translate(a.filename, '._-', '   '), ' ') "
    "FROM tickets_attachment a WHERE a.ticket_id = t.id), '')"
)
REFRESH_SQL = f"""
INSERT INTO tickets_ticketsearch (ticket_id, document)
SELECT t.id,
       {_vector(_REFERENCE_AND_SUBJECT, "A")}
    || {_vector(_CUSTOMER, "B")}
    || {_vector(_CONVERSATION, "C")}
    || {_vector(_FILES, "D")}
FROM tickets_ticket t
JOIN tickets_customer c ON c.id = t.customer_id
WHERE t.id = ANY(%(ids)s)
ON CONFLICT (ticket_id) DO UPDATE SET document = EXCLUDED.document
"""  # noqa: S608 - constant text; values travel as parameters


def search_config() -> str:
    """The text-search configuration documents and queries are read with (``TICKET_SEARCH_LANGUAGE``)."""
    return str(settings.TICKET_SEARCH_LANGUAGE)


def refresh_params(ids: list[int]) -> dict[str, Any]:
    return {
        "ids": ids,
        "config": search_config(),
        "prefix": settings.TICKET_REFERENCE_PREFIX,
        "offset": REFERENCE_OFFSET,
        "message_chars": MESSAGE_CHARS,
        "conversation_chars": CONVERSATION_CHARS,
        "hyphen": HYPHEN_PATTERN,
        "hyphen_to": HYPHEN_REPLACEMENT,
    }


def search_refresh(ticket_ids: Iterable[int]) -> None:
    """Rebuild the search documents of these tickets from their rows (PostgreSQL; nothing on SQLite).

    Call it inside the transaction that changed them, after the change: the statement reads the
    rows as that transaction sees them.
    """
    ids = sorted({pk for pk in ticket_ids if pk})
    if not ids or connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(REFRESH_SQL, refresh_params(ids))


def search_refresh_customer(customer_id: int) -> None:
    """Rebuild the documents of every ticket of a customer (renamed, merged: their name and addresses)."""
    ids = list(Ticket.objects.filter(customer_id=customer_id).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        search_refresh(ids[start : start + BATCH])


def search_backfill(
    *, everything: bool = False, batch: int = BATCH, progress: Callable[[int, int], None] | None = None
) -> int:
    """Build the documents of tickets that have none (``everything``: rebuild all), ``batch`` tickets
    per transaction, in id order; returns how many were written. Safe to stop and run again: each
    batch commits on its own, and a run without ``everything`` picks up where the last one stopped.
    ``progress(done, last_id)`` is called after each batch.
    """
    if connection.vendor != "postgresql":
        return 0
    done, last = 0, 0
    while True:
        rows = Ticket.objects.filter(pk__gt=last).order_by("pk")
        if not everything:
            rows = rows.filter(search__isnull=True)
        ids = list(rows.values_list("pk", flat=True)[:batch])
        if not ids:
            return done
        with transaction.atomic():
            search_refresh(ids)
        done, last = done + len(ids), ids[-1]
        if progress is not None:
            progress(done, last)
