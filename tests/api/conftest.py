"""API personas: each desk persona with a token of each scope, and clients that send them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken
from api.services import token_create
from tests.api.schema_check import SchemaCheckedClient


def client_with(secret: str | None) -> APIClient:
    client = SchemaCheckedClient()
    if secret:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def token_for(desk) -> Callable[..., str]:
    """``token_for(user, scope="write", **fields)``: a new token's secret."""

    def make(user: Any, scope: str = ApiToken.Scope.WRITE, expires_at: Any = None) -> str:
        return token_create(owner=user, name=f"{user.username} {scope}", scope=scope, expires_at=expires_at).secret

    return make


@pytest.fixture
def api_alice(desk, token_for) -> APIClient:
    return client_with(token_for(desk.agent_a))


@pytest.fixture
def api_bob(desk, token_for) -> APIClient:
    return client_with(token_for(desk.agent_b))


@pytest.fixture
def api_admin(desk, token_for) -> APIClient:
    return client_with(token_for(desk.admin, ApiToken.Scope.ADMIN))


@pytest.fixture
def api_alice_read(desk, token_for) -> APIClient:
    return client_with(token_for(desk.agent_a, ApiToken.Scope.READ))


@pytest.fixture
def api_anon() -> APIClient:
    return client_with(None)


@pytest.fixture
def api_revoked(desk) -> APIClient:
    created = token_create(owner=desk.agent_a, name="old", scope=ApiToken.Scope.WRITE)
    ApiToken.objects.filter(pk=created.token.pk).update(revoked_at=timezone.now())
    return client_with(created.secret)


@pytest.fixture
def api_expired(desk) -> APIClient:
    created = token_create(
        owner=desk.agent_a, name="soon", scope=ApiToken.Scope.WRITE, expires_at=timezone.now() + timedelta(hours=1)
    )
    ApiToken.objects.filter(pk=created.token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    return client_with(created.secret)
