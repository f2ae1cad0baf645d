"""Saved views (/desk/views/): save the queue's current filters under a name, rename or update
one, remove one, and
the sidebar's counts as JSON (static/js/views.js refreshes them)."""

from __future__ import annotations

from urllib.parse import parse_qsl

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from desk.access import AgentRequest, agent_required
from desk.forms_bulk import SavedViewEditForm, SavedViewForm
from desk.workspace import view_url
from tickets import selectors
from tickets.selectors_views import count_label, saved_view_counts, saved_view_get_for_agent, saved_views_for_agent
from tickets.services.saved_views import saved_view_create, saved_view_delete, saved_view_update


@require_POST
@agent_required
def view_create(request: AgentRequest) -> HttpResponse:
    form = SavedViewForm(request.POST, queues=list(selectors.queues_for_agent(request.user)))
    query = str(request.POST.get("query", ""))[:2000]
    back = f"{reverse('desk:queue')}?{query}"
    if not form.is_valid():
        messages.error(request, "Give the view a name (60 characters at most).")
        return redirect(back)
    data = form.cleaned_data
    try:
        view = saved_view_create(
            actor=request.user,
            name=data["name"],
            params=dict(parse_qsl(query)),
            scope=data["scope"] or "personal",
            queue_id=data["queue"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    messages.success(request, f"Saved the view “{view.name}”.")
    return redirect(view_url(view))


@require_POST
@agent_required
def view_update(request: AgentRequest, pk: int) -> HttpResponse:
    """Rename the view, and with "Use the filters and sort shown now" make it list what the queue shows."""
    view = saved_view_get_for_agent(user=request.user, view_id=pk)
    if view is None:
        raise Http404("No such view")
    form = SavedViewEditForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the view a name (60 characters at most).")
        return redirect(view_url(view))
    data = form.cleaned_data
    params = dict(parse_qsl(data["query"])) if data["refilter"] else None
    try:
        view = saved_view_update(actor=request.user, view=view, name=data["name"], params=params)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Saved the view “{view.name}”{' with the filters shown' if params else ''}.")
    return redirect(view_url(view))


@require_POST
@agent_required
def view_delete(request: AgentRequest, pk: int) -> HttpResponse:
    view = saved_view_get_for_agent(user=request.user, view_id=pk)
    if view is None:
        raise Http404("No such view")
    try:
        saved_view_delete(actor=request.user, view=view)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Removed the view “{view.name}”.")
    return redirect("desk:queue")


@require_GET
@agent_required
def view_counts(request: AgentRequest) -> JsonResponse:
    views = saved_views_for_agent(request.user)
    counts = saved_view_counts(user=request.user, views=views)
    return JsonResponse(
        {"counts": {str(pk): count_label(count) for pk, count in counts.items()}}, headers={"Cache-Control": "no-store"}
    )
