"""Who may use the desk: ``agent_required`` guards every page under /desk/."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone

from tickets.models.agent import is_agent
from tickets.selectors import desk_agent_for

PAGE_SIZE = 25


class AgentRequest(HttpRequest):
    """A request that passed ``agent_required``: its user is a signed-in agent."""

    user: User


def agent_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Anonymous visitors go to the login page; signed-in non-agents find nothing here.

    The view runs in the agent's own time zone (their profile's, else settings.TIME_ZONE):
    every time it shows is in that zone, and a date and time the agent types is read in it.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_agent(request.user):
            raise Http404
        agent = desk_agent_for(request.user)
        request.desk_agent = agent  # type: ignore[attr-defined]  # the top bar reads it (desk.context)
        with timezone.override(agent.zone):
            return view(request, *args, **kwargs)

    return wrapper
