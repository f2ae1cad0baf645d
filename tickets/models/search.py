"""Each ticket's searchable text, as one weighted document (PostgreSQL full-text search).

One row per ticket, kept apart from the ticket's own row: the queue and every page that reads
tickets never carry a document of several kilobytes, and rewriting a document never rewrites a
ticket. ``tickets.services.search_index.search_refresh`` rebuilds a ticket's document from its
rows, in the transaction of every write that changes them (docs/search.md).
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models


class TicketSearch(models.Model):
    """Reference and subject (weight A), the customer's names and addresses (B), every message,
    internal notes included (C), and attachment names (D). Empty on SQLite, which searches the
    source columns instead."""

    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE, primary_key=True, related_name="search")
    # GIN-indexed on PostgreSQL (migration 0011_ticket_search).
    document = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = "ticket search document"

    def __str__(self) -> str:
        return f"Search document of ticket {self.ticket_id}"
