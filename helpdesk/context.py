from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, str]:
    return {"desk_name": settings.HELPDESK_NAME}


def notices(request: HttpRequest) -> dict[str, int]:
    """The bell's unread count: one query, and only for an agent on a desk page."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.namespace != "desk":
        return {}
    from tickets.selectors import is_agent
    from tickets.services.notices import notices_unread_count

    user = getattr(request, "user", None)
    if user is None or not is_agent(user):
        return {}
    return {"unread_notices": notices_unread_count(user)}
