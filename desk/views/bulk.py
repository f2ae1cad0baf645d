"""Bulk changes from the queue (/desk/bulk/): start a job, watch its progress, read its summary.

A small selection is changed in the request and the queue says what happened; a bigger one
runs in the worker and this page follows it (static/js/bulk-progress.js polls the JSON).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from desk.access import AgentRequest, agent_required
from desk.forms_bulk import PARAMS, BulkForm
from tickets import selectors
from tickets.models import BulkJob
from tickets.selectors_bulk import bulk_job_for_agent, bulk_job_skips
from tickets.selectors_triage import move_queues
from tickets.services import bulk
from tickets.services.bulk_actions import BULK_ACTIONS


def _back(form: BulkForm) -> str:
    query = form.data.get("query", "") if form.is_bound else ""
    return f"{reverse('desk:queue')}?{query}" if query else reverse("desk:queue")


def summary(job: BulkJob, skips: list[tuple[str, str]]) -> str:
    """'Close: 3 changed, 2 skipped (HD-1004: Not found; HD-1007: Already closed).'"""
    action = BULK_ACTIONS.get(job.action)
    text = f"{action.label if action else job.action}: {job.changed} changed"
    if job.skipped:
        listed = "; ".join(f"{ref}: {reason}" for ref, reason in skips[:10])
        more = f"; and {job.skipped - 10} more" if job.skipped > 10 else ""
        text += f", {job.skipped} skipped ({listed}{more})"
    return text + "."


@require_POST
@agent_required
def bulk_apply(request: AgentRequest) -> HttpResponse:
    agents = list(selectors.agents_for_queues(selectors.queues_for_agent(request.user)))
    form = BulkForm(request.POST, agents=agents, queues=move_queues())
    if not form.is_valid():
        messages.error(request, "Choose an action for the selected tickets.")
        return redirect(_back(form))
    data = form.cleaned_data
    params = {name: data[name] for name in PARAMS}
    everything = data["scope"] == "all"
    try:
        job = bulk.bulk_job_start(
            actor=request.user,
            action=data["action"],
            params=params,
            ticket_ids=None if everything else form.ticket_ids(),
            filters=dict(parse_qsl(data["query"])) if everything else None,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_back(form))
    if bulk.bulk_job_runs_inline(job):
        bulk.bulk_job_run(job_id=job.pk)
        job.refresh_from_db()
        messages.success(request, summary(job, bulk_job_skips(job)))
        return redirect(_back(form))
    bulk.bulk_job_queue(job.pk, runs=bulk.PARALLEL_RUNS)
    return redirect("desk:bulk_job", pk=job.pk)


def _job(request: AgentRequest, pk: int) -> BulkJob:
    job = bulk_job_for_agent(user=request.user, pk=pk)
    if job is None:
        raise Http404("No such change")
    return job


@require_GET
@agent_required
def bulk_job(request: AgentRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    action = BULK_ACTIONS.get(job.action)
    skips = bulk_job_skips(job) if job.is_done else []
    query = urlencode(job.filters)
    back = f"{reverse('desk:queue')}?{query}" if query else reverse("desk:queue")
    context = {"job": job, "action_label": action.label if action else job.action, "skips": skips, "back": back}
    return render(request, "desk/bulk_job.html", context)


@require_GET
@agent_required
def bulk_progress(request: AgentRequest, pk: int) -> JsonResponse:
    job = _job(request, pk)
    return JsonResponse(
        {
            "state": job.state,
            "listed": job.listed,
            "total": job.total,
            "done": job.done_count,
            "changed": job.changed,
            "skipped": job.skipped,
        },
        headers={"Cache-Control": "no-store"},
    )
