"""Writes of the API's own records: making, revoking and touching tokens.

Writes to tickets go through the domain's services (``tickets.services``), never from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone

from api.models import ApiToken
from api.tokens import token_hash, token_new
from tickets.models.agent import is_agent

NAME_MAX = 100
TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often per token
TOKENS_MAX = 50  # live tokens per agent


@dataclass(frozen=True)
class Created:
    token: ApiToken
    secret: str  # shown once, never stored


def token_create(*, owner: User, name: str, scope: str, expires_at: datetime | None = None) -> Created:
    """A new token for an agent. Admin scope is for admins only; an expiry must be in the future."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Give the token a name, e.g. what it is for."})
    if len(name) > NAME_MAX:
        raise ValidationError({"name": f"Keep the name under {NAME_MAX} characters."})
    if scope not in ApiToken.Scope.values:
        raise ValidationError({"scope": "Choose a scope from the list."})
    if scope == ApiToken.Scope.ADMIN and not owner.is_superuser:
        raise ValidationError({"scope": "Only admins can make a token with the admin scope."})
    if not is_agent(owner):
        raise ValidationError("Only agents can have API tokens.")
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        raise ValidationError({"expires_at": "Pick a time in the future, or leave it empty."})
    live = ApiToken.objects.filter(owner=owner, revoked_at__isnull=True)
    if live.count() >= TOKENS_MAX:
        raise ValidationError(f"You have {TOKENS_MAX} tokens: revoke one you no longer use first.")
    secret, prefix = token_new()
    token = ApiToken.objects.create(
        owner=owner,
        name=name,
        scope=scope,
        prefix=prefix,
        secret_hash=token_hash(secret),
        created_at=now,
        expires_at=expires_at,
    )
    return Created(token=token, secret=secret)


def token_revoke(*, token: ApiToken) -> bool:
    """Revoke the token at once; False if it already was."""
    changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return bool(changed)


def token_touch(*, token: ApiToken) -> None:
    """Note the token's use, at most once a minute (one conditional UPDATE, none in between)."""
    now = timezone.now()
    if token.last_used_at is not None and token.last_used_at > now - TOUCH_EVERY:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
