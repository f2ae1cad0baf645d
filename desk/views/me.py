"""The agent's own page (/desk/me/): time zone and on-duty hours; their customers' ratings over the
last 30 days; the praise customers gave them (paginated, newest first); and for a team lead the
bad ratings still to follow up and the goodwill gestures waiting for their approval."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from desk.access import AgentRequest, agent_required
from desk.forms import AgentSettingsForm
from helpdesk.lib.forms import add_service_errors
from helpdesk.lib.pagination import paginate
from satisfaction.selectors import csat_for_agent, follow_ups_open
from tickets.selectors import agent_settings_initial
from tickets.selectors_care import gestures_awaiting, praise_for_agent
from tickets.services.availability import agent_settings_set

PRAISE_PER_PAGE = 10
APPROVALS_SHOWN = 20


CSAT_DAYS = 30


def _page(request: AgentRequest, form: AgentSettingsForm) -> dict[str, object]:
    now = timezone.now()
    follow_ups, follow_ups_count = follow_ups_open(lead=request.user)
    return {
        "form": form,
        "praise": paginate(request, praise_for_agent(request.user), PRAISE_PER_PAGE),
        "approvals": list(gestures_awaiting(request.user).order_by("requested_at", "id")[:APPROVALS_SHOWN]),
        "csat": csat_for_agent(agent=request.user, start=now - timedelta(days=CSAT_DAYS), end=now),
        "csat_days": CSAT_DAYS,
        "follow_ups": follow_ups,
        "follow_ups_count": follow_ups_count,
    }


@require_http_methods(["GET", "POST"])
@agent_required
def me(request: AgentRequest) -> HttpResponse:
    if request.method == "POST":
        form = AgentSettingsForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                profile = agent_settings_set(
                    agent=request.user,
                    timezone_name=data["timezone"],
                    duty_days=data["duty_days"],
                    duty_start=data["duty_start"],
                    duty_end=data["duty_end"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                hours = profile.hours_label or "always, while your switch is on"
                now = timezone.now().astimezone(profile.zone)
                messages.success(request, f"Saved. It's {now:%H:%M} in your zone; you're on duty {hours}.")
                return redirect("desk:me")
        return render(request, "desk/me.html", _page(request, form), status=400)
    form = AgentSettingsForm(initial=agent_settings_initial(request.user))
    return render(request, "desk/me.html", _page(request, form))
