"""The agent's own settings (/desk/me/): time zone and on-duty hours."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from desk.access import AgentRequest, agent_required
from desk.forms import AgentSettingsForm
from helpdesk.lib.forms import add_service_errors
from tickets.selectors import agent_settings_initial
from tickets.services.availability import agent_settings_set


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
        return render(request, "desk/me.html", {"form": form}, status=400)
    form = AgentSettingsForm(initial=agent_settings_initial(request.user))
    return render(request, "desk/me.html", {"form": form})
