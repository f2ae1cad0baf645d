"""An agent's availability: on duty (counted for load, notified for unassigned tickets) or not."""

from __future__ import annotations

from django.contrib.auth.models import User

from tickets.models import AgentProfile


def agent_availability_set(*, agent: User, on_duty: bool) -> AgentProfile:
    profile, _ = AgentProfile.objects.update_or_create(user=agent, defaults={"on_duty": on_duty})
    return profile
