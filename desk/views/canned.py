"""Desk side: an agent's own responses (/desk/canned/) and the composer's suggestions (JSON)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from canned_responses import selectors, services
from canned_responses.forms import CannedResponseForm
from canned_responses.models import CannedResponse
from desk.access import AgentRequest, agent_required
from tickets import selectors as ticket_selectors


@require_GET
@agent_required
def canned_list(request: AgentRequest) -> HttpResponse:
    responses = selectors.canned_list_for_agent(request.user)
    return render(request, "desk/canned/list.html", {"responses": responses})


def _save(request: AgentRequest, form: CannedResponseForm, response: CannedResponse | None = None) -> bool:
    if not form.is_valid():
        return False
    data = {**form.cleaned_data, "queues": list(form.cleaned_data["queues"])}
    try:
        if response is None:
            services.canned_response_create(actor=request.user, shared=False, **data)
        else:
            services.canned_response_update(response=response, actor=request.user, **data)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return False
    return True


@require_http_methods(["GET", "POST"])
@agent_required
def canned_create(request: AgentRequest) -> HttpResponse:
    queues = ticket_selectors.queues_for_agent(request.user)
    form = CannedResponseForm(request.POST or None, queues=queues, initial={"is_active": True})
    if request.method == "POST" and _save(request, form):
        messages.success(request, "Response saved.")
        return redirect("canned:list")
    return render(request, "desk/canned/form.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@agent_required
def canned_edit(request: AgentRequest, pk: int) -> HttpResponse:
    response = selectors.canned_get_for_edit(user=request.user, pk=pk)
    queues = ticket_selectors.queues_for_agent(request.user)
    form = CannedResponseForm(request.POST or None, queues=queues, initial=CannedResponseForm.initial_for(response))
    if request.method == "POST" and _save(request, form, response):
        messages.success(request, "Response saved.")
        return redirect("canned:list")
    context = {"form": form, "response": response}
    return render(request, "desk/canned/form.html", context, status=400 if form.errors else 200)


@require_POST
@agent_required
def canned_delete(request: AgentRequest, pk: int) -> HttpResponse:
    response = selectors.canned_get_for_edit(user=request.user, pk=pk)
    services.canned_response_delete(response=response, actor=request.user)
    messages.success(request, f"Deleted “{response.title}”.")
    return redirect("canned:list")


@require_GET
@agent_required
def canned_suggest(request: AgentRequest, reference: str) -> JsonResponse:
    """Rendered suggestions for the composer: ``?q=/ref`` by shortcut, ``?q=refund`` by title."""
    ticket = ticket_selectors.ticket_get_for_agent(user=request.user, reference=reference)
    at = timezone.now()
    picked = request.GET.get("id", "")
    if picked.isdigit():  # the select's "Insert" button, with JavaScript
        response = selectors.canned_get_for_ticket(user=request.user, ticket=ticket, pk=int(picked))
        body = selectors.canned_render(response=response, ticket=ticket, agent=request.user, at=at)
        found = [selectors.Rendered(response=response, body=body, suggested=True)]
    else:
        query = request.GET.get("q", "")[:100]
        found = selectors.canned_suggestions(user=request.user, ticket=ticket, query=query, at=at)
    return JsonResponse({"results": [item.as_json() for item in found]})
