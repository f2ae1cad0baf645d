"""Desk reports (/desk/reports/): charts over the daily roll-ups, each with its table and a CSV.

The figures come from ``reporting`` (sections over daily rows the worker keeps up to date), so the
page's cost follows the days and groups shown, never the number of tickets. Agents see their
queues' figures and their own; team leads and admins everyone's (``reporting.report.report_scope``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from desk.access import AgentRequest, agent_required
from desk.charts import bars_html, chart_for, row_html, rows_html
from desk.forms_reports import PERIODS, ReportForm, last_days
from helpdesk.lib.csv_safe import csv_text
from reporting.days import day_of
from reporting.report import Figure, ReportContext, report_scope
from reporting.sections import SECTIONS, section_for
from tickets import selectors


def _report(request: AgentRequest) -> tuple[ReportForm, ReportContext]:
    scope = report_scope(request.user)
    agents = list(selectors.agents_for_queues(scope.queue_ids)) if scope.all_agents else [request.user]  # type: ignore[arg-type]
    form = ReportForm(request.GET or None, scope=scope, agents=agents, today=day_of(timezone.now()))
    return form, ReportContext(scope, form.report_query())


def _drawn(figure: Figure) -> dict[str, Any]:
    chart = chart_for(figure)
    return {
        "figure": figure,
        "chart": chart,
        "bars": bars_html(chart) if chart else "",
        "rows": rows_html(figure.text_rows),
        "footer": row_html(figure.text_footer) if figure.text_footer else "",
    }


def _with(params: QueryDict, **changes: str) -> str:
    query = params.copy()
    for name, value in changes.items():
        query[name] = value
    return query.urlencode()


@require_GET
@agent_required
def reports(request: AgentRequest) -> HttpResponse:
    form, report = _report(request)
    sections = [(section, [_drawn(figure) for figure in section.figures(report)]) for section in SECTIONS]
    presets = []
    for days in PERIODS:
        start, end = last_days(days, form.today)
        presets.append((days, _with(request.GET, start=start.isoformat(), end=end.isoformat())))
    context = {
        "form": form,
        "query": report.query,
        "sections": sections,
        "presets": presets,
        "preset": form.preset_days(report.query),
        "params": _with(request.GET, start=report.query.start.isoformat(), end=report.query.end.isoformat()),
    }
    return render(request, "desk/reports.html", context)


@require_GET
@agent_required
def report_csv(request: AgentRequest, figure: str) -> HttpResponse:
    """One figure's table as CSV, for the same range and filters as the page."""
    section = section_for(figure)
    if section is None:
        raise Http404("No such figure")
    _, report = _report(request)
    found = next((f for f in section.figures(report) if f.key == figure), None)
    if found is None:
        raise Http404("No such figure")
    rows: list[Sequence[object]] = [found.columns, *found.rows, *([found.footer] if found.footer else [])]
    response = HttpResponse(csv_text(rows), content_type="text/csv; charset=utf-8")
    name = f"{figure}_{report.query.start.isoformat()}_{report.query.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
