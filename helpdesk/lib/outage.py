"""Outages on the request path: a database error answers 503, and post-commit side effects
never turn a saved ticket into an error page (docs/reliability.md §5).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.sessions import middleware as sessions
from django.contrib.sessions.exceptions import SessionInterrupted
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string

from helpdesk.lib import degraded

logger = logging.getLogger(__name__)

# The database is unreachable, restarting, or dropped the connection. Not DatabaseError as a
# whole: ProgrammingError, IntegrityError and DataError are bugs or bad data, which stay 500s.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


class DatabaseUnavailableMiddleware:
    """Answer a view's database outage with our 503 page (portal or desk look) and Retry-After.

    Outages raised outside a view (the session saved after it) reach ``handler500``, which gives
    the same page. Logged once a minute per process, not per request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_UNAVAILABLE):
            return None
        degraded.report("database", exception, doing="answering 503 with the typed text")
        # Named by a setting, like CSRF_FAILURE_VIEW: the page belongs to a way in, above this helper.
        service_unavailable: Callable[[HttpRequest], HttpResponse] = import_string(settings.SERVICE_UNAVAILABLE_VIEW)
        return service_unavailable(request)


def after_commit_step(part: str, step: Callable[..., Any], /, **kwargs: Any) -> None:
    """Run a side effect of something already committed; a failure is logged, never raised.

    For steps after a ticket is saved (a deflection record, a counter): the customer's ticket
    exists, so the page they see must say so whatever this step does.
    """
    try:
        step(**kwargs)
    except DATABASE_UNAVAILABLE as exc:
        degraded.report(part, exc, doing="skipped after the commit")
    except Exception:
        logger.exception("%s failed after the commit; skipped", part)


SESSION_SAVE_PAUSES = (0.1, 0.3, 1.0, 2.0)  # about 3 s, only for a page that just committed


class SessionMiddleware(sessions.SessionMiddleware):
    """Django's, with the session's save tried again across a dropped database connection.

    The session is saved after the view, so after the page's own commit: the portal's form keeps
    the ticket just submitted there for the success page. A connection cut between that commit
    and this save used to answer 400 ("session interrupted") or 500 for a saved ticket. A
    database that stays down still raises its error, and ``handler500`` answers 503.
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        created = getattr(request, "session", None) is not None and request.session.session_key is None
        for pause in (*SESSION_SAVE_PAUSES, None):
            if created:  # a new session's INSERT may not have happened: create it afresh, new key
                request.session._session_key = None
            try:
                return super().process_response(request, response)
            except (SessionInterrupted, *DATABASE_UNAVAILABLE) as exc:
                cause = exc if isinstance(exc, DATABASE_UNAVAILABLE) else _database_cause(exc)
                if cause is None:
                    raise  # the session really was deleted meanwhile (signed out elsewhere)
                if pause is None:
                    raise cause from exc
                connection.close()  # the next try opens a fresh connection
                time.sleep(pause)
        raise AssertionError("unreachable")


def _database_cause(exc: BaseException) -> BaseException | None:
    """The database outage behind a ``SessionInterrupted`` (raised from UpdateError, from it), if any."""
    while exc.__context__ is not None:
        exc = exc.__context__
        if isinstance(exc, DATABASE_UNAVAILABLE):
            return exc
    return None
