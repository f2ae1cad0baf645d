"""The agent's own page (/desk/me/): time zone and on-duty hours, the praise customers gave them
(paginated, newest first), and for a team lead the goodwill gestures waiting for their approval."""

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
from helpdesk.lib.pagination import paginate
from tickets.selectors import agent_settings_initial
from tickets.selectors_care import gestures_awaiting, praise_for_agent
from tickets.services.availability import agent_settings_set

PRAISE_PER_PAGE = 10
APPROVALS_SHOWN = 20


def _page(request: AgentRequest, form: AgentSettingsForm) -> dict[str, object]:
    return {
        "form": form,
        "praise": paginate(request, praise_for_agent(request.user), PRAISE_PER_PAGE),
        "approvals": list(gestures_awaiting(request.user).order_by("requested_at", "id")[:APPROVALS_SHOWN]),
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
