"""Desk reports (/desk/reports/): promise kept-rates and first-response times per queue and agent."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from desk.access import AgentRequest, agent_required
from tickets.reports import KEPT_TARGET_PERCENT, PERIODS, desk_report, period_days


@require_GET
@agent_required
def reports(request: AgentRequest) -> HttpResponse:
    report = desk_report(user=request.user, days=period_days(request.GET.get("days")), now=timezone.now())
    context = {"report": report, "periods": PERIODS, "target": KEPT_TARGET_PERCENT}
    return render(request, "desk/reports.html", context)
