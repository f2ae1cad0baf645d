"""What a caller may do: be an agent, and hold a token whose scope covers the request.

Reading needs the ``read`` scope, writing ``write`` (a view may ask for more with
``required_scope``). A session (the desk's own scripts) is the agent themself: any scope.
Which tickets an agent may see is not decided here but by the domain's selectors
(``ticket_get_for_agent``: 404 outside the agent's queues), exactly as on the desk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from api.models import ApiToken

if TYPE_CHECKING:
    from rest_framework.views import APIView
from tickets.models.agent import is_agent


class AgentWithScope(BasePermission):
    message = "This token's scope does not allow that."

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not is_agent(request.user):
            return False
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        needed = ApiToken.Scope.READ if request.method in SAFE_METHODS else getattr(view, "required_scope", "write")
        return token.allows(needed)
