"""A fixed-window rate limit per client address, kept in the cache.

Use a shared cache (``CACHE_URL=redis://...``) in production so every web
process counts together.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    header = settings.RATELIMIT_CLIENT_IP_HEADER
    if header and request.META.get(header):
        return str(request.META[header]).split(",")[0].strip()
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def hit(request: HttpRequest, scope: str, limit: tuple[int, int], extra: str = "") -> bool:
    """Count one request; False when the caller is over ``limit`` = (count, seconds)."""
    count, seconds = limit
    window = int(time.time() // seconds)
    ident = hashlib.sha256(f"{client_address(request)}|{extra}".encode()).hexdigest()[:32]
    key = f"rl:{scope}:{window}:{ident}"
    cache.add(key, 0, timeout=seconds)
    try:
        used = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=seconds)
        used = 1
    return used <= count
