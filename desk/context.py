"""The desk's top bar, for every page under /desk/ (a context processor, see helpdesk.settings)."""

from django.http import HttpRequest

from tickets.models.agent import is_agent
from tickets.selectors import DeskAgent, desk_agent_for

# Pages under /desk/ that show the desk's top bar.
DESK_NAMESPACES = {"desk", "desk_kb", "canned", "desk_mail", "desk_api"}


def notices(request: HttpRequest) -> dict[str, object]:
    """The top bar: unread notices, on duty or not, the agent's zone. One query, only for an agent
    on a desk page, and none when ``agent_required`` already read it for this request."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.namespace not in DESK_NAMESPACES:
        return {}
    user = getattr(request, "user", None)
    if user is None or not is_agent(user):
        return {}
    agent = getattr(request, "desk_agent", None)
    if not isinstance(agent, DeskAgent):
        agent = desk_agent_for(user)
    return {
        "unread_notices": agent.unread,
        "on_duty": agent.on_duty,
        "duty_switch_on": agent.switch_on,
        "duty_hours": agent.hours_label,
        "desk_zone_label": agent.zone_label,
    }
