"""The reply composer's side of canned responses, called from the desk's ticket views."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.forms import Form
from django.http import Http404, HttpRequest
from django.utils import timezone

from canned_responses import selectors, services
from canned_responses.models import CannedResponse, CannedResponseUse
from tickets.models import Ticket

KEPT_FIELDS = ("visibility", "body", "status_after", "next_update", "next_update_at")


def _label(response: CannedResponse) -> str:
    return f"{response.title} ({response.shortcut})" if response.shortcut else response.title


def composer_choices_set(*, form: Form, user: User, ticket: Ticket) -> None:
    """Fill the composer's "Canned response" select: suggestions for this ticket first. One query."""
    found = selectors.canned_for_ticket(user=user, ticket=ticket)
    suggested = [(r.pk, _label(r)) for r, s in found if s]
    others = [(r.pk, _label(r)) for r, s in found if not s]
    choices: list[Any] = [("", "Pick a response…" if found else "No canned responses for this ticket")]
    if suggested:
        choices.append(("Suggested for this ticket", suggested))
    if others:
        choices.append(("Other responses", others))
    form.fields["canned"].widget.choices = choices  # type: ignore[attr-defined]


def composer_apply(*, request: HttpRequest, user: User, ticket: Ticket, form_class: type[Form]) -> Form:
    """The "Insert" button without JavaScript: the composer again, body filled in, nothing sent."""
    initial: dict[str, Any] = {name: request.POST.get(name, "") for name in KEPT_FIELDS}
    raw = request.POST.get("canned", "")
    if not raw.isdigit():
        messages.info(request, "Pick a canned response to insert first.")
        return form_class(initial=initial)
    response = selectors.canned_get_for_ticket(user=user, ticket=ticket, pk=int(raw))
    text = selectors.canned_render(response=response, ticket=ticket, agent=user, at=timezone.now())
    body = initial["body"].rstrip()
    initial["body"] = f"{body}\n\n{text}" if body else text
    initial["canned_id"] = response.pk
    if response.suggested_status:
        initial["status_after"] = response.suggested_status
    if response.suggested_next_update:
        initial["next_update"] = response.suggested_next_update
    messages.info(request, f"Inserted “{response.title}”: check it, edit it if needed, then send.")
    return form_class(initial=initial)


def composer_use_record(*, canned_id: int | None, user: User, ticket: Ticket) -> CannedResponseUse | None:
    """After a reply is sent: count the canned response it came from (if the agent may use it)."""
    if not canned_id:
        return None
    try:
        response = selectors.canned_get_for_ticket(user=user, ticket=ticket, pk=canned_id)
    except Http404:
        return None
    return services.canned_response_use_record(response=response, agent=user, ticket=ticket, at=timezone.now())
