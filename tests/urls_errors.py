"""The site's URLs plus views that fail on purpose, to test the error pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import OperationalError, ProgrammingError
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from helpdesk import urls as site


def database_down(request: HttpRequest) -> HttpResponse:
    raise OperationalError("could not connect to server: Connection refused")


def bug(request: HttpRequest) -> HttpResponse:
    raise ProgrammingError('relation "tickets_nothing" does not exist')  # a bug: still a 500, never a 503


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("a malformed request")


handler400 = site.handler400
handler403 = site.handler403
handler404 = site.handler404
handler500 = site.handler500

urlpatterns = [
    path("support/fail/500/", bug),
    path("desk/fail/500/", bug),
    path("support/fail/503/", database_down),
    path("desk/fail/503/", database_down),
    path("support/fail/403/", forbidden),
    path("desk/fail/403/", forbidden),
    path("support/fail/400/", suspicious),
    *site.urlpatterns,
    # A failure on a desk page proper (the desk's context processors would query for it); after
    # the site's URLs, so the real desk_kb namespace still wins when reversing.
    path("desk/fail/kb/", include(([path("500/", bug), path("503/", database_down)], "desk_kb"))),
]
