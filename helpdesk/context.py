from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, str]:
    return {"desk_name": settings.HELPDESK_NAME}


DESK_NAMESPACES = {"desk", "desk_kb", "canned"}  # pages under /desk/ that show the desk's top bar


def notices(request: HttpRequest) -> dict[str, int | bool]:
    """The bell's unread count and the agent's availability: one query, only for an agent on a desk page."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.namespace not in DESK_NAMESPACES:
        return {}
    from tickets.selectors import is_agent
    from tickets.services.notices import desk_header_for

    user = getattr(request, "user", None)
    if user is None or not is_agent(user):
        return {}
    unread, on_duty = desk_header_for(user)
    return {"unread_notices": unread, "on_duty": on_duty}
