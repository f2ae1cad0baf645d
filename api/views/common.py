"""What every API view shares: the caller as an agent, attribution of writes, ETags."""

from __future__ import annotations

import hashlib
import json
from contextlib import AbstractContextManager
from typing import Any, cast

from django.contrib.auth.models import User
from django.utils.http import parse_etags, quote_etag
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from api.models import ApiToken
from tickets.models import TicketEvent
from tickets.services.events import events_via


def agent_of(request: Request) -> User:
    """The calling agent (``AgentWithScope`` let only agents in)."""
    return cast(User, request.user)


def via_api(request: Request) -> AbstractContextManager[None]:
    """Events written inside record the API as their way in, with the token's name."""
    token = request.auth
    label = token.name if isinstance(token, ApiToken) else "desk session"
    return events_via(via=TicketEvent.Via.API, label=label)


def with_etag(request: Request, data: Any) -> Response:
    """``data`` with a strong ETag of its JSON; 304 when the caller already holds that version."""
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:32]
    etag = quote_etag(digest)
    wanted = parse_etags(request.headers.get("If-None-Match", ""))
    fresh = etag in wanted or "*" in wanted
    response = Response(status=status.HTTP_304_NOT_MODIFIED) if fresh else Response(data)
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response
