"""Who is calling: an agent's personal token (``Authorization: Bearer <token>``) or the desk's session.

A revoked, expired or unknown token gets the same 401 with the same words: the answer never says
which. The desk's own scripts may call the API with their session; CSRF is then enforced
(DRF's ``SessionAuthentication``), so another site can't make a signed-in agent's browser write.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication, get_authorization_header
from rest_framework.request import Request

from api.models import ApiToken
from api.selectors import token_for_secret
from api.services import token_touch
from tickets.models.agent import is_agent

INVALID = "Invalid or expired token."


class BearerTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2 or len(parts[1]) > 200:
            raise exceptions.AuthenticationFailed(INVALID)
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(INVALID) from None
        token = token_for_secret(secret)
        if token is None or not is_agent(token.owner):
            raise exceptions.AuthenticationFailed(INVALID)
        token_touch(token=token)
        return token.owner, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class DeskSessionAuthentication(SessionAuthentication):
    """The desk's session, for agents only (CSRF checked on every write)."""

    def authenticate(self, request: Request) -> tuple[User, None] | None:
        found = super().authenticate(request)
        if found is None or not is_agent(found[0]):
            return None
        return found


class BearerTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "A personal token made at /desk/me/tokens/."}


class DeskSessionScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "api.authentication.DeskSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
