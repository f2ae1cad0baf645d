"""Request rates (``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``): per token (or signed-in agent), and
per address for callers without one. Past the rate: 429 with ``Retry-After``.

Counts live in the cache, which is optional on the request path (docs/reliability.md §5): with
the cache unreachable, requests are let through rather than refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import redis
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from api.models import ApiToken

if TYPE_CHECKING:
    from rest_framework.views import APIView

CACHE_ERRORS = (redis.RedisError, OSError)


class UserThrottle(UserRateThrottle):
    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if isinstance(request.auth, ApiToken):
            return self.cache_format % {"scope": self.scope, "ident": f"token-{request.auth.pk}"}
        return super().get_cache_key(request, view)

    def allow_request(self, request: Request, view: APIView) -> bool:
        try:
            return super().allow_request(request, view)
        except CACHE_ERRORS:
            return True


class AnonThrottle(AnonRateThrottle):
    def allow_request(self, request: Request, view: APIView) -> bool:
        try:
            return super().allow_request(request, view)
        except CACHE_ERRORS:
            return True
