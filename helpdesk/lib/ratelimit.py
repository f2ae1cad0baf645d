"""Rate limits kept in the cache: per client address, and sign-in failures per account.

Use a shared cache (``CACHE_URL=redis://...``) in production so every web process counts
together.

Sign-in throttle per account (``RATELIMIT_LOGIN_ACCOUNT``, ``RATELIMIT_LOGIN_COOLOFF``):
failed sign-ins for one username are counted from every client address, so spreading guesses
over many addresses does not get round the per-address limit. With the defaults, the 5th
failure starts a cool-off of 1 minute; each further failure (one per cool-off, since attempts
during a cool-off are refused before any password is checked) doubles it: 2, 4, 8, then at
most 15 minutes. The count is forgotten 15 minutes after the last failure (plus the cool-off
it started), and a successful sign-in clears it. There is never a permanent lock: the longest
an attacker can keep an agent out at once is one cool-off. Keys hold a hash of the normalised
username, never the name itself.

When the shared cache is unreachable, no limit may cost a customer their ticket or an agent
their sign-in (docs/reliability.md §5): by default the counts move to a bounded in-process
cache (``LOCAL``), so every limit still holds per web process; a limit called with
``on_outage=OPEN`` lets requests through uncounted instead. Which limit does which, and why,
is in docs/reliability.md §5. The outage is logged once a minute, not per request
(``helpdesk.lib.degraded``), and the shared cache is retried a few seconds later.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import TypeVar

import redis
from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpRequest
from django.utils import timezone

from helpdesk.lib import degraded

MAX_DOUBLINGS = 16  # the cool-off is capped long before; this keeps the power small
# What a cache backend raises when its server is away (refused, reset, timed out, loading).
CACHE_ERRORS = (redis.RedisError, OSError)
# Counts while the shared cache is away: bounded (LocMemCache culls), so a flood of addresses
# costs memory up to this many keys, no more; a culled count only makes a limit more lenient.
_fallback = LocMemCache("ratelimit-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})
T = TypeVar("T")


class OnOutage(Enum):
    LOCAL = "local"  # count in this process: the limit holds per process
    OPEN = "open"  # let the request through uncounted


def _counted(op: Callable[[BaseCache], T]) -> T:
    """``op`` on the shared cache, or on the in-process fallback while the shared one fails.

    Only connection-type errors count as an outage; anything else is a bug and propagates."""
    if not degraded.recently_failed("cache"):
        try:
            result = op(cache)
        except CACHE_ERRORS as exc:
            degraded.report("cache", exc, doing="rate limits counted in each web process")
        else:
            degraded.recovered("cache")
            return result
    return op(_fallback)


def client_address(request: HttpRequest) -> str:
    header = settings.RATELIMIT_CLIENT_IP_HEADER
    if header and request.META.get(header):
        return str(request.META[header]).split(",")[0].strip()
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def _incr(store: BaseCache, key: str, timeout: int) -> int:
    store.add(key, 0, timeout=timeout)
    try:
        return int(store.incr(key))
    except ValueError:  # evicted between add and incr
        store.set(key, 1, timeout=timeout)
        return 1


def hit(
    request: HttpRequest,
    scope: str,
    limit: tuple[int, int],
    extra: str = "",
    *,
    on_outage: OnOutage = OnOutage.LOCAL,
) -> bool:
    """Count one request; False when the caller is over ``limit`` = (count, seconds)."""
    count, seconds = limit
    window = int(time.time() // seconds)
    ident = hashlib.sha256(f"{client_address(request)}|{extra}".encode()).hexdigest()[:32]
    key = f"rl:{scope}:{window}:{ident}"
    if on_outage is OnOutage.OPEN:
        if degraded.recently_failed("cache"):
            return True
        try:
            used = _incr(cache, key, seconds)
        except CACHE_ERRORS as exc:
            degraded.report("cache", exc, doing="rate limits counted in each web process")
            return True
        return used <= count
    return _counted(lambda store: _incr(store, key, seconds)) <= count


def _account_key(kind: str, username: str) -> str:
    ident = hashlib.sha256(f"login-account|{username.strip().casefold()}".encode()).hexdigest()[:32]
    return f"rl:acct:{kind}:{ident}"


def account_cooloff_until(username: str) -> datetime | None:
    """When the account's current cool-off ends, or None when it may try to sign in now."""
    stamp = _counted(lambda store: store.get(_account_key("until", username)))
    if stamp is None:
        return None
    until = datetime.fromtimestamp(float(stamp), tz=UTC)
    return until if until > timezone.now() else None


def account_failed(username: str) -> datetime | None:
    """Count one failed sign-in for ``username``; the end of the cool-off it starts, if any.

    The count is an atomic ``incr``, so simultaneous guesses can't share one slot. When it is
    forgotten is kept as a timestamp beside it, compared with our clock rather than left to the
    cache's expiry alone, so it reads the same on every cache backend.
    """
    return _counted(lambda store: _account_failed(store, username))


def _account_failed(cache: BaseCache, username: str) -> datetime | None:
    threshold, window = settings.RATELIMIT_LOGIN_ACCOUNT
    first, longest = settings.RATELIMIT_LOGIN_COOLOFF
    key, forget_key = _account_key("fails", username), _account_key("forget", username)
    now = timezone.now()
    forget_at = cache.get(forget_key)
    if forget_at is not None and now.timestamp() > float(forget_at):
        cache.delete(key)  # a window has passed since the last failure (and its cool-off)
    failures = _incr(cache, key, window + longest)
    seconds = 0
    if failures >= threshold:
        seconds = min(longest, first * 2 ** min(failures - threshold, MAX_DOUBLINGS))
        cache.set(_account_key("until", username), (now + timedelta(seconds=seconds)).timestamp(), timeout=seconds)
    # Forgotten a window after this failure and its cool-off; the next failure before then doubles it.
    forget = now + timedelta(seconds=window + seconds)
    cache.set(forget_key, forget.timestamp(), timeout=window + seconds)
    cache.touch(key, window + seconds)
    return now + timedelta(seconds=seconds) if seconds else None


def account_reset(username: str) -> None:
    """A successful sign-in: the account starts afresh."""
    keys = [_account_key(kind, username) for kind in ("fails", "forget", "until")]
    _counted(lambda store: store.delete_many(keys))
    _fallback.delete_many(keys)  # counted here during an outage: the success clears those too
