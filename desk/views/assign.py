"""'Assign to me' on the ticket page (the `a` shortcut's visible twin)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from desk.access import AgentRequest, agent_required
from desk.workspace import ticket_back_url
from tickets import selectors, services


@require_POST
@agent_required
def assign_me(request: AgentRequest, reference: str) -> HttpResponse:
    ticket = selectors.ticket_get_for_agent(user=request.user, reference=reference)
    try:
        changed = services.ticket_assign(ticket=ticket, agent=request.user, assignee_id=request.user.pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Assigned to you." if changed else "It was already yours.")
    return redirect(ticket_back_url(request, ticket))
