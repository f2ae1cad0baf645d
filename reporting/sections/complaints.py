"""Complaints handled with care: resolved complaints by root cause, and the goodwill gestures
given (promised: within the limit, or approved by a lead) by type and currency, how many and
their total. A resolution counts on the day it was recorded, a gesture on the day it was asked for.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from reporting.models import DailyComplaint, DailyGesture
from reporting.report import Cell, Figure, ReportContext, Series
from tickets.models import Gesture

TYPES = list(Gesture.Type.values)


def _causes(context: ReportContext) -> Figure:
    query = context.query
    found = (
        DailyComplaint.objects.filter(context.ticket_filter(), day__gte=query.start, day__lte=query.end)
        .order_by()
        .values("root_cause__name")
        .annotate(total=Sum("resolved"))
    )
    counted = sorted(((row["root_cause__name"], row["total"]) for row in found), key=lambda c: (-c[1], c[0]))
    rows: list[list[Cell]] = [[name, total] for name, total in counted]
    return Figure(
        key="complaints-causes",
        title="Complaints by root cause",
        description="Complaints resolved in the period (a resolution recorded), by what went wrong, "
        "the most frequent first.",
        columns=["Root cause", "Complaints"],
        rows=rows,
        footer=["Total", sum(total for _, total in counted)],
        labels=[name for name, _ in counted],
        series=[Series("Complaints", [float(total) for _, total in counted])],
        unit="complaints",
    )


def _money(amount: Decimal, currency: str) -> str:
    return f"{amount:.2f}" if currency else "—"


def _gestures(context: ReportContext) -> Figure:
    query = context.query
    found = (
        DailyGesture.objects.filter(context.ticket_filter(), day__gte=query.start, day__lte=query.end)
        .order_by()
        .values("type", "currency")
        .annotate(given=Sum("given"), amount=Sum("amount"))
    )
    counted = sorted(found, key=lambda r: (TYPES.index(r["type"]) if r["type"] in TYPES else len(TYPES), r["currency"]))
    rows: list[list[Cell]] = []
    labels = []
    for row in counted:
        name = Gesture.Type(row["type"]).label if row["type"] in TYPES else row["type"]
        rows.append([name, row["currency"] or "—", row["given"], _money(row["amount"], row["currency"])])
        labels.append(f"{name} ({row['currency']})" if row["currency"] else name)
    return Figure(
        key="complaints-gestures",
        title="Goodwill gestures given",
        description="Gestures promised to customers in the period (within the limit, or approved by a team "
        "lead), by type and currency: how many, and the amounts added up (not across currencies).",
        columns=["Gesture", "Currency", "Given", "Total amount"],
        rows=rows,
        footer=["Total", "", sum(row["given"] for row in counted), ""],
        labels=labels,
        series=[Series("Given", [float(row["given"]) for row in counted])],
        unit="gestures",
    )


class ComplaintsSection:
    key = "complaints"
    title = "Complaints"

    def figures(self, context: ReportContext) -> list[Figure]:
        return [_causes(context), _gestures(context)]


COMPLAINTS = ComplaintsSection()
