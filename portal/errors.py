"""Our own error pages (400, 403, 404, 500 and a failed CSRF check), in the portal's look or
the desk's, depending on where the person was.

They say what to do next rather than what went wrong inside. The 500 page is rendered with a
minimal context and no context processors: it must still render when the database is down,
and processors such as the desk's notice count would query it.
"""

from __future__ import annotations

import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme

DESK_PREFIXES = ("/desk/", "/admin/")

# Text a person types, by form field name, with the label the CSRF page shows it under. An
# allow-list on purpose: passwords, the CSRF token and hidden fields (keys, time zones,
# redirect targets) are never echoed back.
TYPED_FIELDS = {
    "name": "Your name",
    "email": "Email address",
    "subject": "Subject",
    "description": "Description",
    "body": "Message",
    "comment": "Comment",
    "title": "Title",
    "shortcut": "Shortcut",
    "username": "Username",
    "q": "Search",
}


def look_for(request: HttpRequest) -> str:
    """``"desk"`` for agents' and admins' pages, ``"portal"`` for everything public."""
    return "desk" if request.path.startswith(DESK_PREFIXES) else "portal"


def _page(request: HttpRequest, name: str, status: int, **extra: object) -> HttpResponse:
    context = {"look": look_for(request), **extra}
    return render(request, f"errors/{name}.html", context, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, "400", 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, "403", 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, "404", 404)


RETRY_AFTER_SECONDS = 60


def server_error(request: HttpRequest) -> HttpResponse:
    # A database outage raised outside any view (saving the session): the 503 page, not the 500.
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return service_unavailable(request)
    # No render(request, ...): context processors may query a database that is down.
    context = {"look": look_for(request), "request": request, "desk_name": settings.HELPDESK_NAME}
    return HttpResponse(loader.get_template("errors/500.html").render(context), status=500)


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """The database is away (docs/reliability.md §5): 503, Retry-After, and the text they typed.

    Rendered like the 500 page, without context processors, since they may query the database.
    """
    context = {
        "look": look_for(request),
        "request": request,
        "desk_name": settings.HELPDESK_NAME,
        "typed": typed_text(request) if request.method == "POST" else [],
        "had_files": request.method == "POST" and _has_files(request),
        "form_url": form_page(request) if request.method == "POST" else "",
    }
    response = HttpResponse(loader.get_template("errors/503.html").render(context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def typed_text(request: HttpRequest) -> list[tuple[str, str]]:
    """(label, value) for each non-empty text field the person typed, in the allow-list."""
    try:
        data = request.POST
    except (RequestDataTooBig, TooManyFieldsSent, MultiPartParserError):
        return []
    return [(label, value) for key, label in TYPED_FIELDS.items() if (value := data.get(key, "").strip())]


def form_page(request: HttpRequest) -> str:
    """The page the form was on (its Referer, when it is one of ours), to open it again."""
    referer = request.headers.get("Referer", "")
    safe = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return referer if referer and safe else ""


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form was refused by the CSRF check (stale page, cleared cookies): say what to do, keep the text.

    Django has already logged the reason (logger ``django.security.csrf``).
    """
    typed = typed_text(request)
    had_files = request.method == "POST" and _has_files(request)
    return _page(request, "csrf", 403, typed=typed, had_files=had_files, form_url=form_page(request))


def _has_files(request: HttpRequest) -> bool:
    try:
        return bool(request.FILES)
    except (RequestDataTooBig, TooManyFieldsSent, MultiPartParserError):
        return False
