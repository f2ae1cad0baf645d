"""The agent's own API tokens, on the desk: /desk/me/tokens/ (make, list, revoke).

These pages live in the api app, beside the token model, as the mail app keeps its agent page
(docs/architecture.md): the desk never imports a sibling way in. They wear the desk's look
(``desk/_base.html``; the namespace ``desk_api`` is one ``desk.context`` counts as the desk's).
A new token's secret is shown once, on the page that answers the POST, and never again: only
its SHA-256 is kept. Another agent's token is unknown here (404).
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from api.forms import TokenForm
from api.selectors import token_get_for_owner, token_list_for_owner
from api.services import token_create, token_revoke
from helpdesk.lib.forms import add_service_errors
from tickets.models.agent import is_agent
from tickets.selectors import desk_agent_for


def _agent(request: HttpRequest) -> User:
    if not is_agent(request.user):
        raise Http404("Not an agent")
    user = cast(User, request.user)
    request.desk_agent = desk_agent_for(user)  # type: ignore[attr-defined]  # the desk's top bar reads it
    return user


def _page(request: HttpRequest, user: User, form: TokenForm, *, secret: str = "", status: int = 200) -> HttpResponse:
    context = {"form": form, "tokens": token_list_for_owner(user), "secret": secret, "now": timezone.now()}
    response = render(request, "api/tokens.html", context, status=status)
    if secret:
        response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    user = _agent(request)
    with timezone.override(request.desk_agent.zone):  # type: ignore[attr-defined]  # times in the agent's zone
        return _tokens(request, user)


def _tokens(request: HttpRequest, user: User) -> HttpResponse:
    if request.method != "POST":
        return _page(request, user, TokenForm(admin=user.is_superuser))
    form = TokenForm(request.POST, admin=user.is_superuser)
    if form.is_valid():
        data = form.cleaned_data
        try:
            created = token_create(owner=user, name=data["name"], scope=data["scope"], expires_at=data["expires_at"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _page(request, user, TokenForm(admin=user.is_superuser), secret=created.secret, status=201)
    return _page(request, user, form, status=400)


@require_POST
@login_required
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = _agent(request)
    token = token_get_for_owner(user=user, pk=pk)
    if token_revoke(token=token):
        messages.success(request, f"Revoked “{token.name}”: it no longer works.")
    return redirect("desk_api:tokens")
