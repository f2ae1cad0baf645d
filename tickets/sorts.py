"""The queue's sort orders, each served by one index, and keyset navigation over them.

Every sort is a tuple of keys ordered ascending, with the ticket's id last so the order is
total (two tickets never tie, so pages and "next ticket" never skip or repeat one). A reverse
sort is the same tuple descending: the same index read backwards. Because every key of a tuple
runs the same way, "the tickets after this one" is one row comparison,
``(k1, k2, id) > (v1, v2, v3)``, which the index answers by seeking straight to the position:
constant cost however deep in the queue the ticket is (docs/architecture.md, "Sorts and views").

Two keys are expressions, so that every key can run ascending:

- ``due_key``: the pending promise's due time, with no due time (a paused or solved ticket)
  after every real one (``COALESCE(next_due_at, 9999-12-31)``);
- ``urgency``: minus the priority, so "urgent first" is ascending too.

The indexes are declared on ``Ticket.Meta`` with the very same expressions
(``DUE_KEY``, ``URGENCY``); PostgreSQL uses an expression index only for an identical expression.

Most sorts are for open tickets only: their indexes are partial, over open tickets (the queue's
"Active" default and the single open statuses). For "All statuses", "Resolved" and "Closed" only
the two sorts with a full index are offered; asking for another gives "Recently updated".

| sort | keys | index (open tickets) | index (any status) |
| --- | --- | --- | --- |
| ``due`` / ``-due`` | due_key, urgency, id | ``ticket_open_due`` (one queue: ``ticket_open_queue_due``) | - |
| ``priority`` / ``-priority`` | urgency, due_key, id | ``ticket_open_priority`` | - |
| ``updated`` / ``-updated`` | updated_at, id | ``ticket_open_updated`` | ``ticket_sort_updated`` |
| ``created`` / ``-created`` | created_at, id | ``ticket_open_created`` | ``ticket_sort_created`` |
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from django.db.models import BooleanField, DateTimeField, F, Field, Func, IntegerField, Q, QuerySet, Value
from django.db.models.expressions import Combinable

from tickets.models.ticket import DUE_KEY, FAR_FUTURE, URGENCY, Ticket

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
TQ = TypeVar("TQ", bound=QuerySet[Ticket])


@dataclass(frozen=True)
class Sort:
    name: str
    label: str
    keys: tuple[str, ...]  # names of the aliases ``sortable`` adds, or of fields
    descending: bool = False
    open_only: bool = True  # indexed for open tickets only (partial indexes)

    def order_by(self) -> list[Any]:
        return [F(key).desc() if self.descending else F(key).asc() for key in self.keys]


def _pair(name: str, keys: tuple[str, ...], labels: tuple[str, str], *, any_status: bool = False) -> list[Sort]:
    """A sort and its reverse (``-name``), the one more often wanted first."""
    open_only = not any_status
    forward = Sort(name, labels[0], keys, open_only=open_only)
    backward = Sort(f"-{name}", labels[1], keys, descending=True, open_only=open_only)
    return [backward, forward] if any_status else [forward, backward]


SORT_LIST: list[Sort] = [
    *_pair("due", ("sort_due", "sort_urgency", "id"), ("Due next", "Due last")),
    *_pair("priority", ("sort_urgency", "sort_due", "id"), ("Highest priority", "Lowest priority")),
    *_pair("updated", ("updated_at", "id"), ("Least recently updated", "Recently updated"), any_status=True),
    *_pair("created", ("created_at", "id"), ("Oldest", "Newest"), any_status=True),
]
SORTS: dict[str, Sort] = {sort.name: sort for sort in SORT_LIST}
DEFAULT_SORT = "due"
DEFAULT_SORT_ANY_STATUS = "-updated"


def sort_named(name: str, *, open_only: bool = True) -> Sort:
    """The sort called ``name`` if it is indexed for these tickets, else the default for them."""
    sort = SORTS.get(name)
    if sort is None or (sort.open_only and not open_only):
        return SORTS[DEFAULT_SORT if open_only else DEFAULT_SORT_ANY_STATUS]
    return sort


def sorts_for(*, open_only: bool) -> list[Sort]:
    """The sorts offered for these tickets: every sort for open ones, the fully indexed ones otherwise."""
    return [sort for sort in SORT_LIST if open_only or not sort.open_only]


def sortable(tickets: TQ) -> TQ:
    """The ticket rows with the two expression keys every sort and the due filters use."""
    if "sort_due" in tickets.query.annotations:
        return tickets
    return tickets.alias(sort_due=DUE_KEY, sort_urgency=URGENCY)


def due_before(tickets: TQ, at: datetime, *, after: datetime | None = None) -> TQ:
    """Tickets due by ``at`` (and after ``after``): a range on ``due_key``, so the sort index serves it."""
    tickets = sortable(tickets).filter(Q(sort_due__lte=at))
    return tickets.filter(Q(sort_due__gt=after)) if after is not None else tickets


# --- keyset navigation ------------------------------------------------------------------------------

_KEY_VALUES: dict[str, Any] = {
    "sort_due": lambda t: t.next_due_at or FAR_FUTURE,
    "sort_urgency": lambda t: -t.priority,
    "updated_at": lambda t: t.updated_at,
    "created_at": lambda t: t.created_at,
    "id": lambda t: t.pk,
}
_DATETIME_KEYS = {"sort_due", "updated_at", "created_at"}


def key_of(ticket: Ticket, sort: Sort) -> tuple[Any, ...]:
    """Where the ticket stands in ``sort``: its value of each key."""
    return tuple(_KEY_VALUES[key](ticket) for key in sort.keys)


def key_encode(key: tuple[Any, ...]) -> str:
    """A position as it travels in a URL: integers joined by dots (times as microseconds since 1970)."""
    return ".".join(str(_micros(v)) if isinstance(v, datetime) else str(int(v)) for v in key)


def key_decode(text: str, sort: Sort) -> tuple[Any, ...] | None:
    """The position a URL carries, or None when it isn't one for this sort (never an error)."""
    parts = text.split(".")
    if len(parts) != len(sort.keys) or len(text) > 100:
        return None
    values: list[Any] = []
    for key, part in zip(sort.keys, parts, strict=True):
        try:
            number = int(part)
            values.append(EPOCH + timedelta(microseconds=number) if key in _DATETIME_KEYS else number)
        except (ValueError, OverflowError):
            return None
    return tuple(values)


def _micros(value: datetime) -> int:
    delta = value - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


class RowCompare(Func):
    """``(a, b, c) > (x, y, z)``: SQL's row comparison (PostgreSQL, SQLite 3.15+), which an index
    on ``(a, b, c)`` answers with one seek."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, keys: list[Combinable], values: list[Any], *, op: str) -> None:
        if op not in (">", "<") or len(keys) != len(values):
            raise ValueError("RowCompare needs as many keys as values and > or <")
        self.width, self.op = len(keys), op
        super().__init__(*keys, *(Value(v, output_field=_field_for(v)) for v in values))

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        parts, params = [], []
        for expression in self.get_source_expressions():
            sql, sql_params = compiler.compile(expression)
            parts.append(sql)
            params.extend(sql_params)
        lhs, rhs = ", ".join(parts[: self.width]), ", ".join(parts[self.width :])
        return f"({lhs}) {self.op} ({rhs})", params


def _field_for(value: Any) -> Field[Any, Any]:
    return DateTimeField() if isinstance(value, datetime) else IntegerField()


def after(tickets: QuerySet[Ticket], sort: Sort, key: tuple[Any, ...]) -> QuerySet[Ticket]:
    """The tickets that come after position ``key`` in ``sort``, in that order."""
    op = "<" if sort.descending else ">"
    return sortable(tickets).filter(RowCompare([F(k) for k in sort.keys], list(key), op=op)).order_by(*sort.order_by())


def before(tickets: QuerySet[Ticket], sort: Sort, key: tuple[Any, ...]) -> QuerySet[Ticket]:
    """The tickets that come before position ``key`` in ``sort``, nearest first."""
    reverse = Sort(sort.name, sort.label, sort.keys, descending=not sort.descending, open_only=sort.open_only)
    return after(tickets, reverse, key)
