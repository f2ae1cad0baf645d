"""Who else has a ticket open on the desk right now, and whether they are writing to it.

The ticket page (static/js/presence.js) posts a heartbeat every ``POLL_SECONDS`` while its tab
is visible; each heartbeat says what the agent is doing ("viewing", or typing a "reply" or a
"note") and gets back the others. Heartbeats live in the cache only, no table and no extra
service: one key per agent and ticket that expires ``TTL_SECONDS`` after the last beat, and a
roster of the agents seen on the ticket lately. A closed tab says goodbye (``presence_leave``);
a hidden one stops beating and drops out when its key expires.

Two agents joining a ticket in the same instant may overwrite each other's roster update; the
one left out adds itself again on its next beat, so at worst someone shows up one interval
late. Presence is a courtesy: when the cache is unreachable it shows nobody and never fails
the page (docs/reliability.md §5); the outage is logged once a minute by ``helpdesk.lib.degraded``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.cache import cache

from helpdesk.lib import degraded
from helpdesk.lib.ratelimit import CACHE_ERRORS

POLL_SECONDS = 10  # how often an open, visible ticket page beats
TTL_SECONDS = 25  # an agent is gone two missed beats (and a margin) after their last one
ROSTER_SECONDS = 3600
STATES = {"viewing": "is viewing", "reply": "is typing a reply", "note": "is writing a note"}


def _roster_key(ticket_id: int) -> str:
    return f"presence:{ticket_id}"


def _agent_key(ticket_id: int, user_id: int) -> str:
    return f"presence:{ticket_id}:{user_id}"


def _others(ticket_id: int, user: User, roster: list[int]) -> list[dict[str, str]]:
    others = [pk for pk in roster if pk != user.pk]
    found: dict[str, Any] = cache.get_many([_agent_key(ticket_id, pk) for pk in others]) if others else {}
    alive = [pk for pk in others if _agent_key(ticket_id, pk) in found]
    if len(alive) < len(others):  # forget those whose key expired
        cache.set(_roster_key(ticket_id), sorted([*alive, user.pk]), ROSTER_SECONDS)
    entries = [found[_agent_key(ticket_id, pk)] for pk in alive]
    return sorted(
        ({"name": str(e["name"]), "doing": STATES.get(str(e["state"]), STATES["viewing"])} for e in entries),
        key=lambda entry: entry["name"],
    )


def presence_beat(*, ticket_id: int, user: User, state: str) -> list[dict[str, str]]:
    """Record that ``user`` has the ticket open (``state``: a key of ``STATES``); return the
    others there now, as {"name", "doing"} sorted by name. Nobody when the cache is away."""
    if degraded.recently_failed("cache"):
        return []
    entry = {"name": user.get_full_name() or user.get_username(), "state": state if state in STATES else "viewing"}
    try:
        cache.set(_agent_key(ticket_id, user.pk), entry, TTL_SECONDS)
        roster = list(cache.get(_roster_key(ticket_id)) or [])
        if user.pk not in roster:
            roster.append(user.pk)
            cache.set(_roster_key(ticket_id), sorted(roster), ROSTER_SECONDS)
        others = _others(ticket_id, user, roster)
    except CACHE_ERRORS as exc:
        degraded.report("cache", exc, doing="presence on ticket pages shows nobody")
        return []
    degraded.recovered("cache")
    return others


def presence_leave(*, ticket_id: int, user: User) -> None:
    """The agent closed the page: drop them now rather than when their key expires."""
    if degraded.recently_failed("cache"):
        return
    try:
        cache.delete(_agent_key(ticket_id, user.pk))
    except CACHE_ERRORS as exc:
        degraded.report("cache", exc, doing="presence on ticket pages shows nobody")
