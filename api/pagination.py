"""Cursor pages of tickets on the queue's own keyset sorts (tickets/sorts.py).

A cursor is the last ticket's position in the sort (``k<keys>``): the next page is "the tickets
after it", one row comparison the sort's index answers by seeking, as cheap on page 10,000 as on
page 1, and no ``COUNT(*)``. Search results are ranked first (at most ``tickets.search``'s
candidates), so their cursor is a position in that ranking (``o<offset>``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet, prefetch_related_objects
from rest_framework.request import Request
from rest_framework.utils.urls import replace_query_param

from tickets import sorts
from tickets.models import Ticket
from tickets.search import SearchResults

PAGE_SIZE = 50
PAGE_MAX = 100


@dataclass
class Page:
    tickets: list[Ticket]
    next_cursor: str | None

    def next_url(self, request: Request) -> str | None:
        if self.next_cursor is None:
            return None
        return replace_query_param(request.build_absolute_uri(), "cursor", self.next_cursor)


def keyset_page(tickets: QuerySet[Ticket], sort: sorts.Sort, *, cursor: str, size: int) -> Page:
    if cursor.startswith("k"):
        key = sorts.key_decode(cursor[1:], sort)
        if key is not None:
            tickets = sorts.after(tickets, sort, key)
    rows = list(tickets.prefetch_related("tags")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return Page(rows, f"k{sorts.key_encode(sorts.key_of(rows[-1], sort))}" if more and rows else None)


def ranked_page(results: SearchResults, *, cursor: str, size: int) -> Page:
    offset = int(cursor[1:]) if cursor.startswith("o") and cursor[1:].isdigit() and len(cursor) < 10 else 0
    rows = results[offset : offset + size]
    prefetch_related_objects(rows, "tags")
    more = offset + size < len(results)
    return Page(rows, f"o{offset + size}" if more else None)
