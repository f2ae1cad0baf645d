"""The care cards of the desk's ticket page (follow-ups; on a complaint, goodwill and the
resolution): their context and forms, for ``desk.views.tickets.ticket_page`` and the actions in
``desk.views.care``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from desk.forms_care import GestureForm, ResolutionForm
from tickets.models import GoodwillLimit, Ticket
from tickets.selectors_care import ticket_care
from tickets.services.gestures import deciding_lead, may_approve


def page_context(*, user: User, ticket: Ticket, forms: dict[str, Any]) -> dict[str, Any]:
    """Six queries for a complaint (three for another ticket), plus one for a fresh gesture form."""
    care = ticket_care(ticket)
    context: dict[str, Any] = {"care": care}
    if ticket.kind != Ticket.Kind.COMPLAINT:
        return context
    resolution = care.resolution
    initial = {"note": resolution.note, "root_cause": resolution.root_cause_id} if resolution else {}
    gesture_form = forms.get("gesture_form")
    if gesture_form is None:
        currency = GoodwillLimit.objects.values_list("currency", flat=True).first() or ""
        gesture_form = GestureForm(initial={"currency": currency})
    context.update(
        gesture_form=gesture_form,
        resolution_form=forms.get("resolution_form") or ResolutionForm(causes=care.root_causes, initial=initial),
        can_approve=may_approve(user, ticket),
        lead_decides=deciding_lead(ticket) is not None,
    )
    return context
