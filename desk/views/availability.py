from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from desk.access import AgentRequest, agent_required
from tickets.services.availability import agent_availability_set


@require_POST
@agent_required
def availability(request: AgentRequest) -> HttpResponse:
    """The top bar's On duty / Off duty switch."""
    on_duty = request.POST.get("on_duty") == "1"
    agent_availability_set(agent=request.user, on_duty=on_duty)
    messages.success(
        request,
        "You're on duty: unassigned tickets' notices reach you."
        if on_duty
        else "You're off duty: you still get notices for tickets assigned to you.",
    )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/desk/"
    return redirect(target)
