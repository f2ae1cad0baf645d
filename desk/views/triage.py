"""Triage actions on the desk's ticket page: move and correct the kind, take it, tags, related
tickets, follow, merge. Each is a POST on /desk/t/<reference>/...; each looks the ticket up in the
agent's queues (404 otherwise, for crafted references too), calls one service, says what happened
and stays on the ticket, or shows the page again with the form's errors beside its fields.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.timezone import get_current_timezone as tz
from django.views.decorators.http import require_POST

from desk.access import AgentRequest, agent_required
from desk.forms_triage import LinkForm, MergeForm, ReferenceForm, TagsForm, TriageForm
from desk.views.tickets import ticket_page
from helpdesk.lib.forms import add_service_errors
from tickets import selectors
from tickets.models import Ticket
from tickets.selectors_triage import move_queues
from tickets.services import merge as merge_service
from tickets.services import triage as services
from tickets.triage_text import promise_clause


def _back(ticket: Ticket) -> HttpResponse:
    return redirect("desk:ticket", reference=ticket.reference)


def _again(request: AgentRequest, ticket: Ticket, **forms: Any) -> HttpResponse:
    ticket.refresh_from_db()
    return ticket_page(request, ticket, status=400, **forms)


@require_POST
@agent_required
def ticket_triage(request: AgentRequest, reference: str) -> HttpResponse:
    """Move to another queue and/or correct the kind. Into a queue the agent is not in: allowed,
    and then the ticket leaves their view, so they go back to the queue with a message."""
    ticket = selectors.ticket_get_for_agent(user=request.user, reference=reference)
    old_queue, old_kind = ticket.queue.name, ticket.get_kind_display()
    form = TriageForm(request.POST, queues=move_queues())
    if form.is_valid():
        try:
            done = services.ticket_triage(
                ticket=ticket, agent=request.user, queue_id=form.cleaned_data["queue"], kind=form.cleaned_data["kind"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if not done.changed:
                messages.info(request, "Nothing to change.")
                return _back(ticket)
            ticket.refresh_from_db()
            parts = []
            if ticket.queue.name != old_queue:
                parts.append(f"Moved {ticket.reference} from {old_queue} to {ticket.queue.name}")
            if ticket.get_kind_display() != old_kind:
                parts.append(f"kind corrected from {old_kind} to {ticket.get_kind_display()}")
            clause = promise_clause(done.replanned.effect, done.replanned.due_at, tz())
            said = "; ".join([*parts, clause] if clause else parts)
            said = said[0].upper() + said[1:] + "."
            if not Ticket.objects.visible_to(request.user).filter(pk=ticket.pk).exists():
                messages.success(request, f"{said} You're not in {ticket.queue.name}, so it has left your view.")
                return redirect("desk:queue")
            messages.success(request, said)
            return _back(ticket)
    return _again(request, ticket, triage_form=form)


@require_POST
@agent_required
def ticket_take(request: AgentRequest, reference: str) -> HttpResponse:
    ticket = selectors.ticket_get_for_agent(user=request.user, reference=reference)
    try:
        taken = services.ticket_take(ticket=ticket, agent=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "It's yours now." if taken else "It was already yours.")
    return _back(ticket)


@require_POST
@agent_required
def ticket_tags(request: AgentRequest, reference: str) -> HttpResponse:
    """Add tags (``tags``, comma-separated) or take one off (``remove``, a tag id)."""
    ticket = selectors.ticket_get_for_agent(user=request.user, reference=reference)
    remove = request.POST.get("remove", "")
    if remove:
        if remove.isdigit():
            services.ticket_tags_change(ticket=ticket, agent=request.user, remove=[int(remove)])
            messages.success(request, "Tag removed.")
        return _back(ticket)
    form = TagsForm(request.POST)
    if form.is_valid():
        try:
            added = services.ticket_tags_change(ticket=ticket, agent=request.user, add=form.cleaned_data["tags"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Tags added." if added else "Those tags were already on it.")
            return _back(ticket)
    return _again(request, ticket, tags_form=form)


def _other_ticket(request: AgentRequest, form: ReferenceForm) -> Ticket | None:
    """The ticket the form names, among those the agent may see; an error on the form otherwise."""
    reference = form.cleaned_data["reference"]
    try:
        return selectors.ticket_get_for_agent(user=request.user, reference=reference)
    except Http404:
        form.add_error("reference", f"There is no {reference} in your queues.")
        return None


@require_POST
@agent_required
def ticket_link(request: AgentRequest, reference: str) -> HttpResponse:
    ticket = selectors.ticket_get_for_agent(user=request.user, reference=reference)
    form = LinkForm(request.POST)
    other = _other_ticket(request, form) if form.is_valid() else None
    if other is not None:
        try:
            linked = services.ticket_link(ticket=ticket, other=other, agent=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Linked to {other.reference}." if linked else "They were already linked.")
            return _back(ticket)
    return _again(request, ticket, link_form=form)


@require_POST
@agent_required
def ticket_unlink(request: AgentRequest, reference: str, other: str) -> HttpResponse:
    ticket = selectors.ticket_get_for_agent(user=request.user, reference=reference)
    related = selectors.ticket_get_for_agent(user=request.user, reference=other)
    if services.ticket_unlink(ticket=ticket, other=related, agent=request.user):
        messages.success(request, f"Unlinked from {related.reference}.")
    return _back(ticket)


@require_POST
@agent_required
def ticket_follow(request: AgentRequest, reference: str) -> HttpResponse:
    ticket = selectors.ticket_get_for_agent(user=request.user, reference=reference)
    follow = request.POST.get("follow") == "1"
    services.ticket_follow(ticket=ticket, user=request.user, follow=follow)
    if follow:
        messages.success(request, "You're following this ticket: you'll hear when the customer replies.")
    else:
        messages.success(request, "You no longer follow this ticket.")
    return _back(ticket)


@require_POST
@agent_required
def ticket_merge(request: AgentRequest, reference: str) -> HttpResponse:
    """Merge this ticket (the duplicate) into another of the customer's: first a page saying what
    will happen, then (``confirm``) the merge. The agent lands on the ticket that goes on."""
    ticket = selectors.ticket_get_for_agent(user=request.user, reference=reference)
    form = MergeForm(request.POST)
    target = _other_ticket(request, form) if form.is_valid() else None
    if target is not None and not form.cleaned_data["confirm"]:
        refusal = merge_service.merge_refusal(ticket, target)
        if refusal is None:
            context = {"ticket": ticket, "target": target, "form": form}
            return render(request, "desk/triage/merge_confirm.html", context)
        form.add_error("reference", refusal)
    elif target is not None:
        try:
            merged = merge_service.ticket_merge(source=ticket, target=target, agent=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            moved = f"{merged.messages} message{'s' if merged.messages != 1 else ''}"
            messages.success(
                request,
                f"Merged {ticket.reference} into {target.reference}: {moved} moved here; "
                f"{ticket.customer.name} is told once, by email.",
            )
            return _back(target)
    return _again(request, ticket, merge_form=form)
